"""Session packs, made for real with WeasyPrint and read back with poppler's tools."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from opencpd.cli import main
from opencpd.core.catalog import Catalog
from opencpd.core.load import load_catalog
from opencpd.core.packs import PackCache, PackJob, PackOptions, findings, generate, prepare
from opencpd.core.vocabulary import load_vocabulary

from .conftest import with_caches

TESTS = Path(__file__).resolve().parent
FIXTURE = TESTS / "packs_fixture"
ARTIFACTS = TESTS.parent / "test-artifacts" / "packs"
SITE_URL = "https://cpd.languages-hub.org.uk/"  # a published site's address
PLACEHOLDER = "https://opencpd.example.org/"  # the fixture sites' mkdocs.yml
SECRETS = ("AGENDA-NOTE", "FACILITATOR-ONLY")

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdftotext", "pdfinfo", "pdffonts", "pdftoppm")),
    reason="poppler-utils is not installed (scripts/test installs it)",
)


@dataclass
class Made:
    root: Path
    catalog: Catalog
    options: PackOptions
    cache: PackCache
    jobs: dict[str, PackJob]

    def pdf(self, pack_id: str) -> Path:
        result = self.jobs[pack_id].result
        assert result is not None, self.jobs[pack_id]
        return result.path


def copy_fixture(target: Path) -> Path:
    shutil.copytree(FIXTURE, target)
    return target


def catalog_of(root: Path) -> Catalog:
    return load_catalog(root, load_vocabulary())


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    """Every pack of the fixture, made once."""
    root = copy_fixture(tmp_path_factory.mktemp("packs") / "project")
    catalog = catalog_of(root)
    assert catalog.findings == []
    options = PackOptions(site_url=SITE_URL)
    cache = PackCache(root / ".cache" / "packs")
    jobs = generate(prepare(catalog, options, cache), catalog, options, cache, workers=2)
    assert [j.status for j in jobs] == ["generated"] * 5, [(j.pack.id, j.error) for j in jobs]
    return Made(root, catalog, options, cache, {j.pack.id: j for j in jobs})


def run(*command: str | Path) -> str:
    done = subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


def text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return run("pdftotext", "-layout", *pages, pdf, "-")


def info(pdf: Path) -> dict[str, str]:
    return dict(line.split(":", 1) for line in run("pdfinfo", pdf).splitlines() if ":" in line)


def page_count(pdf: Path) -> int:
    return int(info(pdf)["Pages"])


def squash(value: str) -> str:
    return re.sub(r"\s+", " ", value)


# What goes into each edition


def test_facilitator_edition_has_the_running_order_with_clock_times(made: Made) -> None:
    words = squash(text(made.pdf("ks2-greetings-facilitator")))
    for row in (
        "16:00–16:15 15 Welcome and warm-up whole group name cards",
        "16:15–16:40 25 Greeting cards in pairs pairs greeting-cards handout",
        "16:40–16:45 5 Break",
        "16:45–17:40 55 Planning a routine",
        "17:40 100 End of session",
    ):
        assert row in words, row


def test_facilitator_edition_has_notes_materials_handouts_and_forms(made: Made) -> None:
    words = squash(text(made.pdf("ks2-greetings-facilitator")))
    for expected in (
        "AGENDA-NOTE-ALPHA greet each participant",
        ("Materials: greeting-cards handout, mini whiteboards"),
        "FACILITATOR-ONLY-DELTA",
        "FACILITATOR-ONLY-FOXTROT",
        "Greeting cards",
        "Routine planner",
        "Greetings at KS2 — follow-up",
        "AGENDA-NOTE-ECHO",
        "Use the greeting routine in every lesson",
        "Add a question to the routine",
        "Sign-in sheet",
        "Name School Role Email",
        "consent*",
        "Evaluation form",
        "What was most useful",
        "Before After",
        "Run a two-minute greeting routine",
        "What support do you need",
        "Certificate of attendance",
        "This is to certify that",
    ):
        assert expected in words, expected


def test_participant_edition_has_nothing_facilitator_only(made: Made) -> None:
    words = squash(text(made.pdf("ks2-greetings-participant")))
    assert not [s for s in SECRETS if s in words]
    for absent in (
        "Sign-in sheet",
        "Certificate of attendance",
        "Session plan",
        "Some participants will be new",
    ):
        assert absent not in words
    for expected in (
        "Participant edition",
        "Aims",
        "Participants can run a greeting routine",
        "Greeting cards",
        "Routine planner",
        "Follow-up tasks",
        "Use the greeting routine in every lesson",
        "Reflection log",
        "What I tried",
        "What I will do next",
    ):
        assert expected in words, expected


def test_cover_names_the_module_and_links_to_its_page(made: Made) -> None:
    cover = squash(text(made.pdf("ks2-greetings-facilitator"), 1))
    for expected in (
        "Greetings at KS2",
        "Facilitator edition",
        "Key Stage 2 (ages 7 to 11)",
        "French, German, Spanish",
        "1.2.0, reviewed 1 September 2026",
        "Creative Commons Attribution-ShareAlike 4.0",
        "cpd.languages-hub.org.uk/modules/ks2-greetings",
    ):
        assert expected in cover, expected


def test_handbook_has_charter_chapters_and_fillable_forms(made: Made) -> None:
    pdf = made.pdf("mini-toolkit-handbook")
    words = squash(text(pdf))
    for expected in (
        "Mini Mentoring Toolkit",
        "The charter",
        "Inclusive.",
        "Confidential.",
        "The agreement",
        "Agreeing early avoids",
        "Pair agreement",
        "Our meeting calendar",
        "Greetings at KS2",
    ):
        assert expected in words, expected
    assert info(pdf)["Form"].strip() == "AcroForm"
    from pypdf import PdfReader

    fields = PdfReader(pdf).get_fields() or {}
    assert {
        "pair-agreement-1",
        "pair-agreement-2",
        "pair-agreement-3",
        "meeting-calendar-4-2",
    } <= set(fields)


# Paged media


def test_page_counts_are_within_bounds_and_recorded(made: Made) -> None:
    bounds = {
        "ks2-greetings-facilitator": (8, 16),
        "ks2-greetings-participant": (4, 9),
        "ks3-questions-facilitator": (7, 14),
        "ks3-questions-participant": (3, 7),
        "mini-toolkit-handbook": (4, 10),
    }
    for pack_id, (low, high) in bounds.items():
        pages = page_count(made.pdf(pack_id))
        assert low <= pages <= high, (pack_id, pages)
        assert made.jobs[pack_id].result.pages == pages  # type: ignore[union-attr]
        assert info(made.pdf(pack_id))["Page size"].strip().endswith("(A4)")


def test_only_the_bundled_font_is_used_and_it_is_embedded(made: Made) -> None:
    for job in made.jobs.values():
        rows = run("pdffonts", job.result.path).splitlines()[2:]  # type: ignore[union-attr]
        assert rows, job.pack.id
        for row in rows:
            name, *_, emb, sub, uni, _obj, _gen = row.split()
            assert re.fullmatch(r"[A-Z]{6}\+OpenCPD-Sans(-Bold|-Italic|-BoldItalic)?", name), row
            assert (emb, sub, uni) == ("yes", "yes", "yes"), row


def test_running_footer_has_module_title_and_page_numbers(made: Made) -> None:
    pdf = made.pdf("ks2-greetings-participant")
    total = page_count(pdf)
    assert "Page" not in text(pdf, 1)  # the cover has no footer
    page = squash(text(pdf, 3))
    assert "Greetings at KS2 · Participant edition" in page
    assert f"Page 3 of {total}" in page


def test_table_of_contents_gives_the_right_page_numbers(made: Made) -> None:
    pdf = made.pdf("ks2-greetings-facilitator")
    contents = text(pdf, 2)
    listed = dict(re.findall(r"^\s*(\S.*?)\s*(?:\. )+\.?\s*(\d+)\s*$", contents, re.MULTILINE))
    for title in (
        "Running order",
        "Session plan",
        "Greeting cards",
        "Sign-in sheet",
        "Evaluation form",
        "Certificate of attendance",
    ):
        assert title in listed, (title, contents)
        assert title in text(pdf, int(listed[title])), title


A4_HEIGHT = 841.89  # points
PAGE_AREA_END = A4_HEIGHT - 19 / 25.4 * 72  # pack.css: the footer sits in the bottom margin
ROW = 9 / 25.4 * 72  # a sign-in row


def words_at(pdf: Path, page: int) -> list[tuple[str, float]]:
    """(word, bottom in points from the top of the page) of each word above the footer."""
    xml = run("pdftotext", "-bbox", "-f", page, "-l", page, pdf, "-")
    found = [
        (w, float(bottom))
        for bottom, w in re.findall(
            r'<word xMin="[^"]+" yMin="[^"]+" xMax="[^"]+" yMax="([^"]+)">([^<]*)</word>', xml
        )
    ]
    return [(w, bottom) for w, bottom in found if bottom < PAGE_AREA_END]


def blank_below(pdf: Path, page: int) -> float:
    """The height left blank at the foot of the page area, in points."""
    return PAGE_AREA_END - max(bottom for _, bottom in words_at(pdf, page))


def sign_in_pages(pdf: Path) -> list[int]:
    pages = [n for n in range(1, page_count(pdf) + 1) if "Name School Role" in squash(text(pdf, n))]
    assert pages and "Sign-in sheet" in text(pdf, pages[0]), pages
    return pages


def row_numbers(pdf: Path, pages: list[int]) -> list[int]:
    return [int(w) for n in pages for w, _ in words_at(pdf, n) if w.isdigit()]


def test_the_contents_page_also_holds_the_aims_and_running_order(made: Made) -> None:
    """Parts shorter than a page follow on: no page of a pack is left mostly blank for them."""
    facilitator = squash(text(made.pdf("ks2-greetings-facilitator"), 2))
    for title in (
        "Contents",
        "Aims",
        "Outcomes for teachers",
        "Running order",
        "16:00–16:15 15 Welcome and warm-up",
    ):
        assert title in facilitator, title
    participant = squash(text(made.pdf("ks2-greetings-participant"), 2))
    assert "Contents" in participant and "Outcomes for teachers" in participant


def test_the_sign_in_sheet_fills_its_page(made: Made) -> None:
    pdf = made.pdf("ks2-greetings-facilitator")
    [page] = sign_in_pages(pdf)
    rows = row_numbers(pdf, [page])
    assert rows == list(range(1, len(rows) + 1)) and len(rows) > 14, rows
    assert blank_below(pdf, page) < 1.5 * ROW  # the last row at the foot of the page
    assert text(pdf, page + 1).lstrip().startswith("Evaluation form")


def test_a_sign_in_sheet_for_a_number_of_places_fills_its_last_page(
    made: Made, tmp_path: Path
) -> None:
    options = PackOptions(site_url=SITE_URL, places=30)
    cache = PackCache(tmp_path / "c")
    jobs = prepare(made.catalog, options, cache, ["ks2-greetings"])[:1]
    generate(jobs, made.catalog, options, cache, workers=1)
    one_page = made.pdf("ks2-greetings-facilitator")
    per_page = len(row_numbers(one_page, sign_in_pages(one_page)))
    assert jobs[0].result is not None
    pdf = jobs[0].result.path
    pages = sign_in_pages(pdf)
    assert len(pages) == 2, pages
    numbers = row_numbers(pdf, pages)
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 30, numbers
    assert len(numbers) > 2 * per_page  # the second page holds more: no heading on it
    assert blank_below(pdf, pages[1]) < 1.5 * ROW
    assert text(pdf, pages[1] + 1).lstrip().startswith("Evaluation form")


def test_packs_are_tagged_pdf_in_british_english(made: Made) -> None:
    from pypdf import PdfReader

    for job in made.jobs.values():
        pdf = job.result.path  # type: ignore[union-attr]
        assert info(pdf)["Tagged"].strip() == "yes", job.pack.id
        assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "en-GB", job.pack.id
        structure = run("pdfinfo", "-struct", pdf)
        for tag in ("Document", "H1", "Table", "TH", "L", "LI"):
            assert re.search(rf"^\s*{tag}\b", structure, re.MULTILINE), (job.pack.id, tag)


def test_a_placeholder_address_gives_no_qr_code_and_says_so(made: Made, tmp_path: Path) -> None:
    options = PackOptions(site_url=PLACEHOLDER)
    cache = PackCache(tmp_path / "c")
    jobs = prepare(made.catalog, options, cache, ["ks3-questions"])
    generate(jobs, made.catalog, options, cache, workers=1)
    for job in jobs:
        assert job.result is not None
        words = squash(text(job.result.path))
        assert "example.org" not in words
        assert (
            "Made without the web address of the site, so this pack has no link or QR code"
            in squash(text(job.result.path, 1))
        )
        assert not run("pdfimages", "-list", job.result.path).splitlines()[2:]
    made_cover = squash(text(made.pdf("ks3-questions-participant"), 1))
    assert "cpd.languages-hub.org.uk/modules/ks3-questions" in made_cover


@pytest.mark.parametrize(
    "address, placeholder",
    [
        (PLACEHOLDER, True),
        ("", True),
        ("http://127.0.0.1:8000/", True),
        ("https://cpd.test/", True),
        ("https://www.example.com/cpd/", True),
        ("http://[::1]/", True),
        ("ftp://cpd.org.uk/", True),
        (SITE_URL, False),
        ("https://opencpd.github.io/opencpd/", False),
        ("http://10.1.2.3/cpd/", False),
        ("https://examples.org.uk/", False),
    ],
)
def test_placeholder_addresses(address: str, placeholder: bool) -> None:
    from opencpd.core.packs.spec import placeholder_address

    assert placeholder_address(address) is placeholder


def test_handouts_each_start_a_new_page(made: Made) -> None:
    pdf = made.pdf("ks2-greetings-facilitator")
    starts = [
        n
        for n in range(1, page_count(pdf) + 1)
        if re.match(
            r"\s*(Handouts\s+Print one copy.*\s+)?HANDOUT \d · GREETINGS AT KS2",
            text(pdf, n),
            re.DOTALL,
        )
    ]
    assert len(starts) == 2, starts
    assert "Greeting cards" in text(pdf, starts[0])
    assert "Routine planner" in text(pdf, starts[1])


def test_bookmarks_follow_the_headings(made: Made) -> None:
    from pypdf import PdfReader

    outline = PdfReader(made.pdf("ks2-greetings-facilitator")).outline

    def titles(items: list) -> list[str]:
        return [t for i in items for t in (titles(i) if isinstance(i, list) else [i.title])]

    found = titles(outline)
    for title in (
        "Greetings at KS2",
        "Aims",
        "Running order",
        "Session plan",
        "Handouts",
        "Greeting cards",
        "Routine planner",
        "Follow-up sessions",
        "Sign-in sheet",
        "Evaluation form",
        "Certificate of attendance",
    ):
        assert title in found, (title, found)


def test_handout_image_is_embedded(made: Made) -> None:
    images = run("pdfimages", "-list", made.pdf("ks2-greetings-participant")).splitlines()[2:]
    assert [row.split()[3:5] for row in images] == [["360", "120"]]


def test_metadata_is_fixed_and_output_reproducible(made: Made, tmp_path: Path) -> None:
    pdf = made.pdf("ks3-questions-participant")
    meta = info(pdf)
    assert meta["Title"].strip() == "Asking questions at KS3: participant edition"
    assert meta["Author"].strip() == "OpenCPD test team"
    assert "Jun 15 00:00:00 2026" in meta["CreationDate"]
    cache = PackCache(tmp_path / "again")
    jobs = prepare(made.catalog, made.options, cache, ["ks3-questions"])
    generate(jobs, made.catalog, made.options, cache, workers=1)
    again = {j.pack.id: j.result.path for j in jobs if j.result}
    assert again["ks3-questions-participant"].read_bytes() == pdf.read_bytes()


def test_pages_as_pictures_for_a_person_to_look_at(made: Made) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for pack_id, pages in (
        ("ks2-greetings-facilitator", (1, 2, 3, 4)),
        ("ks2-greetings-participant", (4,)),
        ("mini-toolkit-handbook", (5,)),
    ):
        for page in pages:
            stem = ARTIFACTS / f"{pack_id}-page{page}"
            run(
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-singlefile",
                "-f",
                page,
                "-l",
                page,
                made.pdf(pack_id),
                stem,
            )
            assert stem.with_suffix(".png").stat().st_size > 5_000


def test_no_system_font_is_needed(made: Made, tmp_path: Path) -> None:
    """With fontconfig seeing no font at all, the pack still renders in the bundled font."""
    config = tmp_path / "fonts.conf"
    config.write_text(
        f'<?xml version="1.0"?><fontconfig><cachedir>{tmp_path}/fc</cachedir></fontconfig>',
        encoding="utf-8",
    )
    code = (
        "import sys; from pathlib import Path; from opencpd.core.load import load_catalog; "
        "from opencpd.core.vocabulary import load_vocabulary; from opencpd.core import packs;"
        "root = Path(sys.argv[1]); c = load_catalog(root, load_vocabulary()); "
        f"o = packs.PackOptions(site_url={SITE_URL!r}); "
        "k = packs.PackCache(Path(sys.argv[2])); j = packs.prepare(c, o, k, ['ks3-questions']);"
        "packs.generate(j, c, o, k, workers=1); print(j[1].result.path)"
    )
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code, made.root, tmp_path / "c"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "FONTCONFIG_FILE": str(config)},
    )
    assert done.returncode == 0, done.stderr
    pdf = Path(done.stdout.strip())
    assert pdf.read_bytes() == made.pdf("ks3-questions-participant").read_bytes()


# The cache


def test_a_rebuild_with_no_change_makes_no_pack(made: Made) -> None:
    jobs = prepare(catalog_of(made.root), made.options, made.cache)
    assert [j.status for j in jobs] == ["cached"] * 5


def test_a_change_to_one_module_remakes_only_its_two_packs(made: Made, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(made.root, root)
    twilight = root / "modules" / "ks2-greetings" / "sessions" / "01-twilight.md"
    twilight.write_text(twilight.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    catalog = catalog_of(root)
    cache = PackCache(root / ".cache" / "packs")
    jobs = prepare(catalog, made.options, cache)
    assert {j.pack.id: j.status for j in jobs} == {
        "ks2-greetings-facilitator": "pending",
        "ks2-greetings-participant": "pending",
        "ks3-questions-facilitator": "cached",
        "ks3-questions-participant": "cached",
        "mini-toolkit-handbook": "cached",
    }
    generate(jobs, catalog, made.options, cache, workers=2)
    assert sorted(j.status for j in jobs) == ["cached"] * 3 + ["generated"] * 2
    assert len(list(cache.folder.glob("*.pdf"))) == 5  # the old versions are gone
    assert [j.status for j in prepare(catalog, made.options, cache)] == ["cached"] * 5


def test_options_are_part_of_the_hash(made: Made) -> None:
    later = PackOptions(site_url=SITE_URL, start_time="16:30")
    jobs = prepare(made.catalog, later, made.cache, ["ks3-questions"])
    assert [j.status for j in jobs] == ["pending", "pending"]


# Bad input: a finding with file and line, and no PDF


def blocked(root: Path, options: PackOptions | None = None) -> tuple[list[str], list[PackJob]]:
    catalog = catalog_of(root)
    options = options or PackOptions(site_url=SITE_URL)
    problems = [str(f) for f in [*catalog.findings, *findings(catalog, options)]]
    jobs = prepare(catalog, options, PackCache(root / ".cache" / "packs"), ["ks2-greetings"])
    return problems, jobs


def test_a_missing_image_is_a_finding_not_a_broken_pdf(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path / "p")
    (root / "modules/ks2-greetings/handouts/greeting-cards.png").unlink()
    problems, jobs = blocked(root)
    assert problems == [
        (
            "modules/ks2-greetings/handouts/greeting-cards.md:5:1: missing-image: the image does "
            "not exist (expected a file at modules/ks2-greetings/handouts/greeting-cards.png, got "
            "none). Add the file or correct the path in the image link."
        )
    ]
    assert [j.status for j in jobs] == ["blocked", "blocked"]
    assert not (root / ".cache").exists()


def test_an_image_that_will_not_load_is_a_finding(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path / "p")
    (root / "modules/ks2-greetings/handouts/greeting-cards.png").write_bytes(b"not a picture")
    handout = root / "modules/ks2-greetings/handouts/routine-planner.md"
    handout.write_text(
        handout.read_text("utf-8") + "\n![Logo](https://example.org/logo.png)\n", "utf-8"
    )
    problems, jobs = blocked(root)
    assert [p.split(": ", 2)[:2] for p in problems] == [
        ["modules/ks2-greetings/handouts/greeting-cards.md:5:1", "broken-image"],
        ["modules/ks2-greetings/handouts/routine-planner.md:13:1", "image-not-local"],
    ]
    assert {j.status for j in jobs} == {"blocked"}


def test_a_folder_where_the_image_should_be_is_not_called_missing(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path / "p")
    picture = root / "modules/ks2-greetings/handouts/greeting-cards.png"
    picture.unlink()
    picture.mkdir()
    problems, jobs = blocked(root)
    assert [p.split(" (", 1)[0] for p in problems] == [
        "modules/ks2-greetings/handouts/greeting-cards.md:5:1: broken-image: the image is not a "
        "file"
    ], problems
    assert {j.status for j in jobs} == {"blocked"}


def png_declaring(width: int, height: int) -> bytes:
    """A PNG of a few dozen bytes whose header declares `width` x `height` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("width", "height", "said"),
    [
        # over twice Pillow's limit: its DecompressionBombError was 'a fault in OpenCPD'
        (50_000, 50_000, "got 2,500 million"),
        # under it: decoded whole by the pack's engine (491 MB, against 101 MB without it)
        (10_000, 10_000, "got 100 million"),
    ],
)
def test_an_image_of_too_many_pixels_is_a_finding_not_a_bomb(
    tmp_path: Path, width: int, height: int, said: str
) -> None:
    root = copy_fixture(tmp_path / "p")
    picture = root / "modules/ks2-greetings/handouts/greeting-cards.png"
    picture.write_bytes(png_declaring(width, height))
    problems, jobs = blocked(root)
    assert problems == [
        "modules/ks2-greetings/handouts/greeting-cards.md:5:1: image-too-large: the image has "
        f"too many pixels to print (expected at most 40 million, {said} in "
        "'greeting-cards.png'). Export the image again at a smaller size: 3,000 pixels across "
        "fills an A4 page."
    ]
    assert {j.status for j in jobs} == {"blocked"}


