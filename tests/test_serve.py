"""`opencpd serve`: after an edit, only what changed is built again, and the site is the same as
one built afresh."""

from __future__ import annotations

import gzip
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from opencpd.adapters.packs import pack_options
from opencpd.adapters.plugin import OpenCPDPlugin
from opencpd.adapters.serving import classify, reload_modules
from opencpd.adapters.slides import cache_dir as slides_cache
from opencpd.adapters.slides import deck_links, deck_options, make_decks
from opencpd.core.load import load_catalog
from opencpd.core.packs import PackCache, prepare
from opencpd.core.vocabulary import load_vocabulary

from .conftest import with_caches

URL = "http://127.0.0.1:8000/"
SONG = "modules/ks2-speaking/resources/greetings-song"
UNCHANGED = "modules/ks3-reading/index.html"


# --- what a change asks for ---------------------------------------------------------------------


def state(*paths: str) -> dict[str, tuple[int, int]]:
    return {f"/p/{path}": (1, 1) for path in paths}


BEFORE = state(
    "modules/m/module.md",
    "modules/m/resources/r/index.md",
    "docs/about.md",
    "docs/overrides/main.html",
    "mkdocs.yml",
)


@pytest.mark.parametrize(
    "changed, modules, everything",
    [
        ("modules/m/resources/r/index.md", {"m"}, False),
        ("modules/m/resources/new/index.md", {"m"}, False),
        ("docs/about.md", set(), False),
        ("docs/new.md", set(), True),
        ("docs/overrides/main.html", set(), True),
        ("modules/m/module.md", set(), True),
        ("handbook/h/publication.md", set(), True),
        ("mkdocs.yml", set(), True),
    ],
)
def test_only_resources_and_edited_pages_avoid_a_full_rebuild(
    changed: str, modules: set[str], everything: bool
) -> None:
    after = {**BEFORE, f"/p/{changed}": (2, 1)}
    changes = classify(BEFORE, after, "/p/modules", "/p/docs", "/p/docs/overrides")
    assert changes.modules == modules
    assert bool(changes.everything) == everything


def test_a_module_read_again_gives_the_catalog_read_afresh(site_copy: Path) -> None:
    catalog = load_catalog(site_copy, load_vocabulary())
    song = site_copy / SONG / "index.md"
    second = site_copy / SONG.replace("greetings-song", "second-song") / "index.md"
    second.parent.mkdir()
    text = song.read_text("utf-8")
    second.write_text(text.replace("consent: true", "consent: false"), "utf-8")
    for fixed in (False, True):  # a finding comes, then goes
        if fixed:
            second.write_text(text.replace("A greetings song", "A hello song"), "utf-8")
        again = reload_modules(catalog, {"ks2-speaking"}, False, 20 * 1024 * 1024)
        assert again == load_catalog(site_copy, load_vocabulary())
        assert again is not None and bool(again.findings) is not fixed
        assert again.module("ks3-reading") is catalog.module("ks3-reading")
        catalog = again


# --- a rebuild while serving, in this process ---------------------------------------------------

Serve = Callable[..., None]


def with_packs(source: Path, built_site: Path) -> Path:
    """`source` with the caches (packs, decks) of a build of the same content (`built_site`)."""
    shutil.copytree(built_site.parent / ".cache", source / ".cache")
    return source


@pytest.fixture
def serving(site_copy: Path, built_site: Path) -> Iterator[Serve]:
    """Builds `site_copy` into a folder as `opencpd serve` does; `afresh` as if it had just been
    started (it is on the first call). Its packs are in the cache: none is made meanwhile."""
    with_packs(site_copy, built_site)
    plugin: OpenCPDPlugin = load_config(str(site_copy / "mkdocs.yml")).plugins["opencpd"]

    def serve_build(site: Path, afresh: bool = False) -> None:
        if afresh or not plugin.rebuilds:
            plugin.on_shutdown()
            plugin.on_startup(command="serve", dirty=True)
        config = load_config(str(site_copy / "mkdocs.yml"), site_dir=str(site))
        config.site_url = URL
        build(config, serve_url=URL, dirty=True)
        assert plugin.served
        plugin.served.search.wait()  # the served pages' index, made in the background

    yield serve_build
    # MkDocs keeps one plugin object for the whole process: make it build, not serve, again.
    plugin.on_shutdown()
    plugin.on_startup(command="build", dirty=False)


