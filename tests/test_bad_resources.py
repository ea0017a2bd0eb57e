"""The bad-submission corpus (issue 4): each tests/bad_resources/<case>/ is one teacher's
resource that must be refused with its exact path:line finding, or (HTML, templates, SVG)
published sanitised. A site built from the publishable cases is loaded page by page in headless
Chromium, which must show that no script from a submission ran."""

from __future__ import annotations

import gzip
import html
import io
import json
import os
import re
import shutil
import zipfile
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
import yaml
from click.testing import CliRunner
from opencpd.adapters.site import build_site
from opencpd.cli import main as opencpd
from opencpd.core.attachments import check_file
from opencpd.core.catalog import Catalog
from opencpd.core.findings import errors
from opencpd.core.load import load_catalog
from opencpd.core.render import Renderer
from opencpd.core.vocabulary import load_vocabulary
from playwright.sync_api import Error as PlaywrightError

from .conftest import mkdocs_warnings, repository_config
from .conftest_browser import serve
from .golden import published as placed_pages

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "bad_resources"
BASE = CORPUS / "_base"
CASES = sorted(p for p in CORPUS.iterdir() if (p / "expected.yml").is_file())
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "xlink:href",
    "background",
    "srcset",
}

# What may never be in the part of a page made from a submission.
UNSAFE = [
    "<script",
    "<iframe",
    "<frame",
    "<style",
    "<form",
    "<input",
    "<button",
    "<object",
    "<embed",
    "<applet",
    "<base",
    "<meta",
    "<link",
    "<svg",
    "<math",
    "javascript:",
    "vbscript:",
    "data:",
    "srcdoc",
    "formaction",
]


def expected(case: Path) -> dict[str, Any]:
    return yaml.safe_load((case / "expected.yml").read_text(encoding="utf-8")) or {}


def publishable(case: Path) -> bool:
    spec = expected(case)
    return bool(spec.get("sanitised")) or spec.get("published") is False


def site_config(root: Path) -> Path:
    """The repository's mkdocs.yml (theme, overrides, scripts, plugins), pointed at `root`."""
    config = repository_config()
    config["docs_dir"] = str(root / "docs")
    config["nav"] = [{"Home": "index.md"}, {"Search": "search.md"}]
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "opencpd" in plugin:
            plugin["opencpd"] = {**(plugin["opencpd"] or {}), "content_dir": str(root)}
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    return path


def assemble(cases: list[Path], target: Path) -> Path:
    """A content tree: the shared base module and the cases' resource folders. Symlinks are
    made here, to files outside the tree (a case's `outside/` folder, or a fake PDF), since git
    may not keep them; copies and long lines are made here too (names some disks cannot hold
    side by side, megabytes kept out of git)."""
    root = Path(shutil.copytree(BASE, target / "content"))
    outside = target / "outside"
    outside.mkdir()
    for case in cases:
        shutil.copytree(case / "modules", root / "modules", dirs_exist_ok=True)
        if (case / "outside").is_dir():
            shutil.copytree(case / "outside", outside, dirs_exist_ok=True)
        for link, name in (expected(case).get("symlinks") or {}).items():
            if not (outside / name).exists() and not Path(name).is_absolute():
                (outside / name).write_bytes(b"%PDF-1.4\nsecret answers\n%%EOF\n")
            (root / link).symlink_to(outside / name)
        for link, name in (expected(case).get("hard_links") or {}).items():
            (outside / name).write_bytes(b"%PDF-1.4\nsecret answers\n%%EOF\n")
            os.link(outside / name, root / link)
        for copy, original in (expected(case).get("copies") or {}).items():
            shutil.copyfile(root / original, root / copy)
        for rel, long in (expected(case).get("long_lines") or {}).items():
            path = root / rel
            path.write_text(
                path.read_text("utf-8").replace(long["marker"], long["text"] * long["times"]),
                "utf-8",
            )
    site_config(root)
    return root


def resource_section(page: str) -> str:
    """The part of a generated resource page made from the submission."""
    start = page.index('<div class="resource-page"')
    return page[start : page.index('<h2 id="reuse">', start)]