def test_a_missing_handout_is_a_finding_not_a_broken_pdf(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path / "p")
    (root / "modules/ks2-greetings/handouts/routine-planner.md").unlink()
    problems, jobs = blocked(root)
    assert any(
        p.startswith("modules/ks2-greetings/sessions/01-twilight.md:")
        and "missing-file: the handout 'routine-planner' does not exist" in p
        for p in problems
    ), problems
    assert {j.status for j in jobs} == {"blocked"}


def test_an_agenda_that_does_not_add_up_is_a_finding(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path / "p")
    twilight = root / "modules/ks2-greetings/sessions/01-twilight.md"
    twilight.write_text(twilight.read_text("utf-8").replace("minutes: 55", "minutes: 75"), "utf-8")
    problems, jobs = blocked(root)
    assert any(
        p.startswith("modules/ks2-greetings/sessions/01-twilight.md:9:") and "agenda-total" in p
        for p in problems
    ), problems
    assert {j.status for j in jobs} == {"blocked"}


def test_a_running_order_past_a_sensible_end_is_a_finding(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path / "p")
    problems, jobs = blocked(root, PackOptions(site_url=SITE_URL, start_time="19:00"))
    assert problems == [
        (
            "modules/ks2-greetings/sessions/01-twilight.md:9:1: agenda-overrun: the running order "
            "ends too late (expected an end by 20:00 when the session starts at 19:00, got 100 "
            "minutes, ending at 20:40). Shorten the agenda items, or split the session into a "
            "twilight and a follow-up."
        )
    ]
    assert {j.status for j in jobs} == {"blocked"}


