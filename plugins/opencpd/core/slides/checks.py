"""What is wrong with an author's slide, as findings at its line.

A slide is 16:9, 1280 x 720 CSS pixels, with body text at 32 px (24 pt, the least a room
reads from the back). Under the title that leaves about nine lines of about 58 characters
(DejaVu Sans averages 0.55 em a character), so a slide may hold LINES estimated lines and
WORDS words; a picture takes PICTURE lines.
"""

from __future__ import annotations

import math

from ..catalog import Doc, ModuleDoc
from ..findings import Finding
from ..model import Session
from .deck import CHARS, LINES, Slide
from .source import read_blocks
from .text import Converted, Image, Paragraph

WORDS = 80
PICTURE = 5


def lines_of(content: Converted) -> float:
    total = 0.0
    for part in content.parts:
        if isinstance(part, Image):
            total += PICTURE
        else:
            width = CHARS - 3 * part.level
            text = "".join(r.text for r in part.runs).strip()
            total += max(1, math.ceil(len(text) / width)) + 0.25  # the space between
    return total


def words_of(content: Converted) -> int:
    return sum(
        len("".join(r.text for r in p.runs).split())
        for p in content.parts
        if isinstance(p, Paragraph)
    )


def slide_findings(source: str, slide: Slide) -> list[Finding]:
    out: list[Finding] = []
    if slide.line == 0:
        return out
    lines, words = lines_of(slide.content), words_of(slide.content)
    if lines > LINES or words > WORDS:
        out.append(
            Finding(
                source,
                slide.line,
                1,
                "slide-overflow",
                f"the slide '{slide.title}' will not fit on a 16:9 screen at 24 pt "
                f"(expected at most {LINES} lines and {WORDS} words, got about "
                f"{math.ceil(lines)} lines and {words} words)",
                "Cut it down to the key points, or split it into two slides; "
                "put what you would say in a facilitator block inside the slide.",
            )
        )
    for part in slide.content.parts:
        if isinstance(part, Image) and not part.alt.strip():
            out.append(
                Finding(
                    source,
                    slide.line,
                    1,
                    "slide-image-alt",
                    f"a picture on the slide '{slide.title}' has no alt text "
                    f"(expected a description, got none for {part.src!r})",
                    "Write what the picture shows between the brackets: "
                    "![a description](picture.png).",
                )
            )
    return out


def block_findings(module: ModuleDoc, session: Doc[Session]) -> list[Finding]:
    """Slide options that cannot be used: an unknown option, an agenda item not there."""
    out: list[Finding] = []
    items = len(session.meta.agenda)
    for block in read_blocks(session.body, session.body_line).slides:
        if block.problem:
            out.append(
                Finding(
                    session.source,
                    block.line,
                    1,
                    "slide-option",
                    f"the slide's options cannot be used: {block.problem}",
                    "Write the option as '    agenda: 2' on the line after "
                    "'/// slide', indented by four spaces.",
                )
            )
        elif block.agenda > items:
            out.append(
                Finding(
                    session.source,
                    block.line,
                    1,
                    "slide-option",
                    f"the slide belongs to an agenda item that is not there "
                    f"(expected 1 to {items}, got {block.agenda})",
                    "Number the agenda items from 1, in the order of the session's agenda.",
                )
            )
    return out
