"""Slide decks with real parts: python-pptx reads the PowerPoint file back, pdftotext and
pdfinfo the PDF, Chromium drives the HTML deck (keys, presenter view, requests, axe-core).
One PNG of each form is kept under test-artifacts/slides/ for a person to look at."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from opencpd.core.load import load_catalog
from opencpd.core.slides import DeckCache, DeckOptions, findings, generate, make_deck, prepare
from opencpd.core.slides.build import SITE_ASSETS
from opencpd.core.vocabulary import load_vocabulary

from .conftest_browser import serve
from .test_accessibility import describe, run_axe

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "slides_fixture"
ARTIFACTS = REPO / "test-artifacts" / "slides"
OPTIONS = DeckOptions(site_url="https://opencpd.example.org/")
SECRETS = ("SECRET-NOTE-ONE", "SECRET-NOTE-TWO", "SECRET-NOTE-SLIDE", "SECRET-PREPARE")


def copy_fixture(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    return root


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The fixture's decks made once, in one process, with the catalogue and the jobs."""
    root = copy_fixture(tmp_path_factory.mktemp("slides"))
    catalog = load_catalog(root, load_vocabulary(None))
    cache = DeckCache(root / ".cache" / "slides")
    jobs = generate(prepare(catalog, OPTIONS, cache), catalog, OPTIONS, cache, workers=1)
    module = catalog.module("ks2-hello")
    assert module is not None
    deck = make_deck(module, module.sessions[0], OPTIONS)
    return {"root": root, "catalog": catalog, "jobs": jobs, "deck": deck, "cache": cache}


def twilight_files(made: dict[str, Any]) -> dict[str, Path]:
    job = next(j for j in made["jobs"] if j.session == "01-twilight")
    assert job.status == "generated", job.error
    return job.result.files


def test_every_session_gets_a_deck_in_three_forms(made: dict[str, Any]) -> None:
    assert [(j.session, j.status) for j in made["jobs"]] == [
        ("01-twilight", "generated"),
        ("02-follow-up", "generated"),
    ]
    kinds = [s.kind for s in made["deck"].slides]
    assert kinds[0] == "title" and kinds[-1] == "closing"
    assert kinds.count("agenda") == 2 and "gap-task" in kinds and "objectives" in kinds


def test_powerpoint_titles_notes_and_lang(made: dict[str, Any]) -> None:
    from pptx import Presentation
    from pptx.util import Emu

    prs = Presentation(str(twilight_files(made)["pptx"]))
    deck = made["deck"]
    assert round(Emu(prs.slide_width).inches / Emu(prs.slide_height).inches, 3) == round(16 / 9, 3)
    assert len(prs.slides) == len(deck.slides)
    titles = [
        next(s.text_frame.text for s in slide.shapes if s.name == "Title") for slide in prs.slides
    ]
    assert titles == [s.title for s in deck.slides]
    notes = {
        t: slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        for t, slide in zip(titles, prs.slides, strict=True)
    }
    assert "SECRET-NOTE-ONE" in notes["Welcome and warm-up"]
    assert "SECRET-NOTE-SLIDE" in notes["Say hello"]
    assert "SECRET-PREPARE" in notes[deck.slides[0].title]
    on_slides = " ".join(
        s.text_frame.text for slide in prs.slides for s in slide.shapes if s.has_text_frame
    )
    assert not any(secret in on_slides for secret in SECRETS)
    runs = {
        r.text: r._r.get_or_add_rPr().get("lang")
        for slide in prs.slides
        for s in slide.shapes
        if s.has_text_frame
        for p in s.text_frame.paragraphs
        for r in p.runs
    }
    assert runs["Bonjour\u202f! Ça va\u202f?"] == "fr"  # French spacing, no-break
    assert None not in runs.values(), runs  # bullets and numbers too
    assert runs["Say hello"] == "en-GB"
    sizes = {
        r.font.size.pt
        for slide in prs.slides
        for s in slide.shapes
        if s.has_text_frame and s.name != "TextBox"
        for p in s.text_frame.paragraphs
        for r in p.runs
        if r.font.size and r.text.strip() and not re.fullmatch(r"\d+ / \d+", r.text)
    }
    assert min(sizes) >= 24
    pictures = [s for slide in prs.slides for s in slide.shapes if s.shape_type == 13]
    assert {p._element.nvPicPr.cNvPr.get("descr") for p in pictures} >= {
        "Four greeting cards, one for each time of day"
    }


