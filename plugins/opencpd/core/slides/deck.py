"""A session's deck: the slides in order, each with its content and speaker notes.

title, objectives, running order, for each agenda item its slide (clock time, activity) and
the authors' `/// slide` blocks for it, the gap task, and a closing slide with the evaluation
link. Long generated lists are split across slides; authors' slides are checked (checks.py).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Literal

from ..catalog import Doc, ModuleDoc
from ..model import Session
from ..packs.spec import placeholder_address
from ..render import running_order
from .source import read_blocks
from .text import Converted, Paragraph, Run, SlideMarkdown

Kind = Literal["title", "objectives", "order", "agenda", "content", "gap-task", "closing"]
# The slide is 1280 x 720 CSS pixels (13.33 x 7.5 inches); body text 32 px = 24 pt. Room for
# LINES lines of CHARS characters under the title (checks.py says why these numbers).
CHARS = 58
EXAMPLE = "Example, not a real event"
LINES = 9


@dataclass
class DeckOptions:
    start_time: str = "16:00"
    site_url: str = ""
    evaluation_url: str = ""  # else `page` on the site
    page: str = ""  # the page the closing slide links to, else the session's (a delivery's)
    centre: str = ""  # for a deck made for one delivery
    date: str = ""
    leads: str = ""  # the evening's lead teachers who consented to be named, "A and B"
    example: bool = False  # that delivery is an example: every slide says so
    followed: bool = False  # another session follows on the same evening

    def fingerprint(self) -> str:
        return repr(
            (
                self.start_time,
                self.site_url.rstrip("/"),
                self.evaluation_url,
                self.centre,
                self.date,
                self.leads,
                self.example,
                self.page,
                self.followed,
            )
        )


@dataclass
class Slide:
    kind: Kind
    title: str
    content: Converted
    kicker: str = ""  # the clock time, or the module's title
    lang: str = ""
    line: int = 0  # where an author's slide starts in its file (0: generated)
    qr_url: str = ""

    @property
    def notes_text(self) -> str:
        return "\n\n".join(_plain(p) for p in self.content.notes if isinstance(p, Paragraph))


@dataclass
class Deck:
    module: ModuleDoc
    session: Doc[Session]
    slides: list[Slide] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.module.id}--{self.session.slug}"

    @property
    def title(self) -> str:
        return self.session.meta.title

    @property
    def uri(self) -> str:
        """The deck's files on the site, without the extension: beside the module's pages, so
        that the module's offline zip carries them."""
        return f"modules/{self.module.id}/slides/{self.session.slug}"


def _plain(paragraph: Paragraph) -> str:
    return (paragraph.bullet + " " if paragraph.bullet else "") + "".join(
        r.text for r in paragraph.runs
    ).strip()


