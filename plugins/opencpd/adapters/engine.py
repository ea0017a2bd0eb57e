"""The engine opencpd's own commands drive: MkDocs 1.6, or ProperDocs on the materialx stack.

ProperDocs keeps MkDocs' API under its own name; once `properdocs.replacement` is imported,
every later `import mkdocs...` gives the ProperDocs module of that name. So the choice is made
once, before anything imports MkDocs, and the adapters keep importing `mkdocs` either way.
mkdocs-materialx installs MkDocs 1.6.1 beside ProperDocs, so without this choice `opencpd build`
would run MkDocs' build on that stack too.
"""

from __future__ import annotations

import contextlib
import os
import sys


def choose() -> str:
    """Use ProperDocs when OPENCPD_STACK is materialx and it is installed; return the engine's
    name. MkDocs already imported (by a test, or by `mkdocs build` loading the plugin) stays."""
    if os.environ.get("OPENCPD_STACK", "material") != "materialx":
        return engine()
    if "mkdocs" not in sys.modules:
        with contextlib.suppress(ImportError):  # the material stack's venv: MkDocs it is
            import properdocs.replacement  # noqa: F401  (aliases mkdocs.* to properdocs.*)
    return engine()


def engine() -> str:
    """The engine `import mkdocs` gives, or would give: properdocs or mkdocs."""
    module = sys.modules.get("mkdocs")
    return "properdocs" if module is not None and module.__name__ == "properdocs" else "mkdocs"
