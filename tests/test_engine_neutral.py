"""The engine-neutral build: `opencpd render`, a plain MkDocs with no OpenCPD plugin, then
`opencpd finish`, finds the same pages, search and packs as `opencpd build`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from opencpd.cli import main

BIN = Path(sys.executable).parent


def pages(site: Path) -> set[str]:
    return {
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if not p.relative_to(site).as_posix().startswith("pagefind")
    }


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory, built_fixture: Path) -> tuple[Path, Path]:
    """The fixture site rendered, built by plain MkDocs and finished: (rendered, site). The
    packs and decks of the modules `opencpd build` made (`built_fixture`) are in the cache, as
    after a build: a pack or deck whose content differs is made again by `finish`."""
    import shutil

    from tests.conftest import FIXTURE_SITE, with_caches

    root = tmp_path_factory.mktemp("neutral")
    source, rendered, site = root / "src", root / "rendered", root / "site"
    with_caches(shutil.copytree(FIXTURE_SITE, source), built_fixture)
    song = source / "modules/ks2-speaking/resources/greetings-song"
    (song / "words.md").write_text("# The words\n\nBonjour, bonjour !\n", "utf-8")
    page = (song / "index.md").read_text("utf-8")
    files = "files:\n  - {path: words.md, title: The words of the song}\n---\n"
    (song / "index.md").write_text(page.replace("---\n", files, 2).replace(files, "---\n", 1))
    published = source / "site" / "index.html"  # what the last `opencpd build` published
    published.parent.mkdir()
    published.write_text("published", "utf-8")
    config = str(source / "mkdocs.yml")
    runner = CliRunner()
    done = runner.invoke(main, ["render", "-f", config, "--out", str(rendered)])
    assert done.exit_code == 0, done.output
    assert published.read_text("utf-8") == "published"  # rendering leaves the site alone
    plain = yaml.safe_load((rendered / "mkdocs.yml").read_text("utf-8"))
    assert plain["plugins"] == []
    built = subprocess.run(
        [str(BIN / "mkdocs"), "build", "--strict", "-d", str(site)],
        cwd=rendered,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert built.returncode == 0, built.stderr
    assert "opencpd" not in built.stderr.lower().replace("opencpd test site", "")
    done = runner.invoke(main, ["finish", "-f", config, str(site), "--rendered", str(rendered)])
    assert done.exit_code == 0, done.output
    return rendered, site


def test_rendered_pages_are_markdown_with_a_neutral_navigation(finished: tuple[Path, Path]) -> None:
    rendered, _ = finished
    page = (rendered / "docs/modules/ks2-speaking/index.md").read_text("utf-8")
    assert page.startswith("---\n") and "title:" in page
    assert "{{" not in (rendered / "docs/index.md").read_text("utf-8")  # macros expanded
    summary = (rendered / "SUMMARY.md").read_text("utf-8")
    assert "- [Speaking at KS2](modules/ks2-speaking/index.md)" in summary
    nav = yaml.safe_load((rendered / "nav.yml").read_text("utf-8"))
    assert {"Home": "index.md"} in nav


def test_a_markdown_attachment_is_published_by_the_name_its_page_links(
    finished: tuple[Path, Path],
) -> None:
    """`render` gives the engine words.md as words.md.txt (no engine makes a page of it);
    `finish` publishes it as words.md, which the resource's page links, as the plugin does."""
    _, site = finished
    folder = site / "modules/ks2-speaking/resources/greetings-song"
    assert (folder / "words.md").read_text("utf-8").startswith("# The words")
    assert not (folder / "words.md.txt").exists() and not (folder / "words").exists()
    assert 'href="words.md"' in (folder / "index.html").read_text("utf-8")


def test_held_html_leaves_the_markdown_as_comments_naming_kept_fragments(
    finished: tuple[Path, Path],
) -> None:
    rendered, _ = finished
    import json

    fragments = json.loads((rendered / "opencpd.json").read_text("utf-8"))["fragments"]
    assert fragments
    held = set()
    for page in (rendered / "docs").rglob("*.md"):
        text = page.read_text("utf-8")
        held |= set(re.findall(r"<!--opencpd-html:([0-9a-f]{64})-->", text))
        assert "<!--opencpd-html:" not in re.sub(r"<!--opencpd-html:[0-9a-f]{64}-->", "", text)
    assert held == set(fragments)


