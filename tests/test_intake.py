"""Contributing without git (issues 4 and 20): the issue form generated from the model, and
`opencpd intake` turning a filled form into a pending resource, or refusing it."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from opencpd.adapters.site import build_site
from opencpd.cli import main as opencpd
from opencpd.core.frontmatter import parse
from opencpd.core.model import Resource
from opencpd.core.vocabulary import load_vocabulary
from opencpd.intake import FORMS, settings
from opencpd.intake.command import intake
from opencpd.intake.fetch import attachment_address, fetch
from opencpd.intake.issue import choose, sections
from opencpd.intake.template import form_file, outputs
from opencpd.intake.workflow import PullRequest
from opencpd.intake.workflow import run as run_workflow

from .conftest import with_caches

REPOSITORY = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "resources_fixture"
BIN = Path(sys.executable).parent
FORM = FORMS["share-a-resource"]
TICKED = [tick.label for tick in FORM.checklist]
ANSWERS = {
    "Title": "Weather bingo for the café corner",
    "Summary": "A bingo game for revising weather phrases,\nused with Year 4.",
    "Module": "Speaking at KS2 (ks2-speaking)",
    "Key stage": "Key Stage 2 (ages 7 to 11) (KS2)",
    "Year groups": "Year 3, Year 4",
    "Languages": "French (fr), Spanish (es)",
    "Themes": "Stories, songs and rhymes (stories-songs-rhymes), Vocabulary (vocabulary)",
    "Type of resource": "Game (game)",
    "Licence": "Creative Commons Attribution-ShareAlike 4.0 (CC-BY-SA-4.0)",
    "Your name, as it should be credited": "Ms D. Contributor",
    "School": "_No response_",
    "Region": "East Midlands",
    "How you used it": "### Starter\n\nPupils played it in teams. {{ 7 * 6 }} stays as typed.\n\n"
    "### Adapting it\n\nUse German weather words.",
    "Files": "_No response_",
}
PDF_URL = "https://github.com/user-attachments/files/17001234/Weather%20Bingo%20Cards.pdf"
IMAGE_URL = "https://github.com/user-attachments/assets/5a1b2c3d-aaaa-bbbb-cccc-ddddeeeeffff"


def issue(
    answers: dict[str, str] | None = None, ticked: list[str] | None = None, newline: str = "\n"
) -> str:
    """An issue body as GitHub writes it for the form."""
    answers = {**ANSWERS, **(answers or {})}
    ticked = TICKED if ticked is None else ticked
    parts = [f"### {label}\n\n{answers[label]}\n" for label in [q.label for q in FORM.questions]]
    boxes = "\n".join(f"- [{'X' if label in ticked else ' '}] {label}" for label in TICKED)
    parts.append(f"### {FORM.checklist_label}\n\n{boxes}\n")
    return "\n".join(parts).replace("\n", newline)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    return root


@pytest.fixture
def packs_in_cache(repo: Path, built_resources: tuple[Path, object]) -> None:
    """The packs and decks a build of the fixture made, in `repo`'s cache, for the tests that
    build what intake wrote: they are about the resource's page, not about making packs."""
    with_caches(repo, built_resources[0])


