"""Golden files: expected output committed under tests/golden/, rewritten only on request.

Run `UPDATE_GOLDEN=1 pytest tests/test_render.py` after an intended change of output, then
read the diff of tests/golden/ before committing it."""

from __future__ import annotations

import os
from pathlib import Path

from opencpd.core.placed import place

GOLDEN = Path(__file__).resolve().parent / "golden"


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
        return
    assert path.is_file(), f"{path} is missing: run the tests once with UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from tests/golden/{name}"


def published(pages: dict[str, str]) -> dict[str, str]:
    """Generated pages with the HTML they hold put in place, as the site gets them (the
    placeholders themselves are signed with a key made for each process)."""
    return {uri: place(text)[0] for uri, text in pages.items()}
