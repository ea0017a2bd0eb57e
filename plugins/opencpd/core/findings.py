"""Findings: every problem in content, worded as `path:line:column: rule: message. Hint.`"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

# What must not reach a terminal or a CI log as it is: line breaks (a file named
# "x\n::warning ...::" would start a workflow command of its own), escape sequences and the
# other control characters, half surrogates (a file name that is not UTF-8) and the
# bidirectional controls. A finding is one line, whatever its file is called.
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def shown(text: str) -> str:
    """`text` with every character that is not safe to print written as its escape (\\n,
    \\x1b, \\udcff), as Python writes it in a quoted string."""
    return _UNSHOWABLE.sub(lambda found: repr(found[0])[1:-1], text)


def _property(text: str) -> str:
    """A value of a GitHub Actions annotation's properties (file=, title=), escaped as the
    runner reads them (line breaks are already escapes)."""
    return shown(text).replace("%", "%25").replace(":", "%3A").replace(",", "%2C")


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    column: int
    rule: str
    message: str
    hint: str = ""
    severity: Severity = "error"

    def __str__(self) -> str:
        hint = f" {self.hint}" if self.hint else ""
        return shown(f"{self.path}:{self.line}:{self.column}: {self.rule}: {self.message}.{hint}")

    def github(self) -> str:
        """The same finding as a GitHub Actions annotation."""
        level = "error" if self.severity == "error" else "warning"
        text = shown(f"{self.message}. {self.hint}").replace("%", "%25")
        return (
            f"::{level} file={_property(self.path)},line={self.line},col={self.column},"
            f"title={_property(self.rule)}::{text}"
        )


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]
