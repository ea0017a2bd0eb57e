"""The core is plain Python: only opencpd.adapters may import MkDocs, ProperDocs or Material."""

from __future__ import annotations

import subprocess
import sys

GENERATORS = ("mkdocs", "properdocs", "material")
CORE = (
    "opencpd.core.load",
    "opencpd.core.loader",
    "opencpd.core.folders",
    "opencpd.core.page_text",
    "opencpd.core.modules",
    "opencpd.core.resources",
    "opencpd.core.publications",
    "opencpd.core.render",
    "opencpd.core.catalog",
    "opencpd.core.schema",
    "opencpd.core.markdown_ext",
)


def test_the_core_imports_no_site_generator() -> None:
    code = (
        f"import {', '.join(CORE)}, sys; "
        f"found = [m for m in sys.modules if m.startswith({GENERATORS})]; "
        "assert not found, found"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_no_core_module_imports_a_site_generator() -> None:
    code = (
        "import importlib, pkgutil, sys, opencpd.core as core; "
        "[importlib.import_module(m.name) for m in "
        "pkgutil.walk_packages(core.__path__, 'opencpd.core.')]; "
        f"found = [m for m in sys.modules if m.startswith({GENERATORS})]; "
        "assert not found, found"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
