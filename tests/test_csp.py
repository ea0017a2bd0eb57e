"""The Content-Security-Policy every page ships: the wall behind the sanitiser (issue 13).

A site is built by real MkDocs with the sanitiser switched off for one resource, a slip made on
purpose; in headless Chromium its planted scripts do not run, while the theme's own inline
scripts (allowed by their hashes) and script files do."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from opencpd.adapters.site import build_site
from opencpd.core import render
from opencpd.core.csp import policy, with_policy

from .conftest_browser import serve
from .test_bad_resources import CORPUS, assemble

SLIP = CORPUS / "32-script-tags"  # a resource whose body is all script, every way
PLANTED = """<p>Before the slip.</p>
<script>window.__pwned = 'inline'; document.title = 'pwned'</script>
<img src="x.png" onerror="window.__pwned = 'handler'">
<a id="link" href="javascript:window.__pwned='link'">a link</a>
<p>After the slip.</p>"""


@pytest.fixture(scope="module")
def slipped_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A site in which the sanitiser let a resource's HTML through unchanged."""
    target = tmp_path_factory.mktemp("csp")
    root = assemble([SLIP], target)
    page = next((root / "modules").glob("*/resources/*/index.md"))
    text = page.read_text("utf-8")
    page.write_text(text[: text.index("---", 4) + 4] + PLANTED + "\n", "utf-8")
    patch = pytest.MonkeyPatch()
    patch.setattr(render, "safe_html", lambda text, **_: text)  # the slip
    try:
        build_site(str(root / "mkdocs.yml"), target / "site", search=False, parallel=False)
    finally:
        patch.undo()
    resource = page.parent.relative_to(root).as_posix() + "/"
    yield target / "site", resource


def test_every_page_has_one_policy_first_in_its_head(slipped_site: tuple[Path, str]) -> None:
    site, resource = slipped_site
    html = (site / resource / "index.html").read_text("utf-8")
    assert "window.__pwned = 'inline'" in html  # the slip really is in the page
    pages = list(site.rglob("*.html"))
    assert len(pages) > 5
    for path in pages:
        text = path.read_text("utf-8")
        head = text[text.index("<head>") + len("<head>") :]
        assert head.startswith('<meta http-equiv="Content-Security-Policy"'), path
        assert text.count("Content-Security-Policy") == 1, path
        rules = dict(
            rule.strip().split(" ", 1)
            for rule in re.search(r'Content-Security-Policy" content="([^"]*)"', text)[1].split(";")
        )
        assert "'unsafe-inline'" not in rules["script-src"] and rules["object-src"] == "'none'"
        assert rules["default-src"] == "'self'" and rules["base-uri"] == "'self'"


def test_a_planted_script_does_not_run_but_the_theme_does(
    slipped_site: tuple[Path, str], browser: Any
) -> None:
    site, resource = slipped_site
    server, base = serve(site)
    context = browser.new_context()
    try:
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        page.goto(base + resource, wait_until="load")
        page.wait_for_timeout(300)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.title() != "pwned"
        page.click("#link")  # a javascript: link that ran would replace the page by its value
        page.wait_for_timeout(300)
        assert "After the slip." in page.content()
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert [m for m in console if "Content Security Policy" in m], console  # blocked
        # The theme's inline script (allowed by its hash) defined its helpers; its bundle ran
        assert page.evaluate("typeof __md_get") == "function"
        assert page.evaluate("typeof document$") == "object"
        home = context.new_page()
        home_console: list[str] = []
        home.on("console", lambda message: home_console.append(message.text))
        home.goto(base, wait_until="load")
        assert [m for m in home_console if "Content Security Policy" in m] == []
    finally:
        context.close()
        server.shutdown()
        server.server_close()


def test_the_policy_allows_inline_code_by_hash_and_never_from_teachers() -> None:
    theme = "<html><head><script>var a = 1</script></head><body>"
    fragment = '<div><script>var b = 2</script><p style="color: red">x</p></div>'
    html = with_policy(theme + fragment + "</body></html>", [fragment])
    rules = re.search(r'content="([^"]*)"', html)[1]
    assert rules == policy(theme + "</body></html>")
    assert rules.count("'sha256-") == 1 and "style-src-attr" not in rules
    assert with_policy(html, []) == html  # one policy, never two