def times(site: Path) -> dict[str, int]:
    return {
        p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()
    }


def contents(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def retitle(source: Path) -> None:
    song = source / SONG / "index.md"
    song.write_text(song.read_text("utf-8").replace("A greetings song", "A hello song"), "utf-8")


def edit_page(source: Path) -> None:
    about = source / "docs" / "about.md"
    about.write_text(about.read_text("utf-8") + "\nEdited while serving.\n", "utf-8")


def add_resource(source: Path) -> None:
    shutil.copytree(source / SONG, source / SONG.replace("greetings-song", "second-song"))
    retitle(source)


@pytest.mark.parametrize(
    "edit, rebuilt",
    [
        (
            retitle,
            {
                f"{SONG}/index.html",
                "modules/ks2-speaking/index.html",
                "catalog.json",
                "resources/index.html",
                "resources/ks2-speaking/index.html",
            },
        ),
        (edit_page, {"about/index.html"}),
        (add_resource, {UNCHANGED}),  # a page added changes every page's navigation
    ],
)
def test_a_rebuild_matches_a_fresh_build(
    serving: Serve, site_copy: Path, tmp_path: Path, edit: Callable[[Path], None], rebuilt: set[str]
) -> None:
    site = tmp_path / "served"
    serving(site)
    before = times(site)
    time.sleep(0.01)  # file times must tell the edit from the first build
    edit(site_copy)
    serving(site)
    changed = {p for p, t in times(site).items() if before.get(p) != t}
    assert rebuilt <= changed
    if edit is not add_resource:
        assert UNCHANGED not in changed, "a page the edit does not change was built again"
    fresh = tmp_path / "fresh"
    serving(fresh, afresh=True)
    assert contents(site) == contents(fresh)


def test_a_new_heading_reaches_every_pages_navigation(
    serving: Serve, site_copy: Path, tmp_path: Path
) -> None:
    """A hand-written page that mkdocs.yml lists with no title is named by its heading in every
    page's navigation: a new heading builds every page again."""
    config = site_copy / "mkdocs.yml"
    config.write_text(
        config.read_text("utf-8").replace(
            "  - About: about.md\n", "  - About: about.md\n  - contribute/share-a-resource.md\n"
        ),
        "utf-8",
    )
    site = tmp_path / "served"
    serving(site)
    assert "Share a resource" in (site / "about" / "index.html").read_text("utf-8")
    time.sleep(0.01)  # file times must tell the edit from the first build
    page = site_copy / "docs" / "contribute" / "share-a-resource.md"
    page.write_text(
        page.read_text("utf-8").replace("# Share a resource", "# Send us a resource"), "utf-8"
    )
    serving(site)
    about = (site / "about" / "index.html").read_text("utf-8")
    assert "Send us a resource" in about and "Share a resource" not in about
    fresh = tmp_path / "fresh"
    serving(fresh, afresh=True)
    assert contents(site) == contents(fresh)
    before = times(site)
    time.sleep(0.01)
    page.write_text(page.read_text("utf-8") + "\nThe same heading.\n", "utf-8")
    serving(site)
    changed = {p for p, t in times(site).items() if before.get(p) != t}
    assert "contribute/share-a-resource/index.html" in changed
    assert "about/index.html" not in changed  # no new heading: only the page itself


# --- `opencpd serve` itself ---------------------------------------------------------------------

SERVE = """
import sys
from opencpd.cli import main
main(["serve", "-f", sys.argv[1], "-a", sys.argv[2]], standalone_mode=False)
"""


class Server:
    """`opencpd serve` in a child process, its log read line by line."""

    def __init__(self, source: Path, tmp: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        tmp.mkdir()
        self.tmp = tmp
        env = {**os.environ, "TMPDIR": str(tmp), "NO_MKDOCS_2_WARNING": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(source / "mkdocs.yml"), f"127.0.0.1:{self.port}"],
            cwd=source,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self) -> None:
        assert self.process.stdout
        for line in self.process.stdout:
            self.log.append(line.rstrip())
            self.lines.put(line)

    def wait_for(self, text: str, minutes: int = 1) -> None:
        """Until a log line contains `text` (`minutes` at most: then the test fails)."""
        deadline = time.monotonic() + 60 * minutes
        while time.monotonic() < deadline:
            try:
                if text in self.lines.get(timeout=1):
                    return
            except queue.Empty:
                assert self.process.poll() is None, "\n".join(self.log)
        pytest.fail(f"no {text!r} in the server's log:\n" + "\n".join(self.log))

    def page(self, path: str) -> str:
        return self.file(path).decode("utf-8")

    def file(self, path: str) -> bytes:
        url = f"http://127.0.0.1:{self.port}/{path}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return bytes(response.read())

    @property
    def site(self) -> Path:
        return next(self.tmp.glob("mkdocs_*"))

    def stop(self, how: signal.Signals = signal.SIGINT) -> None:
        self.process.send_signal(how)  # as Ctrl+C (or a service manager's stop): shut down cleanly
        self.process.wait(timeout=30)
        self.reader.join(timeout=30)
        assert self.process.stdout
        self.process.stdout.close()


def test_serve_shows_an_edit_and_a_new_resource(
    site_copy: Path, built_site: Path, tmp_path: Path
) -> None:
    """And an edited delivery (centres/ and deliveries/ are watched like modules/). The packs
    and decks are in the cache, so none is made in the background meanwhile (that is tested
    below, in test_serve_makes_missing_packs_and_decks_in_the_background)."""
    with_caches(site_copy, built_site.parent)
    deliveries = Path(__file__).parent / "deliveries_fixture"
    for folder in ("centres", "deliveries"):
        shutil.copytree(deliveries / folder, site_copy / folder)
    evening = site_copy / "deliveries" / "2027-03-31-leeds-speaking.md"
    server = Server(site_copy, tmp_path / "tmp")
    try:
        server.wait_for("Serving on")
        assert "Bring a lesson plan" in server.page("deliveries/2027-03-31-leeds-speaking/")
        unchanged = (server.site / UNCHANGED).stat().st_mtime_ns
        retitle(site_copy)
        server.wait_for("Building only the pages that changed")
        server.wait_for("Reloading browsers")
        assert "A hello song" in server.page(f"{SONG}/")
        assert "A hello song" in server.page("modules/ks2-speaking/")
        assert (server.site / UNCHANGED).stat().st_mtime_ns == unchanged
        add_resource(site_copy)
        server.wait_for("Building every page")
        server.wait_for("Reloading browsers")
        assert "A hello song" in server.page(SONG.replace("greetings-song", "second-song") + "/")
        text = evening.read_text(encoding="utf-8")
        evening.write_text(text.replace("a lesson plan", "a song"), encoding="utf-8")
        server.wait_for("Building every page")
        server.wait_for("Reloading browsers")
        assert "Bring a song you" in server.page("deliveries/2027-03-31-leeds-speaking/")
        assert "Traceback" not in "\n".join(server.log)
    finally:
        server.stop()
    assert not list((tmp_path / "tmp").glob("opencpd-serve*")), "the page cache is left behind"


def test_serve_shows_a_macro_that_fails_as_it_runs_and_goes_on(
    site_copy: Path, tmp_path: Path
) -> None:
    """mkdocs-macros ended the process on a macro that fails as it runs: the server stopped
    rebuilding. It now says where, shows the page as written, and builds the next save."""
    about = site_copy / "docs" / "about.md"
    text = about.read_text("utf-8")
    server = Server(site_copy, tmp_path / "tmp")
    try:
        server.wait_for("Serving on")
        about.write_text(text + "\n{{ modules_table(1, 2, 3) }}\n", "utf-8")
        server.wait_for("docs/about.md:5:1: macro-error: a macro on this page fails as it runs")
        server.wait_for("Reloading browsers")
        assert "{{ modules_table(1, 2, 3) }}" in server.page("about/")
        about.write_text(text + "\n{{ modules_table('KS3') }}\n", "utf-8")
        server.wait_for("Reloading browsers")
        assert "Reading at KS3" in server.page("about/")
        assert "Traceback" not in "\n".join(server.log) and "[macros]" not in "\n".join(server.log)
        assert server.process.poll() is None
    finally:
        server.stop()


def test_serve_names_the_line_of_a_half_written_mkdocs_yml_and_goes_on(
    site_copy: Path, built_site: Path, tmp_path: Path
) -> None:
    """A save of mkdocs.yml that is not YAML printed MkDocs' traceback, twice over: it is now
    the line and what is wrong, and the next save is served."""
    config = site_copy / "mkdocs.yml"
    text = config.read_text("utf-8")
    line = text.splitlines().index("nav:") + 1
    server = Server(with_packs(site_copy, built_site), tmp_path / "tmp")
    try:
        server.wait_for("Serving on")
        config.write_text(text.replace("nav:", "nav: ["), "utf-8")
        server.wait_for(f"mkdocs.yml:{line + 1}:")
        server.wait_for("An error happened during the rebuild")
        config.write_text(text.replace("A tiny OpenCPD site", "A small OpenCPD site"), "utf-8")
        server.wait_for("Reloading browsers")
        assert "A small OpenCPD site" in server.page("")
        assert server.process.poll() is None
    finally:
        server.stop()
    assert "Traceback" not in "\n".join(server.log), "\n".join(server.log)


def test_serve_stopped_while_making_a_pack_leaves_no_temporary_folder(
    site_copy: Path, tmp_path: Path
) -> None:
    """The pool making packs is ended mid-pack on Ctrl+C, before WeasyPrint removes its folder
    of fonts (weasyprint-*): it was left in the system's temporary folder at each stop."""
    tmp = tmp_path / "tmp"
    server = Server(site_copy, tmp)
    try:
        server.wait_for("Serving on")
        deadline = time.monotonic() + 120
        while not list(tmp.rglob("weasyprint-*")) and time.monotonic() < deadline:
            time.sleep(0.1)  # until a deck or a pack is being made
        assert list(tmp.rglob("weasyprint-*")), "nothing is being made"
    finally:
        server.stop()
    assert not list(tmp.rglob("weasyprint-*"))
    assert not [p.name for p in tmp.iterdir() if not p.name.startswith("_jinja2")]


# --- what `serve` shows is what `build` publishes ------------------------------------------------


def searched_in(site: Path) -> set[str]:
    """The pages a site's search index finds (the URLs of its fragments)."""
    return {
        json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))["url"]
        for path in (site / "pagefind" / "fragment").glob("*.pf_fragment")
    }


