"""OpenCPD's stylesheets served as one file and its scripts as one, each named after a hash of
its content (core/joined.py, adapters/packaged.py): fewer requests for a reader on a slow
network, and files a host may keep for good. Real builds, their HTML read back."""

from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path
from types import SimpleNamespace

from mkdocs.commands.build import build
from opencpd.adapters.packaged import ASSETS, JOINED, SCRIPTS, STYLESHEETS, linked
from opencpd.adapters.serving import Rebuilds
from opencpd.adapters.site import build_site, load
from opencpd.core.joined import hashed_name, joined

from .conftest import mkdocs_warnings

MATERIAL = re.compile(r"assets/(stylesheets/(main|palette)|javascripts/bundle)\.[0-9a-f]+\.min\.")


def linked_files(site: Path, page: Path) -> tuple[list[str], list[str]]:
    """The stylesheets and scripts a page links that are not Material's, as paths in the site."""
    html = page.read_text("utf-8")
    folder = posixpath.dirname(page.relative_to(site).as_posix())

    def in_site(href: str) -> str:  # 404.html's are from the site's root (site_url's path: /)
        return (
            href[1:] if href.startswith("/") else posixpath.normpath(posixpath.join(folder, href))
        )

    sheets = re.findall(r'<link rel="stylesheet" href="(?!https?:)([^"]+)"', html)
    scripts = re.findall(r'<script src="(?!https?:)([^"]+)"', html)
    return (
        [in_site(h) for h in sheets if not MATERIAL.search(h)],
        [in_site(s) for s in scripts if not MATERIAL.search(s)],
    )


def part(uri: str) -> bytes:
    return (ASSETS / uri.removeprefix("assets/")).read_bytes()


def test_every_page_links_one_stylesheet_and_one_script_named_by_their_content(
    built_site: Path,
) -> None:
    pages = [  # not Pagefind's own files, nor the slide decks (their own deck.css and deck.js)
        p
        for p in built_site.rglob("*.html")
        if not p.is_relative_to(built_site / "pagefind") and "slides" not in p.parts
    ]
    assert len(pages) > 10
    css = js = None
    for page in pages:
        sheets, scripts = linked_files(built_site, page)
        assert len(sheets) == 1, (page, sheets)
        assert len(scripts) == 1, (page, scripts)
        css, js = css or sheets[0], js or scripts[0]
        assert (sheets[0], scripts[0]) == (css, js), page  # the same files on every page
    assert css is not None and js is not None
    for uri, parts, suffix in ((css, STYLESHEETS, ".css"), (js, SCRIPTS, ".js")):
        content = (built_site / uri).read_bytes()
        assert uri == hashed_name(JOINED[suffix], suffix, content)
        assert uri.endswith(f".{hashlib.sha256(content).hexdigest()[:8]}{suffix}")
        at = [content.index(part(p).rstrip()) for p in parts]  # every part, as it is, in order
        assert at == sorted(at), uri
        for name in parts:  # the parts are not published on their own
            assert not (built_site / name).exists(), name
    assert b"@media print" in (built_site / css).read_bytes()  # print styles on every page
    # the search pages add the search script, and only they
    search = (built_site / "search" / "index.html").read_text("utf-8")
    assert 'src="../assets/javascripts/search.js"' in search
    assert (built_site / "assets" / "javascripts" / "search.js").is_file()