def test_packs_load_nothing_from_outside_the_project(made: Made, tmp_path: Path) -> None:
    from opencpd.core.packs.pdf import ProjectFetcher

    fetch = ProjectFetcher(made.root)
    inside = made.root / "modules/ks2-greetings/handouts/greeting-cards.png"
    assert fetch.fetch(inside.as_uri()).read()[:4] == b"\x89PNG"
    outside = tmp_path / "secret.png"
    outside.write_bytes(inside.read_bytes())
    for url in (
        "https://example.org/logo.png",
        "http://127.0.0.1/x.png",
        outside.as_uri(),
        (made.root / ".." / "secret.png").as_uri(),
        "ftp://example.org/x",
    ):
        with pytest.raises(ValueError, match="outside the project"):
            fetch.fetch(url)


# The site and the command line


def test_module_and_publication_pages_link_their_packs(built_site: Path) -> None:
    module = squash((built_site / "modules/ks2-speaking/index.html").read_text("utf-8"))
    assert 'id="download-the-session-pack"' in module
    for edition in ("facilitator", "participant"):
        pdf = built_site / f"packs/ks2-speaking-{edition}.pdf"
        match = re.search(
            rf'<a href="../../packs/ks2-speaking-{edition}.pdf">'
            rf"{edition.title()} edition</a> \(PDF, (\d+) KB, (\d+) pages\)",
            module,
        )
        assert match, edition
        assert int(match[1]) == round(pdf.stat().st_size / 1024)
        assert int(match[2]) == page_count(pdf)
    publication = squash((built_site / "handbook/bridge-toolkit/index.html").read_text("utf-8"))
    assert '<a href="../../packs/bridge-toolkit-handbook.pdf">Handbook</a> (PDF,' in publication