def searched(server: Server, ready: Callable[[set[str]], bool]) -> set[str]:
    """The pages the served search index finds, once `ready` says they are what is awaited
    (the index is made in the background after each build: a minute at most)."""
    deadline, found = time.monotonic() + 60, set()
    while time.monotonic() < deadline:
        try:
            found = searched_in(server.site)
        except (OSError, ValueError):  # being replaced
            found = set()
        if ready(found):
            return found
        time.sleep(0.2)
    pytest.fail(f"the served search index never became what was awaited: {sorted(found)}")


def test_a_resource_rejected_while_serving_leaves_every_served_output(
    site_copy: Path, built_site: Path, tmp_path: Path
) -> None:
    """Its page, the lists, catalog.json, the feeds, the module's zip and the search index,
    which was the last `opencpd build`'s: the rejected resource was still found there, and a
    resource added while serving was not."""
    url = f"/{SONG}/"
    published = shutil.copytree(built_site, site_copy / "site")  # as `opencpd build` left it
    before = contents(published)
    server = Server(with_packs(site_copy, built_site), tmp_path / "tmp")
    try:
        server.wait_for("Serving on")
        assert searched(server, lambda found: url in found) == searched_in(built_site)
        song = site_copy / SONG / "index.md"
        song.write_text(
            song.read_text("utf-8").replace("status: approved", "status: rejected"), "utf-8"
        )
        server.wait_for("Building every page")
        server.wait_for("Reloading browsers")
        with pytest.raises(urllib.error.HTTPError):
            server.page(f"{SONG}/")
        for path in ("catalog.json", "feeds/resources.xml", "modules/ks2-speaking/"):
            assert "greetings-song" not in server.page(path), path
        assert not [n for n in zipped(server, "ks2-speaking") if "greetings-song" in n]
        searched(server, lambda found: bool(found) and url not in found)
    finally:
        server.stop()
    assert contents(published) == before, "the preview wrote into the published site"
    assert "Traceback" not in "\n".join(server.log)
    assert not list((tmp_path / "tmp").glob("opencpd-serve*")), "a temporary folder is left"


