"""The `/// slide` blocks of a session's Markdown, read with their lines, and the top-level
facilitator blocks that become the title slide's speaker notes.

    /// slide | Why grammar fades
        agenda: 2

    - Knowing a rule is not the same as using it.
    ///

`agenda` is the number of the agenda item the slide belongs to (1 is the first); without it
the slide comes before the running order, after the objectives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..frontmatter import FrontMatterError, load_yaml
from ..validate import got

# The title runs greedily to its last character that is not blank: a lazy title tried the
# blank space after it again from each of its characters (quadratic in the line's length).
OPEN = re.compile(r"^///\s*(?P<name>[a-z]+)\s*(?:\|\s*(?P<title>(?:.*\S)?))?\s*$")
CLOSE = re.compile(r"^///\s*$")
OPTION = re.compile(r"^ {4}\S")


@dataclass
class SlideBlock:
    """A slide an author wrote: its title, the agenda item it follows, its Markdown body."""

    title: str
    agenda: int  # 0: before the running order
    body: str
    line: int  # of the `/// slide` line in the session file
    body_line: int
    problem: str = ""  # an option that could not be read


@dataclass
class Blocks:
    slides: list[SlideBlock]
    facilitator: list[str]  # bodies of top-level facilitator blocks, in order


def read_blocks(body: str, first_line: int) -> Blocks:
    """The top-level slide and facilitator blocks of `body`, whose first line is
    `first_line` of its file."""
    lines = body.split("\n")
    out = Blocks([], [])
    at = 0
    while at < len(lines):
        opened = OPEN.match(lines[at])
        if not opened or opened["name"] not in ("slide", "facilitator"):
            at += 1
            continue
        start = at
        at += 1
        options: list[str] = []
        while at < len(lines) and OPTION.match(lines[at]) and opened["name"] == "slide":
            options.append(lines[at][4:])
            at += 1
        content_start = at
        while at < len(lines) and not CLOSE.match(lines[at]):
            at += 1
        text = "\n".join(lines[content_start:at]).strip("\n")
        at += 1
        if opened["name"] == "facilitator":
            heading = opened["title"] or ""
            out.facilitator.append((f"**{heading}**\n\n" if heading else "") + text)
            continue
        agenda, problem = _agenda(options)
        out.slides.append(
            SlideBlock(
                opened["title"] or "",
                agenda,
                text,
                first_line + start,
                first_line + content_start,
                problem,
            )
        )
    return out


def _agenda(options: list[str]) -> tuple[int, str]:
    """The agenda item a slide's options name, or what is wrong with them (worded to follow
    "the slide's options cannot be used: ", with what was expected and what was got)."""
    if not options:
        return 0, ""
    first = options[0].strip()
    try:  # bounded as front matter is: a slide's options are a session's text
        values = load_yaml("", "\n".join(options), offset=0)[0]
    except FrontMatterError as exc:
        if exc.finding.rule == "wrong-type":  # a list or a word, not 'name: value'
            return 0, (
                "the only option a slide takes is 'agenda' (expected 'agenda: 2', got "
                f"{got(first)})"
            )
        return 0, (
            f"its options are not 'name: value' lines (expected 'agenda: 2', got {got(first)})"
        )
    other = sorted(str(name) for name in set(values) - {"agenda"})
    if other:
        return 0, (
            "the only option a slide takes is 'agenda' (expected 'agenda: 2', got "
            f"{', '.join(got(name) for name in other[:3])})"
        )
    agenda = values.get("agenda", 0)
    if not isinstance(agenda, int) or isinstance(agenda, bool) or agenda < 0:
        return 0, (
            "'agenda' is not the number of an agenda item (expected a whole number such as 2, "
            f"got {got(agenda)})"
        )
    return agenda, ""
