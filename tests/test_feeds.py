"""Atom feeds of new resources: every link in every feed leads to a page of the built site, and
every page announces the feeds it belongs to."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree as ET

from opencpd.core.catalog import Catalog
from opencpd.core.feeds import feeds

from .conftest_browser import BuiltSite

ATOM = {"a": "http://www.w3.org/2005/Atom"}
SITE_URL = "https://opencpd.example.org/"
# "alternate " with a space: Material fetches a sitemap beside any rel exactly "alternate"
ALTERNATE = re.compile(r'<link rel="alternate " type="application/atom\+xml" href="([^"]+)"')


def links(xml: str) -> list[str]:
    root = ET.fromstring(xml)
    return [link.get("href", "") for link in root.iter("{http://www.w3.org/2005/Atom}link")]


def test_module_feed_entries_link_to_the_resource_pages(fixture_catalog: Catalog) -> None:
    found = feeds(fixture_catalog, SITE_URL)
    module = next(m for m in fixture_catalog.published_modules if m.resources)
    root = ET.fromstring(found[f"feeds/{module.id}.xml"])
    entries = [e.get("href") for e in root.iterfind("a:entry/a:link", ATOM)]
    assert entries == [SITE_URL + r.url for r in module.resources if r.meta.status == "approved"]
    page = root.find("a:link[@rel='alternate']", ATOM)
    assert page is not None and page.get("href") == SITE_URL + module.url


def site_file(site: Path, url: str) -> Path:
    """The file a URL of the site is served from (directory URLs end in index.html)."""
    assert url.startswith(SITE_URL), url
    path = site / url.removeprefix(SITE_URL)
    return path / "index.html" if url.endswith("/") else path


def test_every_link_in_every_feed_leads_to_a_page(built_repo_site: BuiltSite) -> None:
    site = built_repo_site.folder
    found = sorted((site / "feeds").glob("*.xml"))
    published = built_repo_site.catalog.published_modules
    expected = {f"{module.id}.xml" for module in published} | {"resources.xml"}
    assert expected <= {f.name for f in found}, [f.name for f in found]
    broken, followed = [], 0
    for feed in found:
        for url in links(feed.read_text(encoding="utf-8")):
            followed += 1
            if not site_file(site, url).is_file():
                broken.append(f"{feed.name}: {url}")
    assert followed > 2 * len(found)
    assert not broken, "feed links to pages that do not exist:\n" + "\n".join(broken)


def announced(site: Path, page: Path) -> list[Path]:
    html = page.read_text(encoding="utf-8")
    head = html[: html.index("</head>")]
    assert '<link rel="alternate" type="application/atom' not in head, page
    # 404.html links from the site's root: it is served at any address
    return [
        (site / href[1:] if href.startswith("/") else page.parent / href).resolve()
        for href in ALTERNATE.findall(head)
    ]


def test_every_page_announces_the_site_feed(built_repo_site: BuiltSite) -> None:
    site = built_repo_site.folder
    # a slide deck is a presentation opened from its session page, not a page of the site
    pages = sorted(p for p in site.rglob("*.html") if p.parent.name != "slides")
    missing = [
        str(p.relative_to(site))
        for p in pages
        if (site / "feeds" / "resources.xml").resolve() not in announced(site, p)
    ]
    assert len(pages) > 100
    assert not missing, "pages that do not announce the feed of new resources:\n" + "\n".join(
        missing[:20]
    )


def test_module_pages_announce_their_module_feed(built_repo_site: BuiltSite) -> None:
    site = built_repo_site.folder
    problems = []
    for module in built_repo_site.catalog.published_modules:
        feed = (site / "feeds" / f"{module.id}.xml").resolve()
        docs = [module, *module.sessions, *module.handouts.values(), *module.resources]
        for doc in docs:
            found = announced(site, site / doc.url / "index.html")
            if feed not in found:
                problems.append(f"{doc.url}: does not announce feeds/{module.id}.xml")
            problems.extend(f"{doc.url}: announces a missing {f}" for f in found if not f.is_file())
    assert not problems, "\n".join(problems)