def test_corpus_is_large_enough_and_covers_the_issue() -> None:
    assert len(CASES) >= 25
    names = " ".join(case.name for case in CASES)
    for kind in [
        "yaml-syntax",
        "unknown-module",
        "wrong-licence",
        "missing-consent",
        "oversize",
        "docm",
        "exe-renamed-pdf",
        "path-traversal",
        "absolute-path",
        "symlink-out",
        "script",
        "event-handlers",
        "javascript-links",
        "data-urls",
        "iframe-object-style-form",
        "jinja-injection",
        "personal-email",
        "personal-phone",
        "personal-pupil-name",
        "personal-upn",
        "not-utf8",
        "empty-page",
        "missing-title",
        "bad-date",
        "unlisted-file",
        "listed-missing-file",
        "image-without-alt",
        "markup-in-title",
        "zip-archive",
        "svg-with-script",
    ]:
        assert kind in names, kind
    for case in CASES:
        spec = expected(case)
        assert bool(spec.get("findings")) != publishable(case), case.name
        assert (case / "modules").is_dir(), case.name


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_bad_submission_is_refused_with_its_finding_or_made_safe(
    case: Path, tmp_path: Path
) -> None:
    spec = expected(case)
    root = assemble([case], tmp_path)
    catalog = load_catalog(
        root,
        load_vocabulary(),
        max_attachment_bytes=spec.get("max_attachment_bytes", DEFAULT_MAX_BYTES),
    )
    found = catalog.findings
    want = spec.get("findings") or []
    assert Counter((f.path, f.line, f.rule) for f in found) == Counter(
        (w["path"], w["line"], w["rule"]) for w in want
    ), "\n".join(map(str, found))
    for w in want:
        match = [
            f
            for f in found
            if (f.path, f.line, f.rule) == (w["path"], w["line"], w["rule"])
            and w.get("message", "") in f.message
            and f.column == w.get("column", f.column)
        ]
        assert match, f"no finding like {w} among:\n" + "\n".join(map(str, found))
        assert str(match[0]).startswith(f"{w['path']}:{w['line']}:{match[0].column}: {w['rule']}: ")
        assert match[0].severity == "error" and match[0].hint

    published = {r.source: r for _, r in catalog.resources}
    slugs = [p.relative_to(root).as_posix() for p in (root / "modules").glob("*/resources/*")]
    if spec.get("sanitised"):
        assert len(slugs) == 1 and f"{slugs[0]}/index.md" in published, published
    if spec.get("published") is False:
        assert not published

    # Even a non-strict build, which goes on despite findings, never publishes anything unsafe.
    renderer = Renderer(catalog)
    pages = placed_pages(renderer.pages())
    for resource in published.values():
        section = resource_section(pages[resource.page])
        for bad in UNSAFE:
            assert bad not in section.lower(), (bad, section)
        assert unsafe_attributes(section) == [], section
        for text in spec.get("visible") or []:
            assert text in section, (text, section)
        for text in spec.get("absent") or []:
            assert text not in section, (text, section)
    for uri, source in renderer.attachments().items():
        parts = uri.split("/")  # modules/<module>/resources/<slug>/<file>
        assert check_file(root.joinpath(*parts[:4]), "/".join(parts[4:])) is None, uri
        if isinstance(source, Path):
            assert source.resolve().is_relative_to(root.resolve()), (uri, source)


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if expected(c).get("findings") and "max_attachment_bytes" not in expected(c)],
    ids=lambda c: c.name,
)
def test_opencpd_check_prints_the_finding_without_a_traceback(case: Path, tmp_path: Path) -> None:
    root = assemble([case], tmp_path)
    result = CliRunner(env={"CI": None}).invoke(opencpd, ["check", "-f", str(root / "mkdocs.yml")])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    for w in expected(case)["findings"]:
        assert re.search(
            rf"^{re.escape(w['path'])}:{w['line']}:\d+: {w['rule']}: ", result.output, re.MULTILINE
        ), result.output


# The site built from every publishable case ------------------------------------------------


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Catalog]:
    base = tmp_path_factory.mktemp("bad-resources-site")
    root = assemble([c for c in CASES if publishable(c)], base)
    with mkdocs_warnings() as handler:
        catalog = build_site(str(root / "mkdocs.yml"), base / "site")
    assert handler.messages == [], handler.messages
    assert errors(catalog.findings) == []
    return base / "site", catalog