def test_a_page_says_why_a_pack_is_not_linked(made: Made) -> None:
    """What a build or a served site cannot link is said where the link would be."""
    from opencpd.adapters.packs import pack_links
    from opencpd.core.render import Renderer

    jobs = prepare(made.catalog, made.options, PackCache(made.root / "empty"), ["ks2-greetings"])
    jobs[0].status, jobs[1].status = "making", "blocked"
    module = made.catalog.module("ks2-greetings")
    assert module is not None
    page = squash(Renderer(made.catalog, packs=pack_links(jobs)).module_pages(module)[module.page])
    assert (
        "Facilitator edition (PDF): being made in the background while the site is served; "
        "this page reloads with its link when it is ready."
    ) in page
    assert (
        "Participant edition (PDF): cannot be made until the problems in this content are "
        "fixed (`opencpd check` lists them)."
    ) in page
    assert "Print-ready" not in page and ".pdf" not in page


def test_a_second_build_makes_no_pack(built_site: Path, tmp_path: Path) -> None:
    from opencpd.adapters.site import build_site

    source = built_site.parent
    cache = source / ".cache" / "packs"
    before = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert len([n for n in before if n.endswith(".pdf")]) == len(
        list((built_site / "packs").glob("*.pdf"))
    )
    # into a folder outside the shared build's sources, which other tests copy
    build_site(str(source / "mkdocs.yml"), tmp_path / "site-again")
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == before
    for pdf in (built_site / "packs").glob("*.pdf"):
        assert (tmp_path / "site-again/packs" / pdf.name).read_bytes() == pdf.read_bytes()


