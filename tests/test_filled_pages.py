"""Centres' and deliveries' pages filled into a shell (core/shells.py, adapters/filled.py) are the
pages MkDocs would have built: the tiny delivery site built both ways, byte for byte, with its
search index and sitemap; served both ways; and the shell's refusals."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from opencpd.adapters.filled import FilledPages
from opencpd.adapters.plugin import OpenCPDPlugin
from opencpd.adapters.served import Maker
from opencpd.adapters.served_search import ServedSearch
from opencpd.core import shells
from opencpd.core.shells import Parts, Shell, ShellUnusable, fillable, page_shell

from .conftest import mkdocs_warnings, with_caches
from .deliveries_site import BUILD_DAY, tiny_site, write_delivery

# Escaped, collapsed and lowered differently by the theme in each place it prints a title
AWKWARD = 'St Mary\'s & "All"  Saints   Hub'


def contents(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory, built_fixture: Path) -> Path:
    # packs and decks from the cache in each build here (the second build always took them
    # from it): what the tests compare is how the pages are made
    root = with_caches(tiny_site(tmp_path_factory.mktemp("filled") / "src"), built_fixture)
    centre = root / "centres" / "leeds-hub.md"
    text = centre.read_text("utf-8").replace(
        "name: Leeds Languages Hub", f"name: {json.dumps(AWKWARD)}"
    )
    centre.write_text(text, "utf-8")
    for n in range(45):  # calendar lists of several pages: calendar/2/, region/<region>/2/, ...
        write_delivery(
            root,
            f"2027-06-{n % 28 + 1:02d}-x{n}",
            {
                "date": f"2027-06-{n % 28 + 1:02d}",
                "start": f'"{14 + n // 28}:00"' if n >= 28 else '"16:00"',
                "centre": "leeds-hub" if n < 28 else "bristol-hub",
            },
        )
    return root


class Counted:
    """The pages the build fills into shells (as FilledPages.prepare groups them, in the build's
    own process: a forked copy may write them)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.pages: list[str] = []
        self.folders: list[set[str]] = []  # each shell's: the folders of its pages
        prepare = FilledPages.prepare

        def counted(filled: FilledPages, *args: Any) -> None:
            prepare(filled, *args)
            self.pages += [p.uri for kind in filled.kinds for p in kind.parts]
            self.folders += [{p.folder for p in kind.parts} for kind in filled.kinds]

        monkeypatch.setattr(FilledPages, "prepare", counted)


def test_a_filled_site_is_the_site_mkdocs_builds(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from opencpd.adapters.site import build_site

    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_DAY)
    counted = Counted(monkeypatch)
    with mkdocs_warnings() as handler:
        # on two CPUs: a forked copy fills the pages
        build_site(str(source / "mkdocs.yml"), tmp_path / "filled", parallel=True)
        monkeypatch.setattr(OpenCPDPlugin, "shells", False)  # every page through MkDocs
        build_site(str(source / "mkdocs.yml"), tmp_path / "mkdocs", parallel=False)
    assert handler.messages == [], handler.messages
    own = {p for p in counted.pages if p.startswith(("centres/", "deliveries/"))}
    # two centres, Leeds's 29 twilights to come on two pages, and 49 deliveries
    assert len(own) == 52, "three centre pages and 49 deliveries are filled into their shells"
    assert "centres/leeds-hub/2.md" in own
    calendar = {p for p in counted.pages if p.startswith("calendar/")}
    # every calendar page but the two in the navigation: numbered pages of a list, and the
    # first page of each filter's list (a folder's index.md)
    assert {"calendar/2.md", "calendar/3.md", "calendar/region/yorkshire-humber/2.md"} <= calendar
    assert "calendar/region/yorkshire-humber/index.md" in calendar
    assert not {"calendar/index.md", "calendar/held/index.md"} & calendar
    # one shell for the numbered pages of every filter's list: a folder as deep, whose first
    # level (calendar/, in the navigation) is the same
    assert {"calendar/region/yorkshire-humber", "calendar/key-stage/ks2"} in [
        folders & {"calendar/region/yorkshire-humber", "calendar/key-stage/ks2"}
        for folders in counted.folders
    ]
    # centres, deliveries (to come and held alike), calendar/N, the filters' first pages and
    # their N, and a busy centre's further pages (centres/<id>/N)
    assert len(counted.folders) == 6
    filled, built = contents(tmp_path / "filled"), contents(tmp_path / "mkdocs")
    assert "calendar/region/yorkshire-humber/2/index.html" in filled
    assert filled.keys() == built.keys()
    assert [uri for uri in filled if filled[uri] != built[uri]] == []
    page = filled["centres/leeds-hub/index.html"].decode("utf-8")
    assert "<title>St Mary&#39;s &amp; &#34;All&#34;  Saints   Hub - " in page
    assert 'content="st mary&#39;s &amp; &#34;all&#34; saints hub"' in page


