"""The macros of hand-written pages (docs/), read before mkdocs-macros renders them.

A macro that cannot be read (`{% if %}`, an unclosed `{{`) is a finding at its line. Left to the
macros plugin, it ends the process in the middle of a build (`on_error_fail` exits with code 100,
its message naming no folder), and in a preview stops the server rebuilding. The page is then
shown as written, and a strict build fails on the finding. Teachers' pages are never rendered
as templates: only pages that mkdocs-macros renders are read here.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, TemplateError

from .findings import Finding
from .frontmatter import FrontMatterError, parse
from .macro_errors import call_findings
from .tree import kind, read_regular, walk

RULE = "macro-syntax"
MAX_PAGE_BYTES = 1024 * 1024  # a hand-written page larger than this is no page to parse


def macro_finding(path: str, markdown: str, first_line: int, env: Environment) -> Finding | None:
    """The finding for `markdown` (the body of `path`, starting at its line `first_line`) if
    `env`, the macros' environment, cannot read it; None if it can."""
    try:
        env.parse(markdown)
    except TemplateError as error:
        line = getattr(error, "lineno", None) or 1
        said = str(getattr(error, "message", None) or error).splitlines()[0][:200]
        return _finding(path, first_line + line - 1, said)
    except RecursionError:  # brackets nested deeper than the parser goes
        return _finding(path, first_line, "nested too deeply to read")
    return None


def _finding(path: str, line: int, said: str) -> Finding:
    return Finding(
        path,
        line,
        1,
        RULE,
        f"a macro on this page cannot be read (expected a complete {{{{ … }}}} or {{% … %}}, "
        f"got: {said})",
        "Complete or remove the macro. To show braces as text, write {{ '{{' }}, or put "
        "render_macros: false in the page's front matter.",
    )


def docs_findings(
    project: Path, docs: Path, env: Environment, macros: Mapping[str, Any] | None = None
) -> list[Finding]:
    """Every hand-written page in `docs` whose macros cannot be read, or that calls one of the
    site's `macros` with arguments it does not take (core/macro_errors.py); paths from
    `project`."""
    found = []
    files = walk(docs).files if kind(docs) == "folder" else {}  # docs/ a link: refused
    for _, file in sorted(files.items()):
        if file.suffix != ".md":
            continue
        try:
            raw = read_regular(file)
        except OSError:
            continue  # MkDocs says so when it reads the page
        if len(raw) > MAX_PAGE_BYTES:
            continue
        name = file.relative_to(project).as_posix() if file.is_relative_to(project) else str(file)
        body, first, meta = _body(name, raw)
        if meta.get("render_macros") is False:
            continue
        finding = macro_finding(name, body, first, env)
        if finding:
            found.append(finding)
        elif macros:
            found += call_findings(name, body, first, env, macros)
    return found


def _body(name: str, raw: bytes) -> tuple[str, int, dict[str, Any]]:
    """The page's Markdown, the line it starts on, and its front matter (as MkDocs reads it)."""
    if raw.lstrip(b"\xef\xbb\xbf").startswith(b"---"):
        try:
            source = parse(name, raw)
            return source.body, source.body_line, source.data
        except FrontMatterError:
            pass
    return raw.decode("utf-8", errors="replace"), 1, {}
