"""The site on a phone, in headless Chromium at 320 and 390 CSS pixels wide: no table runs off
the screen or hides a column behind a sideways scroll (running orders, lists of facts, lists of
modules and resources, handbook tables), and the home page leads to everything."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest_browser import BuiltSite, ServedSite

PHONES = {"320px": {"width": 320, "height": 640}, "390px": {"width": 390, "height": 844}}
PAGES = {
    "home": "",
    "module (facts, sessions)": "modules/ks2-writing/",
    "twilight running order": "modules/ks2-writing/sessions/01-twilight/",
    "follow-up running order": "modules/ks3-translation/sessions/02-translation-routines/",
    "handout with a table": "modules/ks2-3-transition/handouts/three-pillars-audit/",
    "chapter with tables": "handbook/ks2-coordinators-handbook/04-programme-of-study/",
    "publication": "handbook/peer-mentoring/",
    "resource (facts)": "modules/ks2-phonics-early-reading/resources/french-sound-swat-game/",
    "resources by module": "resources/",
    "all modules": "modules/",
    "modules of a key stage": "key-stages/ks2/",
}

# Each table outside a teacher's own text (.resource-body keeps the table a teacher wrote, and
# Material's sideways scroll): where it sits and how wide its content is.
TABLES = """() => [...document.querySelectorAll('article table')]
  .filter(t => !t.closest('.resource-body'))
  .map(t => {
    const box = t.getBoundingClientRect();
    const wrap = t.closest('.md-typeset__scrollwrap');
    return {head: [...t.querySelectorAll('th')].slice(0, 3).map(th => th.textContent.trim()),
            left: box.left, right: box.right, scroll: t.scrollWidth, client: t.clientWidth,
            wrapScroll: wrap ? wrap.scrollWidth : 0, wrapClient: wrap ? wrap.clientWidth : 0};
  })"""


@pytest.mark.parametrize("phone", list(PHONES))
@pytest.mark.parametrize("name", list(PAGES))
def test_no_table_runs_off_a_phone_screen(
    name: str, phone: str, served_site: ServedSite, page: Any
) -> None:
    page.set_viewport_size(PHONES[phone])
    page.goto(served_site.page(PAGES[name]), wait_until="load")
    width = PHONES[phone]["width"]
    tables = page.evaluate(TABLES)
    if name != "home":
        assert tables, f"{PAGES[name]}: no table found (the page changed?)"
    wrong = [
        t
        for t in tables
        if t["left"] < 0
        or t["right"] > width + 0.5
        or t["scroll"] > t["client"] + 1
        or t["wrapScroll"] > t["wrapClient"] + 1
    ]
    assert not wrong, (
        f"tables wider than the screen ({width} px) on {PAGES[name] or '/'}:\n"
        + "\n".join(str(t) for t in wrong)
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_running_order_on_a_phone_shows_every_column_named(
    served_site: ServedSite, page: Any
) -> None:
    page.set_viewport_size(PHONES["390px"])
    page.goto(served_site.page(PAGES["twilight running order"]), wait_until="load")
    cells = page.evaluate("""() => [...document.querySelector('article table tbody tr')
        .querySelectorAll('td')].map(td => ({label: getComputedStyle(td, '::before').content,
        box: td.getBoundingClientRect().toJSON()}))""")
    assert [c["label"] for c in cells[1:]] == [
        '"Minutes: " / ""',
        '"Activity: " / ""',
        '"Grouping: " / ""',
        '"Materials: " / ""',
    ], cells
    # one block under another, each the width of the screen less the margins: an activity
    # reads as a line of text, not four words to a line
    assert all(c["box"]["width"] > 300 for c in cells), cells


def test_no_table_opens_with_an_empty_header_row(built_repo_site: BuiltSite) -> None:
    empty_head = re.compile(r"<thead>\s*<tr>(\s*<th[^>]*>\s*</th>)+\s*</tr>\s*</thead>")
    found = [
        str(p.relative_to(built_repo_site.folder))
        for p in sorted(built_repo_site.folder.rglob("*.html"))
        if empty_head.search(p.read_text("utf-8"))
    ]
    assert not found, "tables with an empty header row:\n" + "\n".join(found)


def test_the_home_page_leads_to_every_module_publication_and_way_in(
    built_repo_site: BuiltSite,
) -> None:
    html = (built_repo_site.folder / "index.html").read_text("utf-8")
    article = html[html.index("<article") : html.index("</article>")]
    links = set(re.findall(r'<a href="([^"#]+)"', article))
    catalog = built_repo_site.catalog
    wanted = {m.url for m in catalog.published_modules} | {p.url for p in catalog.publications}
    wanted |= {"search/", "browse/", "contribute/share-a-resource/", "resources/"}
    assert wanted - links == set(), f"the home page does not link to {sorted(wanted - links)}"
    assert any(m.meta.key_stage == "KS2-3" for m in catalog.published_modules)
    assert all(
        (built_repo_site.folder / link / "index.html").is_file()
        for link in links
        if link.endswith("/") and "://" not in link
    )


def test_search_results_start_on_the_first_screen_with_filters_open(
    served_site: ServedSite, built_repo_site: BuiltSite, page: Any
) -> None:
    page.set_viewport_size(PHONES["390px"])
    stage = built_repo_site.catalog.vocabulary.label("key_stages", "KS2")
    page.goto(served_site.page(f"search/?q=phonics&key-stage={stage}"), wait_until="load")
    page.wait_for_selector(".opencpd-results__list li", timeout=10_000)
    filters = page.locator(".opencpd-filters")
    if not filters.evaluate("d => d.open"):
        page.click(".opencpd-filters > summary")
    assert filters.evaluate("d => d.open")
    assert page.locator(".opencpd-filter input:checked").first.is_visible()
    first = page.locator(".opencpd-results__list li").first.bounding_box()
    assert first is not None
    # its title on the first screen, below the filters and their "Show results" button
    assert first["y"] + 40 <= PHONES["390px"]["height"], first
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONES["390px"]["width"]
