"""A programme that installs OpenCPD publishes under its own name, its mkdocs.yml's site_name:
feeds, calendars, JSON-LD, credit lines, the theme's feed links and packs carry it exactly, even
a name with quotes, `&`, `<`, a comma and a semicolon; "OpenCPD" is left only where it names
the tool (or its shipped examples)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import icalendar
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from opencpd.core.load import load_catalog
from opencpd.core.vocabulary import load_vocabulary

from .deliveries_site import BUILD_DAY, LEEDS, pdf_pages, squash, tiny_site

NAME = 'Hub "North" & <Co>, Ltd; test'
TEAM = "North hub team"  # the fixture modules' authors, "OpenCPD project team" there
ATOM = "{http://www.w3.org/2005/Atom}"

# Where a built site may still say "OpenCPD": each names the tool, not the programme.
TOOL = {
    "the calendars' product id": r"^PRODID:-//OpenCPD//Deliveries//EN$",
    "catalog.json's generator": r'^ "generator": "OpenCPD",$',
    "a shipped example's note": r"example shipped with OpenCPD",
    "the package's stylesheets' comments": r"^/\* OpenCPD (additions to Material|search):",
    "the slide decks' script and stylesheet comments": r"^/\* OpenCPD slide decks",
}


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny site of modules, deliveries and support offers, named NAME, with no mention of
    "OpenCPD" in its own content: any left in what it publishes comes from the package."""
    root = tiny_site(tmp_path_factory.mktemp("named") / "src")
    shutil.copytree(Path(__file__).parent / "support_fixture" / "support", root / "support")
    for path in [*root.rglob("*.md"), *root.rglob("*.yml")]:
        text = path.read_text("utf-8")
        text = text.replace("OpenCPD project team", TEAM).replace("OpenCPD", "North hub")
        path.write_text(text, "utf-8")
    config = root / "mkdocs.yml"
    text = config.read_text("utf-8")
    config.write_text(re.sub(r"(?m)^site_name: .*$", f"site_name: {json.dumps(NAME)}", text))
    return root


