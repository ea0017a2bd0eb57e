"""Tables that read on a phone: a Markdown extension over the `tables` extension.

- A table whose header row is empty (`| | |`, a list of facts) loses it: the first cell of each
  row becomes its row header (`<th scope="row">`), so no table opens with an empty row.
- Every other table names its columns (`<th scope="col">`) and gives each data cell the label of
  its column (`data-label`), which the stylesheet shows beside the cell when a narrow screen
  stacks the rows (assets/stylesheets/opencpd.css).

Register with `markdown_extensions: [tables, opencpd.core.tables]`.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor


def text_of(element: etree.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def readable(table: etree.Element) -> None:
    head, body = table.find("thead"), table.find("tbody")
    if head is None or body is None:
        return
    header = head.find("tr")
    labels = [text_of(cell) for cell in (header if header is not None else [])]
    rows = body.findall("tr")
    if not any(labels):
        table.remove(head)
        for row in rows:
            if len(row) and row[0].tag == "td":
                row[0].tag = "th"
                row[0].set("scope", "row")
        return
    for cell in header if header is not None else []:
        cell.set("scope", "col")
    for row in rows:
        for label, cell in zip(labels, row, strict=False):
            if label and cell.tag == "td":
                cell.set("data-label", label)


class ReadableTables(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for table in root.iter("table"):
            readable(table)


class TablesExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's name)
        # After the inline patterns (priority 20), when cells hold their final text
        md.treeprocessors.register(ReadableTables(md), "opencpd_tables", 5)


def makeExtension(**kwargs: Any) -> TablesExtension:  # noqa: N802 (Markdown's name)
    return TablesExtension(**kwargs)
