"""Rendering the Catalog to Markdown pages and a navigation tree, without MkDocs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from opencpd.core.catalog import Catalog
from opencpd.core.load import load_catalog
from opencpd.core.model import AgendaItem
from opencpd.core.render import Renderer, clock, relative_link, running_order
from opencpd.core.vocabulary import load_vocabulary

from .conftest import FIXTURE_SITE
from .golden import assert_golden, published

TWILIGHT = "modules/ks2-speaking/sessions/01-twilight.md"


@pytest.fixture(scope="module")
def pages(fixture_catalog: Catalog) -> dict[str, str]:
    return published(Renderer(fixture_catalog, "16:00").pages())


@pytest.mark.parametrize(
    "page, golden",
    [
        ("modules/ks2-speaking/index.md", "module.md"),
        (TWILIGHT, "session-twilight.md"),
        ("modules/ks2-speaking/sessions/02-follow-up.md", "session-follow-up.md"),
        ("modules/ks2-speaking/handouts/question-cards.md", "handout.md"),
        ("handbook/bridge-toolkit/index.md", "publication.md"),
        ("handbook/bridge-toolkit/02-records.md", "chapter-with-form.md"),
        ("key-stages/index.md", "key-stages.md"),
    ],
)
def test_pages_match_their_golden_files(pages: dict[str, str], page: str, golden: str) -> None:
    assert_golden(golden, pages[page])


def test_navigation_matches_its_golden_file(fixture_catalog: Catalog) -> None:
    navigation = Renderer(fixture_catalog).navigation()
    assert_golden("navigation.yml", yaml.safe_dump(navigation, sort_keys=False))


def times(page: str) -> list[str]:
    return re.findall(r"^\| (\d\d:\d\d–\d\d:\d\d) \|", page, flags=re.MULTILINE)


def test_running_order_shows_clock_times_from_the_start_time(fixture_catalog: Catalog) -> None:
    page = Renderer(fixture_catalog, "16:00").pages()[TWILIGHT]
    assert times(page) == ["16:00–16:10", "16:10–16:30", "16:30–18:00"]
    assert "Times assume a start at 16:00" in page


def test_another_start_time_shifts_every_row(fixture_catalog: Catalog) -> None:
    page = Renderer(fixture_catalog, "15:30").pages()[TWILIGHT]
    assert times(page) == ["15:30–15:40", "15:40–16:00", "16:00–17:30"]
    assert "/// facilitator | Notes for 15:30–15:40" in page


def test_clock_and_running_order() -> None:
    assert clock("16:00", 130) == "18:10"
    assert clock("23:50", 20) == "00:10"
    items = [AgendaItem(minutes=m, activity=f"Step {m}") for m in (10, 20, 15)]
    assert [(a, b) for a, b, _ in running_order(items, "16:00")] == [
        ("16:00", "16:10"),
        ("16:10", "16:30"),
        ("16:30", "16:45"),
    ]


def test_relative_links() -> None:
    assert relative_link("modules/a/index.md", "modules/a/sessions/01-twilight.md") == "../index.md"
    assert relative_link("key-stages/ks2.md", "modules/a/index.md") == "../../key-stages/ks2.md"
    assert relative_link("modules/index.md", "index.md") == "modules/index.md"


def test_relpath_is_posixpaths() -> None:
    import itertools
    import posixpath

    from opencpd.core.render import relpath

    paths = [
        ".",
        "./",
        "index.md",
        "modules/",
        "modules/a",
        "modules/a/",
        "modules/ab/index.md",
        "modules//a/./b/",
        "calendar/region/london/",
        "calendar/region/london/2/",
        "deliveries/x/#notes",
        "../up/",
        "a/../b",
        "/abs/olute",
        "modules/a/sessions/01-twilight.md",
    ]
    for path, start in itertools.product(paths, paths):
        assert relpath(path, start) == posixpath.relpath(path, start), (path, start)


def front_matter(text: str) -> dict[str, Any]:
    assert text.startswith("---\n"), text[:40]
    return yaml.safe_load(text.split("---\n", 2)[1])


def test_every_generated_page_turns_macros_off(pages: dict[str, str]) -> None:
    markdown = {uri: text for uri, text in pages.items() if uri.endswith(".md")}
    assert len(markdown) > 20
    for uri, text in markdown.items():
        assert front_matter(text)["render_macros"] is False, uri


def test_a_module_body_with_jinja_is_quoted_not_evaluated(pages: dict[str, str]) -> None:
    assert "Macros stay as typed: {{ 1 + 1 }}." in pages["modules/ks3-reading/index.md"]


def titles(navigation: list[dict[str, Any]]) -> list[str]:
    return [next(iter(section)) for section in navigation]


def nav_pages(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [p for value in node.values() for p in nav_pages(value)]
    return [p for item in node for p in nav_pages(item)]


def test_navigation_groups_modules_by_key_stage_then_publications(fixture_catalog: Catalog) -> None:
    navigation = Renderer(fixture_catalog).navigation()
    assert titles(navigation) == [
        "KS2 modules",
        "KS3 modules",
        "Transition from KS2 to KS3",
        "Publications",
        "Browse",
    ]
    assert navigation[0]["KS2 modules"] == [
        {
            "Speaking at KS2": [
                "modules/ks2-speaking/index.md",
                "modules/ks2-speaking/sessions/01-twilight.md",
                "modules/ks2-speaking/sessions/02-follow-up.md",
            ]
        }
    ]


def test_resources_and_handouts_are_not_in_the_navigation(
    fixture_catalog: Catalog, pages: dict[str, str]
) -> None:
    listed = nav_pages(Renderer(fixture_catalog).navigation())
    assert "modules/ks2-speaking/resources/greetings-song/index.md" in pages
    assert not [p for p in listed if "/resources/" in p or "/handouts/" in p]
    assert all(p in pages for p in listed)


def variant(tmp_path: Path, module: str, old: str, new: str) -> Catalog:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE, root)
    path = root / "modules" / module / "module.md"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    catalog = load_catalog(root, load_vocabulary())
    assert catalog.findings == []
    return catalog


def test_draft_modules_are_left_out(tmp_path: Path) -> None:
    catalog = variant(tmp_path, "ks3-reading", "reviewed:", "status: draft\nreviewed:")
    renderer = Renderer(catalog)
    assert "KS3 modules" not in titles(renderer.navigation())
    assert "modules/ks3-reading/index.md" not in renderer.pages()


def test_a_module_for_all_phases_gets_a_capitalised_section(tmp_path: Path) -> None:
    catalog = variant(tmp_path, "ks3-reading", "key_stage: KS3", "key_stage: all")
    assert "all modules" not in titles(Renderer(catalog).navigation())
    assert "All phases" in titles(Renderer(catalog).navigation())


def test_training_modules_are_titled_with_their_strand_label(tmp_path: Path) -> None:
    catalog = variant(
        tmp_path, "ks2-3-transition", "key_stage: KS2-3", "key_stage: KS2-3\nstrand: training"
    )
    label = catalog.vocabulary.label("strands", "training")
    navigation = Renderer(catalog).navigation()
    assert {
        label: [
            {
                "From KS2 to KS3": [
                    "modules/ks2-3-transition/index.md",
                    "modules/ks2-3-transition/sessions/01-twilight.md",
                ]
            }
        ]
    } in navigation


def long_form_chapter(tmp_path: Path) -> Catalog:
    """The fixture's transfer record as a table of 12 rows, one per pupil."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE, root)
    path = root / "handbook/bridge-toolkit/02-records.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    fields:", "    rows: 12\n    fields:", 1), encoding="utf-8")
    catalog = load_catalog(root, load_vocabulary())
    assert catalog.findings == []
    return catalog


