"""Checks of the text of every page, below its front matter: a page with no text, a worked
example with no language, an invisible character, and a text too slow to read as Markdown."""

from __future__ import annotations

import re

from pydantic import BaseModel

from .findings import Finding
from .frontmatter import Source
from .model import BIDI, UNWRITABLE, Chapter, Handout, Module, Publication, Resource, bidi_control
from .untrusted import MAX_MARKDOWN_WORK, MAX_NESTING, markdown_depth, markdown_work

EXAMPLE_OPEN = re.compile(r"^/{3,}\s*example\b")
NEEDS_BODY = (Module, Handout, Chapter, Publication, Resource)


def check_body(source: Source, model: type[BaseModel]) -> list[Finding]:
    findings = []
    if model in NEEDS_BODY and not source.body.strip():
        findings.append(
            Finding(
                source.path,
                source.body_line,
                1,
                "empty-body",
                "the page has no text after the front matter (expected Markdown, got nothing)",
                "Write the page's text below the closing '---'.",
            )
        )
    findings += _invisible_or_too_complex(source)
    lines = source.body.split("\n")
    for index, line in enumerate(lines):
        if EXAMPLE_OPEN.match(line):
            options = []
            for follow in lines[index + 1 :]:
                if not follow.startswith("    "):
                    break
                options.append(follow.strip())
            if not any(o.startswith("lang:") for o in options):
                findings.append(
                    Finding(
                        source.path,
                        source.body_line + index,
                        1,
                        "example-no-lang",
                        "a worked example has no language (expected 'lang: fr', 'de' or 'es', "
                        "got none)",
                        "Add an indented line '    lang: fr' under the '/// example' line.",
                        "warning",
                    )
                )
    return findings


def _in_body(source: Source, at: int) -> tuple[int, int]:
    """The line and column of the file at which the character `at` of its body is."""
    line = source.body_line + source.body.count("\n", 0, at)
    return line, at - source.body.rfind("\n", 0, at)


def _invisible_or_too_complex(source: Source) -> list[Finding]:
    """An invisible character in the text (as in a field), and a text too slow or too deeply
    nested to read as Markdown (untrusted.markdown_work, untrusted.markdown_depth)."""
    findings = []
    found = UNWRITABLE.search(source.body)
    if found:
        findings.append(
            Finding(
                source.path,
                *_in_body(source, found.start()),
                "invisible-character",
                f"the text contains the invisible character U+{ord(found[0]):04X} (expected "
                "ordinary text, got a control character)",
                "Retype the line, or paste it as plain text: the character cannot be shown on "
                "a page or written into a feed.",
            )
        )
    found = BIDI.search(source.body)
    if found:  # a warning: the strict build stops on it, and a page's text may quote one
        findings.append(
            Finding(
                source.path,
                *_in_body(source, found.start()),
                "bidi-control",
                f"the text contains the invisible bidirectional control {bidi_control(found[0])}, "
                "which changes the order the text around it is shown in (expected ordinary "
                "text, got the control)",
                "Retype the line, or paste it as plain text: the control can make a sentence or "
                "a link read as something else.",
                "warning",
            )
        )
    work, line = markdown_work(source.body)
    if work > MAX_MARKDOWN_WORK:
        findings.append(
            Finding(
                source.path,
                source.body_line + line - 1,
                1,
                "too-complex",
                "the text has too many '[' and '<' for the length of its paragraphs to be read "
                f"in reasonable time (expected at most {MAX_MARKDOWN_WORK:,}, their number "
                f"times their paragraph's length, got {work:,})",
                "Break long paragraphs up with blank lines, or write fewer links, pictures or "
                "tags; the longest is the one starting here.",
            )
        )
    depth, line = markdown_depth(source.body)
    if depth > MAX_NESTING:
        findings.append(
            Finding(
                source.path,
                source.body_line + line - 1,
                1,
                "too-deep",
                "the text nests lists, quotes or indented lines too deeply to be read (expected "
                f"at most {MAX_NESTING} levels, each 4 spaces of indentation or a '-', '*', '+', "
                f"'1.' or '>' at the start of the line; got {depth:,})",
                "Indent this line less, or start fewer lists and quotes on it: a list inside a "
                "list needs only 4 more spaces.",
            )
        )
    return findings
