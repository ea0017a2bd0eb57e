"""The autouse guard in conftest.py: MkDocs warnings fail a test unless it expects them."""

from __future__ import annotations

import logging

from .conftest import ExpectedWarnings, mkdocs_warnings


def test_the_guard_sees_plugin_warnings_and_lets_expected_ones_through(
    warnings_log: ExpectedWarnings,
) -> None:
    with mkdocs_warnings() as inner:
        logging.getLogger("mkdocs.plugins.opencpd").warning("m.md:1:1: bad-value: x")
        logging.getLogger("mkdocs.plugins.opencpd").info("not a warning")
    guard = ExpectedWarnings(inner)
    assert guard.unexpected() == ["m.md:1:1: bad-value: x"]
    guard.expect(r"bad-value")
    assert guard.unexpected() == []
    warnings_log.expect(r"^m\.md:1:1: bad-value")
