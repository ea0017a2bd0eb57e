"""OpenCPD as a tool another programme installs: the wheel, built and installed into a fresh
virtual environment, makes a new site (`opencpd new site`) that builds strictly with search
and packs, with nothing of this repository's docs/ or theme overrides."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STACK = os.environ.get("OPENCPD_STACK", "material")
LOCK = REPO / ("requirements-alt.txt" if STACK == "materialx" else "requirements.txt")


def run(args: list[str], cwd: Path, timeout: int = 900) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    done = subprocess.run(
        args,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**env, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def test_a_new_programme_builds_with_the_installed_wheel(tmp_path: Path) -> None:
    source = tmp_path / "source"  # what the wheel is built from, so the repository stays clean
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(
            REPO / name, source / name if source.exists() else (source.mkdir() or source / name)
        )
    shutil.copytree(
        REPO / "plugins",
        source / "plugins",
        symlinks=True,
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            str(source),
            "-w",
            str(tmp_path / "dist"),
        ],
        tmp_path,
    )
    wheel = next((tmp_path / "dist").glob("opencpd-*.whl"))
    # A venv without pip of its own, filled by this pip (`--python`), which leaves the modules
    # to be compiled as they are first imported: the same packages installed, in less time.
    run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "venv")], tmp_path)
    bin_ = tmp_path / "venv" / "bin"
    run(
        [
            *(sys.executable, "-m", "pip", "--python", str(bin_ / "python"), "install"),
            *("-q", "--no-compile", "-c", str(LOCK), f"{wheel}[{STACK}]"),
        ],
        tmp_path,
    )
    where = run([str(bin_ / "python"), "-c", "import opencpd; print(opencpd.__file__)"], tmp_path)
    assert str(REPO) not in where

    run(
        [
            str(bin_ / "opencpd"),
            "new",
            "site",
            "programme",
            "--name",
            "Northern CPD",
            "--theme",
            STACK,
        ],
        tmp_path,
    )
    site = tmp_path / "programme"
    assert not (site / "docs" / "overrides").exists()
    run([str(bin_ / "opencpd"), "check", "--strict"], site)
    run([str(bin_ / "opencpd"), "build"], site)
    built = site / "site"
    home = (built / "index.html").read_text("utf-8")
    assert "Northern CPD" in home and "data-pagefind-body" in home
    # The stack's engine built it: ProperDocs on materialx (adapters/engine.py), else MkDocs.
    generator = "mkdocs-ProperDocs 1.6" if STACK == "materialx" else 'content="mkdocs-1.6'
    assert generator in home
    assert (built / "modules/first-module/index.html").is_file()
    assert len(list((built / "assets/stylesheets").glob("opencpd.*.css"))) == 1  # ours, joined
    assert "fonts.googleapis.com" not in home  # the system's fonts: no request elsewhere
    assert (built / "pagefind/pagefind.js").is_file()
    packs = sorted((built / "packs").glob("*.pdf"))
    assert packs
    # It publishes under its own name, not OpenCPD's: its feed, and each pack's cover.
    feed = (built / "feeds" / "resources.xml").read_text("utf-8")
    assert "<title>Northern CPD: new teachers' resources</title>" in feed
    assert 'title="Northern CPD: new teachers\' resources"' in home  # the theme's feed link
    cover = run(["pdftotext", "-l", "1", str(packs[0]), "-"], tmp_path)
    assert cover.lstrip().startswith("Northern CPD · "), cover[:200]
    # Committed as it stands, the programme keeps the build's own folders out of git (the build
    # refuses to read them from the repository: core/committed.py), and still builds.
    run(["git", "init", "-q"], site)
    run(["git", "add", "-A"], site)
    committed = run(["git", "ls-files"], site).split()
    assert "mkdocs.yml" in committed and ".gitignore" in committed
    assert not [p for p in committed if p.startswith((".cache/", "site/", ".site-"))]
    run([str(bin_ / "opencpd"), "check", "--strict"], site)
