"""A link that leads nowhere, told as a finding of the file a teacher wrote it in.

MkDocs finds such links as it renders a page, and says so by the page's place in the site
("Doc file 'handbook/peer-mentoring/02-the-charter.md' contains a link '04-nowhere.md', but
the target ... is not found"), which for a generated page is no file in the repository and
never has a line. Its warning is rewritten here, in place (the strict build still stops on
it), as `path:line:column: broken-link: ... (expected ..., got ...). How to fix.`"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from ..core.catalog import Catalog, Doc
from ..core.findings import Finding

NOT_FOUND = re.compile(
    r"Doc file '(?P<page>.+?)' contains a link '(?P<link>.+?)', but the "
    r"target(?: '(?P<target>.+?)')? is not found among documentation files\.$"
)


def documents(catalog: Catalog) -> list[Doc]:
    """Every content file that has a page, with its page's place (`Doc.page`)."""
    found: list[Doc] = []
    for module in catalog.modules:
        found += [module, *module.sessions, *module.handouts.values(), *module.resources]
    for publication in catalog.publications:
        found += [publication, *publication.chapters]
    found += [*catalog.centres.values(), *catalog.deliveries, *catalog.offers]
    return found + ([catalog.support] if catalog.support else [])


class BrokenLinks(logging.Filter):
    """On MkDocs' page logger: its warnings of links to no page, made findings."""

    def __init__(self) -> None:
        super().__init__()
        self.sources: dict[str, Path] = {}  # a page's place in the site -> its source file
        self.project = Path()
        self.docs = Path()

    def read(self, catalog: Catalog, project: Path, docs_dir: Path) -> None:
        self.project, self.docs = project, docs_dir
        self.sources = {doc.page: catalog.root / doc.source for doc in documents(catalog)}

    def filter(self, record: logging.LogRecord) -> bool:
        found = NOT_FOUND.match(record.getMessage())
        if found:
            record.msg, record.args = str(self.finding(found)), ()
        return True

    def finding(self, found: re.Match[str]) -> Finding:
        page, link = found["page"], found["link"]
        source = self.sources.get(page, self.docs / page)
        line, column = _place(source, link)
        try:
            path = source.resolve().relative_to(self.project.resolve()).as_posix()
        except ValueError:  # content kept outside the project's folder
            path = source.as_posix()
        return Finding(
            path,
            line,
            column,
            "broken-link",
            f"the link '{link}' leads to no page of the site (expected a page or file the "
            f"site has, got '{found['target'] or link}', from this page's place, {page})",
            "Correct the address or remove the link. A link to another page is written from "
            "this page's place in the site, which for a generated page is not this file's "
            "folder: an address starting https:// always works.",
        )


def _place(source: Path, link: str) -> tuple[int, int]:
    """The line and column of `link` in the file (written as the link's target), else 1, 1."""
    try:
        text = source.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 1, 1
    for number, line in enumerate(text.splitlines(), 1):
        at = line.find(f"({link}")
        at = line.find(link) if at < 0 else at + 1
        if at >= 0:
            return number, at + 1
    return 1, 1


LINKS = BrokenLinks()


def report_broken_links(catalog: Catalog, project: Path, docs_dir: Path) -> None:
    """From now on, a link to no page is reported as a finding of its file (once a process)."""
    LINKS.read(catalog, project, docs_dir)
    logger = logging.getLogger("mkdocs.structure.pages")
    if LINKS not in logger.filters:
        logger.addFilter(LINKS)


__all__ = ["BrokenLinks", "report_broken_links"]
