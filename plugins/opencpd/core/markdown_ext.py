"""Markdown blocks authors type in module content:

    /// example | Year 5: saying what you like
        lang: fr

    J'aime les pommes.
    ///

    /// facilitator
    Only for the person running the session.
    ///

    /// slide | Why grammar fades
        agenda: 2

    - What goes on the projected slide (core/slides/ makes the decks).
    ///

In a passage marked French (`lang` fr, from a block's option or `{lang=fr}`), the space an
author types before ? ! ; : and inside « » becomes a no-break one, as French print has it, so
that a narrow screen never wraps the mark onto a line of its own (`FrenchSpacing`).

Register with `markdown_extensions: [opencpd.core.markdown_ext]`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown
from markdown.treeprocessors import Treeprocessor
from pymdownx.blocks import BlocksExtension, BlocksProcessor
from pymdownx.blocks.block import Block, type_integer, type_string

LANGUAGE_NAMES = {"fr": "French", "de": "German", "es": "Spanish", "cy": "Welsh"}


class Example(Block):
    """A worked classroom example in one language: the `lang` option tags its passage."""

    NAME = "example"
    ARGUMENT = None
    OPTIONS = {"lang": ("", type_string)}

    def on_create(self, parent: etree.Element) -> etree.Element:
        lang = self.options["lang"]
        box = etree.SubElement(parent, "div", {"class": "admonition example worked-example"})
        title = etree.SubElement(box, "p", {"class": "admonition-title", "lang": "en-GB"})
        name = LANGUAGE_NAMES.get(lang.split("-")[0], lang)
        heading = self.argument or "Worked example"
        title.text = f"{heading} ({name})" if lang else heading
        body = etree.SubElement(box, "div", {"class": "example-body"})
        if lang:
            body.set("lang", lang)
            box.set("data-lang", lang)
        return body


class Facilitator(Block):
    """Text for the facilitator only: left out of participant packs and the search index."""

    NAME = "facilitator"
    ARGUMENT = None

    def on_create(self, parent: etree.Element) -> etree.Element:
        box = etree.SubElement(
            parent,
            "div",
            {
                "class": "admonition note facilitator-only",
                "data-pagefind-ignore": "all",
            },
        )
        title = etree.SubElement(box, "p", {"class": "admonition-title"})
        title.text = self.argument or "For the facilitator"
        return box


class Slide(Block):
    """What a session puts on the screen: shown on the page as a box, made into a slide of the
    session's deck by core/slides/. `agenda` numbers the agenda item it belongs to."""

    NAME = "slide"
    ARGUMENT = None
    OPTIONS = {"agenda": (0, type_integer)}

    def on_create(self, parent: etree.Element) -> etree.Element:
        box = etree.SubElement(parent, "div", {"class": "admonition abstract slide-content"})
        title = etree.SubElement(box, "p", {"class": "admonition-title"})
        title.text = f"On the slide: {self.argument}" if self.argument else "On the slide"
        return box


NARROW, NO_BREAK = "\u202f", "\u00a0"
# one ordinary space (or a line break) after a character, before ? ! ; : or », or after «
SPACE_BEFORE = re.compile(r"(?<![\s«])[ \n]([?!;:»])")
SPACE_AFTER = re.compile(r"«[ \n](?=\S)")
AS_TYPED = frozenset({"code", "pre", "kbd", "samp", "script", "style"})


def french_spacing(text: str) -> str:
    """No-break spaces where French print puts them: narrow before ? ! ; (and »), a full one
    before : and inside « »."""
    text = SPACE_BEFORE.sub(lambda m: (NO_BREAK if m[1] in ":»" else NARROW) + m[1], text)
    return SPACE_AFTER.sub("«" + NO_BREAK, text)


class FrenchSpacing(Treeprocessor):
    """The spaces of every passage whose `lang` is French; code is left as typed. Runs after
    the attribute lists have set `lang` and before the table of contents reads the headings
    (whose anchors are the same: both spaces read as a space there)."""

    def run(self, root: etree.Element) -> None:
        todo: list[tuple[etree.Element, bool]] = [(root, False)]
        while todo:  # by hand, not recursion: as deep as the page is, with no limit
            element, parent_french = todo.pop()
            if not isinstance(element.tag, str) or element.tag in AS_TYPED:
                continue
            lang = element.get("lang")
            french = parent_french if lang is None else lang.lower().split("-")[0] == "fr"
            if french and element.text:
                element.text = french_spacing(element.text)
            for child in element:
                if french and child.tail:  # a child's tail is its parent's text
                    child.tail = french_spacing(child.tail)
                todo.append((child, french))


class OpenCPDBlocks(BlocksExtension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        super().extendMarkdown(md)
        md.treeprocessors.register(FrenchSpacing(md), "french_spacing", 6)

    def extendMarkdownBlocks(self, md: Markdown, block_mgr: BlocksProcessor) -> None:  # noqa: N802
        block_mgr.register(Example, self.getConfigs())
        block_mgr.register(Facilitator, self.getConfigs())
        block_mgr.register(Slide, self.getConfigs())


def makeExtension(*args: Any, **kwargs: Any) -> OpenCPDBlocks:  # noqa: N802
    return OpenCPDBlocks(*args, **kwargs)
