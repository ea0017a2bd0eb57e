"""Which engine opencpd's commands drive (adapters/engine.py): ProperDocs when OPENCPD_STACK is
materialx and ProperDocs is installed, MkDocs otherwise; decided before MkDocs is imported.
tests/test_new_site.py checks a real build's generator on each stack."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

ASK = (
    "import sys\nfrom opencpd.adapters import engine\nname = engine.choose()\n"
    "import mkdocs.commands.build\nprint(name, sys.modules['mkdocs.commands.build'].__file__)"
)


def chosen(stack: str | None) -> tuple[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "OPENCPD_STACK"}
    if stack:
        env["OPENCPD_STACK"] = stack
    done = subprocess.run(
        [sys.executable, "-c", ASK], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    name, module_file = done.stdout.split()
    return name, module_file


@pytest.mark.parametrize("stack", [None, "material"])
def test_the_default_stack_drives_mkdocs(stack: str | None) -> None:
    name, module_file = chosen(stack)
    assert name == "mkdocs"
    assert "/mkdocs/commands/build.py" in module_file


def test_the_materialx_stack_drives_properdocs() -> None:
    pytest.importorskip("properdocs")  # installed on both stacks (the test extra)
    name, module_file = chosen("materialx")
    assert name == "properdocs"
    assert "/properdocs/commands/build.py" in module_file


def test_mkdocs_imported_first_is_kept() -> None:
    """`mkdocs build` loading the plugin has imported MkDocs already: nothing is swapped."""
    env = {**os.environ, "OPENCPD_STACK": "materialx"}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import mkdocs\nfrom opencpd.adapters import engine\nprint(engine.choose())",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == "mkdocs", done.stderr
