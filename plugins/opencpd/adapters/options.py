"""The opencpd plugin's options in mkdocs.yml, each checked as it is read: a start time that is
no time, a size limit of nothing, a misspelt option name are told as MkDocs tells its own
("Config value 'plugins': Plugin 'opencpd' option 'start_time': ..."), with what was expected,
what was given and how to fix it, never found later as a fault in a build."""

from __future__ import annotations

import re
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config, ValidationError

from ..core.deliveries import closest
from .config_lines import read_at_lines


class Clock(c.Type):  # type: ignore[type-arg]
    """A 24-hour time such as "16:00". Written without quotes, YAML reads 16:00 as the number
    960 (minutes, base 60): that is taken back to the time it was written as."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            value = f"{value // 60:02d}:{value % 60:02d}"
        clock = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value if isinstance(value, str) else "")
        if not clock:
            raise ValidationError(
                f'expected a 24-hour time like "16:00", got {value!r}. Write the time the '
                'twilights start at, hours:minutes, in quotes: start_time: "16:15".'
            )
        return f"{int(clock[1]):02d}:{clock[2]}"


class Megabytes(c.Type):  # type: ignore[type-arg]
    """A size limit in whole megabytes, at least 1."""

    def __init__(self, default: int) -> None:
        super().__init__(int, default=default)

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValidationError(
                f"expected a whole number of megabytes, at least 1, got {value!r}. Write it "
                "without a unit, e.g. max_attachment_mb: 20."
            )
        return value


class ContentFolder(c.Dir):
    """The folder of modules/, handbook/ and the rest, from mkdocs.yml's folder: one that is
    not there would build a site of nothing, each page of the programme gone unremarked."""

    def __init__(self) -> None:
        super().__init__(exists=True, default=".")

    def run_validation(self, value: object) -> str:
        try:
            return str(super().run_validation(value))
        except ValidationError:
            raise ValidationError(
                f"expected a folder holding modules/ (and handbook/, centres/ and the rest), "
                f"got {value!r}, which is no folder here. Correct content_dir, a path from "
                "mkdocs.yml's folder, or leave it out for mkdocs.yml's own folder."
            ) from None


class OpenCPDConfig(Config):
    content_dir = ContentFolder()
    start_time = Clock(default="16:00")
    vocabulary = c.Optional(c.Type(str))
    preview_pending = c.Type(bool, default=False)
    max_attachment_mb = Megabytes(default=20)
    packs = c.Type(bool, default=False)  # make missing session packs (`opencpd build` does)
    edit_url = c.Type(str, default="")
    evaluation_url = c.Type(str, default="")  # the decks' closing slide; else the session page

    def validate(self) -> Any:
        """MkDocs' checks, an unknown option's warning saying which it most likely meant; what
        MkDocs says of mkdocs.yml from now on names its lines (a plain `mkdocs build` too)."""
        read_at_lines(self.config_file_path or None)
        failed, warnings = super().validate()
        known = [name for name, _ in self._schema]
        return failed, [(key, _unknown(key, known) or text) for key, text in warnings]


def _unknown(key: str, known: list[str]) -> str | None:
    if key in known:
        return None
    meant = closest(key, known)
    return (
        f"Unrecognised configuration name: {key} (expected one of {', '.join(known)}, got "
        f"{key!r}). " + (f"Did you mean '{meant}'?" if meant else "Remove it, or correct its name.")
    )


__all__ = ["OpenCPDConfig"]
