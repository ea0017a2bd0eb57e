"""Valid HTML: the Nu HTML Checker (the W3C's validator) finds no error on one page of each type.

The checker is the `vnu-jar` npm package pinned in package.json (installed by scripts/test), run
with the Debian Java runtime. It runs once per test session, one Java process for every page in
TEMPLATE_PAGES (conftest_browser.py); each page type is then its own test. The theme's own
mistakes count too: they are mended by theme overrides (plugins/opencpd/theme) and by the plugin
(opencpd.core.theme_markup), and this test is what says a new theme version brought new ones.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from .conftest_browser import REPO, TEMPLATE_PAGES, BuiltSite, page_file

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def run_vnu(files: list[Path]) -> list[dict[str, Any]]:
    """The checker's messages on the files, from one Java process."""
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "Java is not installed: the Nu HTML Checker needs it. Install the Debian "
            "package default-jre-headless (scripts/test does).",
            pytrace=False,
        )
    if not VNU.is_file():
        pytest.fail(
            f"{VNU.relative_to(REPO)} is missing: run `npm ci` (scripts/test does).", pytrace=False
        )
    done = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        return json.loads(done.stderr)["messages"]  # type: ignore[no-any-return]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(
            f"the Nu HTML Checker did not report (exit {done.returncode}):\n"
            f"{done.stdout[-2000:]}{done.stderr[-2000:]}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def vnu_errors(built_repo_site: BuiltSite) -> dict[Path, list[dict[str, Any]]]:
    """The checker's errors on one page of each type, by file (every page type has an entry)."""
    files = [page_file(built_repo_site.folder, path).resolve() for path in TEMPLATE_PAGES.values()]
    found: dict[Path, list[dict[str, Any]]] = {file: [] for file in files if file.is_file()}
    for message in run_vnu(list(found)):
        if message.get("type") == "info":  # warnings and notes, not errors
            continue
        file = Path(unquote(urlsplit(message.get("url", "")).path)).resolve()
        found.setdefault(file, []).append(message)
    return found


def describe(errors: list[dict[str, Any]]) -> str:
    """One line per error (up to 30): where, what, and the markup."""
    lines = []
    for error in errors[:30]:
        where = f"line {error.get('lastLine', '?')}, column {error.get('firstColumn', '?')}"
        extract = " ".join(error.get("extract", "").split())[:160]
        lines.append(f"- {where}: {error.get('message', '')}\n    {extract}")
    if len(errors) > 30:
        lines.append(f"... and {len(errors) - 30} more")
    return "\n".join(lines)


@pytest.mark.parametrize("template", list(TEMPLATE_PAGES))
def test_no_html_errors(
    template: str, built_repo_site: BuiltSite, vnu_errors: dict[Path, list[dict[str, Any]]]
) -> None:
    path = TEMPLATE_PAGES[template]
    file = page_file(built_repo_site.folder, path).resolve()
    assert file.is_file(), f"the build made no {template} page at {path or '/'}"
    errors = vnu_errors[file]
    assert not errors, (
        f"the Nu HTML Checker found {len(errors)} errors on the {template} page "
        f"({path or '/'}):\n" + describe(errors)
    )
