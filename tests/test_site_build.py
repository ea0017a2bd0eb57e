"""The fixture site built with real MkDocs (once per session), its HTML read back."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from opencpd.core.model import CONTENT_TYPES

from .htmlnav import primary_nav

MODULE = "modules/ks2-speaking/index.html"
TWILIGHT = "modules/ks2-speaking/sessions/01-twilight/index.html"


def read(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def test_module_page_shows_key_stage_licence_and_sessions(built_site: Path) -> None:
    html = squash(read(built_site, MODULE))
    assert (
        '<td>Key stage</td> <td><a href="../../key-stages/ks2/">Key Stage 2 (ages 7 to 11)' in html
    )
    assert (
        '<a href="https://creativecommons.org/licenses/by-sa/4.0/">Creative Commons '
        "Attribution-ShareAlike 4.0</a>" in html
    )
    assert "<td>Sessions</td> <td>2 (165 minutes in all)</td>" in html
    assert '<a href="sessions/01-twilight/">Speaking at KS2 — twilight session</a>' in html
    assert '<a href="sessions/02-follow-up/">Speaking at KS2 — follow-up</a>' in html


def test_session_page_has_the_running_order_with_clock_times(built_site: Path) -> None:
    html = squash(read(built_site, TWILIGHT))
    rows = re.findall(r"<tr> <td>(\d\d:\d\d–\d\d:\d\d)</td> <td>(\d+)</td> <td>([^<]+)</td>", html)
    assert rows == [
        ("16:00–16:10", "10", "Welcome and warm-up"),
        ("16:10–16:30", "20", "Question cards"),
        ("16:30–18:00", "90", "Planning a routine"),
    ]


def test_facilitator_notes_are_marked_and_kept_out_of_search(built_site: Path) -> None:
    html = squash(read(built_site, TWILIGHT))
    box = '<div class="admonition note facilitator-only" data-pagefind-ignore="all">'
    assert (
        f'{box} <p class="admonition-title">Notes for 16:00–16:10</p> <p>Greet each '
        "participant in French" in html
    )
    assert (
        f'{box} <p class="admonition-title">For the facilitator</p> <p>Collect the '
        "question cards" in html
    )
    assert html.count("Greet each participant") == 1


def test_pages_are_in_british_english(built_site: Path) -> None:
    pages = list(built_site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        assert '<html lang="en-GB"' in page.read_text(encoding="utf-8"), page


def test_the_not_found_page_is_in_british_english(built_site: Path) -> None:
    assert '<html lang="en-GB"' in read(built_site, "404.html")


def test_the_french_example_is_marked_french(built_site: Path) -> None:
    html = squash(read(built_site, MODULE))
    assert (
        '<div class="admonition example worked-example" data-lang="fr"> <p '
        'class="admonition-title" lang="en-GB">Year 5: saying what you like (French)</p> '
        '<div class="example-body" lang="fr"> <p>J\'aime les pommes' in html
    )


def test_json_schemas_are_published(built_site: Path) -> None:
    names = sorted(p.name for p in (built_site / "schemas").glob("*.schema.json"))
    assert names == sorted(f"{n}.schema.json" for n in CONTENT_TYPES)
    assert {"module.schema.json", "resource.schema.json", "session.schema.json"} <= set(names)
    module = json.loads((built_site / "schemas" / "module.schema.json").read_text("utf-8"))
    assert module["properties"]["key_stage"]["enum"] == ["KS2", "KS3", "KS2-3", "all"]
    for path in (built_site / "schemas").glob("*.json"):
        assert isinstance(json.loads(path.read_text("utf-8")), dict)
    assert (built_site / "schemas" / "index.html").is_file()


def test_macros_are_rendered_on_hand_written_pages(built_site: Path) -> None:
    html = read(built_site, "index.html")
    assert "<p>We publish 3 modules and 1 publication.</p>" in html
    assert '<td><a href="modules/ks2-speaking/">Speaking at KS2</a></td>' in html
    assert "Reading at KS3" not in html.split("<article", 1)[1].split("</article>")[0]
    assert "{{" not in html and "{%" not in html


def test_macros_are_not_rendered_in_module_content(built_site: Path) -> None:
    html = read(built_site, "modules/ks3-reading/index.html")
    assert "Macros stay as typed: {{ 1 + 1 }}." in html


def test_the_sidebar_lists_modules_under_key_stage_sections(built_site: Path) -> None:
    nav = primary_nav(read(built_site, "about/index.html"))
    assert nav.titles() == [
        "Home",
        "KS2 modules",
        "KS3 modules",
        "Transition from KS2 to KS3",
        "Publications",
        "Browse",
        "About",
    ]
    ks2 = nav.find("KS2 modules").find("Speaking at KS2")
    assert ks2.href == "../modules/ks2-speaking/"
    assert ks2.titles() == ["Speaking at KS2 — twilight session", "Speaking at KS2 — follow-up"]
    assert nav.find("KS3 modules").titles() == ["Reading at KS3"]
    assert nav.find("Transition from KS2 to KS3").titles() == ["From KS2 to KS3"]
    assert nav.find("Publications").find("Bridge Toolkit").titles() == [
        "Why transition matters",
        "Transfer records",
    ]


def test_resource_pages_are_built_but_not_in_the_sidebar(built_site: Path) -> None:
    assert (built_site / "modules/ks2-speaking/resources/greetings-song/index.html").is_file()
    assert "resources/greetings-song" not in squash(read(built_site, "about/index.html"))


def test_the_search_index_is_built(built_site: Path) -> None:
    assert (built_site / "pagefind" / "pagefind.js").is_file()


def test_properdocs_builds_the_site_strictly(site_copy: Path) -> None:
    properdocs = Path(sys.executable).parent / "properdocs"
    done = subprocess.run(
        [str(properdocs), "build", "--strict", "-f", "mkdocs.yml"],
        cwd=site_copy,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stderr
    # the one notice that is no build warning: this fixture has no real site_url
    warned = [
        line
        for line in done.stderr.splitlines()
        if "WARNING" in line and "site_url in mkdocs.yml" not in line
    ]
    assert warned == [], done.stderr
    assert (site_copy / "site" / "index.html").is_file()
    assert (site_copy / "site" / "modules" / "ks2-speaking" / "index.html").is_file()
