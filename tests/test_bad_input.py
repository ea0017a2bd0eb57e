"""Bad input that reaches the commands rather than the content: an output folder that holds the
programme's sources, a bad SOURCE_DATE_EPOCH, wrong plugin options in mkdocs.yml. Each is told
as what is wrong, what was expected and how to fix it, exit code 1, no traceback, and no file
of the teacher's touched."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from opencpd.cli import main

from .conftest import ExpectedWarnings


def run(site: Path, *args: str, env: dict[str, str | None] | None = None) -> Result:
    return CliRunner(env={"CI": None, **(env or {})}).invoke(
        main, [*args, "-f", str(site / "mkdocs.yml")]
    )


def sources(site: Path) -> dict[str, bytes]:
    """Every file of the project, by its path: what no refused command may change."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def assert_refused(result: Result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "fault in OpenCPD" not in result.output, result.output
    for word in words:
        assert word in result.output, result.output


@pytest.mark.parametrize("folder", [".", "modules", "docs", "modules/ks2-speaking", ".."])
def test_a_build_never_replaces_the_project_or_a_content_folder(
    site_copy: Path, folder: str
) -> None:
    before = sources(site_copy)
    result = run(site_copy, "build", "-d", str(site_copy / folder))
    assert_refused(result, "would replace", "expected a folder apart from", "Nothing was written")
    assert sources(site_copy) == before
    assert sorted(p.name for p in site_copy.parent.iterdir()) == ["site-src"]  # nor a spare


def test_site_dir_in_mkdocs_yml_naming_a_content_folder_is_refused(site_copy: Path) -> None:
    config = site_copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nsite_dir: modules\n")
    before = sources(site_copy)
    assert_refused(run(site_copy, "build"), "would replace", f"{site_copy / 'modules'}")
    assert sources(site_copy) == before


def test_a_plain_mkdocs_build_into_a_content_folder_is_refused(
    site_copy: Path, warnings_log: ExpectedWarnings
) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    config = site_copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nsite_dir: modules\n")
    before = sources(site_copy)
    warnings_log.expect(r"^the output would replace .*/modules, where the programme's sources")
    with pytest.raises(Abort):  # MkDocs empties site_dir after on_config: it never gets there
        build(load_config(str(config)))
    assert sources(site_copy) == before


def test_render_never_empties_the_project_or_a_content_folder(site_copy: Path) -> None:
    before = sources(site_copy)
    for folder in (".", "modules", "docs"):
        result = run(site_copy, "render", "--out", str(site_copy / folder))
        assert_refused(result, "would replace", "from --out")
    assert sources(site_copy) == before


@pytest.mark.parametrize("stamp", ["garbage", "-5", "1e9", "99999999999999"])
def test_a_source_date_epoch_that_is_no_date_is_named(site_copy: Path, stamp: str) -> None:
    result = run(site_copy, "check", env={"SOURCE_DATE_EPOCH": stamp})
    assert_refused(result, "SOURCE_DATE_EPOCH is not a build date (expected whole seconds")
    assert f"got {stamp!r}). Unset it" in result.output


def test_a_build_with_a_source_date_epoch_that_is_no_date_writes_nothing(
    site_copy: Path,
) -> None:
    before = sources(site_copy)
    result = run(site_copy, "build", env={"SOURCE_DATE_EPOCH": "garbage"})
    assert_refused(result, "SOURCE_DATE_EPOCH is not a build date", "got 'garbage'")
    assert sources(site_copy) == before  # no site/, and nothing else
    assert sorted(p.name for p in site_copy.parent.iterdir()) == ["site-src"]


def test_an_empty_source_date_epoch_is_as_none(site_copy: Path) -> None:
    assert run(site_copy, "check", env={"SOURCE_DATE_EPOCH": ""}).exit_code == 0