def test_powerpoint_line_breaks_and_the_language_of_notes(tmp_path: Path) -> None:
    """A hard line break on a slide is PowerPoint's line break, not the text "_x000B_"; a
    phrase in another language in the speaker notes is marked with its language."""
    from pptx import Presentation

    root = copy_fixture(tmp_path)
    session = root / "modules" / "ks2-hello" / "sessions" / "01-twilight.md"
    session.write_text(
        session.read_text()
        .replace(
            "- Say it, then wave.\n",
            "Morning: wave  \nAfternoon: shake hands\n\n- Say it, then wave.\n",
        )
        .replace(
            "SECRET-NOTE-SLIDE Model it twice",
            'SECRET-NOTE-SLIDE Say *Bonjour !*{: lang="fr" } and model it twice',
        )
    )
    catalog = load_catalog(root, load_vocabulary(None))
    cache = DeckCache(root / ".cache" / "slides")
    jobs = generate(prepare(catalog, OPTIONS, cache), catalog, OPTIONS, cache, workers=1)
    job = next(j for j in jobs if j.session == "01-twilight")
    assert job.status == "generated", job.error
    prs = Presentation(str(job.result.files["pptx"]))
    slide = next(
        s for s in prs.slides if any(x.has_text_frame and x.text == "Say hello" for x in s.shapes)
    )
    body = " ".join(x.text_frame.text for x in slide.shapes if x.has_text_frame)
    assert "Morning: wave\vAfternoon: shake hands" in body  # python-pptx reads <a:br/> as \v
    assert "_x000B_" not in body
    notes = slide.notes_slide.notes_text_frame
    langs = {
        r.text.strip(): r._r.get_or_add_rPr().get("lang") for p in notes.paragraphs for r in p.runs
    }
    assert langs["Bonjour\u202f!"] == "fr" and "SECRET-NOTE-SLIDE Say" in langs
    assert langs["SECRET-NOTE-SLIDE Say"] == "en-GB"


def test_pdf_is_16_9_tagged_with_clock_times_and_no_notes(made: dict[str, Any]) -> None:
    pdf = twilight_files(made)["pdf"]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert abs(width / height - 16 / 9) < 0.01
    assert re.search(r"Tagged:\s+yes", info)
    assert int(re.search(r"Pages:\s+(\d+)", info)[1]) == len(made["deck"].slides)
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)  # embedded
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "16:00–16:10" in text and "16:10–17:00" in text
    assert "Bonjour ! Ça va ?" in text
    assert not any(secret in text for secret in SECRETS)
    # Every word inside the slide's 1 in side margins (a slide wider than its page cut text
    # off at the right edge), and on its page.
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    right = [
        float(x) for x in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"', boxes)
    ]
    assert right and max(right) <= width - 72 + 1, max(right)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "48",
            "-f",
            "4",
            "-l",
            "4",
            "-singlefile",
            str(pdf),
            str(ARTIFACTS / "pdf-slide-4"),
        ],
        check=True,
    )


