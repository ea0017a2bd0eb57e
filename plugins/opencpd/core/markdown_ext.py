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

Register with `markdown_extensions: [opencpd.core.markdown_ext]`.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown
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


class OpenCPDBlocks(BlocksExtension):
    def extendMarkdownBlocks(self, md: Markdown, block_mgr: BlocksProcessor) -> None:  # noqa: N802
        block_mgr.register(Example, self.getConfigs())
        block_mgr.register(Facilitator, self.getConfigs())
        block_mgr.register(Slide, self.getConfigs())


def makeExtension(*args: Any, **kwargs: Any) -> OpenCPDBlocks:  # noqa: N802
    return OpenCPDBlocks(*args, **kwargs)
