"""MkDocs' messages about mkdocs.yml, told at their line: "Config value 'plugins': Plugin
'opencpd' option 'start_time': ..." becomes "mkdocs.yml:16:19: Config value ...". MkDocs
words and logs them itself, once the whole file is checked; they are rewritten in place on its
configuration logger (the strict build still counts the warnings), the line found by
core/config_place.py."""

from __future__ import annotations

import logging
import os

from ..core.config_place import key_prefix, located, marked, unreadable


class ConfigLines(logging.Filter):
    """On MkDocs' configuration logger: its "Config value ..." messages, with the place."""

    def __init__(self) -> None:
        super().__init__()
        self.path: str | None = None  # the mkdocs.yml being read, None between reads

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.path and (message.startswith("Config value '") or NAV in message):
            record.msg, record.args = located(self.path, message), ()
            record.located = True  # the CLI adds no path of its own (cli.py)
        return True


def shown(path: str) -> str:
    """The path as a message names it: from the current folder when it is under it (as
    `mkdocs.yml`), else whole (MkDocs hands the plugin the absolute path)."""
    whole = os.path.abspath(path)
    relative = os.path.relpath(whole)
    return whole if relative.startswith("..") else relative


NAV = "included in the 'nav' configuration"  # a page the nav names, told as the build makes it
LINES = ConfigLines()


def read_at_lines(config_file: str | None) -> None:
    """From now on, MkDocs' messages about its configuration name `config_file`'s lines (None:
    no longer, the file is read)."""
    LINES.path = shown(config_file) if config_file else None
    for name in ("mkdocs.config", "mkdocs.structure.nav"):
        logger = logging.getLogger(name)
        if LINES not in logger.filters:
            logger.addFilter(LINES)


def setting_at(config_file: str, key: str, missing: bool = False) -> str:
    """`mkdocs.yml:line:column: ` of top-level setting `key` (where it would go, with
    `missing`), or "" when the file does not show it: what starts a message about it."""
    return key_prefix(shown(config_file), key, missing)


def not_read(config_file: str, said: str) -> str:
    """MkDocs' refusal to read mkdocs.yml (`said`), at the line when the YAML is at fault."""
    if said.startswith("MkDocs encountered an error parsing the configuration file"):
        path = shown(config_file)
        return unreadable(path) or marked(path, said) or f"{config_file}: {said}"
    return f"{config_file}: {said}"


__all__ = ["ConfigLines", "not_read", "read_at_lines", "setting_at", "shown"]