def test_a_site_listing_the_old_names_gets_the_joined_files_in_their_place(
    site_copy: Path,
) -> None:
    """An older mkdocs.yml names the parts (in its own order, with a stylesheet of its own
    between them) and overrides one of them: one joined file of each kind where the first part
    was, the site's own stylesheet where it was, the site's own copy of a part joined in."""
    config = site_copy / "mkdocs.yml"
    config.write_text(
        config.read_text("utf-8")
        + "extra_css:\n  - assets/print.css\n  - stylesheets/extra.css\n"
        + "  - assets/stylesheets/opencpd.css\n"
        + "extra_javascript:\n  - assets/javascripts/calendar.js\n  - javascripts/extra.js\n",
        "utf-8",
    )
    (site_copy / "docs" / "stylesheets").mkdir()
    (site_copy / "docs" / "stylesheets" / "extra.css").write_text("h1 { color: teal; }\n")
    (site_copy / "docs" / "javascripts").mkdir()
    (site_copy / "docs" / "javascripts" / "extra.js").write_text("console.log('extra');\n")
    (site_copy / "docs" / "assets").mkdir()
    (site_copy / "docs" / "assets" / "print.css").write_text(
        "@media print { .our-own-print-rule { display: none; } }\n"
    )
    with mkdocs_warnings() as handler:
        loaded = load(str(config), strict=True, site_dir=str(site_copy / "site"))
        build(loaded)
    assert handler.messages == [], handler.messages
    site = site_copy / "site"
    sheets, scripts = linked_files(site, site / "index.html")
    assert len(sheets) == 2 and sheets[1] == "stylesheets/extra.css", sheets
    assert re.fullmatch(r"assets/stylesheets/opencpd\.[0-9a-f]{8}\.css", sheets[0]), sheets
    assert len(scripts) == 2 and scripts[1] == "javascripts/extra.js", scripts
    assert re.fullmatch(r"assets/javascripts/opencpd\.[0-9a-f]{8}\.js", scripts[0]), scripts
    css = (site / sheets[0]).read_bytes()
    assert b".our-own-print-rule" in css and part("assets/print.css").strip() not in css
    assert css.index(b"/* assets/stylesheets/opencpd.css */") < css.index(b".our-own-print-rule")
    assert part("assets/javascripts/calendar.js").strip() in (site / scripts[0]).read_bytes()


def test_joining_keeps_each_part_whole_and_names_it() -> None:
    parts = [("a.js", b"var a = 1\n"), ("b.js", b"(function () { a += 1; })()")]
    script = joined(parts, ".js")
    assert script == b"/* a.js */\nvar a = 1\n;\n/* b.js */\n(function () { a += 1; })()\n;\n"
    assert joined([("a.css", b"p{}\n\n")], ".css") == b"/* a.css */\np{}\n"
    assert hashed_name("x/opencpd", ".js", script) != hashed_name("x/opencpd", ".js", script + b" ")
    assert re.fullmatch(r"x/opencpd\.[0-9a-f]{8}\.js", hashed_name("x/opencpd", ".js", script))


def test_the_joined_file_takes_the_place_of_the_first_part_or_an_earlier_joined_file() -> None:
    name = "assets/stylesheets/opencpd.0123abcd.css"
    listed = ["own.css", "assets/print.css", "more.css", "assets/stylesheets/opencpd.css"]
    assert linked(listed, STYLESHEETS, name) == ["own.css", name, "more.css"]
    assert linked(["own.css"], STYLESHEETS, name) == ["own.css", name]
    earlier = ["assets/stylesheets/opencpd.ffffffff.css", "own.css", *STYLESHEETS]
    assert linked(earlier, STYLESHEETS, name) == [name, "own.css"]


def test_serving_builds_every_page_again_when_a_joined_file_changes(tmp_path: Path) -> None:
    """An edit to the site's own copy of a part builds only that file in a dirty build; the
    pages then link the new name only once they are all built again."""
    site = tmp_path / "served"
    site.mkdir()
    config = SimpleNamespace(site_dir=str(site))
    rebuilds = Rebuilds()
    try:
        rebuilds.link_joined(config, ("a.1.css", "a.1.js"))  # type: ignore[arg-type]
        (site / "index.html").write_text("built")
        rebuilds.link_joined(config, ("a.1.css", "a.1.js"))  # type: ignore[arg-type]
        assert (site / "index.html").is_file()  # unchanged: nothing to build again
        rebuilds.link_joined(config, ("a.2.css", "a.1.js"))  # type: ignore[arg-type]
        assert not (site / "index.html").exists()  # emptied: every page is built again
    finally:
        rebuilds.close()


def test_opencpd_build_publishes_the_joined_files_of_a_new_programme(tmp_path: Path) -> None:
    from opencpd.scaffold_site import new_site

    new_site(tmp_path / "programme", "Northern CPD")
    with mkdocs_warnings() as handler:
        build_site(str(tmp_path / "programme" / "mkdocs.yml"), tmp_path / "out", search=False)
    assert handler.messages == [], handler.messages
    sheets, scripts = linked_files(tmp_path / "out", tmp_path / "out" / "index.html")
    assert [Path(s).parent.as_posix() for s in sheets + scripts] == [
        "assets/stylesheets",
        "assets/javascripts",
    ]
    assert all((tmp_path / "out" / s).is_file() for s in sheets + scripts)