def test_powerpoint_slide_as_png_through_libreoffice(made: dict[str, Any], tmp_path: Path) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        message = "LibreOffice is not installed (scripts/test installs libreoffice-impress)"
        if os.environ.get("CI"):  # on CI a skip would hide the missing install
            pytest.fail(message)
        pytest.skip(message + ": no PNG of the PowerPoint file")
    subprocess.run(
        [
            office,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(twilight_files(made)["pptx"]),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = next(tmp_path.glob("*.pdf"))
    text = subprocess.run(
        ["pdftotext", str(converted), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Say hello" in text and "SECRET-NOTE-SLIDE" not in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "48",
            "-f",
            "4",
            "-l",
            "4",
            "-singlefile",
            str(converted),
            str(ARTIFACTS / "pptx-slide-4"),
        ],
        check=True,
    )


def test_slide_options_are_read_within_the_bounds_of_front_matter(tmp_path: Path) -> None:
    """Options nested thousands deep are a finding at the slide, not a RecursionError."""
    root = copy_fixture(tmp_path)
    session = root / "modules" / "ks2-hello" / "sessions" / "01-twilight.md"
    deep = "[" * 3000 + "]" * 3000
    session.write_text(
        session.read_text() + f"\n/// slide | Deep\n    agenda: {deep}\n\n- x\n///\n\n"
        "/// slide | A word\n    agenda\n\n- y\n///\n\n"
        "/// slide | Coloured\n    colour: red\n\n- z\n///\n\n"
        "/// slide | Minus\n    agenda: -2\n\n- w\n///\n",
        encoding="utf-8",
    )
    lines = session.read_text().split("\n")
    found = [f for f in findings(load_catalog(root, load_vocabulary(None)))]
    said = {(f.rule, f.line): str(f) for f in found}

    def at(title: str) -> tuple[str, int]:
        return ("slide-option", lines.index(f"/// slide | {title}") + 1)

    # in the house form: what is wrong (expected X, got Y). How to fix.
    assert "not 'name: value' lines (expected 'agenda: 2', got 'agenda: [[[[" in said[at("Deep")]
    assert (
        "only option a slide takes is 'agenda' (expected 'agenda: 2', got 'agenda')"
        in said[at("A word")]
    ), found
    assert "(expected 'agenda: 2', got 'colour'). Write the option as" in said[at("Coloured")]
    assert "(expected a whole number such as 2, got -2). Write" in said[at("Minus")], found
    for place in map(at, ("Deep", "A word", "Coloured", "Minus")):
        assert re.match(
            r"^[^:]+:\d+:\d+: slide-option: .+\(expected .+, got .+\)\. .+", said[place]
        )


def test_an_overflowing_slide_and_a_picture_without_alt_are_findings(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    session = root / "modules" / "ks2-hello" / "sessions" / "01-twilight.md"
    long = "\n".join(
        f"- Point {n}: a sentence long enough to take most of a line on screen." for n in range(12)
    )
    session.write_text(
        session.read_text() + f"\n/// slide | Too much\n\n{long}\n///\n\n"
        "/// slide | A picture\n\n![](cards.png)\n///\n",
        encoding="utf-8",
    )
    lines = session.read_text().split("\n")
    catalog = load_catalog(root, load_vocabulary(None))
    found = {(f.rule, f.line) for f in findings(catalog)}
    source = "modules/ks2-hello/sessions/01-twilight.md"
    assert ("slide-overflow", lines.index("/// slide | Too much") + 1) in found
    assert ("slide-image-alt", lines.index("/// slide | A picture") + 1) in found
    assert all(f.path == source for f in findings(catalog))
    # The deck is refused, not made unreadable: the job carries the finding, path:line.
    cache = DeckCache(tmp_path / "cache")
    jobs = generate(prepare(catalog, OPTIONS, cache, ["ks2-hello"]), catalog, OPTIONS, cache, 1)
    twilight = next(j for j in jobs if j.session == "01-twilight")
    assert twilight.status == "failed" and twilight.result is None
    assert twilight.error is not None and twilight.error.path == source
    assert twilight.error.rule in ("slide-overflow", "slide-image-alt")
    assert not list(cache.folder.glob("ks2-hello--01-twilight*"))
    assert next(j for j in jobs if j.session == "02-follow-up").status == "generated"


def test_an_edited_session_rebuilds_only_its_deck(made: dict[str, Any]) -> None:
    root, cache = made["root"], made["cache"]
    again = prepare(load_catalog(root, load_vocabulary(None)), OPTIONS, cache)
    assert {j.status for j in again} == {"cached"}
    follow_up = root / "modules" / "ks2-hello" / "sessions" / "02-follow-up.md"
    follow_up.write_text(follow_up.read_text() + "\nOne more line.\n", encoding="utf-8")
    try:
        edited = prepare(load_catalog(root, load_vocabulary(None)), OPTIONS, cache)
        assert {j.session: j.status for j in edited} == {
            "01-twilight": "cached",
            "02-follow-up": "pending",
        }
    finally:
        follow_up.write_text(follow_up.read_text().replace("\nOne more line.\n", ""))


@pytest.fixture(scope="module")
def deck_url(made: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The HTML deck where the site puts it, with the site's slide assets, over HTTP."""
    site = tmp_path_factory.mktemp("deck-site")
    target = site / "modules" / "ks2-hello" / "slides" / "01-twilight.html"
    target.parent.mkdir(parents=True)
    shutil.copyfile(twilight_files(made)["html"], target)
    shutil.copytree(SITE_ASSETS, site / "assets" / "slides")  # shipped in the package
    server, url = serve(site)
    try:
        yield url + "modules/ks2-hello/slides/01-twilight.html"
    finally:
        server.shutdown()
        server.server_close()


def watch(page: Any) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {"requests": [], "problems": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("console", lambda m: seen["problems"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["problems"].append(str(e)))
    return seen


def test_html_deck_keys_presenter_view_and_no_other_host(
    deck_url: str, page: Any, made: dict[str, Any]
) -> None:
    seen = watch(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(deck_url)
    total = len(made["deck"].slides)
    status = page.locator("#status")
    assert status.text_content() == f"Slide 1 of {total}: {made['deck'].slides[0].title}"
    assert page.locator(".slide.is-current").get_attribute("id") == "slide-1"
    assert not page.locator(".notes").first.is_visible()
    page.keyboard.press("ArrowRight")
    assert page.locator(".slide.is-current").get_attribute("id") == "slide-2"
    assert status.text_content().startswith(f"Slide 2 of {total}")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("End")
    assert page.locator(".slide.is-current").get_attribute("id") == f"slide-{total}"
    page.locator("button[data-action=previous]").click()
    assert page.locator(".slide.is-current").get_attribute("id") == f"slide-{total - 1}"
    page.keyboard.press("Home")
    font = page.evaluate(
        "getComputedStyle(document.querySelector('.slide.is-current .body')).fontSize"
    )
    width = page.evaluate("document.querySelector('.slide.is-current').offsetWidth")
    assert float(font.removesuffix("px")) * 1280 / width >= 32  # 24 pt on a 1280 px slide
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.keyboard.press("ArrowRight")
    page.locator(".slide.is-current").screenshot(path=str(ARTIFACTS / "html-slide-2.png"))
    say_hello = next(i for i, s in enumerate(made["deck"].slides, 1) if s.title == "Say hello")
    with page.expect_popup() as opened:
        page.keyboard.press("p")
    presenter = opened.value
    presenter.wait_for_selector("body.presenter .presenter-panel")
    for _ in range(say_hello - 2):
        page.keyboard.press("ArrowRight")
    presenter.wait_for_function(
        "() => document.querySelector('#presenter-notes').textContent.includes('SECRET-NOTE-SLIDE')"
    )
    assert presenter.locator(".slide.is-current h2").text_content() == "Say hello"
    assert presenter.locator("#presenter-next .slide").count() == 1
    assert re.fullmatch(r"\d\d:\d\d", presenter.locator("#clock-now").text_content())
    presenter.keyboard.press("ArrowRight")  # the presenter drives the audience window
    # a function, not an expression: Playwright evaluates an expression again on every poll,
    # which the deck's policy (no 'unsafe-eval') refuses once the first poll has failed
    page.wait_for_function(
        "id => document.querySelector('.slide.is-current').id === id",
        arg=f"slide-{say_hello + 1}",
    )
    assert not page.locator(".slide.is-current .notes").is_visible()
    assert not any(secret in page.locator(".slide.is-current").inner_text() for secret in SECRETS)
    origin = deck_url.split("/modules/")[0]
    assert all(url.startswith(origin) for url in seen["requests"]), seen["requests"]
    assert seen["problems"] == []  # no CSP violation, no script error


def test_html_deck_has_no_axe_violations(deck_url: str, browser: Any) -> None:
    # axe-core is injected as an inline script, which the deck's policy rightly refuses;
    # the test above runs the deck under its policy.
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(deck_url)
        for _ in range(3):
            violations = run_axe(page)
            assert not violations, describe(violations)
            page.keyboard.press("ArrowRight")
    finally:
        context.close()


def test_html_deck_works_under_its_own_policy(made: dict[str, Any]) -> None:
    html = twilight_files(made)["html"].read_text(encoding="utf-8")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)[1]
    assert "script-src 'self' 'wasm-unsafe-eval';" in policy  # no inline script allowed
    assert "<script>" not in html and not re.search(r"\son[a-z]+=", html)


def test_a_deck_made_for_a_delivery_has_its_centre_date_and_clock_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Leeds, 31 March 2027 at 17:05 (tests/deliveries_fixture): the title slide says where
    and when, and the running order is timed from 17:05, in the PowerPoint file and the PDF."""
    from opencpd.core.slides.delivery import delivery_decks
    from pptx import Presentation

    from .deliveries_site import BUILD_DAY, LEEDS, tiny_site

    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_DAY)
    catalog = load_catalog(tiny_site(tmp_path / "src"), load_vocabulary(None))
    delivery = next(d for d in catalog.deliveries if d.slug == LEEDS.split("/")[1])
    cache = DeckCache(tmp_path / "cache")
    jobs = delivery_decks(catalog, delivery, OPTIONS, cache)
    assert [(j.id, j.status) for j in jobs] == [
        (f"delivery-{delivery.slug}--01-twilight", "generated")
    ], [j.error for j in jobs]
    files = jobs[0].result.files
    prs = Presentation(str(files["pptx"]))
    title = " ".join(s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame)
    assert "Leeds Languages Hub" in title and "Wednesday 31 March 2027" in title
    assert "17:05" in title
    text = subprocess.run(
        ["pdftotext", "-layout", str(files["pdf"]), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    text = " ".join(text.split())  # lines wrap where the slide's width says
    assert "Leeds Languages Hub" in text and "Wednesday 31 March 2027" in text
    assert re.search(r"17:05–\d\d:\d\d", text) and "16:00" not in text
    order = " ".join(
        s.text_frame.text for slide in prs.slides for s in slide.shapes if s.has_text_frame
    )
    assert "17:05–" in order and "16:00" not in order
    # Made once: asked again, the evening's decks come from the cache, the site's are untouched.
    assert [j.status for j in delivery_decks(catalog, delivery, OPTIONS, cache)] == ["cached"]
    assert all(p.name.startswith("delivery-") for p in cache.folder.iterdir())


def test_an_evenings_powerpoint_names_its_leads_and_keeps_titles_clear_of_the_body(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lead teachers who consented are on the title slide (as on the pack's cover), the one
    who did not is nowhere; a title that wraps to two lines pushes the body down instead of
    running over it, read back from the shapes' extents and from LibreOffice's rendering."""
    from opencpd.core.slides.delivery import delivery_decks
    from pptx import Presentation

    from .deliveries_site import BUILD_DAY, LEEDS, tiny_site

    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_DAY)
    root = tiny_site(tmp_path / "src")
    evening = root / f"{LEEDS}.md"
    evening.write_text(
        evening.read_text().replace(
            "  - {name: Ann Lead, consent: true}\n",
            "  - {name: Ann Lead, consent: true}\n  - {name: Bea Second, consent: true}\n"
            "  - {name: Cy Unasked}\n",
        )
    )
    session = root / "modules" / "ks2-speaking" / "sessions" / "01-twilight.md"
    long_title = "Speaking at KS2 — a twilight on routines that get every pupil talking"
    session.write_text(
        session.read_text().replace("Speaking at KS2 — twilight session", long_title, 1)
    )
    catalog = load_catalog(root, load_vocabulary(None))
    delivery = next(d for d in catalog.deliveries if d.slug == LEEDS.split("/")[1])
    jobs = delivery_decks(catalog, delivery, OPTIONS, DeckCache(tmp_path / "cache"))
    files = jobs[0].result.files
    prs = Presentation(str(files["pptx"]))
    text = " ".join(
        s.text_frame.text for slide in prs.slides for s in slide.shapes if s.has_text_frame
    )
    first = " ".join(s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame)
    assert "Led by Ann Lead and Bea Second" in first
    assert "Cy Unasked" not in text
    assert prs.slides[0].shapes.title.text_frame.text == long_title  # the layout's title
    for number, slide in enumerate(prs.slides, 1):
        boxes = sorted(
            (s.top, s.top + s.height, s.text_frame.text)
            for s in slide.shapes
            if s.has_text_frame and not re.fullmatch(r"\d+ / \d+", s.text_frame.text)
        )
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.left + shape.width <= prs.slide_width, number
            assert shape.top >= 0 and shape.top + shape.height <= prs.slide_height, number
        for (_, bottom, above), (top, _, below) in zip(boxes, boxes[1:], strict=False):
            assert bottom <= top, (number, above, below)
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        return
    subprocess.run(
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), files["pptx"]],
        check=True,
        capture_output=True,
        timeout=180,
    )
    rendered = next(tmp_path.glob("*.pdf"))
    page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-bbox", str(rendered), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = [
        (float(m[1]), float(m[2]), m[3])
        for m in re.finditer(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', page)
    ]
    talking = max(bottom for _, bottom, word in words if word == "talking")
    minutes = min(top for top, _, word in words if word == "minutes")
    assert talking <= minutes, words  # the title's second line ends above the body


@pytest.mark.parametrize(
    "centre",
    [
        '*Hub*{: onclick="alert(1)" } [x](javascript:alert(2)) <b onmouseover=alert(3)>',
        "Leeds\n{: onfocus=alert(3) autofocus }\n\n![leak][r]\n\n[r]: ../../../private/a.png",
        "Leeds\u2028- [a]: x\r\n> # h\n1. one `code` \\{: #id }",
    ],
)
def test_a_centres_name_on_a_title_slide_is_text_as_typed(
    made: dict[str, Any], centre: str
) -> None:
    """A centre's name and town (a coordinator's, untrusted) are written on an evening's
    title slide as typed: they make no link, picture, attribute or block of their own."""
    from opencpd.core.slides.deck import ESCAPED
    from opencpd.core.slides.text import SlideMarkdown

    assert set(ESCAPED) == set(SlideMarkdown().md.ESCAPED_CHARS)  # every one escaped
    module = made["catalog"].module("ks2-hello")
    options = DeckOptions(site_url=OPTIONS.site_url, centre=centre, date="Wednesday 20 January")
    title = make_deck(module, module.sessions[0], options).slides[0]
    body = title.content.html
    assert re.fullmatch(r"<p>[^<]*</p>", body.strip()), body  # one paragraph of text
    assert all(not hasattr(part, "src") for part in title.content.parts)  # no picture
    shown = "".join(run.text for part in title.content.parts for run in part.runs)
    assert " ".join(centre.split()) in shown and "Wednesday 20 January" in shown


def test_the_closing_slide_links_only_a_published_site(made: dict[str, Any]) -> None:
    """A deck made for the placeholder address (this repository's mkdocs.yml) or none says
    "tell us how it went" with no link or QR code to a site that is nowhere."""
    module = made["catalog"].module("ks2-hello")
    for site_url, link in [
        ("https://opencpd.example.org/", ""),
        ("", ""),
        ("https://cpd.test-hub.org.uk/", "https://cpd.test-hub.org.uk/modules/"),
    ]:
        closing = make_deck(module, module.sessions[0], DeckOptions(site_url=site_url)).slides[-1]
        assert closing.kind == "closing" and closing.qr_url.startswith(link), site_url
        assert bool(closing.qr_url) == bool(link) and ("href" in closing.content.html) == bool(
            link
        ), site_url


def test_every_slide_of_an_example_evening_says_it_is_an_example(made: dict[str, Any]) -> None:
    from opencpd.core.slides.deck import EXAMPLE

    module = made["catalog"].module("ks2-hello")
    evening = DeckOptions(centre="Leeds Hub", date="Wednesday 20 January")
    example = make_deck(module, module.sessions[0], replace(evening, example=True)).slides
    real = make_deck(module, module.sessions[0], evening).slides
    assert len(example) > 5 and all(s.kicker.startswith(EXAMPLE) for s in example)
    assert not any(EXAMPLE in s.kicker for s in real)
    assert DeckOptions(example=True).fingerprint() != DeckOptions().fingerprint()  # cached apart


def test_serving_makes_the_deck_of_an_edited_session_at_once(
    made: dict[str, Any], tmp_path: Path
) -> None:
    """`opencpd serve` shows what a build publishes: after an edit to one session its fresh
    deck is made before the pages are built (the plugin passes at_most=SERVE_DECKS); a cold
    cache (more decks missing than that) is left to `opencpd build`, never waited for."""
    from opencpd.adapters.slides import SERVE_DECKS, deck_links, make_decks

    # a copy of the decks made once: the edited deck replaces the one the other tests expect
    root, folder = made["root"], tmp_path / "slides"
    shutil.copytree(made["cache"].folder, folder)
    follow_up = root / "modules" / "ks2-hello" / "sessions" / "02-follow-up.md"
    original = follow_up.read_text(encoding="utf-8")
    follow_up.write_text(original + "\nEdited while serving.\n", encoding="utf-8")
    try:
        catalog = load_catalog(root, load_vocabulary(None))
        left = make_decks(catalog, OPTIONS, folder, False, at_most=0)
        assert {j.session: j.status for j in left}["02-follow-up"] == "missing"
        jobs = make_decks(catalog, OPTIONS, folder, False, at_most=SERVE_DECKS)
        assert {j.session: j.status for j in jobs} == {
            "01-twilight": "cached",
            "02-follow-up": "generated",
        }
        fresh = next(j for j in jobs if j.session == "02-follow-up")
        cached = prepare(catalog, OPTIONS, DeckCache(folder))
        assert fresh.key == next(j.key for j in cached if j.session == "02-follow-up")
        links = deck_links(jobs)["ks2-hello"]["02-follow-up"]
        assert [f["uri"] for f in links["forms"]] == [
            f"modules/ks2-hello/slides/02-follow-up.{form}" for form in ("html", "pdf", "pptx")
        ]
    finally:
        follow_up.write_text(original, encoding="utf-8")


def test_packs_for_a_delivery_come_with_that_evenings_decks(
    site_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`opencpd packs --delivery ID` writes the evening's decks beside its packs, the HTML
    deck pointed at its script and stylesheet copied into the same folder."""
    from click.testing import CliRunner
    from opencpd.cli import main

    from .deliveries_site import BUILD_DAY, LEEDS
    from .deliveries_site import FIXTURE as DELIVERIES

    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_DAY)
    for folder in ("centres", "deliveries"):
        shutil.copytree(DELIVERIES / folder, site_copy / folder)
    out, slug = tmp_path / "out", LEEDS.split("/")[1]
    site = ["--site-url", "https://cpd.test-hub.org.uk/"]  # for print: as the packs, the decks
    result = CliRunner().invoke(
        main,
        ["packs", "-f", str(site_copy / "mkdocs.yml"), "--delivery", slug, "-o", str(out), *site],
    )
    assert result.exit_code == 0, result.output
    folder = out / f"delivery-{slug}" / "slides"
    assert sorted(p.name for p in folder.iterdir()) == [
        "01-twilight.html",
        "01-twilight.pdf",
        "01-twilight.pptx",
    ]
    html = (folder / "01-twilight.html").read_text(encoding="utf-8")
    assert "Leeds Languages Hub" in html and "17:05" in html
    assert f"https://cpd.test-hub.org.uk/deliveries/{slug}/" in html  # not mkdocs.yml's site_url
    assets = re.findall(r'(?:src|href)="([^"]*assets/slides/[^"]+)"', html)
    assert len(assets) >= 2  # the script and the stylesheet
    for src in assets:
        assert (folder / src).resolve().is_file(), src
    assert f"{folder}/01-twilight: " in result.output
    command = ["packs", "-f", str(site_copy / "mkdocs.yml"), "--delivery", slug, "-o", str(out)]
    refused = CliRunner().invoke(main, [*command, "--places", "30"])
    assert refused.exit_code == 2 and "a row for each of the places" in refused.output
    # an evening `opencpd check` refuses (it would end after 21:00) has no packs to print
    source = site_copy / f"{LEEDS}.md"
    source.write_text(source.read_text("utf-8").replace('start: "17:05"', 'start: "20:00"'))
    refused = CliRunner().invoke(main, command)
    assert refused.exit_code == 1 and "until `opencpd check` passes it" in refused.output
    assert "late-end" in refused.output and "Traceback" not in refused.output


def test_an_evening_of_two_sessions_leads_each_deck_to_that_evenings_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The twilight and its follow-up on one evening: the twilight's gap task cannot be done
    "before the next session", which starts straight after it; the follow-up's, the evening's
    last, can. Both closing slides lead, by link and QR code, to the delivery's page, as the
    evening's pack does, not to the session's page."""
    from opencpd.core.slides.delivery import evening_options

    from .deliveries_site import BUILD_DAY, tiny_site, write_delivery

    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_DAY)
    root = tiny_site(tmp_path / "src")
    twilight = root / "modules" / "ks2-speaking" / "sessions" / "01-twilight.md"
    twilight.write_text(
        twilight.read_text().replace("kind: twilight\n", "kind: twilight\ngap_task: Try it.\n")
    )
    write_delivery(root, "2027-05-05-leeds-both", {"sessions": "[01-twilight, 02-follow-up]"})
    catalog = load_catalog(root, load_vocabulary(None))
    assert catalog.findings == []
    delivery = next(d for d in catalog.deliveries if d.slug == "2027-05-05-leeds-both")
    module = catalog.module("ks2-speaking")
    published = DeckOptions(site_url="https://cpd.test-hub.org.uk/")
    evening = evening_options(catalog, delivery, published)
    decks = [make_deck(module, s, own) for s, own in evening]
    gaps = [[s.title for s in deck.slides if s.kind == "gap-task"] for deck in decks]
    assert gaps == [["To try after this evening"], ["Before the next session"]]
    page = "https://cpd.test-hub.org.uk/" + delivery.url
    for deck in decks:
        closing = deck.slides[-1]
        assert closing.kind == "closing" and closing.qr_url == page
        assert f'href="{page}"' in closing.content.html
    # the site's own decks still lead to the session's page
    own = make_deck(module, module.sessions[0], published).slides[-1]
    assert own.qr_url == "https://cpd.test-hub.org.uk/" + module.sessions[0].url