def test_finish_gives_the_same_pages_search_and_packs_as_opencpd_build(
    finished: tuple[Path, Path], built_site: Path
) -> None:
    _, site = finished
    assert pages(site) == pages(built_site)
    assert (site / "pagefind/pagefind.js").is_file()
    assert sorted(p.name for p in (site / "packs").iterdir()) == sorted(
        p.name for p in (built_site / "packs").iterdir()
    )
    assert sorted(p.name for p in (site / "offline").iterdir()) == sorted(
        p.name for p in (built_site / "offline").iterdir()
    )
    assert (site / "catalog.json").is_file()
    for page in sorted(pages(site)):
        html = (site / page).read_text("utf-8")
        assert "opencpd-html" not in html, page
        assert 'http-equiv="Content-Security-Policy"' in html, page
    home = (site / "modules/ks2-speaking/index.html").read_text("utf-8")
    assert '<html lang="en-GB"' in home
    assert "application/ld+json" in home


def test_search_finds_the_same_pages(finished: tuple[Path, Path], built_site: Path) -> None:
    _, site = finished

    def indexed(folder: Path) -> int:
        entry = (folder / "pagefind/pagefind-entry.json").read_text("utf-8")
        return sum(int(n) for n in re.findall(r'"page_count":\s*(\d+)', entry))

    assert indexed(site) == indexed(built_site) > 0


def test_a_digest_the_renderer_did_not_make_is_dropped(tmp_path: Path) -> None:
    from opencpd.adapters.finish import HELD

    fragments = {"a" * 64: "<b>kept</b>"}
    html = f"<p><!--opencpd-html:{'a' * 64}--><!--opencpd-html:{'b' * 64}--></p>"
    assert HELD.sub(lambda m: fragments.get(m[1], ""), html) == "<p><b>kept</b></p>"


def test_finished_pages_weigh_what_opencpd_builds_pages_weigh(
    finished: tuple[Path, Path], built_site: Path
) -> None:
    """finish collapses the theme's indentation and mends its markup as the plugin does: each
    page within a few per cent of the same page from opencpd build (the engine's own markup
    differs a little), not a fifth heavier as before."""
    _, site = finished
    for page in sorted(pages(site)):
        ours, theirs = (site / page).stat().st_size, (built_site / page).stat().st_size
        assert ours <= theirs * 1.05 + 512, (page, ours, theirs)


def test_rendered_titles_and_descriptions_are_escaped_as_the_theme_prints_them(
    tmp_path: Path, built_fixture: Path
) -> None:
    """The theme prints a page's title and description as they are: `render` writes them
    escaped, as the plugin's build escapes them, or a teacher's quote in a summary ends the
    <meta name="description"> attribute and adds `http-equiv="refresh"` (a redirect)."""
    import shutil

    from markupsafe import escape

    from tests.conftest import FIXTURE_SITE, with_caches

    source, rendered = tmp_path / "src", tmp_path / "rendered"
    # the packs and decks of what is unchanged from the cache: the test is about the pages
    with_caches(shutil.copytree(FIXTURE_SITE, source), built_fixture)
    song = source / "modules/ks2-speaking/resources/greetings-song/index.md"
    title = 'Fish &amp; chips &lt;/title&gt;&lt;img src=x onerror=alert(1)&gt; "quoted"'
    summary = '0;url=https://evil.example/phish" http-equiv="refresh'
    text = song.read_text("utf-8").replace("title: A greetings song", f"title: '{title}'")
    song.write_text(
        text.replace("summary: A short song that practises greetings.", f"summary: '{summary}'")
    )
    done = CliRunner().invoke(
        main, ["render", "-f", str(source / "mkdocs.yml"), "--out", str(rendered)]
    )
    assert done.exit_code == 0, done.output
    page = rendered / "docs/modules/ks2-speaking/resources/greetings-song/index.md"
    meta = yaml.safe_load(page.read_text("utf-8").split("---\n")[1])
    assert meta["title"] == str(escape(title)) and meta["description"] == str(escape(summary))
    assert '"' not in meta["description"] and "<" not in meta["title"]