def test_serve_fills_the_pages_mkdocs_would_serve(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_DAY)
    url = "http://127.0.0.1:8000/"
    plugin: OpenCPDPlugin = load_config(str(source / "mkdocs.yml")).plugins["opencpd"]

    def serve_build(site: Path) -> None:
        plugin.on_startup(command="serve", dirty=True)
        try:
            config = load_config(str(source / "mkdocs.yml"), site_dir=str(site))
            config.site_url = url
            build(config, serve_url=url, dirty=True)
        finally:
            plugin.on_shutdown()
            plugin.on_startup(command="build", dirty=False)

    # nothing made in the background between the two builds: a pack made meanwhile would be
    # linked in the second only (when no test before this one had made the packs), and the
    # served pages' search index, moved in whenever it is done, in either or both
    monkeypatch.setattr(Maker, "run", lambda maker: None)
    monkeypatch.setattr(ServedSearch, "after_build", lambda search, site: None)
    counted = Counted(monkeypatch)
    with caplog.at_level(logging.INFO):
        serve_build(tmp_path / "filled")
    # the shells are built but never written: the engine's "Page skipped" about them is not
    # shown to whoever serves the site, and nothing else names them
    said = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("Documentation built") for m in said), said
    assert [m for m in said if shells.SLUG.lower() in m.lower()] == []
    assert len({p for p in counted.pages if p.startswith(("centres/", "deliveries/"))}) == 52
    assert any(p.startswith("calendar/") for p in counted.pages)
    monkeypatch.setattr(OpenCPDPlugin, "shells", False)
    serve_build(tmp_path / "mkdocs")
    assert contents(tmp_path / "filled") == contents(tmp_path / "mkdocs")


PARTS = Parts(
    "deliveries/x.md",
    {"title": "A <b> & 'c'", "description": "Here  and   there"},
    "<h1>A</h1><p>Body OpenCPD-Shell  Title</p>",
)


def test_the_parts_go_in_once_escaped_as_the_theme_prints_them() -> None:
    html = (
        f"<head><title>{shells.TITLE}</title>"
        f'<meta content="{" ".join(shells.TITLE.split()).lower()}">'
        f'<meta content="{shells.DESCRIPTION}"></head>'
        f'<a href="/deliveries/{shells.SLUG}/">{shells.ARTICLE}</a>'
    )
    filled = page_shell(html).fill(PARTS, "<script>LD</script>\n")
    assert filled.startswith('<head><meta http-equiv="Content-Security-Policy"')
    assert "<title>A &lt;b&gt; &amp; &#39;c&#39;</title>" in filled
    assert '<meta content="a &lt;b&gt; &amp; &#39;c&#39;">' in filled
    assert '<meta content="Here  and   there"><script>LD</script>\n</head>' in filled
    # the article's own text that looks like a token is not filled again
    assert '<a href="/deliveries/x/"><h1>A</h1><p>Body OpenCPD-Shell  Title</p></a>' in filled


def test_a_page_filled_as_bytes_is_its_text_encoded() -> None:
    """The shell's pieces are encoded once and each page's parts on their own: the same bytes
    as the whole page encoded, whatever characters either holds."""
    html = (
        f"<head><title>{shells.TITLE} → Accueil</title></head>"
        f'<a href="/deliveries/{shells.SLUG}/">{shells.ARTICLE}</a><p>Café ☕</p>'
    )
    shell = page_shell(html)
    for parts in (
        PARTS,
        Parts("deliveries/z.md", {"title": "Ça va – “oui”"}, "<h1>Ñ</h1><p>\U0001f600 \ud800</p>"),
    ):
        text = shell.fill(parts, "<script>LD ü</script>\n")
        assert shell.filled(parts, "<script>LD ü</script>\n") == text.encode(
            "utf-8", errors="xmlcharrefreplace"
        )


def test_a_shell_the_theme_changed_otherwise_is_refused() -> None:
    with pytest.raises(ShellUnusable, match="cannot fill"):
        Shell(f"<head><title>{shells.TITLE.upper()}</title></head>{shells.ARTICLE}")
    with pytest.raises(ShellUnusable, match="script or style"):
        page_shell(f"<head><script>var t = '{shells.TITLE}'</script></head>{shells.ARTICLE}")
    with pytest.raises(ShellUnusable, match="not there once"):
        page_shell(f"<head></head>{shells.ARTICLE}{shells.ARTICLE}")


@pytest.mark.parametrize(
    "article, ok",
    [
        ("<h1>T</h1><p>x</p>", True),
        ("<p>no heading</p>", False),
        ("<h1>T</h1></article>", False),
        ('<h1>T</h1><label for="x">x</label>', False),
        ('<h1>T</h1><p id="__toc">x</p>', False),
    ],
)
def test_only_articles_that_read_the_same_in_a_shell_are_filled(article: str, ok: bool) -> None:
    assert fillable(article) is ok


def test_a_shell_stands_for_every_folder_as_deep() -> None:
    parts = Parts("calendar/region/london/2.md", {"title": "T"}, "<h1>T</h1>")
    shell = parts.shell(1)
    folder = f"calendar/{shells.FOLDER}2/{shells.FOLDER}3"
    assert shell.uri == f"{folder}/{shells.SLUG}.md"
    assert parts.kind(1) == Parts("calendar/module/ks3-reading/3.md", {"title": "U"}, "").kind(1)
    assert parts.kind(1) != Parts("calendar/held/3.md", {"title": "U"}, "").kind(1)  # shallower
    entry = f"<loc>https://x.org/{folder}/{shells.SLUG}/</loc>"
    assert parts.at_address(entry) == "<loc>https://x.org/calendar/region/london/2/</loc>"
    html = f'<head></head><link href="https://x.org/{folder}/{shells.SLUG}/">{shells.ARTICLE}'
    assert 'href="https://x.org/calendar/region/london/2/"' in page_shell(html).fill(parts)
    mixed = f'<head></head><a href="{shells.FOLDER}2/{shells.SLUG}/">{shells.ARTICLE}</a>{folder}'
    with pytest.raises(ShellUnusable):
        page_shell(mixed)