def built_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def every_html(site: Path) -> Iterator[tuple[str, str]]:
    """(name, text) of every HTML page of the site, and of those inside the offline copies."""
    for name in built_pages(site):
        yield name, (site / name).read_text("utf-8")
    for archive in sorted(site.rglob("*.zip")):
        with zipfile.ZipFile(archive) as offline:
            for member in offline.namelist():
                if member.endswith(".html"):
                    yield f"{archive.name}!{member}", offline.read(member).decode("utf-8")


class Tags(HTMLParser):
    """Every start tag with its attributes, and every script with its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[list[Any]] = []
        self._script: list[Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if tag == "script":
            self._script = [attributes, ""]
            self.scripts.append(self._script)

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None


def unsafe_attributes(text: str) -> list[tuple[str, str, str]]:
    """Event handlers, and links or sources that run script or embed a document, as parsed."""
    tags = Tags()
    tags.feed(text)
    bad = []
    for tag, attrs in tags.tags:
        for key, value in attrs.items():
            scheme = urlsplit(re.sub(r"[\x00-\x20]", "", value)).scheme.lower()
            if (
                key.startswith("on")
                or key in ("srcdoc", "formaction", "style", "autofocus")
                or (key in URL_ATTRIBUTES and scheme in ("javascript", "vbscript", "data"))
            ):
                bad.append((tag, key, value))
    return bad


def inline_theme_scripts(site: Path) -> set[str]:
    """The theme's own inline scripts, from the home page (no submission on it)."""
    tags = Tags()
    tags.feed((site / "index.html").read_text("utf-8"))
    return {normal(text) for attrs, text in tags.scripts if not attrs}


def normal(script: str) -> str:
    """An inline theme script without the page's own relative path to the site root."""
    return re.sub(r'new URL\("[./]*",location\)', "new URL(ROOT,location)", script).strip()


def test_the_site_publishes_every_sanitised_case_and_nothing_pending(
    corpus_site: tuple[Path, Catalog],
) -> None:
    site, _ = corpus_site
    pages = built_pages(site)
    for case in CASES:
        for folder in (case / "modules").glob("*/resources/*"):
            page = f"{folder.relative_to(case).as_posix()}/index.html"
            assert (page in pages) == bool(expected(case).get("sanitised")), page
    for name, text in every_html(site):
        assert "pendingmarkerword" not in text and "pending-with-script" not in text, name
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".xml", ".json", ".gz", ".pf_fragment"):
            data = path.read_bytes()
            data = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
            assert b"pendingmarkerword" not in data and b"Pending secret" not in data, path


def test_no_script_from_a_submission_is_in_the_built_html(
    corpus_site: tuple[Path, Catalog],
) -> None:
    site, _ = corpus_site
    theme = inline_theme_scripts(site)
    assert theme, "the home page has no inline theme scripts to compare with"
    checked = 0
    for name, text in every_html(site):
        if '<div class="resource-page"' in text:
            section = resource_section(text).lower()
            for bad in UNSAFE:
                assert bad not in section, (name, bad)
            checked += "!" not in name  # the offline copies hold the same pages
        assert unsafe_attributes(text) == [], name
        tags = Tags()
        tags.feed(text)
        # Material's JavaScript reads its settings from the element with this id
        assert sum(attrs.get("id") == "__config" for _, attrs in tags.tags) <= 1, name
        for tag, attrs in tags.tags:
            for key in ("src", "data", "poster", "srcset"):
                assert "evil.example" not in attrs.get(key, ""), (name, tag, attrs)
        for attrs, script in tags.scripts:
            kind = attrs.get("type", "")
            if "src" in attrs:
                url = urlsplit(attrs["src"])
                assert not url.scheme and not url.netloc, (name, attrs)
                assert re.match(r"^(/|(\.\./)*)(assets|pagefind)/", attrs["src"]), (name, attrs)
                assert not script.strip(), (name, attrs)
            elif kind in ("application/json", "application/ld+json"):
                json.loads(script)  # data, not code
                assert "</" not in script, name
            else:
                assert normal(script) in theme, (name, script[:200])
    assert checked == sum(bool(expected(c).get("sanitised")) for c in CASES)


