"""The repository's own site, built once per test run and served on 127.0.0.1, and Chromium.

A pytest plugin (tests/conftest.py names it in `pytest_plugins`), so its fixtures are defined
once for the whole run: the real-browser tests (accessibility, privacy, offline reading, search)
and the built-site tests (language, metadata) share one build of the repository's site.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from opencpd.core.catalog import Catalog

REPO = Path(__file__).resolve().parent.parent
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path(os.environ.get("OPENCPD_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# One page of each template, by its path in the built site. Every page type the site makes is
# here: the accessibility tests (axe-core, the keyboard), the Nu HTML Checker
# (test_html_valid.py) and the privacy tests check each. A new kind of page: add a line.
TEMPLATE_PAGES = {
    "home": "",
    "module": "modules/ks2-phonics-early-reading/",
    "session": "modules/ks2-phonics-early-reading/sessions/01-twilight/",
    "handout": "modules/ks2-phonics-early-reading/handouts/key-sounds/",
    "chapter with printable forms": "handbook/peer-mentoring/04-mentoring-agreement/",
    "publication with charter": "handbook/peer-mentoring/",
    "resource": "modules/ks2-phonics-early-reading/resources/french-sound-swat-game/",
    "resources list": "resources/",
    "module resources list": "resources/ks2-phonics-early-reading/",
    "search": "search/",
    "browse": "browse/",
    "contribute": "contribute/share-a-resource/",
    "hand-written page": "about/",
    "guide with code": "contribute/authoring/",
    "index by key stage": "key-stages/",
    "key stage": "key-stages/ks2/",
    "theme": "themes/phonics/",
    "language": "languages/fr/",
    "calendar": "calendar/",
    "calendar by region": "calendar/region/north-west/",
    "twilights held": "calendar/held/",
    "delivery": "deliveries/2027-01-20-example-leeds-ks2-writing/",
    "centre": "centres/example-leeds-hub/",
    "support directory": "support/",
    "support directory by subject": "support/subject/languages/",
    "support offer": "support/offers/example-phonics-routines-primary/",
    "how support works": "support/how-it-works/",
    "slide deck": "modules/ks2-phonics-early-reading/slides/01-twilight.html",
    "page not found": "404.html",
}
SEARCH_WORD = "phonics"


def page_file(site: Path, path: str) -> Path:
    """The file a page's path in TEMPLATE_PAGES is served from."""
    return site / (path + "index.html" if path == "" or path.endswith("/") else path)


@dataclass(frozen=True)
class BuiltSite:
    folder: Path
    catalog: Catalog


@dataclass(frozen=True)
class ServedSite:
    folder: Path
    url: str  # ends with "/"

    def page(self, path: str) -> str:
        return self.url + path


@pytest.fixture(scope="session")
def built_repo_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The repository's content built once per run, strictly, as `opencpd build` does."""
    from opencpd.adapters.site import build_site

    from .conftest import mkdocs_warnings

    site_dir = tmp_path_factory.mktemp("repo-site") / "site"
    with mkdocs_warnings() as handler:
        catalog = build_site(str(REPO / "mkdocs.yml"), site_dir)
    assert handler.messages == [], handler.messages
    return BuiltSite(site_dir, catalog)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    return server, f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="module")
def served_site(built_repo_site: BuiltSite) -> Iterator[ServedSite]:
    """The built site over HTTP on 127.0.0.1, on a free port."""
    server, url = serve(built_repo_site.folder)
    try:
        yield ServedSite(built_repo_site.folder, url)
    finally:
        server.shutdown()
        server.server_close()


def needs_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}; install the Debian package "
            "`chromium` (scripts/test does) or set OPENCPD_CHROMIUM.",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium (the Debian package) driven by Playwright, launched once for the run:
    each test has a browser context of its own (`page`, or its own `new_context()`), with no
    cookies or storage carried over from another."""
    needs_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context and page (no cookies or storage carried over)."""
    context = browser.new_context()
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


def search_for(page: Any, word: str = SEARCH_WORD) -> None:
    """Type a query into the search page's box as a reader would, and wait for the results."""
    page.fill("#opencpd-q", word)
    page.press("#opencpd-q", "Enter")
    page.wait_for_selector(".opencpd-results__list li", timeout=10_000)
