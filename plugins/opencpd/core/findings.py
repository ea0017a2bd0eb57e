"""Findings: every problem in content, worded as `path:line:column: rule: message. Hint.`"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


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
        return f"{self.path}:{self.line}:{self.column}: {self.rule}: {self.message}.{hint}"

    def github(self) -> str:
        """The same finding as a GitHub Actions annotation."""
        level = "error" if self.severity == "error" else "warning"
        text = f"{self.message}. {self.hint}".replace("%", "%25").replace("\n", "%0A")
        return (
            f"::{level} file={self.path},line={self.line},col={self.column},"
            f"title={self.rule}::{text}"
        )


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]
