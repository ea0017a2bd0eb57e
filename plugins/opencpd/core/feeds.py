"""Atom feeds of newly approved resources: one for the site and one per module."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

from .catalog import Catalog, Doc, ModuleDoc
from .model import Resource
from .wellformed import xml_document

ATOM = "http://www.w3.org/2005/Atom"
LIMIT = 50


def feed_uri(module: ModuleDoc | None = None) -> str:
    return f"feeds/{module.id}.xml" if module else "feeds/resources.xml"


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def atom(
    title: str,
    self_url: str,
    site_url: str,
    items: list[tuple[ModuleDoc, Doc[Resource]]],
    home: str = "",
) -> str:
    """A feed of the newest approved `items`. Entry links are made from `site_url`, the root
    of the site (a resource's URL is relative to it); the feed's own page is `home`, the
    site's root unless said."""
    approved = [(m, r) for m, r in items if r.meta.status == "approved"]
    newest = sorted(approved, key=lambda mr: (mr[1].meta.submitted, mr[1].slug), reverse=True)[
        :LIMIT
    ]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = self_url
    ET.SubElement(feed, f"{{{ATOM}}}link", href=self_url, rel="self")
    ET.SubElement(feed, f"{{{ATOM}}}link", href=home or site_url, rel="alternate", type="text/html")
    updated = newest[0][1].meta.submitted if newest else dt.date(2026, 1, 1)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(updated)
    for module, resource in newest:
        r, url = resource.meta, site_url + resource.url
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = r.shown_title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = url
        ET.SubElement(entry, f"{{{ATOM}}}link", href=url)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(r.submitted)
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = r.contributor.name
        ET.SubElement(entry, f"{{{ATOM}}}category", term=module.id, label=module.meta.title)
        if r.example:
            ET.SubElement(entry, f"{{{ATOM}}}category", term="example", label="Example")
        ET.SubElement(entry, f"{{{ATOM}}}rights").text = r.licence
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = r.shown_summary
    return xml_document(feed)


def feeds(catalog: Catalog, site_url: str) -> dict[str, str]:
    """src_uri -> Atom XML, for the whole site and for each module with resources."""
    site_url = site_url.rstrip("/") + "/" if site_url else "/"
    out = {
        feed_uri(): atom(
            "OpenCPD: new teachers' resources", site_url + feed_uri(), site_url, catalog.resources
        )
    }
    for module in catalog.published_modules:
        out[feed_uri(module)] = atom(
            f"OpenCPD: new resources for {module.meta.title}",
            site_url + feed_uri(module),
            site_url,
            [(module, r) for r in module.resources],
            home=site_url + module.url,
        )
    return out
