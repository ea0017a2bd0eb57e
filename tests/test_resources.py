"""Teachers' resources (issue 4): pages, lists, moderation, attachments, untrusted text and
personal data, on real builds of tests/resources_fixture/ and on loads of tmp copies of it."""

from __future__ import annotations

import contextlib
import gzip
import io
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from markupsafe import escape
from opencpd.adapters.site import build_site
from opencpd.cli import main as opencpd
from opencpd.core.attachments import human_size
from opencpd.core.findings import Finding
from opencpd.core.load import load_catalog
from opencpd.core.render import Renderer
from opencpd.core.vocabulary import load_vocabulary

from .conftest import with_caches
from .conftest_browser import ServedSite
from .golden import published

FIXTURE = Path(__file__).parent / "resources_fixture"
SPEAKING = "modules/ks2-speaking"
HIDDEN = [
    "PENDINGMARKER",
    "REJECTEDMARKER",
    "zz-pending-secret",
    "rejected-reading-game",
    "pending-dominoes",
    "rejected-race",
]


def copy_fixture(dest: Path) -> Path:
    """A private copy, to change."""
    shutil.copytree(FIXTURE, dest)
    return dest


@pytest.fixture(scope="module")
def built(built_resources: tuple[Path, object]) -> tuple[Path, object]:
    """The fixture built once for the run (tests/conftest.py): the site and the catalog."""
    source, catalog = built_resources
    return source.parent / "site", catalog


@pytest.fixture(scope="module")
def site(built: tuple[Path, object]) -> Path:
    return built[0]


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory, built_resources: tuple[Path, object]) -> Path:
    base = tmp_path_factory.mktemp("resources-preview")
    # the packs and decks of the published build, from the cache: the preview is about pages
    source = with_caches(copy_fixture(base / "source"), built_resources[0])
    build_site(str(source / "mkdocs.yml"), base / "site", preview_pending=True)
    return base / "site"


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text("utf-8")


def between(html: str, start: str, end: str) -> str:
    i = html.index(start)
    return html[i : html.index(end, i)]


