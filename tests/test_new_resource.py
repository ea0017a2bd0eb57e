"""`opencpd new resource` (issues 4 and 14): a valid pending resource, whose consent is left
unticked and whose prompts `opencpd check` refuses until the contributor replaces them, on
copies of tests/resources_fixture/."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from opencpd.cli import main as opencpd
from opencpd.core.frontmatter import parse
from opencpd.core.load import load_catalog
from opencpd.core.model import Resource
from opencpd.core.prompts import BODY_PROMPTS, FIELD_PROMPTS
from opencpd.core.vocabulary import load_vocabulary
from opencpd.scaffold import ScaffoldError, new_resource

FIXTURE = Path(__file__).parent / "resources_fixture"
RESOURCES = "modules/ks2-speaking/resources"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "site"))


def new(root: Path, *args: str) -> Result:
    return CliRunner(env={"CI": None}).invoke(
        opencpd, ["new", "resource", "-f", str(root / "mkdocs.yml"), *args]
    )


def check(root: Path) -> Result:
    return CliRunner(env={"CI": None}).invoke(opencpd, ["check", "-f", str(root / "mkdocs.yml")])


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_scaffold_is_a_valid_pending_resource_for_the_contributor_to_finish(root: Path) -> None:
    result = new(
        root,
        "--module",
        "ks2-speaking",
        "--title",
        "Café : les couleurs !",
        "--type",
        "game",
        "--languages",
        "fr,es",
        "--key-stage",
        "KS2",
        "--year-groups",
        "4,5",
        "--themes",
        "vocabulary,speaking",
    )
    assert result.exit_code == 0, result.output
    index = root / RESOURCES / "cafe-les-couleurs" / "index.md"
    assert f"created {RESOURCES}/cafe-les-couleurs/index.md (status: pending)" in result.output
    source = parse("index.md", index.read_bytes())
    meta = Resource.model_validate(source.data, context={"vocabulary": load_vocabulary()})
    assert meta.title == "Café : les couleurs !"
    assert (meta.status, meta.consent, meta.no_pupil_data) == ("pending", False, False)
    assert meta.submitted == dt.date.today() and meta.files == []
    assert (meta.type, meta.languages, meta.key_stage) == ("game", ["fr", "es"], "KS2")
    assert (meta.year_groups, meta.themes) == ([4, 5], ["vocabulary", "speaking"])
    for prompt in ["## What it is", "## How I used it", "## Adapting it"]:
        assert prompt in source.body
    assert "status: pending  # a moderator changes this to approved" in index.read_text("utf-8")

    finish(index)
    checked = check(root)
    assert checked.exit_code == 0, checked.output
    assert "(no errors" in checked.output
    catalog = load_catalog(root, load_vocabulary(), include_pending=True)
    assert "cafe-les-couleurs" in [r.slug for r in catalog.module("ks2-speaking").resources]
    published = load_catalog(root, load_vocabulary())
    assert "cafe-les-couleurs" not in [r.slug for _, r in published.resources]  # pending


def finish(index: Path) -> None:
    """What a contributor does: tick consent and replace every prompt."""
    text = (
        index.read_text("utf-8")
        .replace("consent: false", "consent: true")
        .replace("no_pupil_data: false", "no_pupil_data: true")
    )
    for prompt in [*FIELD_PROMPTS.values(), *BODY_PROMPTS.values()]:
        text = text.replace(prompt, "Pupils play it in pairs.")
    index.write_text(text, "utf-8")


def test_an_untouched_scaffold_is_refused_by_check_at_each_line(root: Path) -> None:
    assert new(root, "--module", "ks2-speaking", "--title", "Colour bingo").exit_code == 0
    index = root / RESOURCES / "colour-bingo" / "index.md"
    lines = index.read_text("utf-8").split("\n")
    result = check(root)
    assert result.exit_code == 1 and "Traceback" not in result.output
    found = {
        (int(m[1]), m[2])
        for m in re.finditer(
            r"^modules/ks2-speaking/resources/colour-bingo/index\.md:(\d+):\d+: ([a-z-]+): ",
            result.stdout,
            re.MULTILINE,
        )
    }

    def line(text: str) -> int:
        return next(n for n, t in enumerate(lines, 1) if text in t)

    assert found == {
        (line("consent:"), "no-consent"),
        (line("no_pupil_data:"), "pupil-data"),
        (line("summary:"), "placeholder"),
        (line("contributor:"), "placeholder"),
        *((line(p), "placeholder") for p in BODY_PROMPTS.values()),
    }
    assert "1 error" not in result.stderr and "7 problems (7 errors, no warnings)" in result.stderr
    # approved as it stands, it is still refused: a prompt can never be published
    index.write_text(index.read_text("utf-8").replace("status: pending", "status: approved"))
    assert check(root).exit_code == 1


def test_defaults_come_from_the_module(root: Path) -> None:
    path = new_resource(root, "ks3-reading", "Reading detectives 2", load_vocabulary())
    meta = parse("index.md", path.read_bytes()).data
    module = parse("module.md", (root / "modules/ks3-reading/module.md").read_bytes()).data
    assert meta["key_stage"] == module["key_stage"] == "KS3"
    assert meta["year_groups"] == [7, 8, 9]
    assert meta["languages"] == module["languages"][:1]
    assert meta["themes"] == module["themes"][:1]
    assert meta["type"] == "worksheet" and meta["licence"] == "CC-BY-4.0"
    assert path.parent.name == "reading-detectives-2"
    finish(path)
    assert check(root).exit_code == 0


def test_it_refuses_to_overwrite(root: Path) -> None:
    assert new(root, "--module", "ks2-speaking", "--title", "Weather bingo").exit_code != 0
    before = files(root / RESOURCES / "weather-bingo")
    again = new(root, "--module", "ks2-speaking", "--title", "Weather bingo")
    assert again.exit_code == 1 and isinstance(again.exception, SystemExit)
    assert "already exists; refusing to overwrite it" in again.output
    assert files(root / RESOURCES / "weather-bingo") == before

    first = new(root, "--module", "ks2-speaking", "--title", "Numbers game")
    assert first.exit_code == 0, first.output
    written = files(root / RESOURCES / "numbers-game")
    second = new(
        root, "--module", "ks2-speaking", "--title", "Numbers game", "--type", "song-rhyme"
    )
    assert second.exit_code == 1 and "refusing to overwrite" in second.output
    assert files(root / RESOURCES / "numbers-game") == written
    third = new(
        root, "--module", "ks2-speaking", "--title", "Numbers game", "--slug", "numbers-game-2"
    )
    assert third.exit_code == 0, third.output


def test_an_unknown_module_is_refused_clearly(root: Path) -> None:
    result = new(root, "--module", "ks9-nothing", "--title", "A game")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert (
        "there is no module 'ks9-nothing' (expected modules/ks9-nothing/module.md). "
        "Known modules: ks2-speaking, ks3-reading."
    ) in result.output
    assert not (root / "modules/ks9-nothing").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--type", "poster"],
            "'type' has a value that is not in the vocabulary (expected one of lesson-plan",
        ),
        (
            ["--languages", "fr,it"],
            "'languages[1]' has a value that is not in the vocabulary "
            "(expected one of fr, de, es; got 'it')",
        ),
        (["--key-stage", "KS5"], "got 'KS5'). Did you mean"),
        (["--year-groups", "4,x"], "--year-groups takes numbers such as 3,4"),
        (["--year-groups", "14"], "'year_groups[0]' is too large (expected at most 13, got 14)"),
        (["--title", "<b>Bold</b> game"], "'title' contains markup"),
        (["--title", "Ελληνικά"], "give one with --slug"),
        (["--slug", "Not A Slug"], "--slug is not a folder name"),
        (
            ["--key-stage", "KS2", "--year-groups", "3,12"],
            "year 12 is not in KS2 (expected years 3 to 6, got 12)",
        ),
    ],
    ids=[
        "type",
        "language",
        "key-stage",
        "years-text",
        "years-range",
        "markup",
        "no-slug",
        "bad-slug",
        "years-of-key-stage",
    ],
)
def test_invalid_answers_are_refused_before_anything_is_written(
    root: Path, args: list[str], message: str
) -> None:
    before = files(root / "modules")
    title = [] if "--title" in args else ["--title", "A game"]
    result = new(root, "--module", "ks2-speaking", *title, *args)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert message in result.output
    assert files(root / "modules") == before


def test_scaffold_error_without_the_cli(root: Path) -> None:
    with pytest.raises(ScaffoldError, match="there is no module"):
        new_resource(root, "missing", "A game", load_vocabulary())