def make_deck(
    module: ModuleDoc, session: Doc[Session], options: DeckOptions, md: SlideMarkdown | None = None
) -> Deck:
    md = md or SlideMarkdown()
    s = session.meta
    deck = Deck(module, session)
    blocks = read_blocks(session.body, session.body_line)
    when = ", ".join(  # the centre's name and town: a coordinator's, untrusted
        _escape(x)
        for x in (
            options.centre,
            options.date,
            options.start_time if options.centre or options.date else "",
        )
        if x
    )
    subtitle = f"{s.duration} minutes" + (f" · {when}" if when else "")
    if options.leads:  # who stands at the front that evening, as on the pack's cover
        subtitle += f"\n\nLed by {_escape(options.leads)}"
    prepare = "\n\n".join(blocks.facilitator)
    deck.slides.append(
        Slide("title", s.title, _with_notes(md, f"{subtitle}", prepare), module.meta.title)
    )
    for n, chunk in enumerate(_chunks(s.objectives)):
        deck.slides.append(
            Slide(
                "objectives",
                _continued("Objectives", n),
                md.convert("\n".join(f"- {_escape(o)}" for o in chunk)),
            )
        )
    rows = running_order(s.agenda, options.start_time)
    lines = [f"- **{begin}–{end}** {_escape(item.activity)}" for begin, end, item in rows]
    for n, chunk in enumerate(_chunks(lines)):
        deck.slides.append(
            Slide("order", _continued("Running order", n), md.convert("\n".join(chunk)))
        )
    by_item: dict[int, list[Slide]] = {}
    for block in blocks.slides:
        slide = Slide("content", block.title or s.title, md.convert(block.body), line=block.line)
        by_item.setdefault(block.agenda, []).append(slide)
    deck.slides += by_item.pop(0, [])
    for number, (begin, end, item) in enumerate(rows, 1):
        facts = [f"{item.minutes} minutes"] + ([item.grouping] if item.grouping else [])
        body = " · ".join(_escape(f) for f in facts)
        if item.materials:
            body += "\n\nYou need: " + ", ".join(_escape(m) for m in item.materials)
        deck.slides.append(
            Slide("agenda", item.activity, _with_notes(md, body, item.notes), f"{begin}–{end}")
        )
        deck.slides += by_item.pop(number, [])
    for rest in by_item.values():  # an agenda number past the last item: checks.py says so
        deck.slides += rest
    if s.gap_task:  # with the next session straight after, there is no "before" it
        heading = "To try after this evening" if options.followed else "Before the next session"
        deck.slides.append(Slide("gap-task", heading, md.convert(_escape(s.gap_task))))
    published = options.site_url and not placeholder_address(options.site_url)
    url = options.evaluation_url or (
        options.site_url.rstrip("/") + "/" + (options.page or session.url) if published else ""
    )
    closing = "Thank you. Please tell us how the session went" + (
        f": [{_escape(_short(url))}]({url})" if url else "."
    )
    deck.slides.append(
        Slide("closing", "Evaluation", md.convert(closing), module.meta.title, qr_url=url)
    )
    if options.example:  # projected or printed, no slide of it passes for a real evening
        for slide in deck.slides:
            slide.kicker = " · ".join(x for x in (EXAMPLE, slide.kicker) if x)
    return deck


def _with_notes(md: SlideMarkdown, body: str, notes: str) -> Converted:
    content = md.convert(body)
    if notes.strip():
        extra = md.convert(notes)
        content.notes_html, content.notes = extra.html, extra.parts
    return content


def _chunks(items: list[str]) -> list[list[str]]:
    """Items in as few slides as hold them at the readable size, evenly."""
    lines = [max(1, math.ceil(len(i) / CHARS)) for i in items]
    slides = max(1, math.ceil(sum(lines) / LINES))
    while True:
        size = max(1, math.ceil(len(items) / slides))
        starts = range(0, len(items), size)
        if size == 1 or all(sum(lines[i : i + size]) <= LINES for i in starts):
            return [items[i : i + size] for i in starts] or [[]]
        slides += 1


def _continued(title: str, number: int) -> str:
    return f"{title} (continued)" if number else title


def _escape(text: str) -> str:
    """Front-matter text as literal Markdown text on one line, whoever wrote it: each of its
    characters shows as typed, and none starts anything (an attribute list, a link or a
    picture, a reference, a list, a block). Line breaks and runs of spaces are one space."""
    out = html.escape(" ".join(text.split()), quote=False)
    for char in ESCAPED:
        out = out.replace(char, "\\" + char)
    return out


# Every character Python-Markdown lets a backslash make literal, the backslash first (the
# slides' Markdown adds `|` and `/`: tests/test_slides.py checks the list against it).
ESCAPED = "\\`*_{}[]()>#+-.!|/"


def _short(url: str) -> str:
    return url.split("://", 1)[-1].rstrip("/")


__all__ = ["CHARS", "LINES", "Deck", "DeckOptions", "Run", "Slide", "make_deck"]
