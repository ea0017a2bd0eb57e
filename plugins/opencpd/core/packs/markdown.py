"""Markdown for packs: the site's extensions, plus one pass that fits the HTML to a PDF."""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from pathlib import Path
from typing import Any

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from ..catalog import Doc

SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


class PackTreeprocessor(Treeprocessor):
    """Drops facilitator-only blocks from participant packs, makes links absolute, images
    files, ids unique in the whole pack, and demotes headings under the pack's own."""

    def __init__(self, md: Markdown, site_url: str, participant: bool):
        super().__init__(md)
        self.site_url = site_url
        self.participant = participant
        self.folder = Path(".")
        self.page = ""
        self.prefix = ""
        self.demote = 0

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for child in list(parent):
                if self.participant and "facilitator-only" in child.get("class", "").split():
                    parent.remove(child)
        for element in root.iter():
            self.fix(element)

    def fix(self, element: etree.Element) -> None:
        if element.get("id"):
            element.set("id", f"{self.prefix}-{element.get('id')}")
        if element.tag == "img" and element.get("src"):
            src = element.get("src", "")
            if not SCHEME.match(src):
                element.set("src", (self.folder / src).resolve().as_uri())
        elif element.tag == "a" and element.get("href"):
            element.set("href", self.link(element.get("href", "")))
        elif element.tag in HEADINGS and self.demote:
            element.tag = f"h{min(6, int(element.tag[1]) + self.demote)}"

    def link(self, href: str) -> str:
        if href.startswith("#"):
            return f"#{self.prefix}-{href[1:]}"
        if SCHEME.match(href) or not self.site_url:
            return href
        target, _, fragment = href.partition("#")
        path = posixpath.normpath(posixpath.join(posixpath.dirname(self.page), target))
        if path.endswith(".md"):
            path = path.removesuffix("index.md").removesuffix(".md")
            path = path + "/" if path and not path.endswith("/") else path
        path = "" if path == "." else path
        return self.site_url + path + (f"#{fragment}" if fragment else "")


class PackExtension(Extension):
    def __init__(self, site_url: str, participant: bool):
        super().__init__()
        self.site_url = site_url
        self.participant = participant
        self.processor: PackTreeprocessor | None = None

    def extendMarkdown(self, md: Markdown) -> None:
        self.processor = PackTreeprocessor(md, self.site_url, self.participant)
        # After inline patterns (20), attr_list (8) and toc (5) have done their work.
        md.treeprocessors.register(self.processor, "opencpd-pack", 1)


class PackMarkdown:
    """Converts the content's Markdown bodies for one pack."""

    def __init__(
        self,
        root: Path,
        site_url: str,
        participant: bool,
        extensions: list[Any],
        configs: dict[str, Any],
    ):
        configs = {**configs, "toc": {**configs.get("toc", {}), "permalink": False}}
        self.root = root
        self.extension = PackExtension(site_url, participant)
        self.md = Markdown(extensions=[*extensions, self.extension], extension_configs=configs)

    def __call__(self, doc: Doc[Any], prefix: str, demote: int = 0) -> Markup:
        return self.text(doc.body, doc.source, doc.page, prefix, demote)

    def text(self, text: str, source: str, page: str, prefix: str, demote: int = 0) -> Markup:
        processor = self.extension.processor
        assert processor is not None
        processor.folder = (self.root / source).parent
        processor.page = page
        processor.prefix = prefix
        processor.demote = demote
        self.md.reset()
        return Markup(self.md.convert(text))
