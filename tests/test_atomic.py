"""A failed build leaves the previous site exactly as it was, and no staging folder behind."""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from opencpd.adapters import site as site_module
from opencpd.adapters.search import run_pagefind
from opencpd.adapters.site import POST_BUILD_STEPS, BuildFailed, build_site
from opencpd.cli import main

from .conftest import ExpectedWarnings


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder` with the hash of its content."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file()
        else "folder"
        for p in sorted(folder.rglob("*"))
    }


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".site-"))


@pytest.fixture
def built_once(built_fixture: Path) -> Path:
    """The fixture site's sources with site/ built and the packs in .cache/packs (the one build
    of the fixture the whole run shares: tests/conftest.py)."""
    return built_fixture


@pytest.fixture
def previous_site(built_once: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A fresh copy of the built fixture site, and the fingerprint of its site/."""
    source = tmp_path / "src"
    shutil.copytree(built_once, source)
    site = source / "site"
    assert (site / "index.html").is_file() and (site / "pagefind" / "pagefind.js").is_file()
    return site, fingerprint(site)


def assert_untouched(site: Path, before: dict[str, str]) -> None:
    assert fingerprint(site) == before
    assert leftovers(site.parent) == []


def test_a_content_error_leaves_the_previous_site(
    previous_site: tuple[Path, dict[str, str]], warnings_log: ExpectedWarnings
) -> None:
    site, before = previous_site
    warnings_log.expect(r"yaml-syntax")
    module = next((site.parent / "modules").glob("*/module.md"))
    module.write_text(module.read_text("utf-8").replace("title:", "title: 'unclosed", 1), "utf-8")
    with pytest.raises(BuildFailed):
        build_site(str(site.parent / "mkdocs.yml"), site)
    assert any("yaml-syntax" in m for m in warnings_log.handler.messages)
    assert_untouched(site, before)


def test_a_build_that_will_fail_makes_no_pack_or_deck(
    previous_site: tuple[Path, dict[str, str]],
    warnings_log: ExpectedWarnings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """It says what is wrong without first making every pack and deck (about 30 s here); the
    cache keeps those it has."""
    site, before = previous_site
    source = site.parent
    made = {p.relative_to(source) for p in (source / ".cache").rglob("*.pdf")}
    assert any(p.parts[1] == "packs" for p in made) and any(p.parts[1] == "slides" for p in made)
    for pdf in (source / ".cache").rglob("*.pdf"):  # so all are missing, as on a first build
        pdf.unlink()
    warnings_log.expect(r"yaml-syntax")
    module = next((source / "modules").glob("*/module.md"))
    module.write_text(module.read_text("utf-8").replace("title:", "title: 'unclosed", 1), "utf-8")
    with caplog.at_level(logging.INFO), pytest.raises(BuildFailed):
        build_site(str(source / "mkdocs.yml"), site)
    assert list((source / ".cache").rglob("*.pdf")) == []
    said = [r.getMessage() for r in caplog.records]
    assert any(re.search(r"\d+ session packs not made: this build fails on", m) for m in said)
    assert any(re.search(r"\d+ slide decks not made: this build fails on", m) for m in said)
    assert_untouched(site, before)


def test_a_new_page_that_does_not_build_leaves_the_previous_site(
    previous_site: tuple[Path, dict[str, str]], warnings_log: ExpectedWarnings
) -> None:
    site, before = previous_site
    warnings_log.expect(r"nowhere\.md")
    (site.parent / "docs" / "about.md").write_text("# About\n\n[A link](nowhere.md)\n", "utf-8")
    with pytest.raises(BuildFailed):
        build_site(str(site.parent / "mkdocs.yml"), site)
    assert_untouched(site, before)


def failing_pagefind(config: object, staging: Path, catalog: object) -> None:
    """Pagefind as installed, but exiting with an error half-way through its output."""
    fake = staging.parent / "fake-pagefind"
    fake.write_text(
        "#!/bin/sh\nmkdir -p pagefind/index\necho partial > pagefind/index/x\n"
        "echo 'Error: could not write the index' >&2\nexit 3\n"
    )
    fake.chmod(0o755)
    try:
        run_pagefind(staging, binary=fake)
    finally:
        fake.unlink()


def failing_pack(config: object, staging: Path, catalog: object) -> None:
    """A session pack that fails after writing half a PDF (WeasyPrint raising mid-way)."""
    packs = staging / "packs"
    packs.mkdir(exist_ok=True)
    (packs / "half-written.pdf").write_bytes(b"%PDF-1.7\n")
    raise RuntimeError("WeasyPrint could not lay out the pack")


def interrupted(config: object, staging: Path, catalog: object) -> None:
    raise KeyboardInterrupt


FAILURES: dict[str, tuple[Callable[..., None], type[BaseException], str | None]] = {
    "pagefind": (failing_pagefind, BuildFailed, "could not write the index"),
    "packs": (failing_pack, RuntimeError, "WeasyPrint"),
    "interrupted": (interrupted, KeyboardInterrupt, None),
}


@pytest.mark.parametrize("kind", FAILURES)
def test_a_failing_post_build_step_leaves_the_previous_site(
    previous_site: tuple[Path, dict[str, str]], kind: str
) -> None:
    site, before = previous_site
    step, error, message = FAILURES[kind]
    # The real steps run first, so the failure comes with a nearly finished new site.
    with pytest.raises(error, match=message):
        build_site(str(site.parent / "mkdocs.yml"), site, steps=[*POST_BUILD_STEPS, step])
    assert_untouched(site, before)


def test_a_pack_that_cannot_be_made_leaves_the_previous_site(
    previous_site: tuple[Path, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    warnings_log: ExpectedWarnings,
) -> None:
    """Packs are made inside the MkDocs build (from .cache/packs when they are there)."""
    from opencpd.core.packs import build as packs_build
    from opencpd.core.packs import pdf

    site, before = previous_site
    warnings_log.expect(r"pack-failed")
    shutil.rmtree(site.parent / ".cache" / "packs")  # every pack must be made again

    def broken_pdf(html: str, base: Path, root: Path, target: Path, identifier: str) -> int:
        target.write_bytes(b"%PDF-1.7\n")  # half a file
        raise OSError("WeasyPrint ran out of disk space")

    monkeypatch.setattr(pdf, "write_pdf", broken_pdf)
    monkeypatch.setattr(packs_build.os, "cpu_count", lambda: 1)  # in this process, not workers
    with pytest.raises(BuildFailed):
        build_site(str(site.parent / "mkdocs.yml"), site)
    assert any("pack-failed" in m for m in warnings_log.handler.messages)
    assert_untouched(site, before)


def test_a_failed_swap_puts_the_previous_site_back(
    previous_site: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    site, before = previous_site
    real_rename = Path.rename

    def rename(self: Path, target: Path) -> Path:
        if self.name.startswith(".site-building-"):
            raise PermissionError(f"cannot rename {self.name}")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(PermissionError):
        build_site(str(site.parent / "mkdocs.yml"), site)
    assert_untouched(site, before)


def test_a_successful_build_replaces_the_site_whole(
    previous_site: tuple[Path, dict[str, str]],
) -> None:
    site, before = previous_site
    stale = site / "stale.html"
    stale.write_text("from an older build")
    (site.parent / "docs" / "about.md").write_text("# About\n\nChanged.\n", "utf-8")
    build_site(str(site.parent / "mkdocs.yml"), site)
    after = fingerprint(site)
    assert not stale.exists()
    assert after["about/index.html"] != before["about/index.html"]
    assert leftovers(site.parent) == [".site-spare"]  # the site replaced, for the next build


def failed_build(site: Path, folder: str, monkeypatch: pytest.MonkeyPatch) -> Result:
    """`opencpd build --site-dir <folder>` beside `site`, failing at its last step."""
    monkeypatch.chdir(site.parent)
    monkeypatch.setattr(site_module, "POST_BUILD_STEPS", [*POST_BUILD_STEPS, failing_pagefind])
    result = CliRunner().invoke(main, ["build", "--site-dir", folder])
    assert result.exit_code == 1
    assert "Pagefind could not index the site" in result.output
    return result


def test_the_command_says_the_previous_site_is_unchanged(
    previous_site: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    site, before = previous_site
    result = failed_build(site, "site", monkeypatch)
    assert "The previous site in site/ is unchanged." in result.output
    assert_untouched(site, before)


def test_the_command_says_no_site_was_written_when_there_was_none(
    previous_site: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    site, _ = previous_site
    result = failed_build(site, "elsewhere", monkeypatch)
    assert "No site was written: elsewhere/ does not exist." in result.output
    assert "previous site" not in result.output
    assert not (site.parent / "elsewhere").exists()
