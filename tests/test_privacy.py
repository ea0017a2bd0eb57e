"""Private by default: no third-party requests, no cookies, nothing loadable from other hosts."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from .conftest_browser import TEMPLATE_PAGES, BuiltSite, ServedSite, search_for

THIRD_PARTY_HOSTS = (
    "fonts.googleapis.com",
    "fonts.gstatic.com",
    "gstatic.com",
    "cdn.jsdelivr.net",
    "unpkg.com",
    "google-analytics.com",
    "googletagmanager.com",
    "cdnjs.cloudflare",
    "use.typekit.net",
    "plausible.io",
    "matomo",
)
# Material's JavaScript bundle names two scripts it fetches only when a page needs them. Neither
# can happen here, and test_material_fallbacks_never_apply checks why.
MATERIAL_FALLBACKS = {
    "https://unpkg.com/mermaid@11/dist/mermaid.min.js": "only for ```mermaid diagrams",
    "https://unpkg.com/resize-observer-polyfill": "only in browsers without ResizeObserver "
    "(before 2020)",
}


@pytest.mark.parametrize("template", list(TEMPLATE_PAGES))
def test_every_request_goes_to_the_site_itself(
    template: str, served_site: ServedSite, browser: Any
) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(served_site.page(TEMPLATE_PAGES[template]), wait_until="networkidle")
        if template == "search":
            search_for(page)
            page.wait_for_load_state("networkidle")
        origin = urlsplit(served_site.url).netloc
        elsewhere = [
            url
            for url in requests
            if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != origin
        ]
        assert requests, "no request recorded"
        assert not elsewhere, (
            f"the {template} page requested from other hosts than {origin}:\n"
            + "\n".join(elsewhere)
        )
        cookies = context.cookies()
        assert cookies == [], f"the {template} page set cookies: {cookies}"
    finally:
        context.close()


class LoadedURLs(HTMLParser):
    """URLs an HTML page makes the browser load (not links a reader may follow)."""

    LOADING = frozenset(
        {
            ("script", "src"),
            ("img", "src"),
            ("img", "srcset"),
            ("iframe", "src"),
            ("audio", "src"),
            ("video", "src"),
            ("video", "poster"),
            ("source", "src"),
            ("source", "srcset"),
            ("embed", "src"),
            ("object", "data"),
            ("track", "src"),
            ("input", "src"),
        }
    )
    LINK_LOADING = frozenset(
        {
            "stylesheet",
            "preload",
            "modulepreload",
            "prefetch",
            "preconnect",
            "dns-prefetch",
            "icon",
            "apple-touch-icon",
            "manifest",
        }
    )

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name, value in attrs:
            if (tag, name) in self.LOADING and value:
                self.urls += [part.split()[0] for part in value.split(",") if part.strip()]
        if tag == "link" and attributes.get("href"):
            rels = set((attributes.get("rel") or "").lower().split())
            if rels & self.LINK_LOADING:
                self.urls.append(attributes["href"] or "")
        style = attributes.get("style") or ""
        self.urls += CSS_URL.findall(style)


CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""")
ABSOLUTE = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'`)<>]*""")


def is_third_party(url: str) -> bool:
    return bool(re.match(r"^(?:https?:)?//", url.strip()))


def files(site: Path, *suffixes: str) -> list[Path]:
    return [p for p in site.rglob("*") if p.suffix in suffixes and p.is_file()]


def test_no_html_page_loads_anything_from_another_host(built_repo_site: BuiltSite) -> None:
    problems = []
    for page in files(built_repo_site.folder, ".html"):
        parser = LoadedURLs()
        parser.feed(page.read_text(encoding="utf-8"))
        for url in parser.urls:
            if is_third_party(url):
                problems.append(f"{page.relative_to(built_repo_site.folder)}: {url}")
    assert not problems, "pages that load from other hosts:\n" + "\n".join(problems)


def test_no_stylesheet_loads_anything_from_another_host(built_repo_site: BuiltSite) -> None:
    problems = []
    for sheet in files(built_repo_site.folder, ".css"):
        for url in CSS_URL.findall(sheet.read_text(encoding="utf-8")):
            if is_third_party(url):
                problems.append(f"{sheet.relative_to(built_repo_site.folder)}: {url}")
    assert not problems, "stylesheets that load from other hosts:\n" + "\n".join(problems)


def test_no_script_names_a_third_party_host(built_repo_site: BuiltSite) -> None:
    problems = []
    for script in files(built_repo_site.folder, ".js", ".mjs"):
        text = script.read_text(encoding="utf-8", errors="replace")
        for url in ABSOLUTE.findall(text):
            host = urlsplit(url if "//" in url[:8] else "https:" + url).netloc
            if url in MATERIAL_FALLBACKS or not any(h in host for h in THIRD_PARTY_HOSTS):
                continue
            problems.append(f"{script.relative_to(built_repo_site.folder)}: {url}")
    assert not problems, "scripts that would load from other hosts:\n" + "\n".join(problems)


def test_no_file_names_a_tracker_or_font_service(built_repo_site: BuiltSite) -> None:
    """A plain grep of everything text-like the site serves, whatever the file type."""
    hosts = (
        "fonts.googleapis",
        "fonts.gstatic",
        "gstatic.com",
        "cdn.jsdelivr",
        "unpkg.com",
        "google-analytics",
        "googletagmanager",
    )
    problems = []
    for path in files(built_repo_site.folder, ".html", ".css", ".js", ".mjs", ".json", ".xml"):
        text = path.read_text(encoding="utf-8", errors="replace")
        for url in MATERIAL_FALLBACKS:
            text = text.replace(url, "")
        found = [h for h in hosts if h in text]
        if found:
            problems.append(f"{path.relative_to(built_repo_site.folder)}: {found}")
    assert not problems, "files that name third-party hosts:\n" + "\n".join(problems)


def test_material_fallbacks_never_apply(built_repo_site: BuiltSite) -> None:
    """Material fetches Mermaid only for a `mermaid` element; the site has none."""
    with_mermaid = [
        str(p.relative_to(built_repo_site.folder))
        for p in files(built_repo_site.folder, ".html")
        if re.search(r'class="[^"]*\bmermaid\b', p.read_text(encoding="utf-8"))
    ]
    assert not with_mermaid, f"pages with Mermaid diagrams (loaded from unpkg): {with_mermaid}"


def test_the_theme_loads_no_web_fonts(built_repo_site: BuiltSite) -> None:
    home = (built_repo_site.folder / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis" not in home
    assert not re.search(
        r"@font-face[^}]*https?://",
        "".join(p.read_text(encoding="utf-8") for p in files(built_repo_site.folder, ".css")),
    )
