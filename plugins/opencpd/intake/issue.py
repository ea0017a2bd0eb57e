"""Reading the body GitHub writes for an issue form: one '### Label' heading per question,
'_No response_' for an empty answer, '- [X] label' for a ticked box, files as links."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.metadata import NOTE

NO_RESPONSE = "_No response_"
# Every pattern here is linear in a line's length (an issue's body is anyone's text): an
# answer runs greedily to its last character that is not blank, never a lazy group that tries
# the blank space after it again from each of its characters; a link's text holds no other
# '[' (as CommonMark reads it). Each was quadratic in a line of spaces or of '['.
HEADING = re.compile(r"^###\s+((?:.*\S)?)\s*$")
TICK = re.compile(r"^\s*[-*]\s+\[([ xX])\]\s+((?:.*\S)?)\s*$")
MARKDOWN_LINK = re.compile(r"(!?)\[([^\[\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)  # read up to a line's last '>': `links`
BARE_URL = re.compile(r"(?<![(\"'=<])\bhttps?://[^\s<>()\"']+")
ATTRIBUTE = re.compile(r"""\b(src|alt)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


@dataclass
class Section:
    """The answer to one question: the lines under its '### Label' heading."""

    label: str
    line: int  # the heading's line
    lines: list[tuple[int, str]] = field(default_factory=list)

    @property
    def value(self) -> str:
        text = "\n".join(line for _, line in self.lines).strip("\n")
        return "" if text.strip() == NO_RESPONSE else text.strip()

    @property
    def value_line(self) -> int:
        """Where the answer starts (the heading's line if there is no answer)."""
        return next((n for n, line in self.lines if line.strip()), self.line)


@dataclass
class Link:
    """A file attached to the issue: GitHub puts it in the answer as a link."""

    url: str
    text: str
    image: bool
    line: int
    description: str = ""


def sections(text: str, labels: Sequence[str]) -> dict[str, Section]:
    """The form's answers by label. A heading counts only if it is the label of a question not
    yet seen, in the form's order, so that '### ' headings inside an answer stay in it."""
    labels = list(labels)
    found: dict[str, Section] = {}
    current: Section | None = None
    position = 0
    for number, line in enumerate(text.split("\n"), 1):
        match = HEADING.match(line)
        if match and match.group(1) in labels[position:]:
            position = labels.index(match.group(1), position) + 1
            current = found[match.group(1)] = Section(match.group(1), number)
        elif current is not None:
            current.lines.append((number, line))
    return found


def ticks(section: Section | None) -> dict[str, tuple[bool, int]]:
    """Each box of a checkboxes answer, by its label (normalised): ticked?, line."""
    boxes: dict[str, tuple[bool, int]] = {}
    for number, line in section.lines if section else []:
        match = TICK.match(line)
        if match:
            boxes[normal(match.group(2))] = (match.group(1) != " ", number)
    return boxes


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(".").casefold()


def _aliases(table: dict[str, Any]) -> dict[str, Any]:
    """Option text, the id in its brackets and the label alone, all matched without case."""
    aliases: dict[str, Any] = {}
    for text, value in table.items():
        aliases[text.casefold()] = value
        aliases[str(value).casefold()] = value
        label = NOTE.sub("", text)
        aliases.setdefault(label.casefold(), value)
    return aliases


def choose(answer: str, table: dict[str, Any], multiple: bool) -> tuple[list[Any], list[str]]:
    """The values picked in a dropdown answer, and the parts that match no option. GitHub
    joins a multiple choice with ', ', which some option texts also contain."""
    aliases = _aliases(table)
    if not multiple:
        value = aliases.get(answer.strip().casefold())
        if value is None:
            bracket = re.search(r"\(([^()]+)\)\s*$", answer)
            value = aliases.get(bracket.group(1).casefold()) if bracket else None
        return ([value], []) if value is not None else ([], [answer.strip()])
    chosen: list[Any] = []
    unknown: list[str] = []
    rest = answer.strip()
    by_length = sorted(table, key=len, reverse=True)
    while rest:
        text = next(
            (
                t
                for t in by_length
                if rest.startswith(t) and (len(rest) == len(t) or rest[len(t) :].startswith(","))
            ),
            None,
        )
        if text is not None:
            value, rest = table[text], rest[len(text) :]
        else:
            part, _, rest = rest.partition(",")
            value = aliases.get(part.strip().casefold())
            if value is None and part.strip():
                unknown.append(part.strip())
        if value is not None and value not in chosen:
            chosen.append(value)
        rest = rest.lstrip(",").strip()
    return chosen, unknown


def links(section: Section) -> list[Link]:
    """The files in a Files answer, each with the text written after it (its description)."""
    found: list[Link] = []
    for number, line in section.lines:
        spans = []
        for match in MARKDOWN_LINK.finditer(line):
            spans.append(
                (match.span(), Link(match.group(3), match.group(2), bool(match.group(1)), number))
            )
        # Never past the line's last '>': a tag begun after it is never closed, and each such
        # '<img' was otherwise read to the end of the line (quadratic in its length).
        for match in HTML_IMAGE.finditer(line, 0, line.rfind(">") + 1):
            attributes = {
                m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
                for m in ATTRIBUTE.finditer(match.group(0))
            }
            if attributes.get("src"):
                spans.append(
                    (match.span(), Link(attributes["src"], attributes.get("alt", ""), True, number))
                )
        for match in BARE_URL.finditer(line):
            if not any(a <= match.start() < b for (a, b), _ in spans):
                spans.append((match.span(), Link(match.group(0), "", False, number)))
        spans.sort(key=lambda s: s[0])
        rest = line
        for (start, end), _ in reversed(spans):
            rest = rest[:start] + " " + rest[end:]
        rest = re.sub(r"\s+", " ", rest).strip(" -–—:")
        if spans:
            found += [link for _, link in spans]
            if rest and rest != NO_RESPONSE:
                found[-1].description = rest
        elif found and rest and rest != NO_RESPONSE:
            found[-1].description = f"{found[-1].description} {rest}".strip()
    return found


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def plain(text: str) -> str:
    """Text for a plain-text field: one line, without markup characters."""
    return re.sub(r"\s+", " ", text.replace("](", "] (").replace("<", "").replace(">", "")).strip()