PACKS = ("ks2-speaking-facilitator.pdf", "ks2-speaking-participant.pdf")


def zipped(server: Server, module: str) -> dict[str, bytes]:
    path = server.tmp / f"{module}.zip"
    path.write_bytes(server.file(f"offline/{module}.zip"))
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_serve_shows_the_packs_and_zips_a_build_published(
    site_copy: Path, built_site: Path, tmp_path: Path
) -> None:
    """The packs `opencpd build` made are served as they are, though the site is served at
    another address; the offline zips are made; the address is printed."""
    server = Server(with_packs(site_copy, built_site), tmp_path / "tmp")
    try:
        server.wait_for(f"Serving on http://127.0.0.1:{server.port}/")
        module = server.page("modules/ks2-speaking/")
        for name in PACKS:
            assert f'href="../../packs/{name}"' in module
            assert server.file(f"packs/{name}") == (built_site / "packs" / name).read_bytes()
        assert (
            server.file("packs/bridge-toolkit-handbook.pdf")
            == (built_site / "packs/bridge-toolkit-handbook.pdf").read_bytes()
        )
        assert 'href="../../offline/ks2-speaking.zip"' in module
        # what the site says of its own address is the published one, not the server's
        assert server.file("catalog.json") == (built_site / "catalog.json").read_bytes()
        files = zipped(server, "ks2-speaking")
        assert files[f"packs/{PACKS[0]}"] == (built_site / "packs" / PACKS[0]).read_bytes()
        assert "modules/ks2-speaking/index.html" in files
        assert sorted(files) == sorted(
            zipfile.ZipFile(built_site / "offline/ks2-speaking.zip").namelist()
        )
    finally:
        server.stop(signal.SIGTERM)  # as a service manager stops it: cleaned up as for Ctrl+C
    log = "\n".join(server.log)
    assert "Making" not in log and "Traceback" not in log, log
    assert not list((tmp_path / "tmp").glob("opencpd-serve*")), "the page cache is left behind"


