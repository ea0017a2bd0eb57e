"""Page weight (issue 8): no HTML page of the real programme reaches 60 KB, however many
resources teachers share, and long blank forms stay whole in the printable packs.

The site is the repository's programme plus enough heavy resources (long titles and summaries,
every language) in one module for several pages of its list, built with MkDocs (no Pagefind,
no packs: they add no HTML page)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.commands.build import build
from opencpd.adapters.site import load
from opencpd.core.catalog import Catalog
from opencpd.core.packs.html import pack_html
from opencpd.core.packs.spec import PackOptions, plan
from opencpd.core.render import FORM_ROWS, PAGE_SIZE

ROOT = Path(__file__).resolve().parent.parent
LIMIT_KB = 60
PAGES = 7  # of one module's list of resources: enough for the pager to leave some out
SUMMARY = (
    "A sequence of six short activities on the weather, with a worksheet at three levels, "
    "picture cards, a listening game and a writing frame, tried in two Year 5 classes "
    "and adapted for mixed groups, with notes on what to cut when time is short and on "
    "how to bring back the vocabulary in later lessons."
)


def heavy_resource(number: int, module: dict[str, Any]) -> str:
    """A resource as heavy in a list as a real one gets: long title and summary."""
    meta = {
        "title": f"The weather and the seasons: a six-lesson sequence with games (number {number})",
        "summary": SUMMARY,
        "contributor": {"name": "Ms A. Teacher", "school": "Hill School"},
        "consent": True,
        "no_pupil_data": True,
        "key_stage": module["key_stage"],
        "year_groups": [5],
        "languages": module["languages"],
        "themes": module["themes"][:1],
        "type": "pupil-work-anonymised",
        "licence": "CC-BY-4.0",
        "submitted": f"2025-{number % 12 + 1:02d}-{number % 28 + 1:02d}",
        "status": "approved",
    }
    return "---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\nHow I use it.\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Catalog, str]:
    source = tmp_path_factory.mktemp("weight") / "source"
    source.mkdir()
    shutil.copy2(ROOT / "mkdocs.yml", source)
    for folder in ("docs", "modules", "handbook"):
        shutil.copytree(ROOT / folder, source / folder)
    module_md = min((source / "modules").glob("*/module.md"))
    module = yaml.safe_load(module_md.read_text("utf-8").split("---\n")[1])
    shared = len(list(module_md.parent.glob("resources/*/index.md")))  # the real ones
    for number in range(PAGES * PAGE_SIZE - shared):
        folder = module_md.parent / "resources" / f"weight-{number:03d}"
        folder.mkdir(parents=True)
        (folder / "index.md").write_text(heavy_resource(number, module), "utf-8")
    config = load(str(source / "mkdocs.yml"), strict=True, site_dir=str(source / "site"))
    build(config)
    return source / "site", config.plugins["opencpd"].catalog, module_md.parent.name


def test_every_page_is_under_the_limit(built: tuple[Path, Catalog, str]) -> None:
    site, _, module = built
    sizes = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*.html")}
    listings = [p for p in sizes if p.startswith(f"resources/{module}/")]
    assert len(listings) == PAGES, listings  # the module's list really runs to several pages
    assert {"404.html", "search/index.html", "browse/index.html"} <= set(sizes)
    heavy = {p: f"{s / 1024:.1f} KB" for p, s in sizes.items() if s >= LIMIT_KB * 1024}
    assert not heavy, f"pages of {LIMIT_KB} KB or more: {heavy}"


def test_a_long_blank_form_shows_a_few_rows_and_says_where_the_rest_are(
    built: tuple[Path, Catalog, str],
) -> None:
    site, catalog, _ = built
    long_forms = [
        (publication, chapter, form)
        for publication in catalog.publications
        for chapter in publication.chapters
        for form in chapter.meta.templates
        if form.rows > FORM_ROWS
    ]
    assert long_forms, "the programme has no form longer than the page shows: test another"
    for _publication, chapter, form in long_forms:
        html = (site / chapter.url / "index.html").read_text("utf-8")
        table = html[html.index(f'id="form-{form.id}"') :]
        table = table[: table.index("</form>")]
        assert len(re.findall(r"<tr>", table)) == 1 + FORM_ROWS, form.id  # header + rows
        note = html[html.index('class="form-more"', html.index(f'id="form-{form.id}"')) :]
        note = note[: note.index("</p>")]
        assert f"This form has {form.rows} rows; the first {FORM_ROWS} are shown here." in note
        assert "printable handbook (PDF)" in note and f"all {form.rows} rows" in note
        assert 'href="../"' in note, "the note links the publication, which has the pack"


def test_the_printable_pack_keeps_every_row(built: tuple[Path, Catalog, str]) -> None:
    _, catalog, _ = built
    options = PackOptions()
    packs = {p.owner: p for p in plan(catalog, options) if p.edition == "handbook"}
    for publication in catalog.publications:
        html = pack_html(packs[publication.id], catalog, options)
        for chapter in publication.chapters:
            for form in chapter.meta.templates:
                if form.rows:
                    cells = re.findall(rf'name="{form.id}-(\d+)-\d+"', html)
                    assert len(cells) == form.rows * len(form.fields), form.id
                    assert max(map(int, cells)) == form.rows, form.id


def test_the_pager_links_the_first_the_last_and_the_nearest_pages(
    built: tuple[Path, Catalog, str],
) -> None:
    site, _, module = built

    def pager(page: int) -> tuple[list[str], str]:
        url = f"resources/{module}/" + (f"{page}/" if page > 1 else "")
        html = (site / url / "index.html").read_text("utf-8")
        nav = html[html.index('<nav class="pager"') :]
        nav = nav[: nav.index("</nav>")]
        return re.findall(r">([^<>]+)</(?:a|span)>", nav), nav

    first, _ = pager(1)
    assert first == ["1", "2", "3", "…", str(PAGES), "Next"]
    middle, html = pager(4)
    assert middle == ["Previous", "1", "2", "3", "4", "5", "6", "7", "Next"]
    assert '<a href="../3/" rel="prev">Previous</a>' in html
    assert '<a href="../5/" rel="next">Next</a>' in html
    assert '<span aria-current="page">4</span>' in html
    last, html = pager(PAGES)
    assert last == ["Previous", "1", "…", "5", "6", "7"]
    assert '<a href="../6/" rel="prev">Previous</a>' in html and '<a href="../">1</a>' in html


def test_the_theme_markup_loses_its_indentation_and_nothing_else() -> None:
    from opencpd.core.compact import compact

    kept = [
        '<article class="md-content__inner">\n  <pre><code>  two\n    four</code></pre>\n'
        "</article>",
        "<script>\n  var a = `x\n  y`;\n</script>",
        "<textarea>\n a\n</textarea>",
    ]
    page = (
        '<nav>\n    <ul>\n      <li>\n        <a href="x">\n  Home\n  </a>\n</li>\n</ul>\n'
        f"</nav>\n  {kept[0]}\n  {kept[1]}\n{kept[2]}  \n<footer>\n\n  Made with</footer>"
    )
    small = compact(page)
    assert small.startswith('<nav>\n<ul>\n<li>\n<a href="x">\nHome\n</a>\n</li>')
    assert all(part in small for part in kept) and "\n<footer>\nMade with</footer>" in small
    assert compact(small) == small


def test_the_way_to_a_year_weighs_the_same_however_many_years_are_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each page of the held list links to one page of years and months, rather than to each
    year: after 2 years or 12 years of twilights held (one every nine days), a page of the
    list weighs the same but for its twilights and its pager (bounded on its own: PAGER_REACH)."""
    import datetime as dt

    from opencpd.core.load import load_catalog
    from opencpd.core.vocabulary import load_vocabulary

    from .deliveries_site import BUILD_DAY, pages, tiny_site, write_delivery

    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_DAY)

    def held_list(folder: Path, held: int) -> dict[str, str]:
        root = tiny_site(folder)
        for n in range(held):
            day = (dt.date(2026, 12, 20) - dt.timedelta(days=9 * (n + 1))).isoformat()
            write_delivery(root, f"{day}-held", {"date": day, "status": "held", "announced": day})
        return pages(load_catalog(root, load_vocabulary()))

    def around_the_list(page: str) -> str:  # the page but its twilights and pager
        page = page.split("<ol")[0] + page.split("</ol>")[1]
        return re.sub(r"\d+", "N", re.sub(r'<nav class="delivery-pager".*?</nav>', "", page))

    few, many = held_list(tmp_path / "few", 2 * 40), held_list(tmp_path / "many", 12 * 40)
    assert len([u for u in many if u.startswith("calendar/held/")]) > 4 * len(
        [u for u in few if u.startswith("calendar/held/")]
    )
    for uri in ("calendar/held/index.md", "calendar/held/2.md", "calendar/held/4.md"):
        assert around_the_list(few[uri]) == around_the_list(many[uri]), uri
        link = re.search(r'<p class="delivery-held-years">.*?</p>', many[uri])
        assert link and len(link[0].encode()) < 200, uri
    assert len(many["calendar/held/years.md"].encode()) < LIMIT_KB * 1024 // 2