def test_a_build_with_a_placeholder_address_says_so_and_goes_on(
    site_copy: Path,
    built_site: Path,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from opencpd.adapters import packs
    from opencpd.adapters.site import build_site

    monkeypatch.setattr(packs, "_warned", set())  # said once a process: an earlier build did
    with_caches(site_copy, built_site.parent)  # the packs and decks: none is made
    build_site(str(site_copy / "mkdocs.yml"), site_copy / "site", search=False)  # strict
    warned = squash(capfd.readouterr().err)
    assert (
        f"WARNING - {site_copy / 'mkdocs.yml'}:3:11: site_url in mkdocs.yml is "
        "'https://opencpd.example.org/', which is no published site: the session packs have "
        "no QR code or link to their pages online"
    ) in warned
    assert "opencpd packs --site-url" in warned
    cover = squash(text(site_copy / "site/packs/ks2-speaking-participant.pdf", 1))
    assert "Made without the web address of the site" in cover
    packs.warn_placeholder(SITE_URL)
    assert capfd.readouterr().err == ""


def test_packs_command_prints_the_address_it_is_given(site_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "packs",
            "-f",
            str(site_copy / "mkdocs.yml"),
            "ks3-reading",
            "-o",
            str(out),
            "-j",
            "1",
            "--site-url",
            SITE_URL,
            "--places",
            "25",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "no published site" not in result.output
    cover = squash(text(out / "ks3-reading-facilitator.pdf", 1))
    assert "cpd.languages-hub.org.uk/modules/ks3-reading" in cover
    pdf = out / "ks3-reading-facilitator.pdf"
    assert len(row_numbers(pdf, sign_in_pages(pdf))) >= 25
    # The facilitator edition links each session's deck in its three forms, with its size,
    # at the address the packs are made for (the same decks a build publishes).
    from opencpd.core.attachments import human_size

    slides = squash(text(pdf))
    decks = sorted((site_copy / ".cache" / "slides").glob("ks3-reading--*.json"))
    assert decks, "no deck was made for the pack to link"
    for record in decks:
        session = record.name.split("--")[1]
        for form, label in (
            ("html", "Slides to present (HTML)"),
            ("pdf", "Slides as PDF (16:9)"),
            ("pptx", "Slides to edit (PowerPoint)"),
        ):
            size = human_size(record.with_suffix(f".{form}").stat().st_size)
            assert f"{label} ({size})" in slides, (session, form)
            address = f"cpd.languages-hub.org.uk/modules/ks3-reading/slides/{session}.{form}"
            assert address in slides.replace(" ", ""), address
    assert "Slides to present" not in squash(text(out / "ks3-reading-participant.pdf"))


def test_packs_command_writes_the_named_packs(site_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["packs", "-f", str(site_copy / "mkdocs.yml"), "ks2-speaking", "-o", str(out), "-j", "1"],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "ks2-speaking-facilitator.pdf",
        "ks2-speaking-participant.pdf",
    ]
    assert "ks2-speaking-facilitator.pdf" in result.output
    again = CliRunner().invoke(
        main, ["packs", "-f", str(site_copy / "mkdocs.yml"), "nope", "-o", str(out)]
    )
    assert again.exit_code == 1
    assert "no published module or publication is called nope" in again.output


def test_every_page_has_a_print_stylesheet() -> None:
    """print.css is one of the stylesheets joined into the one every page links (its link read
    back from built pages: test_joined_assets.py)."""
    from opencpd.adapters.packaged import STYLESHEETS

    assert "assets/print.css" in STYLESHEETS
    css = (TESTS.parent / "plugins/opencpd/site_assets/print.css").read_text("utf-8")
    assert "@media print" in css
    for hidden in (".md-header", ".md-sidebar", ".md-footer", ".md-search"):
        assert hidden in css
    assert 'content: " (" attr(href) ")"' in css
    assert re.search(r"\.facilitator-only[^{]*\{\s*display: block !important", css)