def every_text(site: Path) -> Iterator[tuple[str, str]]:
    """(name, text) of every file of the site, looking inside zip and gzip files (offline
    copies, sitemap.xml.gz, search index fragments)."""

    def unpack(name: str, data: bytes) -> Iterator[tuple[str, str]]:
        if data[:2] == b"\x1f\x8b":
            with contextlib.suppress(OSError, EOFError):
                data = gzip.decompress(data)
        if data[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.namelist():
                    yield name + "!" + member, member
                    yield from unpack(f"{name}!{member}", archive.read(member))
            return
        yield name, data.decode("utf-8", "replace")

    for path in sorted(site.rglob("*")):
        if path.is_file():
            name = path.relative_to(site).as_posix()
            yield name, name
            yield from unpack(name, path.read_bytes())


# Pages -------------------------------------------------------------------------------------


def test_approved_resource_page_has_facts_licence_attribution_and_downloads(site: Path) -> None:
    html = page(site, f"{SPEAKING}/resources/weather-bingo")
    body = between(html, 'class="resource-page"', 'id="reuse"')
    assert "<h1>Weather bingo</h1>" in body
    assert "A bingo game for revising weather phrases" in body
    assert re.search(r"<th[^>]*>Type</th><td>Game</td>", body)
    assert "Ms A. Teacher, Hill Primary School (East Midlands)" in body
    assert "1 October 2026" in body
    assert 'href="https://creativecommons.org/licenses/by-sa/4.0/"' in body
    assert "Creative Commons Attribution-ShareAlike 4.0" in body
    assert "CC-BY-SA-4.0" in body  # the badge
    attribution = between(html, 'class="attribution"', "</blockquote>")
    assert (
        "“Weather bingo” by Ms A. Teacher, Hill Primary School, "
        "shared on OpenCPD resources test site "
        "(https://opencpd.example.org/modules/ks2-speaking/resources/weather-bingo/), "
        "licensed under Creative Commons Attribution-ShareAlike 4.0 "
        "(https://creativecommons.org/licenses/by-sa/4.0/)."
    ) in attribution
    folder = FIXTURE / SPEAKING / "resources/weather-bingo"
    for name, title, kind in [
        ("weather-bingo.pdf", "Bingo cards", "PDF"),
        ("board.png", "The bingo board", "PNG image"),
    ]:
        size = human_size((folder / name).stat().st_size)
        assert re.search(
            rf'<a href="{re.escape(name)}"[^>]*>{title}</a>\s*'
            rf'<span class="file-info">\({kind}, {size}\)</span>',
            body,
        ), name
        published = site / SPEAKING / "resources/weather-bingo" / name
        assert published.read_bytes() == (folder / name).read_bytes()
    assert 'alt="A grid of nine weather symbols"' in body


def test_pending_and_rejected_resources_appear_nowhere(site: Path) -> None:
    seen = []
    for name, text in every_text(site):
        seen.append(name)
        for marker in HIDDEN:
            assert marker not in text, f"{marker} in {name}"
    assert "sitemap.xml" in seen and any(n.startswith("offline/") for n in seen)
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    assert "resources/weather-bingo/" in sitemap  # the approved one is there


def test_preview_pending_shows_pending_with_banner_but_never_rejected(preview: Path) -> None:
    html = page(preview, f"{SPEAKING}/resources/zz-pending-secret")
    assert "Preview: awaiting moderation" in html
    assert "PENDINGMARKER greetings dominoes" in html
    assert 'data-resource-status="pending"' in html
    approved = page(preview, f"{SPEAKING}/resources/weather-bingo")
    assert "Preview: awaiting moderation" not in approved
    for name, text in every_text(preview):
        assert "REJECTEDMARKER" not in text, name
        assert "rejected-reading-game" not in text, name


def test_preview_pending_is_refused_on_ci(tmp_path: Path) -> None:
    source = copy_fixture(tmp_path / "source")
    result = CliRunner().invoke(
        opencpd,
        [
            "build",
            "-f",
            str(source / "mkdocs.yml"),
            "-d",
            str(tmp_path / "site"),
            "--preview-pending",
        ],
        env={"CI": "true"},
    )
    assert result.exit_code != 0
    assert "refused on CI" in result.output
    assert not (tmp_path / "site").exists()


def test_module_page_lists_its_resources_newest_first_with_a_count(site: Path) -> None:
    html = page(site, SPEAKING)
    section = html[html.index('id="teachers-resources"') :]
    assert re.search(r"<span data-count>2</span>", section)
    assert "2 resources" in section
    assert section.index("Weather bingo") < section.index("A greetings song")
    assert 'href="resources/weather-bingo/"' in section
    assert "PENDINGMARKER" not in section
    reading = page(site, "modules/ks3-reading")
    assert re.search(r"<span data-count>1</span>", reading)


def test_resources_page_lists_resources_by_module(site: Path) -> None:
    html = page(site, "resources")
    content = between(html, "<article", "</article>")
    for module, count in [("Speaking at KS2", 2), ("Reading at KS3", 1)]:
        assert re.search(rf">{module}</a>\s*</td>\s*<td>{count}</td>", content), module
    for title in ["Weather bingo", "A greetings song", "Reading detectives"]:
        assert title in content
    assert content.index("Weather bingo") < content.index("A greetings song")


def test_resources_are_not_in_the_navigation(built: tuple[Path, object]) -> None:
    site, catalog = built

    def pages(item: object) -> Iterator[str]:
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            for value in item.values():
                yield from pages(value)
        elif isinstance(item, list):
            for value in item:
                yield from pages(value)

    nav = list(pages(Renderer(catalog).navigation()))  # type: ignore[arg-type]
    assert nav and not [p for p in nav if "/resources/" in p]
    for url in ["", SPEAKING, f"{SPEAKING}/resources/weather-bingo"]:
        html = page(site, url)
        sidebar = between(html, "md-sidebar--primary", 'class="md-content"')
        assert 'href="' in sidebar  # the navigation is there
        assert "weather-bingo" not in sidebar and "greetings-song" not in sidebar, url


UNSAFE = [
    "<script",
    "<iframe",
    "<style",
    "<form",
    "<input",
    "<object",
    "<embed",
    "onclick",
    "onmouseover",
    "onerror",
    "onload",
    "javascript:",
    "data:",
]


def test_untrusted_html_is_sanitised(site: Path) -> None:
    html = page(site, "modules/ks3-reading/resources/unsafe-page")
    body = between(html, 'class="resource-body"', 'id="reuse"')
    for bad in UNSAFE:
        assert bad not in body.lower(), bad
    for marker in [
        "XSS-SCRIPT-RAN",
        "XSS-ONCLICK",
        "XSS-HOVER",
        "XSS-IFRAME",
        "XSS-STYLE",
        "XSS-FORM",
        "XSS-OBJECT",
        "XSS-EMBED",
        "XSS-ONERROR",
        "evil.example",
    ]:
        assert marker not in html, marker
    assert "<strong>bold</strong>" in body
    assert 'href="https://example.org/"' in body
    assert "Click the paragraph." in body


def test_template_syntax_in_a_resource_stays_as_typed(site: Path) -> None:
    html = page(site, "modules/ks3-reading/resources/unsafe-page")
    resource = between(html, 'class="resource-page"', 'id="reuse"')
    assert "<h1>Reading detectives {{ 7 * 6 }}</h1>" in resource
    assert "Templates stay as typed: {{ 7 * 6 }} and {% if true %}MACRO-RAN{% endif %}" in resource
    assert "42" not in resource
    for url in ["modules/ks3-reading", "resources"]:
        listing = between(page(site, url), "<article", "</article>")
        # (the page may say "42 KB" of a pack: the title must not have become "… 42")
        assert "{{ 7 * 6 }}" in listing and "detectives 42" not in listing, url


def test_resource_filters_hide_what_does_not_match(served_site: ServedSite, page: Any) -> None:
    """resources.js on the Resources page of the real site, in Chromium."""
    page.goto(served_site.page("resources/"), wait_until="load")
    page.wait_for_selector(".resource-filters:not([hidden])")
    items = ".resource-list li"
    total = page.locator(items).count()
    language, kind = page.eval_on_selector(
        items, "li => [li.dataset.lang.split(' ')[0], li.dataset.type]"
    )
    page.select_option('[data-filter="language"]', language)
    shown = page.eval_on_selector_all(f"{items}:not([hidden])", "l => l.map(li => li.dataset.lang)")
    assert shown and all(language in s.split() for s in shown)
    assert page.text_content("[data-count]") == str(len(shown))
    page.select_option('[data-filter="type"]', kind)
    both = page.eval_on_selector_all(
        f"{items}:not([hidden])", "l => l.map(li => [li.dataset.lang, li.dataset.type])"
    )
    assert both and all(language in lang.split() and t == kind for lang, t in both)
    page.select_option('[data-filter="language"]', "")
    page.select_option('[data-filter="type"]', "")
    assert page.locator(f"{items}:not([hidden])").count() == total
    assert page.text_content("[data-count]") == str(total)


def test_svg_attachments_are_published_sanitised(site: Path) -> None:
    svg = (site / SPEAKING / "resources/weather-bingo/weather-symbols.svg").read_text("utf-8")
    for bad in ["script", "onload", "onclick", "javascript", "foreignobject", "iframe", "href"]:
        assert bad not in svg.lower(), bad
    assert "<svg" in svg and "<circle" in svg and 'viewBox="0 0 100 50"' in svg


# Attachments and personal data: loads of tmp copies -------------------------------------------

HEAD = """---
title: A test resource
summary: {summary}
contributor: {{name: Ms A. Teacher}}
consent: true
no_pupil_data: true
key_stage: KS2
year_groups: [4]
languages: [fr]
themes: [vocabulary]
type: worksheet
licence: CC-BY-4.0
submitted: 2026-10-10
status: approved
"""


def write_resource(
    root: Path,
    slug: str,
    files: list[str],
    body: str = "Some text.\n",
    summary: str = "What it is.",
) -> tuple[str, int, int]:
    """Write a resource; return its path, the line of 'files:' and the first body line."""
    folder = root / SPEAKING / "resources" / slug
    folder.mkdir(parents=True)
    text = HEAD.format(summary=summary)
    if files:
        text += "files:\n" + "".join(f"  - {entry}\n" for entry in files)
    text += "---\n"
    files_line = text.split("\n").index("files:") + 1 if files else 0
    body_line = text.count("\n") + 1
    (folder / "index.md").write_text(text + body, encoding="utf-8")
    return f"{SPEAKING}/resources/{slug}/index.md", files_line, body_line


def office(path: Path, names: list[str]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name in names:
            archive.writestr(name, "<x/>")


def findings_for(root: Path, rel: str, max_bytes: int = 20 * 1024 * 1024) -> list[Finding]:
    catalog = load_catalog(root, load_vocabulary(), max_attachment_bytes=max_bytes)
    return [f for f in catalog.findings if f.path == rel]


PNG = (FIXTURE / SPEAKING / "resources/weather-bingo/board.png").read_bytes()


def _setup(case: str, folder: Path, outside: Path) -> None:
    match case:
        case "docm":
            office(folder / "plan.docm", ["word/document.xml", "word/vbaProject.bin"])
        case "docx-with-macros":
            office(folder / "plan.docx", ["word/document.xml", "word/vbaProject.bin"])
        case "exe":
            (folder / "setup.exe").write_bytes(b"MZ\x90\x00" + bytes(60))
        case "exe-renamed-pdf":
            (folder / "worksheet.pdf").write_bytes(b"MZ\x90\x00" + bytes(60))
        case "zip":
            office(folder / "bundle.zip", ["a.txt"])
        case "png-named-pdf":
            (folder / "worksheet.pdf").write_bytes(PNG)
        case "oversize":
            (folder / "big.txt").write_text("x" * 5000)
        case "symlink-out":
            (outside / "secret.pdf").write_bytes(b"%PDF-1.4 secret")
            (folder / "link.pdf").symlink_to(outside / "secret.pdf")
        case "unlisted":
            (folder / "listed.txt").write_text("listed")
            (folder / "stray.pdf").write_bytes(b"%PDF-1.4 stray")
        case "image-no-alt":
            (folder / "board.png").write_bytes(PNG)


CASES = [
    (
        "docm",
        ["{path: plan.docm, title: Plan}"],
        "bad-attachment",
        "got a macro-enabled Word file, .docm",
    ),
    (
        "docx-with-macros",
        ["{path: plan.docx, title: Plan}"],
        "bad-attachment",
        "content does not match its extension (expected a Word document",
    ),
    ("exe", ["{path: setup.exe, title: Setup}"], "bad-attachment", "got a program, .exe"),
    (
        "exe-renamed-pdf",
        ["{path: worksheet.pdf, title: Sheet}"],
        "bad-attachment",
        "content does not match its extension (expected a PDF",
    ),
    ("zip", ["{path: bundle.zip, title: All files}"], "bad-attachment", "got an archive, .zip"),
    (
        "png-named-pdf",
        ["{path: worksheet.pdf, title: Sheet}"],
        "bad-attachment",
        "content does not match its extension (expected a PDF",
    ),
    (
        "oversize",
        ["{path: big.txt, title: Big}"],
        "bad-attachment",
        "too large (expected at most 1000 bytes, got 5 KB)",
    ),
    (
        "dotdot",
        ["{path: ../weather-bingo/weather-bingo.pdf, title: Theirs}"],
        "bad-attachment",
        "leaves the resource's folder",
    ),
    (
        "absolute",
        ["{path: /etc/passwd, title: Passwords}"],
        "bad-attachment",
        "leaves the resource's folder",
    ),
    (
        "symlink-out",
        ["{path: link.pdf, title: Link}"],
        "bad-attachment",
        "leaves the resource's folder",
    ),
    (
        "missing",
        ["{path: missing.pdf, title: Gone}"],
        "bad-attachment",
        "listed but missing (expected missing.pdf",
    ),
    ("unlisted", ["{path: listed.txt, title: Listed}"], "unlisted-file", "got 'stray.pdf'"),
    (
        "image-no-alt",
        ["{path: board.png, title: Board}"],
        "no-alt-text",
        "expected alt: for board.png",
    ),
]


@pytest.mark.parametrize("case, files, rule, message", CASES, ids=[c[0] for c in CASES])
def test_bad_attachment_gives_its_finding_at_the_line_of_its_entry(
    tmp_path: Path, case: str, files: list[str], rule: str, message: str
) -> None:
    root = copy_fixture(tmp_path / "site")
    outside = tmp_path / "outside"
    outside.mkdir()
    rel, files_line, _ = write_resource(root, f"bad-{case}", files)
    _setup(case, root / rel.removesuffix("/index.md"), outside)
    found = findings_for(root, rel, max_bytes=1000)
    line = files_line if rule == "unlisted-file" else files_line + 1  # the entry at fault
    assert [(f.path, f.line, f.rule) for f in found] == [(rel, line, rule)], found
    assert message in found[0].message, found[0].message
    assert str(found[0]).startswith(f"{rel}:{line}:{found[0].column}: {rule}: ")


def test_refused_attachments_are_never_copied_into_the_site(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path / "site")
    outside = tmp_path / "outside"
    outside.mkdir()
    for case in ["symlink-out", "exe-renamed-pdf", "docm"]:
        files = dict((c[0], c[1]) for c in CASES)[case]
        rel, _, _ = write_resource(root, f"bad-{case}", files)
        _setup(case, root / rel.removesuffix("/index.md"), outside)
    catalog = load_catalog(root, load_vocabulary())
    copied = Renderer(catalog).attachments()
    assert not [uri for uri in copied if "/bad-" in uri], copied
    assert f"{SPEAKING}/resources/weather-bingo/weather-bingo.pdf" in copied


def test_attachments_in_a_subfolder_are_fine(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path / "site")
    rel, _, _ = write_resource(
        root,
        "with-images",
        ["{path: images/board.png, title: Board, alt: A grid of weather symbols}"],
    )
    (root / rel.removesuffix("index.md") / "images").mkdir()
    (root / rel.removesuffix("index.md") / "images/board.png").write_bytes(PNG)
    assert findings_for(root, rel) == []


def test_names_that_differ_only_in_how_an_accent_is_stored_are_told_apart(
    tmp_path: Path,
) -> None:
    """'café' as one character (NFC, as macOS and Windows type it) and as e and an accent
    (NFD, as some Mac tools save it) look the same and are one file on many disks: the
    finding said they differed 'only in capital letters', naming the same word twice."""
    root = copy_fixture(tmp_path / "site")
    composed, decomposed = "caf\u00e9.png", "cafe\u0301.png"
    files = [
        f"{{path: {name}, title: Caf\u00e9, alt: A caf\u00e9}}" for name in (composed, decomposed)
    ]
    rel, line, _ = write_resource(root, "accents", files)
    for name in (composed, decomposed):
        (root / rel.removesuffix("index.md") / name).write_bytes(PNG)
    [finding] = findings_for(root, rel)
    assert (finding.rule, finding.line) == ("same-output", line + 2)
    assert "how an accented letter is stored" in finding.hint


def test_personal_data_is_flagged_with_path_and_line(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path / "site")
    body = (
        "## How it was used\n\n"
        "Write to me at jane.teacher@school.example.org for the answers.\n"
        "Or ring the office on 07700 900123.\n"
        "Our pupil Jane Smith made the best poster.\n"
        "Her number is A12345678901B on the register.\n"
        "Nothing personal on this line, just Year 4 and 2026.\n"
    )
    rel, files_line, body_line = write_resource(
        root,
        "personal",
        ["{path: list-jo.bloggs@example.org.txt, title: Class list}"],
        body,
        summary="Made with student Tom Jones.",
    )
    (root / rel.removesuffix("index.md") / "list-jo.bloggs@example.org.txt").write_text("x")
    found = [f for f in findings_for(root, rel) if f.rule == "personal-data"]
    got = {(f.line, re.search(r"looks like (.+?) \(expected", f.message).group(1)) for f in found}
    assert got == {
        (body_line + 2, "an email address"),
        (body_line + 3, "a phone number"),
        (body_line + 4, "a pupil's name"),
        (body_line + 5, "a unique pupil number (UPN)"),
        (files_line + 1, "an email address"),
        (3, "a pupil's name"),
    }, found
    assert all(str(f).startswith(f"{rel}:") for f in found)
    result = CliRunner().invoke(opencpd, ["check", "-f", str(root / "mkdocs.yml")])
    assert result.exit_code == 1
    assert (
        f"{rel}:{body_line + 4}:1: personal-data: this looks like a pupil's name" in result.output
    )


def test_the_fixture_itself_is_clean(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path / "site")
    result = CliRunner().invoke(opencpd, ["check", "-f", str(root / "mkdocs.yml")])
    assert result.exit_code == 0, result.output


def test_a_long_summary_is_cut_short_in_lists_and_whole_on_its_page(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path / "site")
    summary = "A worksheet on the weather, " + "with one more activity and a song, " * 12
    write_resource(root, "long-summary", [], summary=summary.strip())
    pages = published(Renderer(load_catalog(root, load_vocabulary())).pages())
    listing = between(pages[f"{SPEAKING}/index.md"], 'href="resources/long-summary/"', "</li>")
    shown = listing.split("<br>", 1)[1]
    assert shown.endswith("…") and len(shown) <= 251
    assert summary.startswith(shown.removesuffix("…"))
    assert summary.strip() in pages[f"{SPEAKING}/resources/long-summary/index.md"]


def test_the_programmes_example_resources_say_so_wherever_they_are_shown(
    built_repo_site: Any,
) -> None:
    """The resources the programme wrote to show the wiki (`example: true`) are labelled on
    their page, its title and description, in lists, the feeds, JSON-LD and catalog.json, and
    listed after teachers' own; the summaries of published case studies are not examples."""
    import json

    folder, catalog = built_repo_site.folder, built_repo_site.catalog
    shown = [r for r in catalog.resources if r[1].meta.status == "approved"]
    examples = [r for r in shown if r[1].meta.example]
    real = [r for r in shown if not r[1].meta.example]
    assert len(examples) >= 10 and real  # the case studies' summaries are not examples
    for _, resource in examples:
        page = (folder / resource.url / "index.html").read_text(encoding="utf-8")
        title = escape(resource.meta.title)
        assert f"<h1>Example: {title}</h1>" in page, resource.url
        assert f"<title>Example: {title}" in page and 'class="resource-example"' in page
        assert re.search(r'<meta name="description" content="An example written by the', page)
        data = json.loads(re.search(r'ld\+json">(.*?)</script>', page, re.S)[1])
        assert data["name"].startswith("Example: ")
    for _, resource in real:
        page = (folder / resource.url / "index.html").read_text(encoding="utf-8")
        assert "<h1>Example: " not in page and 'class="resource-example"' not in page
    listing = (folder / "resources/index.html").read_text(encoding="utf-8")
    said = " ".join(re.sub(r"<[^>]+>", "", listing).split())
    assert f"{len(shown)} resources, each checked by a moderator" in said
    assert f"{len(examples)} of them are examples that the programme wrote" in said
    links = re.findall(r'<li data-lang[^>]*><a href="[^"]*">([^<]*)</a>', listing)
    assert links and all(t.startswith("Example: ") for t in links[len(real) :]), links
    assert not any(t.startswith("Example: ") for t in links[: len(real)]), links
    feed = (folder / "feeds/resources.xml").read_text(encoding="utf-8")
    for entry in re.findall(r"<entry>.*?</entry>", feed, re.S):
        example = "<title>Example: " in entry
        assert example == ('term="example"' in entry) == ("<summary>An example" in entry)
    assert "<title>Example: " in feed
    exported = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
    flags = {r["title"]: r["example"] for m in exported["modules"] for r in m["resources"]}
    assert sum(flags.values()) == len(examples) and not all(flags.values())