@pytest.fixture(scope="module")
def site(source: Path) -> Path:
    """The site built strictly with real MkDocs on the deliveries' build day."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", BUILD_DAY)
        config = load_config(str(source / "mkdocs.yml"), site_dir=str(source / "site"), strict=True)
        assert config.site_name == NAME
        build(config)
    return source / "site"


def test_every_atom_feed_is_titled_with_the_sites_name(site: Path) -> None:
    titles = {
        path.relative_to(site).as_posix(): ET.parse(path).getroot().findtext(f"{ATOM}title")
        for path in (site / "feeds").glob("*.xml")
    }
    assert titles["feeds/resources.xml"] == f"{NAME}: new teachers' resources"
    assert titles["feeds/ks2-speaking.xml"] == f"{NAME}: new resources for Speaking at KS2"
    assert titles["feeds/deliveries.xml"] == f"{NAME}: new twilights"
    assert titles["feeds/support.xml"] == f"{NAME}: school-to-school support"
    assert all(str(title).startswith(f"{NAME}: ") for title in titles.values()), titles


def test_every_calendar_is_named_after_the_site_as_icalendar_reads_it(site: Path) -> None:
    feeds = sorted((site / "calendar").rglob("*.ics"))
    assert len(feeds) >= 4  # all, and by region and module
    for path in feeds:
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        name = str(calendar["NAME"])
        assert name == str(calendar["X-WR-CALNAME"]), path
        assert name.startswith(f"{NAME}: twilights ") or name == f"{NAME}: all twilights", name
        assert str(calendar["DESCRIPTION"]).startswith(f"Every {NAME} twilight ") or str(
            calendar["DESCRIPTION"]
        ).startswith(f"{NAME} twilights "), path
    every = icalendar.Calendar.from_ical((site / "calendar" / "all.ics").read_bytes())
    assert str(every["NAME"]) == f"{NAME}: all twilights"
    categories = [[str(c) for c in e["CATEGORIES"].cats] for e in every.walk("VEVENT")]
    assert [f"{NAME} twilight"] in categories  # one category, its comma and semicolon escaped
    assert all(c in ([f"{NAME} twilight"], ["Example"]) for c in categories), categories
    own = icalendar.Calendar.from_ical((site / f"{LEEDS}.ics").read_bytes())
    event = next(iter(own.walk("VEVENT")))
    assert [str(c) for c in event["CATEGORIES"].cats] == [f"{NAME} twilight"]


def json_ld(page: Path) -> dict[str, Any]:
    found = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', page.read_text("utf-8"), re.S
    )
    assert found, page
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_modules_and_publications_are_part_of_the_sites_series(site: Path) -> None:
    for page in ("modules/ks2-speaking/index.html", "handbook/bridge-toolkit/index.html"):
        series = json_ld(site / page)["isPartOf"]
        assert series == {
            "@type": "CreativeWorkSeries",
            "name": NAME,
            "url": "https://opencpd.example.org/",
        }, page


def text_of(html: str) -> str:
    return squash(unescape(re.sub(r"<[^>]+>", "", html)))


def test_pages_ask_for_credit_to_the_site(site: Path) -> None:
    pages = [p for p in site.glob("modules/*/sessions/*/index.html")]
    pages += list(site.glob("handbook/bridge-toolkit/*/index.html"))
    assert pages
    for page in pages:
        text = text_of(page.read_text("utf-8"))
        assert f'You may reuse and adapt it; credit "{TEAM}, {NAME}".' in text, page
    resource = next(site.glob("modules/*/resources/*/index.html"))
    assert f", shared on {NAME} (https://opencpd.example.org/" in text_of(resource.read_text())


class FeedLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.titles: dict[str, str] = {}  # the feed's file name -> the link's title

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and found.get("type") == "application/atom+xml":
            self.titles[(found["href"] or "").rsplit("/", 1)[-1]] = found["title"] or ""


def feed_links(page: Path) -> dict[str, str]:
    parser = FeedLinks()
    parser.feed(page.read_text("utf-8"))
    return parser.titles


def test_every_pages_feed_links_carry_the_sites_name(site: Path) -> None:
    pages = list(site.rglob("*.html"))
    for page in pages:
        assert feed_links(page)["resources.xml"] == f"{NAME}: new teachers' resources", page
    for page in ("calendar/index.html", f"{LEEDS}/index.html", "centres/leeds-hub/index.html"):
        assert feed_links(site / page)["deliveries.xml"] == f"{NAME}: new twilights", page


def test_no_published_file_names_opencpd_as_the_programme(site: Path) -> None:
    left = []
    for path in site.rglob("*"):
        if not path.is_file() or path.suffix in (".woff2", ".png", ".jpg", ".pdf", ".zip"):
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        for line in text.splitlines():
            if "OpenCPD" in line and not any(re.search(p, line) for p in TOOL.values()):
                left.append(f"{path.relative_to(site)}: {line.strip()[:200]}")
    assert left == []


def test_a_deliverys_packs_carry_the_sites_name(source: Path, tmp_path: Path) -> None:
    """Made as the plugin makes them (its options from mkdocs.yml), read back from the PDF."""
    from opencpd.adapters.packs import pack_options
    from opencpd.core.packs.delivery import packs_for
    from opencpd.core.packs.html import pack_html
    from opencpd.core.packs.pdf import write_pdf

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", BUILD_DAY)
        catalog = load_catalog(source, load_vocabulary())
        options = pack_options(load_config(str(source / "mkdocs.yml")), "16:00")
    assert options.programme == NAME
    delivery = next(d for d in catalog.deliveries if d.page == f"{LEEDS}.md")
    pack = next(p for p in packs_for(catalog, delivery) if p.edition == "facilitator")
    pdf = tmp_path / "pack.pdf"
    write_pdf(pack_html(pack, catalog, options), catalog.root, catalog.root, pdf, "x" * 32)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    keywords = re.search(r"(?m)^Keywords: +(.*)$", info.stdout)
    assert keywords and keywords.group(1).startswith(f"{NAME}, languages, CPD, "), info.stdout
    assert re.search(r"(?m)^Creator: +OpenCPD$", info.stdout)  # the tool that made it
    pages = [squash(page) for page in pdf_pages(pdf)]
    assert pages[0].startswith(f"{NAME} · "), pages[0][:120]  # the cover's brand
    certificates = [p for p in pages if "Certificate of attendance" in p]
    assert certificates and all(p.startswith(f"{NAME} Certificate") for p in certificates)
    assert not [p for p in pages if "OpenCPD" in p]