def test_a_long_table_form_shows_five_rows_and_links_the_full_form_in_the_pack(
    tmp_path: Path,
) -> None:
    pack = {
        "uri": "packs/bridge-toolkit-handbook.pdf",
        "label": "Handbook",
        "edition": "handbook",
        "size": "80 KB",
        "pages": 6,
    }
    page = Renderer(long_form_chapter(tmp_path), packs={"bridge-toolkit": [pack]}).pages()[
        "handbook/bridge-toolkit/02-records.md"
    ]
    rows = re.findall(r'name="transfer-record-(\d+)-1"', page)
    assert rows == ["1", "2", "3", "4", "5"]
    assert (
        "Every form is also in the [printable handbook](../../packs/bridge-toolkit-handbook"
        ".pdf) (PDF, 80 KB) to print on A4 or fill in on screen."
    ) in page
    assert (
        "This form has 12 rows; the first 5 are shown here.\n[Print the full form with all "
        "12 rows](../../packs/bridge-toolkit-handbook.pdf#nameddest=form-transfer-record) "
        "from the handbook (PDF, 80 KB).\n{ .form-more }"
    ) in page


def test_without_a_pack_a_long_table_form_points_to_the_publication(tmp_path: Path) -> None:
    page = Renderer(long_form_chapter(tmp_path)).pages()["handbook/bridge-toolkit/02-records.md"]
    assert len(re.findall(r'name="transfer-record-\d+-1"', page)) == 5
    assert "packs/" not in page
    assert (
        "This form has 12 rows; the first 5 are shown here.\nThe printable handbook (PDF) of "
        "[Bridge Toolkit](index.md) has the full form with all 12 rows."
    ) in page
