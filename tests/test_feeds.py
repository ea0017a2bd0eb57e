"""Atom feeds of new resources: every link in every feed leads to a page of the built site, and
every page announces the feeds it belongs to."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner
from opencpd.cli import main as opencpd
from opencpd.core.catalog import Catalog
from opencpd.core.feeds import feeds
from opencpd.core.load import load_catalog
from opencpd.core.render import Renderer
from opencpd.core.vocabulary import load_vocabulary

from .conftest import TESTS
from .conftest_browser import BuiltSite
from .deliveries_site import tiny_site

SUPPORT = TESTS / "support_fixture"

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


def atom_ids(xml: str) -> list[str]:
    return [e.text or "" for e in ET.fromstring(xml).iter("{http://www.w3.org/2005/Atom}id")]


def every_feed(catalog: Catalog, site_url: str, site_name: str) -> dict[str, str]:
    """Every Atom feed the site publishes: of resources, of twilights and of support offers."""
    from opencpd.core.render import Renderer

    made = Renderer(catalog, "16:00", site_url, site_name=site_name).pages()
    return {uri: text for uri, text in made.items() if uri.endswith(".xml")}


def test_without_site_url_every_id_is_absolute_and_the_same_in_every_build(
    tmp_path: Path, build_day: None
) -> None:
    """RFC 4287: an id is an absolute IRI that never changes for its entry. Without site_url
    the ids are urn:uuid made from the site's repo_url and each entry's source file (a relative
    address is no id), the same in every build and different for another site; every link is
    relative to the feed, and leads to a page when read from the feed's own address."""
    from urllib.parse import urljoin

    from opencpd.core.load import load_catalog
    from opencpd.core.vocabulary import load_vocabulary

    from .deliveries_site import tiny_site

    catalog = load_catalog(tiny_site(tmp_path / "src"), load_vocabulary())
    repo = "https://github.com/north-hub/cpd"
    found = every_feed(catalog, "", repo)
    assert {"feeds/resources.xml", "feeds/deliveries.xml"} <= set(found)
    again = every_feed(load_catalog(tmp_path / "src", load_vocabulary()), "", repo + "/")
    other = every_feed(catalog, "", "https://github.com/south-hub/cpd")
    uuid = re.compile(
        r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
    )
    entries = 0
    for uri, xml in found.items():
        ids = atom_ids(xml)
        entries += len(ids) - 1
        assert all(uuid.match(i) for i in ids), (uri, ids)
        assert len(set(ids)) == len(ids), uri
        assert ids == atom_ids(again[uri]), uri
        assert not set(ids) & set(atom_ids(other[uri])), uri
        for href in links(xml):
            assert not href.startswith(("/", "http")), (uri, href)
            page = urljoin(f"https://anywhere.example/sub/{uri}", href)
            assert page.startswith("https://anywhere.example/sub/"), (uri, href)
    assert entries > 3
    # an entry's id follows its source file, not the feed it is in: one resource, two feeds
    module = next(m for m in catalog.published_modules if m.resources)
    assert set(atom_ids(found[f"feeds/{module.id}.xml"])[1:]) <= set(
        atom_ids(found["feeds/resources.xml"])
    )


def test_with_site_url_the_ids_are_the_pages_addresses_as_before(
    tmp_path: Path, build_day: None
) -> None:
    """A subscriber would see every entry twice if its id changed: with site_url, an id is
    still the address of the entry's page (and a feed's, its own), whatever the site's name."""
    from opencpd.core.load import load_catalog
    from opencpd.core.vocabulary import load_vocabulary

    from .deliveries_site import tiny_site

    catalog = load_catalog(tiny_site(tmp_path / "src"), load_vocabulary())
    for site_name in ("", "https://github.com/north-hub/cpd"):
        found = every_feed(catalog, SITE_URL.rstrip("/"), site_name)
        for uri, xml in found.items():
            root = ET.fromstring(xml)
            assert atom_ids(xml)[0] == SITE_URL + uri
            for entry in root.iterfind("a:entry", ATOM):
                link = entry.find("a:link", ATOM)
                assert link is not None
                assert entry.findtext("a:id", namespaces=ATOM) == link.get("href")
                assert (link.get("href") or "").startswith(SITE_URL), uri


@pytest.mark.parametrize("name", ["deliveries", "support", "resources"])
def test_a_module_named_like_a_site_feed_is_refused_and_never_takes_its_place(
    tmp_path: Path, build_day: None, name: str
) -> None:
    """feeds/<module>.xml sits beside the site's own feeds: a module called deliveries made its
    feed feeds/deliveries.xml, and the twilights' feed was silently replaced by it."""
    root = tiny_site(tmp_path / "src")
    shutil.copytree(SUPPORT / "support", root / "support")
    module = root / "modules" / name
    (root / "modules" / "ks3-reading").rename(module)
    page = module / "module.md"
    page.write_text(page.read_text("utf-8").replace("id: ks3-reading", f"id: {name}"), "utf-8")
    for delivery in (root / "deliveries").glob("*.md"):
        delivery.write_text(delivery.read_text("utf-8").replace("ks3-reading", name), "utf-8")
    checked = CliRunner(env={"CI": None}).invoke(opencpd, ["check", "-f", str(root / "mkdocs.yml")])
    assert checked.exit_code == 1, checked.output
    assert re.search(
        rf"^modules/{name}/module.md:2:\d+: bad-name: the module's name is taken by one of the "
        rf"site's own feeds, feeds/{name}.xml ",
        checked.output,
        re.MULTILINE,
    ), checked.output
    # even a build that goes on despite the finding keeps the site's own feed
    catalog = load_catalog(root, load_vocabulary())
    assert name not in [m.id for m in catalog.published_modules]
    found = Renderer(catalog, "16:00", SITE_URL).pages()
    title = ET.fromstring(found[f"feeds/{name}.xml"]).findtext("a:title", namespaces=ATOM)
    assert title is not None and "Reading at KS3" not in title, title


def test_new_module_will_not_take_a_site_feeds_name(tmp_path: Path) -> None:
    root = tiny_site(tmp_path / "src")
    made = CliRunner(env={"CI": None}).invoke(
        opencpd,
        ["new", "module", "deliveries", "-f", str(root / "mkdocs.yml"), "--title", "Twilights"],
    )
    assert made.exit_code != 0 and isinstance(made.exception, SystemExit), made.output
    assert "feeds/deliveries.xml" in made.output and "Traceback" not in made.output
    assert not (root / "modules" / "deliveries").exists()