def files_of(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def run(root: Path, body: str, *args: str, name: str = "issue.md") -> tuple[int, str, Path]:
    path = root.parent / name
    path.write_text(body, encoding="utf-8")
    result = CliRunner().invoke(
        intake, [str(path), "-f", str(root / "mkdocs.yml"), "--submitted", "2026-11-01", *args]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output, path


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


# The form ------------------------------------------------------------------------------------


def test_committed_form_and_pr_template_are_the_generated_ones() -> None:
    config = settings(REPOSITORY)
    for relative, text in outputs(config).items():
        committed = (REPOSITORY / relative).read_text("utf-8")
        assert committed == text, f"{relative} is out of date: run `python scripts/issue_form.py`"


def test_form_offers_every_module_and_vocabulary_term() -> None:
    form = yaml.safe_load((REPOSITORY / form_file(FORM)).read_text("utf-8"))
    fields = {item.get("id"): item for item in form["body"]}
    modules = sorted(p.parent.name for p in (REPOSITORY / "modules").glob("*/module.md"))
    shown = fields["module"]["attributes"]["options"]
    assert [o.rsplit("(", 1)[1].rstrip(")") for o in shown] == modules
    vocabulary = load_vocabulary()
    for field_id, list_name in [
        ("key_stage", "key_stages"),
        ("languages", "languages"),
        ("themes", "themes"),
        ("type", "resource_types"),
        ("licence", "licences"),
    ]:
        options = fields[field_id]["attributes"]["options"]
        assert len(options) == len(vocabulary.ids(list_name))
        for term in vocabulary.lists[list_name].values():
            assert f"{term.label} ({term.id})" in options
    assert (
        "Stories, songs and rhymes (stories-songs-rhymes)"
        in fields["themes"]["attributes"]["options"]
    )
    assert fields["languages"]["attributes"]["multiple"] is True
    assert fields["type"]["attributes"]["multiple"] is False


def test_form_is_a_valid_github_issue_form() -> None:
    form = yaml.safe_load((REPOSITORY / form_file(FORM)).read_text("utf-8"))
    assert {"name", "description", "body"} <= set(form)
    ids = [item["id"] for item in form["body"] if "id" in item]
    labels = [item["attributes"]["label"] for item in form["body"] if item["type"] != "markdown"]
    assert len(ids) == len(set(ids)) and len(labels) == len(set(labels))
    for item in form["body"]:
        assert item["type"] in {"markdown", "input", "textarea", "dropdown", "checkboxes"}
        if item["type"] == "dropdown":
            options = item["attributes"]["options"]
            assert options and len(options) == len(set(options))
    ticks = next(i for i in form["body"] if i["type"] == "checkboxes")["attributes"]["options"]
    assert all(t["required"] for t in ticks)
    text = " ".join(t["label"] for t in ticks).lower()
    for needed in [
        "own the rights",
        "accept",
        "licence",
        "no pupil personal data",
        "no scanned pages of textbooks",
    ]:
        assert needed in text
    config = yaml.safe_load((REPOSITORY / ".github/ISSUE_TEMPLATE/config.yml").read_text())
    assert "blank_issues_enabled" in config


def test_the_form_covers_every_field_of_the_model() -> None:
    asked = {q.target.split(".")[0] for q in FORM.questions}
    ticked = {t.target for t in FORM.checklist if t.target}
    missing = set(Resource.model_fields) - asked - ticked - FORM.filled_by_intake
    assert not missing
    for question in FORM.questions:
        if question.target in Resource.model_fields:
            assert (
                FORM.required(question.target)
                == Resource.model_fields[question.target].is_required()
            )


def test_pull_request_template_and_codeowners() -> None:
    template = (REPOSITORY / ".github/pull_request_template.md").read_text("utf-8")
    for label in TICKED:
        assert f"- [ ] {label}" in template
    owners = [
        line.split()
        for line in (REPOSITORY / ".github/CODEOWNERS").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    rules = {rule[0]: rule[1:] for rule in owners}
    assert rules["*"] == ["@opencpd/maintainers"]
    assert rules["/modules/*/resources/"] == ["@opencpd/moderators"]
    # The last matching line wins: the resources rule must come after the catch-all.
    assert [r[0] for r in owners].index("/modules/*/resources/") > 0


# Intake: the happy path ------------------------------------------------------------------------


def test_intake_writes_a_pending_resource_that_opencpd_check_accepts(repo: Path) -> None:
    before = files_of(repo)
    body = repo.parent / "issue.md"
    body.write_text(issue(), encoding="utf-8")
    done = subprocess.run(
        [
            str(BIN / "opencpd"),
            "intake",
            str(body),
            "-f",
            str(repo / "mkdocs.yml"),
            "--submitted",
            "2026-11-01",
            "--issue",
            "12",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    index = repo / "modules/ks2-speaking/resources/weather-bingo-for-the-cafe-corner/index.md"
    assert (
        "created modules/ks2-speaking/resources/weather-bingo-for-the-cafe-corner/index.md"
        in done.stdout
    )
    assert set(files_of(repo)) - set(before) == {index.relative_to(repo).as_posix()}
    source = parse("index.md", index.read_bytes())
    assert source.data == {
        "title": "Weather bingo for the café corner",
        "summary": "A bingo game for revising weather phrases, used with Year 4.",
        "contributor": {"name": "Ms D. Contributor", "school": "", "region": "East Midlands"},
        "consent": True,
        "no_pupil_data": True,
        "key_stage": "KS2",
        "year_groups": [3, 4],
        "languages": ["fr", "es"],
        "themes": ["stories-songs-rhymes", "vocabulary"],
        "type": "game",
        "licence": "CC-BY-SA-4.0",
        "submitted": dt.date(2026, 11, 1),
        "status": "pending",
    }
    assert source.body.startswith("### Starter\n\nPupils played it in teams. {{ 7 * 6 }}")
    check = CliRunner().invoke(opencpd, ["check", "-f", str(repo / "mkdocs.yml")])
    assert check.exit_code == 0, check.output
    assert "no problems" in check.output


@pytest.mark.usefixtures("packs_in_cache")
def test_pending_from_intake_is_published_once_a_moderator_approves_it(repo: Path) -> None:
    code, output, _ = run(repo, issue())
    assert code == 0, output
    index = repo / "modules/ks2-speaking/resources/weather-bingo-for-the-cafe-corner/index.md"
    site = repo.parent / "site"
    build_site(str(repo / "mkdocs.yml"), site)
    assert not (site / "modules/ks2-speaking/resources/weather-bingo-for-the-cafe-corner").exists()
    index.write_text(
        index.read_text("utf-8").replace("status: pending", "status: approved"), encoding="utf-8"
    )
    build_site(str(repo / "mkdocs.yml"), site)
    html = (
        site / "modules/ks2-speaking/resources/weather-bingo-for-the-cafe-corner/index.html"
    ).read_text("utf-8")
    assert "Weather bingo for the café corner" in html and "Ms D. Contributor" in html
    assert "{{ 7 * 6 }} stays as typed" in html
    module = (site / "modules/ks2-speaking/index.html").read_text("utf-8")
    assert 'href="resources/weather-bingo-for-the-cafe-corner/"' in module


def test_intake_reads_standard_input_and_windows_line_endings(repo: Path) -> None:
    result = CliRunner().invoke(
        intake,
        ["-", "-f", str(repo / "mkdocs.yml"), "--slug", "bingo"],
        input=issue(newline="\r\n").encode(),
    )
    assert result.exit_code == 0, result.output
    text = (repo / "modules/ks2-speaking/resources/bingo/index.md").read_text("utf-8")
    assert "\r" not in text and "status: pending" in text
    assert "### Adapting it\n\nUse German weather words." in text


def test_intake_reads_an_issue_saved_with_a_byte_order_mark(repo: Path) -> None:
    """Notepad saves UTF-8 with a BOM: the first heading ('### Title') is still a heading."""
    result = CliRunner().invoke(
        intake,
        ["-", "-f", str(repo / "mkdocs.yml"), "--slug", "bingo"],
        input=b"\xef\xbb\xbf" + issue(newline="\r\n").encode(),
    )
    assert result.exit_code == 0, result.output
    text = (repo / "modules/ks2-speaking/resources/bingo/index.md").read_text("utf-8")
    assert "title: Weather bingo for the café corner\n" in text


def test_dry_run_writes_nothing(repo: Path) -> None:
    before = files_of(repo)
    code, output, _ = run(repo, issue(), "--dry-run")
    assert code == 0, output
    assert (
        "Would write modules/ks2-speaking/resources/weather-bingo-for-the-cafe-corner/index.md"
        in output
    )
    assert "status: pending" in output
    assert files_of(repo) == before


# Intake: attachments -------------------------------------------------------------------------


@pytest.mark.usefixtures("packs_in_cache")
def test_attachments_are_listed_for_the_moderator_to_download(repo: Path) -> None:
    files = (
        f"[Weather Bingo Cards.pdf]({PDF_URL})\n"
        f'<img width="640" alt="Image" src="{IMAGE_URL}" />\n'
        "A grid of nine weather symbols.\n"
        "![Bingo board](https://github.com/user-attachments/assets/board.png) The board "
        "with suns and clouds"
    )
    code, output, _ = run(repo, issue({"Files": files}), "--issue", "12")
    assert code == 0, output
    folder = "modules/ks2-speaking/resources/weather-bingo-for-the-cafe-corner"
    index = repo / folder / "index.md"
    source = parse("index.md", index.read_bytes())
    assert source.data["files"] == [
        {"path": "weather-bingo-cards.pdf", "title": "Weather bingo cards"},
        {"path": "board.png", "title": "Bingo board", "alt": "The board with suns and clouds"},
    ]
    assert f"curl -fL -o {folder}/weather-bingo-cards.pdf {PDF_URL}" in output
    assert IMAGE_URL in output and "alt: A grid of nine weather symbols." in output
    for url in [PDF_URL, IMAGE_URL]:
        assert url in source.body  # in a comment for the moderator
    assert "<!--" in source.body and "issue #12" in source.body
    # Until the files are downloaded, the check says they are missing, at their entries.
    files_line = line_of(index.read_text("utf-8"), "files:")
    assert re.search(
        rf"{folder}/index.md:{files_line + 1}:\d+: bad-attachment: the attachment "
        r"is listed but missing \(expected weather-bingo-cards.pdf",
        output,
    ), output
    # The moderator downloads them; the page then passes, and the comment is never published.
    (repo / folder / "weather-bingo-cards.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (repo / folder / "board.png").write_bytes(
        (FIXTURE / "modules/ks2-speaking/resources/weather-bingo/board.png").read_bytes()
    )
    check = CliRunner().invoke(opencpd, ["check", "-f", str(repo / "mkdocs.yml")])
    assert check.exit_code == 0, check.output
    index.write_text(
        index.read_text("utf-8").replace("status: pending", "status: approved"), encoding="utf-8"
    )
    site = repo.parent / "site"
    build_site(str(repo / "mkdocs.yml"), site)
    html = (site / folder / "index.html").read_text("utf-8")
    assert "weather-bingo-cards.pdf" in html and "user-attachments" not in html


@pytest.mark.parametrize(
    "name, what",
    [
        ("lesson.docm", "a macro-enabled Word file, .docm"),
        ("setup.exe", "a program, .exe"),
        ("everything.zip", "an archive, .zip"),
        ("page.html", "a web page, .html"),
        ("notes.rtf", ".rtf"),
    ],
)
def test_refused_attachment_types_stop_the_intake(repo: Path, name: str, what: str) -> None:
    before = files_of(repo)
    files = f"[{name}](https://github.com/user-attachments/files/1/{name})"
    code, output, path = run(repo, issue({"Files": files}))
    assert code == 1
    line = line_of(issue({"Files": files}), name)
    assert f"{path}:{line}:1: bad-attachment: the file '{name}' cannot be published" in output
    assert what in output
    assert files_of(repo) == before


# Intake: refusals ----------------------------------------------------------------------------


def test_missing_ticks_are_refused_and_nothing_is_written(repo: Path) -> None:
    before = files_of(repo)
    unticked = [TICKED[0], TICKED[3]]
    body = issue(ticked=[t for t in TICKED if t not in unticked])
    code, output, path = run(repo, body)
    assert code == 1
    for label in unticked:
        assert (
            f"{path}:{line_of(body, label)}:1: missing-tick: a required box is not ticked "
            f"(expected [x] “{label}”"
        ) in output
    assert output.count("missing-tick") == 2
    assert "Nothing was written" in output
    assert files_of(repo) == before


def test_invalid_answers_are_refused_with_their_lines(repo: Path) -> None:
    before = files_of(repo)
    body = issue(
        {
            "Title": "Weather <b>bingo</b>",
            "Module": "Knitting (ks4-knitting)",
            "Type of resource": "Puzzle",
            "Year groups": "Year 3, Year 14",
            "Languages": "_No response_",
            "How you used it": "_No response_",
        }
    )
    code, output, path = run(repo, body)
    assert code == 1
    expected = [
        (line_of(body, "Weather <b>"), "not-plain-text", "'title' contains markup"),
        (line_of(body, "Knitting"), "bad-answer", "“Module” is not one of the form's choices"),
        (line_of(body, "Puzzle"), "bad-answer", "got 'Puzzle'"),
        (line_of(body, "Year 14"), "bad-answer", "got 'Year 14'"),
        (line_of(body, "### Languages") + 2, "missing-answer", "“Languages” has no answer"),
        (
            line_of(body, "### How you used it") + 2,
            "missing-answer",
            "“How you used it” has no answer",
        ),
    ]
    for line, rule, message in expected:
        assert any(
            out.startswith(f"{path}:{line}:1: {rule}: ") and message in out
            for out in output.splitlines()
        ), (line, rule, message, output)
    assert files_of(repo) == before


@pytest.mark.parametrize(
    ("title", "rule", "says"),
    [
        ("Weather bingo " * 7_143, "too-long", "(expected at most 200 characters, got 100,001)"),
        ("Weather bingo \u202eexe.fdp", "bidi-control", "U+202E (right-to-left override)"),
    ],
)
def test_a_long_or_turned_title_is_refused_at_its_line(
    repo: Path, title: str, rule: str, says: str
) -> None:
    """The intake took a title of 100,000 characters, and one whose end a right-to-left
    override shows backwards, into the page."""
    before = files_of(repo)
    body = issue({"Title": title})
    code, output, path = run(repo, body)
    assert code == 1
    line = line_of(body, "Weather bingo ")
    assert any(
        out.startswith(f"{path}:{line}:1: {rule}: ") and says in out for out in output.splitlines()
    ), output[:2000]
    assert "Nothing was written" in output
    assert files_of(repo) == before


def test_an_existing_resource_is_never_overwritten(repo: Path) -> None:
    code, output, _ = run(repo, issue({"Title": "Weather bingo"}))
    assert code == 1
    assert "already-exists" in output and "modules/ks2-speaking/resources/weather-bingo/" in output
    original = FIXTURE / "modules/ks2-speaking/resources/weather-bingo/index.md"
    assert (
        repo / "modules/ks2-speaking/resources/weather-bingo/index.md"
    ).read_bytes() == original.read_bytes()


def test_something_that_is_not_a_form_is_refused(repo: Path) -> None:
    code, output, path = run(repo, "Hello, I have a worksheet for you.\n")
    assert code == 1
    assert f"{path}:1:1: not-a-form:" in output


def test_non_utf8_issue_is_refused_without_a_traceback(repo: Path) -> None:
    path = repo.parent / "latin1.md"
    path.write_bytes(issue().encode("utf-8") + "café".encode("latin-1"))
    result = CliRunner().invoke(intake, [str(path), "-f", str(repo / "mkdocs.yml")])
    assert result.exit_code == 1
    assert "not-utf8" in result.output


def test_personal_data_in_the_issue_is_reported_after_writing(repo: Path) -> None:
    body = issue({"How you used it": "It went well.\n\nOur pupil Jane Smith won the game."})
    code, output, _ = run(repo, body)
    assert code == 0, output
    rel = "modules/ks2-speaking/resources/weather-bingo-for-the-cafe-corner/index.md"
    written = (repo / rel).read_text("utf-8")
    line = line_of(written, "Jane Smith")
    assert f"{rel}:{line}:1: personal-data: this looks like a pupil's name" in output
    check = CliRunner().invoke(opencpd, ["check", "-f", str(repo / "mkdocs.yml")])
    assert check.exit_code == 1 and "personal-data" in check.output


# Parsing details -----------------------------------------------------------------------------


def test_choices_with_commas_in_their_labels() -> None:
    table = {
        "Stories, songs and rhymes (stories-songs-rhymes)": "stories-songs-rhymes",
        "Vocabulary (vocabulary)": "vocabulary",
        "Phonics (phonics)": "phonics",
    }
    assert choose(
        "Vocabulary (vocabulary), Stories, songs and rhymes (stories-songs-rhymes)", table, True
    ) == (["vocabulary", "stories-songs-rhymes"], [])
    assert choose("phonics, Vocabulary, knitting", table, True) == (
        ["phonics", "vocabulary"],
        ["knitting"],
    )
    assert choose("Phonics (phonics)", table, False) == (["phonics"], [])
    assert choose("Something (vocabulary)", table, False) == (["vocabulary"], [])


def test_headings_inside_an_answer_stay_in_it() -> None:
    answers = sections(issue(), FORM.labels_in_order)
    assert answers["How you used it"].value.startswith("### Starter")
    assert "### Adapting it" in answers["How you used it"].value
    assert answers["School"].value == ""


# Files linked from the issue: which addresses are GitHub's attachments ----------------------

ASSET = "https://github.com/user-attachments/assets/5a1b2c3d-aaaa-4bbb-8ccc-ddddeeeeffff"


@pytest.mark.parametrize(
    "address",
    [
        PDF_URL,
        ASSET,
        "https://github.com/opencpd/opencpd/files/12345/notes.pdf",
        "https://user-images.githubusercontent.com/1234/5a1b2c3d-aaaa-4bbb-8ccc-ddddeeeeffff.png",
    ],
)
def test_attachment_addresses(address: str) -> None:
    assert attachment_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "https://example.org/worksheet.pdf",  # another host
        "http://github.com/user-attachments/files/1/a.pdf",  # not https
        "https://github.com/opencpd/opencpd/blob/main/README.md",  # a page on GitHub
        "https://github.com/opencpd/opencpd/raw/main/x.pdf",
        "https://raw.githubusercontent.com/opencpd/opencpd/main/x.pdf",
        "https://gist.github.com/someone/abc/raw/x.pdf",
        "https://github.com/user-attachments/files/1/a.pdf?download=1",  # query
        "https://github.com/user-attachments/files/1/a.pdf#x",
        "https://github.com.evil.example/user-attachments/files/1/a.pdf",  # look-alikes
        "https://evil@github.com/user-attachments/files/1/a.pdf",
        "https://github.com:8443/user-attachments/files/1/a.pdf",
        "https://GITHUB.com/user-attachments/files/1/a.pdf",
        "https://github.com/user-attachments/files/1/../../../evil/a.pdf",  # path tricks
        "https://github.com/user-attachments/files/1/..%2F..%2Fa.pdf",
        "https://github.com/user-attachments/files/1/%2e%2e/a.pdf",
        "https://github.com/user-attachments/files/1\\a.pdf",
        "https://github.com/user-attachments/files/1/a.pdf\n",
        " https://github.com/user-attachments/files/1/a.pdf",
        "https://github.com/user-attachments/assets/not-a-uuid",
        "https://objects.githubusercontent.com/storage/a.pdf",  # storage, only by redirect
    ],
)
def test_not_attachment_addresses(address: str) -> None:
    assert not attachment_address(address)


@dataclass
class Served:
    status: int
    headers: dict[str, str]
    body: bytes
    at: int = 0

    def read(self, size: int) -> bytes:
        chunk, self.at = self.body[self.at : self.at + size], self.at + size
        return chunk

    def close(self) -> None:
        pass


class LocalWeb:
    """The fake `Web`: files served from memory, and every address asked for."""

    def __init__(self, files: dict[str, bytes | str], headers: dict[str, dict] | None = None):
        self.files, self.headers, self.asked = files, headers or {}, []

    def get(self, address: str) -> Served:
        self.asked.append(address)
        found = self.files.get(address)
        if found is None:
            return Served(404, {}, b"")
        if isinstance(found, str):  # a redirect
            return Served(302, {"Location": found}, b"")
        return Served(
            200, {"Content-Length": str(len(found)), **self.headers.get(address, {})}, found
        )


PDF = b"%PDF-1.4\n%%EOF\n"
PNG = (FIXTURE / "modules/ks2-speaking/resources/weather-bingo/board.png").read_bytes()
STORAGE = "https://objects.githubusercontent.com/github-production-repository-file/1/a?X=1"


def test_an_attachment_is_fetched_through_githubs_storage(tmp_path: Path) -> None:
    web = LocalWeb({PDF_URL: STORAGE, STORAGE: PDF})
    got = fetch(web, PDF_URL, "cards.pdf", tmp_path / "r", 1000)
    assert got.refused == "" and got.size == len(PDF)
    assert (tmp_path / "r/cards.pdf").read_bytes() == PDF
    assert web.asked == [PDF_URL, STORAGE]


@pytest.mark.parametrize(
    "address, name, web, why",
    [
        (
            "https://example.org/a.pdf",
            "a.pdf",
            LocalWeb({"https://example.org/a.pdf": PDF}),
            "not the address of a file attached",
        ),
        (
            PDF_URL,
            "a.pdf",
            LocalWeb({PDF_URL: "https://example.org/a.pdf"}),
            "redirects away from GitHub's file storage",
        ),
        (
            PDF_URL,
            "a.pdf",
            LocalWeb({PDF_URL: "http://objects.githubusercontent.com/a"}),
            "redirects away",
        ),
        (PDF_URL, "a.pdf", LocalWeb({PDF_URL: STORAGE, STORAGE: STORAGE}), "too many redirects"),
        (PDF_URL, "a.pdf", LocalWeb({}), "GitHub answered 404"),
        (PDF_URL, "a.pdf", LocalWeb({PDF_URL: PDF + b"x" * 2000}), "too large"),
        (
            PDF_URL,
            "a.pdf",
            LocalWeb(
                {PDF_URL: PDF + b"x" * 2000},  # a size the server hides
                {PDF_URL: {"Content-Length": ""}},
            ),
            "too large",
        ),
        (PDF_URL, "a.pdf", LocalWeb({PDF_URL: PNG[:900]}), "does not match its extension"),
        (
            ASSET,
            "board.png",
            LocalWeb({ASSET: b"<html><script>alert(1)</script></html>"}),
            "does not match its extension",
        ),
        (PDF_URL, "a.exe", LocalWeb({PDF_URL: b"MZ\x90\x00"}), "cannot be published"),
        (PDF_URL, "../escape.pdf", LocalWeb({PDF_URL: PDF}), "not a new file name"),
        (PDF_URL, "sub/a.pdf", LocalWeb({PDF_URL: PDF}), "not a new file name"),
        (PDF_URL, "existing.pdf", LocalWeb({PDF_URL: PDF}), "not a new file name"),
    ],
)
def test_hostile_files_are_never_written(
    tmp_path: Path, address: str, name: str, web: LocalWeb, why: str
) -> None:
    folder = tmp_path / "repo" / "r"
    folder.mkdir(parents=True)
    (folder / "existing.pdf").write_bytes(PDF)
    before = files_of(tmp_path)
    got = fetch(web, address, name, folder, 1000)
    assert why in got.refused, got.refused
    assert files_of(tmp_path) == before
    if "not the address" in why:
        assert web.asked == []  # never even asked


def test_file_links_that_are_not_attachments_are_noted_and_named_safely(repo: Path) -> None:
    files = (
        "[worksheet.pdf](https://example.org/worksheet.pdf)\n"
        "[slides.pdf](https://github.com/someone/repo/blob/main/slides.pdf)\n"
        "[../../.github/workflows/evil.yml]"
        "(https://github.com/user-attachments/files/2/evil.yml)\n"
        "[..%2F..%2Fmkdocs.pdf]"
        "(https://github.com/user-attachments/files/3/..%2F..%2Fmkdocs.pdf)\n"
        "[ok.PDF](https://github.com/user-attachments/files/4/ok.PDF)"
    )
    body = issue({"Files": files})
    code, output, path = run(repo, body, "--dry-run")
    assert code == 1  # the .yml stops it
    assert f"{path}:{line_of(body, 'evil.yml')}:1: bad-attachment: the file 'evil.yml'" in output
    code, output, path = run(
        repo,
        issue(
            {
                "Files": files.replace(
                    "[../../.github/workflows/evil.yml]"
                    "(https://github.com/user-attachments/files/2/evil.yml)\n",
                    "",
                )
            }
        ),
        "--dry-run",
    )
    assert code == 0, output
    assert output.count("external-file") == 3  # the escaped slashes are no attachment either
    assert "linked from example.org" in output and "a page on GitHub" in output
    meta = parse("index.md", output.split(":\n\n", 1)[1].encode()).data
    names = [f["path"] for f in meta["files"]]
    assert names == ["worksheet.pdf", "slides.pdf", "2f-2fmkdocs.pdf", "ok.pdf"]
    assert all(re.fullmatch(r"[a-z0-9-]+\.[a-z0-9]+", name) for name in names)


# The intake workflow, run on a saved `issues` event ------------------------------------------

EVENT = Path(__file__).parent / "intake_fixture" / "issues-labeled.json"


class LocalGitHub:
    """The fake `GitHub`: remembers the pull request and comments it was asked to make."""

    def __init__(self) -> None:
        self.pulls: list[dict[str, str]] = []
        self.comments: list[tuple[int, str]] = []

    def open_pull_request(self, title: str, body: str, head: str, base: str) -> PullRequest:
        self.pulls.append({"title": title, "body": body, "head": head, "base": base})
        return PullRequest(7, "https://github.com/opencpd/opencpd/pull/7")

    def comment(self, issue: int, body: str) -> None:
        self.comments.append((issue, body))


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def blob(repository: Path, name: str) -> bytes:
    return subprocess.run(
        ["git", "show", name], cwd=repository, check=True, capture_output=True
    ).stdout


@pytest.fixture
def clone(repo: Path) -> Path:
    """The fixture site as a checked-out repository whose origin is a bare one beside it."""
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "start")
    git(repo.parent, "clone", "-q", "--bare", str(repo), "origin.git")
    git(repo, "remote", "add", "origin", str(repo.parent / "origin.git"))
    return repo


def saved_event(**issue: object) -> dict:
    event = json.loads(EVENT.read_text("utf-8"))
    event["issue"].update(issue)
    return event


def attachments_web() -> LocalWeb:
    return LocalWeb(
        {
            "https://github.com/user-attachments/files/17001234/Weather%20Bingo%20Cards"
            ".pdf": STORAGE,
            STORAGE: PDF,
            ASSET: PNG,
        }
    )


def test_the_workflow_opens_a_pull_request_from_a_saved_event(clone: Path) -> None:
    github, web = LocalGitHub(), attachments_web()
    outcome = run_workflow(saved_event(), clone, github, web)
    assert outcome.action == "opened", outcome
    folder = "modules/ks2-speaking/resources/weather-bingo-for-the-cafe-corner"
    # The branch, as pushed: the page and the two attachments, nothing else.
    assert outcome.branch == "intake/issue-42"
    origin = clone.parent / "origin.git"
    changed = git(origin, "diff", "--name-only", "main", "intake/issue-42").split()
    assert changed == [
        f"{folder}/bingo-board.png",
        f"{folder}/index.md",
        f"{folder}/weather-bingo-cards.pdf",
    ]

    assert blob(origin, f"intake/issue-42:{folder}/weather-bingo-cards.pdf") == PDF
    assert blob(origin, f"intake/issue-42:{folder}/bingo-board.png") == PNG
    page = git(origin, "show", f"intake/issue-42:{folder}/index.md")
    meta = parse("index.md", page.encode()).data
    assert meta["status"] == "pending" and meta["submitted"] == dt.date(2026, 11, 1)
    assert meta["files"] == [
        {"path": "weather-bingo-cards.pdf", "title": "Weather bingo cards"},
        {"path": "more-ideas.pdf", "title": "from my blog"},
        {
            "path": "bingo-board.png",
            "title": "Bingo board",  # named once its type was seen
            "alt": "A grid of nine weather symbols: sun, cloud, rain and snow.",
        },
    ]
    assert "\r" not in page
    # Only GitHub's addresses were asked for; the other site's file was not fetched.
    assert not any("example.org" in address for address in web.asked)
    # The pull request: from the branch to main, closing the issue, saying what approving is.
    (pull,) = github.pulls
    assert pull["head"] == "intake/issue-42" and pull["base"] == "main"
    assert pull["title"] == "Resource: Weather bingo for the café corner"
    line = line_of(page, "status: pending")
    assert "Closes #42." in pull["body"]
    assert (
        f"In `{folder}/index.md`, line {line}, change `status: pending` to "
        "`status: approved`" in pull["body"]
    )
    assert "## What to look at" in pull["body"] and "pupils' names" in pull["body"]
    # The comment on the issue: the pull request and the findings in plain words.
    ((number, comment),) = github.comments
    assert number == 42 and comment == outcome.comment
    assert "Pull request #7" in comment and "https://github.com/opencpd/opencpd/pull/7" in comment
    assert "- weather-bingo-cards.pdf (15 bytes): fetched from the issue" in comment
    assert (
        "- more-ideas.pdf (https://example.org/more-ideas.pdf): not fetched: it is not the "
        "address of a file attached to the issue" in comment
    )
    assert "1 error and 0 warnings" in comment
    assert (
        f"{folder}/index.md, line {line_of(page, 'more-ideas.pdf')}: the attachment is "
        "listed but missing" in comment
    )
    # The moderator's working tree is back to a clean state on the branch.
    assert git(clone, "status", "--porcelain") == ""


def test_the_workflow_writes_no_note_when_every_file_was_fetched(clone: Path) -> None:
    event = saved_event()
    event["issue"]["body"] = event["issue"]["body"].replace(
        "[more-ideas.pdf](https://example.org/more-ideas.pdf) from my blog", ""
    )
    github = LocalGitHub()
    outcome = run_workflow(event, clone, github, attachments_web())
    assert outcome.action == "opened", outcome
    assert outcome.findings == [], outcome.findings
    folder = clone / "modules/ks2-speaking/resources/weather-bingo-for-the-cafe-corner"
    assert "<!--" not in (folder / "index.md").read_text("utf-8")
    assert "no problems" in outcome.comment
    assert "The new resource passes the checks." in github.pulls[0]["body"]


def test_the_workflow_comments_what_to_change_and_makes_nothing(clone: Path) -> None:
    event = saved_event(
        body=issue(
            {
                "Module": "Knitting @everyone <img src=x onerror=alert(1)> ~~~~ (ks4-knitting)",
                "Title": "[click](https://evil.example)",
            },
            ticked=TICKED[1:],
        )
    )
    github = LocalGitHub()
    outcome = run_workflow(event, clone, github, attachments_web())
    assert outcome.action == "refused" and github.pulls == []
    assert git(
        clone.parent / "origin.git", "branch", "--list", "--format=%(refname:short)"
    ).split() == ["main"]
    ((number, comment),) = github.comments
    assert number == 42
    assert "In the issue, line" in comment and "missing-tick" not in comment
    assert "a required box is not ticked" in comment and "“Module” is not one of" in comment
    # Whatever the issue says is quoted as plain text, never as Markdown or HTML.
    fence = comment.index("~~~~~text\n")
    assert comment.index("@everyone") > fence and comment.index("<img") > fence
    closing = comment.index("\n~~~~~\n", fence)
    assert comment.count("~~~~~text\n") == 1 and fence < comment.index("<img") < closing
    assert comment.index("[click]") > fence


@pytest.mark.parametrize(
    "change",
    [
        {"action": "opened"},
        {"label": {"name": "needs-moderation"}},
        {"issue": {"labels": [{"name": "bug"}], "number": 42, "body": ""}},
        {
            "issue": {
                "labels": [{"name": "resource"}],
                "number": 42,
                "body": "",
                "pull_request": {"url": "x"},
            }
        },
    ],
)
def test_the_workflow_does_nothing_for_other_events(clone: Path, change: dict) -> None:
    github = LocalGitHub()
    outcome = run_workflow({**saved_event(), **change}, clone, github, attachments_web())
    assert outcome.action == "skipped" and github.comments == [] and github.pulls == []


def test_the_workflow_program_reads_the_event_file(clone: Path) -> None:
    """As the workflow runs it: without a token it stops before touching anything."""
    done = subprocess.run(
        [sys.executable, "-m", "opencpd.intake.workflow", str(EVENT), "--repository", str(clone)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 1 and "no token" in done.stderr
    assert git(clone, "status", "--porcelain") == ""
