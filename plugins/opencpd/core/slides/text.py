"""A slide's Markdown as HTML for the screen and the PDF, and as paragraphs of runs for
PowerPoint, from one conversion; facilitator blocks inside a slide become its notes."""

from __future__ import annotations

import copy
import html
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from typing import Any

from markdown import Markdown
from markdown.treeprocessors import Treeprocessor

EXTENSIONS = [
    "attr_list",
    "tables",
    "md_in_html",
    "pymdownx.superfences",
    "opencpd.core.markdown_ext",
]
BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote")


@dataclass
class Run:
    text: str
    lang: str = ""
    bold: bool = False
    italic: bool = False


@dataclass
class Paragraph:
    runs: list[Run]
    level: int = 0  # list depth: 0 for a paragraph
    bullet: str = ""  # "", "•" or "1."
    heading: bool = False


@dataclass
class Image:
    src: str
    alt: str


@dataclass
class Converted:
    html: str
    notes_html: str
    parts: list[Paragraph | Image] = field(default_factory=list)
    notes: list[Paragraph | Image] = field(default_factory=list)


class _Split(Treeprocessor):
    """Takes facilitator blocks out of the slide into the notes, and keeps both trees."""

    def run(self, root: etree.Element) -> None:
        notes = etree.Element("div")
        for parent in list(root.iter()):
            for child in list(parent):
                if "facilitator-only" in child.get("class", "").split():
                    parent.remove(child)
                    title = child.find("p")
                    if title is not None and "admonition-title" in title.get("class", ""):
                        child.remove(title)
                    notes.extend(list(child))
        self.md.slide_notes = notes  # type: ignore[attr-defined]
        self.md.slide_tree = copy.deepcopy(root)  # type: ignore[attr-defined]


class SlideMarkdown:
    def __init__(self) -> None:
        self.md = Markdown(extensions=EXTENSIONS, output_format="html")
        # after "unescape" (priority 0): both trees hold `*` where the text had `\*`
        self.md.treeprocessors.register(_Split(self.md), "opencpd-slide-split", -1)

    def convert(self, text: str) -> Converted:
        self.md.reset()
        body = self.md.convert(text)
        notes_tree: etree.Element = self.md.slide_notes  # type: ignore[attr-defined]
        notes = "".join(self._serialise(child) for child in notes_tree)
        return Converted(
            body,
            notes,
            self.parts(self.md.slide_tree),  # type: ignore[attr-defined]
            self.parts(notes_tree),
        )

    def _serialise(self, element: etree.Element) -> str:
        text = etree.tostring(element, encoding="unicode", method="html")
        for processor in self.md.postprocessors:
            text = processor.run(text)
        return text

    def plain(self, text: str | None) -> str:
        text = text or ""
        for processor in self.md.postprocessors:
            text = processor.run(text)
        return html.unescape(text)

    def parts(self, root: etree.Element) -> list[Paragraph | Image]:
        out: list[Paragraph | Image] = []
        self._blocks(root, out, 0, "", "")
        return out

    def _blocks(
        self, element: etree.Element, out: list[Any], level: int, lang: str, bullet: str
    ) -> None:
        for child in element:
            here = child.get("lang", lang)
            if child.tag == "img":
                out.append(Image(child.get("src", ""), child.get("alt", "")))
            elif child.tag in ("ul", "ol"):
                for number, item in enumerate(child.findall("li"), 1):
                    mark = f"{number}." if child.tag == "ol" else "•"
                    self._item(item, out, level + 1, item.get("lang", here), mark)
            elif child.tag in BLOCKS:
                self._paragraph(child, out, level, here, bullet)
            else:
                self._blocks(child, out, level, here, bullet)

    def _item(
        self, item: etree.Element, out: list[Any], level: int, lang: str, bullet: str
    ) -> None:
        """A list item: its own text as one paragraph, nested lists and paragraphs after."""
        inline = etree.Element("p")
        inline.text = item.text
        rest = []
        for child in item:
            if child.tag in ("ul", "ol", "p", "div", "img") or child.tag in BLOCKS:
                rest.append(child)
            elif not rest:
                inline.append(copy.deepcopy(child))
        if rest and rest[0].tag == "p" and not (inline.text or "").strip() and not len(inline):
            inline = rest.pop(0)
        self._paragraph(inline, out, level, lang, bullet)
        holder = etree.Element("div")
        holder.extend(rest)
        self._blocks(holder, out, level, lang, "")

    def _paragraph(
        self, element: etree.Element, out: list[Any], level: int, lang: str, bullet: str
    ) -> None:
        runs: list[Run] = []
        heading = element.tag.startswith("h") or "admonition-title" in element.get("class", "")
        for img in element.iter("img"):
            out.append(Image(img.get("src", ""), img.get("alt", "")))
        self._runs(element, runs, element.get("lang", lang), heading, False)
        if element.tag == "tr":
            runs = [r for r in runs if r.text.strip()]
            joined: list[Run] = []
            for run in runs:
                if joined:
                    joined.append(Run("  |  "))
                joined.append(run)
            runs = joined
        if any(r.text.strip() for r in runs):
            out.append(Paragraph(runs, level, bullet, heading))

    def _runs(
        self, element: etree.Element, runs: list[Run], lang: str, bold: bool, italic: bool
    ) -> None:
        if element.tag in ("strong", "b", "th"):
            bold = True
        if element.tag in ("em", "i"):
            italic = True
        if element.text:
            runs.append(Run(self.plain(element.text), lang, bold, italic))
        for child in element:
            if child.tag in ("ul", "ol"):
                continue
            if child.tag == "br":
                runs.append(Run("\n", lang))
            elif child.tag != "img":
                self._runs(child, runs, child.get("lang", lang), bold, italic)
            if child.tail:
                runs.append(Run(self.plain(child.tail), lang, bold, italic))
