"""Atom feeds (RFC 4287): of newly approved resources, one for the site and one per module, and
the head and entries every Atom feed of the site is made of (the deliveries' and the support
offers' too). Ids and links come from SiteIds (core/site_ids.py): absolute ids that never
change, and links that lead to the site's pages wherever it is published."""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.etree import ElementTree as ET

from .catalog import Catalog, Doc, ModuleDoc
from .model import Resource
from .site_ids import SiteIds
from .wellformed import xml_document

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LIMIT = 50
PROGRAMME = "OpenCPD"  # the programme's name when a caller gives none (a site gives its site_name)
# The site's own feeds. Each module's sits beside them, named after the module (feed_uri): a
# module named like one of them would take its place, and its readers would be sent the
# module's resources instead (modules.py refuses the name).
RESOURCES_FEED = "feeds/resources.xml"
DELIVERIES_FEED = "feeds/deliveries.xml"
SUPPORT_FEED = "feeds/support.xml"
SITE_FEEDS = (RESOURCES_FEED, DELIVERIES_FEED, SUPPORT_FEED)


def feed_uri(module: ModuleDoc | None = None) -> str:
    return module_feed(module.id) if module else RESOURCES_FEED


def module_feed(module_id: str) -> str:
    return f"feeds/{module_id}.xml"


def names_a_site_feed(module_id: str) -> bool:
    """Whether a module of this id would have one of the site's own feeds' names."""
    return module_feed(module_id) in SITE_FEEDS


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def atom_head(
    ids: SiteIds, uri: str, title: str, home: str, updated: dt.date, language: str = ""
) -> ET.Element:
    """The feed at `uri` (its path in the site), before its entries: its title, id, own address,
    the page it follows (`home`, a URL relative to the site's root) and when it last changed.
    `language`: its xml:lang, for a reader to pick a voice, hyphenation and spelling."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: language} if language else {})
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = ids.entry_id(uri, uri)
    ET.SubElement(feed, f"{{{ATOM}}}link", href=ids.link(uri, uri), rel="self")
    ET.SubElement(
        feed, f"{{{ATOM}}}link", href=ids.link(home, uri), rel="alternate", type="text/html"
    )
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(updated)
    return feed


def atom_entry(
    feed: ET.Element,
    ids: SiteIds,
    uri: str,
    doc: Doc[Any],
    title: str,
    updated: dt.date,
    author: str,
) -> ET.Element:
    """An entry of the feed at `uri` for the page of `doc`, up to its author; its id made from
    the page's address, or from its source file when the site's address is unknown."""
    entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
    ET.SubElement(entry, f"{{{ATOM}}}title").text = title
    ET.SubElement(entry, f"{{{ATOM}}}id").text = ids.entry_id(doc.url, doc.source)
    ET.SubElement(entry, f"{{{ATOM}}}link", href=ids.link(doc.url, uri))
    ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(updated)
    ET.SubElement(ET.SubElement(entry, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = author
    return entry


def atom(
    title: str,
    ids: SiteIds,
    uri: str,
    items: list[tuple[ModuleDoc, Doc[Resource]]],
    home: str = "",
) -> str:
    """The feed at `uri` of the newest approved `items`; the page it follows is `home` (a URL
    relative to the site's root), the site's root unless said."""
    approved = [(m, r) for m, r in items if r.meta.status == "approved"]
    newest = sorted(approved, key=lambda mr: (mr[1].meta.submitted, mr[1].slug), reverse=True)[
        :LIMIT
    ]
    updated = newest[0][1].meta.submitted if newest else dt.date(2026, 1, 1)
    feed = atom_head(ids, uri, title, home, updated)
    for module, resource in newest:
        r = resource.meta
        entry = atom_entry(feed, ids, uri, resource, r.shown_title, r.submitted, r.contributor.name)
        ET.SubElement(entry, f"{{{ATOM}}}category", term=module.id, label=module.meta.title)
        if r.example:
            ET.SubElement(entry, f"{{{ATOM}}}category", term="example", label="Example")
        ET.SubElement(entry, f"{{{ATOM}}}rights").text = r.licence
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = r.shown_summary
    return xml_document(feed)


def feeds(
    catalog: Catalog, site_url: str, site_name: str = "", programme: str = PROGRAMME
) -> dict[str, str]:
    """src_uri -> Atom XML, for the whole site and for each module with resources.
    `site_name`: what names the site in the ids when `site_url` is not given (SiteIds);
    `programme`: the programme's name, which the feeds' titles carry (the site's site_name)."""
    ids = SiteIds.of(site_url, site_name)
    title = f"{programme}: new teachers' resources"  # as the theme's <link> to it (feeds.html)
    out = {feed_uri(): atom(title, ids, feed_uri(), catalog.resources)}
    for module in catalog.published_modules:
        out[feed_uri(module)] = atom(
            f"{programme}: new resources for {module.meta.title}",
            ids,
            feed_uri(module),
            [(module, r) for r in module.resources],
            home=module.url,
        )
    return out