def test_svg_attachments_are_published_sanitised(corpus_site: tuple[Path, Catalog]) -> None:
    site, _ = corpus_site
    svgs = [(case, expected(case)["svg"]) for case in CASES if expected(case).get("svg")]
    assert svgs
    for case, name in svgs:
        (source,) = (case / "modules").glob(f"*/resources/*/{name}")
        assert b"<script" in source.read_bytes()  # the corpus file really is dangerous
        built = site / source.relative_to(case).as_posix()
        svg = built.read_text("utf-8").lower()
        for bad in [
            "script",
            "onload",
            "onclick",
            "onmouseover",
            "javascript",
            "foreignobject",
            "iframe",
            "href",
            "<style",
            "<animate",
            "<set",
            "<image",
            "evil.example",
        ]:
            assert bad not in svg, (name, bad)
        assert "<svg" in svg and "<circle" in svg and "<rect" in svg
        ElementTree.fromstring(built.read_bytes())  # still a valid SVG, i.e. XML
        if "\u00a0" in source.read_text("utf-8"):
            assert "\u00a0" in svg and "&nbsp;" not in svg


class Head(HTMLParser):
    """The text of <title> and the description, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title, self.description, self._in_title = "", "", False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self._in_title = tag == "title"
        if tag == "meta" and values.get("name") == "description":
            self.description = values.get("content") or ""

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False


def test_short_fields_reach_the_head_as_typed(corpus_site: tuple[Path, Catalog]) -> None:
    site, catalog = corpus_site
    checked = 0
    for _, resource in catalog.resources:
        head = Head()
        head.feed((site / resource.url / "index.html").read_text("utf-8"))
        assert head.title.startswith(resource.meta.title + " - "), (head.title, resource.meta)
        assert head.description == resource.meta.summary
        checked += "&" in resource.meta.title
    assert checked


def test_every_xml_svg_and_json_the_build_writes_is_well_formed(
    corpus_site: tuple[Path, Catalog],
) -> None:
    site, _ = corpus_site
    parsed = Counter()
    for path in sorted(site.rglob("*")):
        if path.suffix in (".xml", ".svg"):
            ElementTree.fromstring(path.read_bytes())
        elif path.suffix in (".json", ".jsonld"):
            json.loads(path.read_bytes().decode("utf-8"))
        else:
            continue
        parsed[path.suffix] += 1
    for _name, text in every_html(site):  # the JSON-LD in each page
        tags = Tags()
        tags.feed(text)
        for attrs, script in tags.scripts:
            if attrs.get("type") == "application/ld+json":
                json.loads(script)
                parsed["ld+json"] += 1
    assert parsed[".xml"] >= 3 and parsed[".svg"] >= 2 and parsed[".json"] >= 5, parsed


def test_no_submitted_script_runs_in_a_real_browser(
    corpus_site: tuple[Path, Catalog], browser: Any
) -> None:
    site, _ = corpus_site
    urls = built_pages(site) + sorted(
        p.relative_to(site).as_posix() for p in site.rglob("*.svg") if "/resources/" in p.as_posix()
    )
    server, base = serve(site)
    context = browser.new_context()
    try:
        dialogs: list[str] = []
        console: list[str] = []
        elsewhere: list[str] = []
        origin = urlsplit(base).netloc

        def request(route: Any) -> None:
            url = urlsplit(route.request.url)
            if url.scheme in ("http", "https") and url.netloc != origin:
                elsewhere.append(route.request.url)
                route.abort()
            else:
                route.continue_()

        context.route("**/*", request)
        problems: list[str] = []
        for url in urls:
            page = context.new_page()  # a fresh tab each time: a page may try to navigate
            page.on(
                "dialog",
                lambda dialog, url=url: (
                    dialogs.append(f"{url}: {dialog.message}"),
                    dialog.dismiss(),
                ),
            )
            page.on("console", lambda message, url=url: console.append(f"{url}: {message.text}"))
            try:
                page.goto(base + url, wait_until="load")
                page.evaluate(POKE)  # hover, focus and click what a reader might
                page.wait_for_timeout(100)
                if page.evaluate("typeof window.__pwned") != "undefined":
                    problems.append(f"{url}: window.__pwned is set")
                if url.endswith(".html") and page.locator(".resource-page").count():
                    problems += [f"{url}: {bad}" for bad in page.evaluate(LIVE_DOM)]
            except PlaywrightError as exc:
                problems.append(f"{url}: {exc.message.splitlines()[0]}")
            if page.url.split("#")[0] != base + url:  # a deck names its slide after the #
                problems.append(f"{url} sent the reader to {page.url}")
            page.close()
        assert problems == [], "\n".join(problems)
        assert dialogs == [], "\n".join(dialogs)
        assert [m for m in console if "pwned" in m.lower()] == []
        # nothing of the theme's own is blocked by the pages' Content-Security-Policy
        assert [m for m in console if "Content Security Policy" in m] == []
        assert [u for u in elsewhere if "evil.example" in u] == [], elsewhere
    finally:
        context.close()
        server.shutdown()
        server.server_close()


def test_search_results_show_submitted_markup_as_text(
    corpus_site: tuple[Path, Catalog], browser: Any
) -> None:
    site, _ = corpus_site
    words = [expected(case)["search"] for case in CASES if expected(case).get("search")]
    assert words
    server, base = serve(site)
    context = browser.new_context()
    try:
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for word in words:
            page.goto(base + "search/", wait_until="load")
            page.fill("#opencpd-q", word)
            page.press("#opencpd-q", "Enter")
            page.wait_for_selector(".opencpd-results__list li", timeout=10_000)
            page.wait_for_timeout(100)
            results = page.inner_text(".opencpd-results__list")
            assert word in results.lower()
            assert page.evaluate("typeof window.__pwned") == "undefined"
            assert (
                page.evaluate(
                    "document.querySelectorAll('.opencpd-results__list img, "
                    ".opencpd-results__list script, .opencpd-results__list iframe').length"
                )
                == 0
            )
        assert dialogs == []
    finally:
        context.close()
        server.shutdown()
        server.server_close()


# Run in each page: what a reader might do (hover, focus, click anything but a link or a
# button, open every <details>), so that any handler left behind would fire.
POKE = """() => {
  for (const el of document.querySelectorAll('.resource-page *')) {
    for (const type of ['mouseover', 'mouseenter', 'focus', 'pointerenter', 'animationstart'])
      el.dispatchEvent(new Event(type, {bubbles: true}));
    if (!el.closest('a, button, label, summary'))
      el.dispatchEvent(new MouseEvent('click', {bubbles: true}));
    if (el.tagName === 'DETAILS') el.open = !el.open;
  }
}"""

# The page as the browser parsed it (not as Python did): nothing executable in the part of
# the page a teacher wrote.
LIVE_DOM = """() => {
  const bad = [];
  const part = document.querySelector('.resource-page');
  for (const el of part.querySelectorAll('script, iframe, frame, object, embed, applet, form, '
       + 'input, button, style, link, meta, base, svg, math, template, noscript')) {
    bad.push(el.outerHTML.slice(0, 120));
  }
  for (const el of part.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name) || /^(srcdoc|formaction|style)$/i.test(attr.name))
        bad.push(el.tagName + ' ' + attr.name);
    }
    for (const name of ['href', 'src', 'action', 'data']) {
      const value = el[name];
      if (typeof value === 'string' && /^(javascript|vbscript|data):/i.test(value))
        bad.push(el.tagName + ' ' + name + '=' + value.slice(0, 60));
    }
  }
  return bad;
}"""


def test_unescaped_text_is_what_the_teacher_typed(corpus_site: tuple[Path, Catalog]) -> None:
    """The Jinja case as a reader sees it: the braces are there, nothing was evaluated."""
    site, _ = corpus_site
    text = (site / "modules/ks2-demo/resources/jinja-injection/index.html").read_text("utf-8")
    title = re.search(r"<title>(.*?)</title>", text, re.DOTALL)
    assert title and html.unescape(title.group(1)).startswith(
        "Jinja {{ config.site_name }} {{ 7 * 6 }}"
    )
    assert "{{ config.copyright }}" in resource_section(text)
    assert "42 Academy" not in text and "{{ 6 * 7 }} Academy" in text
    description = re.search(r'<meta name="description" content="([^"]*)"', text)
    assert description and "{% for x in range(3) %}LOOP{% endfor %}" in html.unescape(
        description.group(1)
    )


def test_offline_copies_hold_no_unsafe_resource(corpus_site: tuple[Path, Catalog]) -> None:
    site, _ = corpus_site
    archives = sorted(site.rglob("*.zip"))
    for archive in archives:
        with zipfile.ZipFile(io.BytesIO(archive.read_bytes())) as offline:
            for member in offline.namelist():
                data = offline.read(member)
                assert b"pendingmarkerword" not in data, member
                if member.endswith(".svg"):
                    assert b"<script" not in data.lower(), member
