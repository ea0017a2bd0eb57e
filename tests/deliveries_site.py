"""The tiny site of centres and deliveries the deliveries' tests share: its files, helpers to
write a delivery or read a pack back, and its fixtures (a pytest plugin: tests/conftest.py
names it in `pytest_plugins`), `build_day`, `catalog` and `served_tiny_site`."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import icalendar
import pytest
from opencpd.core.catalog import Catalog
from opencpd.core.load import load_catalog
from opencpd.core.vocabulary import load_vocabulary

from .conftest import FIXTURE_SITE, mkdocs_warnings
from .conftest_browser import serve
from .golden import published

TESTS = Path(__file__).resolve().parent
FIXTURE = TESTS / "deliveries_fixture"
BUILD_DAY = "1799582400"  # 10 January 2027, 12:00 UTC
LEEDS = "deliveries/2027-03-31-leeds-speaking"


@pytest.fixture
def build_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_DAY)


def tiny_site(target: Path) -> Path:
    shutil.copytree(FIXTURE_SITE, target)
    shutil.copytree(FIXTURE / "centres", target / "centres")
    shutil.copytree(FIXTURE / "deliveries", target / "deliveries")
    return target


@pytest.fixture
def catalog(tmp_path: Path, build_day: None) -> Catalog:
    found = load_catalog(tiny_site(tmp_path / "src"), load_vocabulary())
    assert found.findings == []
    return found


GOOD = {
    "module": "ks2-speaking",
    "centre": "leeds-hub",
    "date": "2027-05-05",
    "start": '"16:00"',
    "places": "20",
    "status": "planned",
    "languages": "[fr]",
    "announced": "2027-01-01",
}


def write_delivery(root: Path, name: str, fields: dict[str, str], body: str = "Notes.") -> str:
    lines = [f"{k}: {v}" for k, v in {**GOOD, **fields}.items()]
    path = root / "deliveries" / f"{name}.md"
    path.write_text("---\n" + "\n".join(lines) + f"\n---\n{body}\n", encoding="utf-8")
    return f"deliveries/{name}.md"


def pages(catalog: Catalog) -> dict[str, str]:
    from opencpd.core.render import Renderer

    return published(Renderer(catalog, "16:00", "https://cpd.test-hub.org.uk/").pages())


def events(text: str) -> list[Any]:
    return list(icalendar.Calendar.from_ical(text).walk("VEVENT"))


def pack_pdf(catalog: Catalog, slug: str, edition: str, folder: Path) -> Path:
    """One edition of a delivery's packs, made as `opencpd packs --delivery` makes it."""
    from opencpd.core.packs import PackOptions
    from opencpd.core.packs.delivery import packs_for
    from opencpd.core.packs.html import pack_html
    from opencpd.core.packs.pdf import write_pdf

    delivery = next(d for d in catalog.deliveries if d.slug == slug)
    pack = next(p for p in packs_for(catalog, delivery) if p.edition == edition)
    html = pack_html(pack, catalog, PackOptions(site_url="https://cpd.test-hub.org.uk/"))
    pdf = folder / f"{slug}-{edition}.pdf"
    write_pdf(html, catalog.root, catalog.root, pdf, "x" * 32)
    return pdf


def pdf_pages(pdf: Path) -> list[str]:
    """Each page's text, as pdftotext reads it (a form feed ends each page)."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def served_tiny_site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    yield from served(tiny_site(tmp_path_factory.mktemp("deliveries") / "src"))


BUSY = 50  # twilights at Leeds, one an evening from 1 February 2027


@pytest.fixture(scope="module")
def served_busy_site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The tiny site with BUSY more twilights at Leeds, 16:00 to 18:00 every evening from
    1 February 2027: the calendar, Yorkshire's page and Leeds's page each run to three pages;
    and 25 held there, one every 20 days back from 20 December 2026 (the held list's 26 on two
    pages)."""
    import datetime as dt

    source = tiny_site(tmp_path_factory.mktemp("busy") / "src")
    for n in range(BUSY):
        day = (dt.date(2027, 2, 1) + dt.timedelta(days=n)).isoformat()
        write_delivery(source, f"{day}-leeds-{n}", {"date": day})
    for n in range(1, 26):
        day = (dt.date(2026, 12, 20) - dt.timedelta(days=20 * n)).isoformat()
        write_delivery(source, f"{day}-held", {"date": day, "status": "held", "announced": day})
    yield from served(source)


def served(source: Path) -> Any:
    """The site in `source` built as on the build day, with the calendar's script, and served."""
    from opencpd.adapters.site import build_site

    config = source / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text + "\nextra_javascript:\n  - assets/javascripts/calendar.js\n", encoding="utf-8"
    )
    (source / "docs" / "assets" / "javascripts").mkdir(parents=True, exist_ok=True)
    shutil.copy(
        TESTS.parent / "plugins" / "opencpd" / "site_assets" / "javascripts" / "calendar.js",
        source / "docs" / "assets" / "javascripts" / "calendar.js",
    )
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", BUILD_DAY)
    try:
        with mkdocs_warnings() as handler:
            build_site(str(config), source / "site")
    finally:
        mp.undo()
    assert handler.messages == [], handler.messages
    server, url = serve(source / "site")
    yield url
    server.shutdown()
    server.server_close()


def listed(page: Any) -> list[str]:
    return [
        t.strip()
        for t in page.locator(
            ".delivery-item:visible .delivery-item__what a:first-child"
        ).all_inner_texts()
    ]