def test_serve_makes_missing_packs_and_decks_in_the_background(
    site_copy: Path, tmp_path: Path
) -> None:
    """With no pack or deck in the cache, the pages say the packs are being made and link packs
    and decks once they are; what was made is what a build then finds in the cache. (A fifth
    session: more decks missing than serving makes before the pages, SERVE_DECKS.)"""
    sessions = site_copy / "modules"
    follow_up = (sessions / "ks2-speaking/sessions/02-follow-up.md").read_text(encoding="utf-8")
    (sessions / "ks3-reading/sessions/02-follow-up.md").write_text(
        follow_up.replace("Speaking at KS2", "Reading at KS3"), encoding="utf-8"
    )
    server = Server(site_copy, tmp_path / "tmp")
    try:
        server.wait_for("5 slide decks in the background")
        server.wait_for("session packs in the background")
        server.wait_for(f"Serving on http://127.0.0.1:{server.port}/")
        module = server.page("modules/ks2-speaking/")
        if "Facilitator edition (PDF): being made in the background" in module:
            with pytest.raises(urllib.error.HTTPError):
                server.file(f"packs/{PACKS[0]}")
        else:  # on a fast machine the packs may be ready already
            assert "Session packs ready" in "\n".join(server.log), module
        server.wait_for("Slide decks ready", minutes=5)
        server.wait_for("Session packs ready", minutes=5)
        server.wait_for("Reloading browsers")
        module = server.page("modules/ks2-speaking/")
        assert "being made" not in module
        reading = server.page("modules/ks3-reading/")
        for form in ("html", "pdf", "pptx"):
            assert f'href="slides/02-follow-up.{form}"' in reading, reading
        assert server.file("modules/ks3-reading/slides/02-follow-up.pdf")[:5] == b"%PDF-"
        for name in PACKS:
            assert f'href="../../packs/{name}"' in module
            assert server.file(f"packs/{name}")[:5] == b"%PDF-"
        assert f"packs/{PACKS[0]}" in zipped(server, "ks2-speaking")
    finally:
        server.stop()
    assert "Traceback" not in "\n".join(server.log)
    config = load_config(str(site_copy / "mkdocs.yml"))  # as `opencpd build` reads it
    catalog = load_catalog(site_copy, load_vocabulary())
    options = pack_options(config, "16:00")
    decks = make_decks(catalog, deck_options(config, "16:00"), slides_cache(config), False)
    assert {j.status for j in decks} == {"cached"}, [(j.id, j.status) for j in decks]
    options.decks = deck_links(decks)  # the facilitator editions link the decks, as a build does
    jobs = prepare(catalog, options, PackCache(site_copy / ".cache/packs"))
    assert {j.status for j in jobs} == {"cached"}, [(j.pack.id, j.status) for j in jobs]
