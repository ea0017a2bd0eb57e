"""The Catalog: everything the site, packs and indexes are made from, built once per build."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from .findings import Finding
from .model import Chapter, Handout, Module, Publication, Resource, Session
from .vocabulary import Vocabulary

T = TypeVar("T")
# A module field -> the vocabulary list its values come from.
VOCABULARY_OF = {
    "key_stage": "key_stages",
    "themes": "themes",
    "languages": "languages",
    "strand": "strands",
}


def field_name(loc: tuple[str | int, ...]) -> str:
    """('files', 2, 'path') -> 'files[2].path', as findings name a field."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).removeprefix(".")


@dataclass
class Doc(Generic[T]):
    """One validated content file: its model, where it came from and its generated page."""

    meta: T
    source: str
    body: str
    body_line: int
    slug: str
    page: str  # src_uri of the page generated for it
    lines: dict[str, int] = field(default_factory=dict)  # field_name(loc) -> line
    columns: dict[str, int] = field(default_factory=dict)  # field_name(loc) -> column
    # a resource's attachments its checks refused: never published, even by a build that goes
    # on despite the finding; kept with the resource, so a later build need not read them again
    refused: list[str] = field(default_factory=list)

    def line(self, *loc: str | int) -> int:
        """The line of a front-matter field, or of a nested value: line('files', 2, 'path');
        the nearest enclosing one that is there, else 1."""
        return self.where(*loc)[0]

    def where(self, *loc: str | int) -> tuple[int, int]:
        """Line and column, as for `line`."""
        while loc:
            name = field_name(loc)
            if name in self.lines:
                return self.lines[name], self.columns.get(name, 1)
            loc = loc[:-1]
        return 1, 1

    @property
    def url(self) -> str:
        """The page's URL relative to the site root (directory URLs)."""
        if self.page.endswith("index.md"):
            return self.page.removesuffix("index.md")
        return self.page.removesuffix(".md") + "/"


@dataclass
class ModuleDoc(Doc[Module]):
    sessions: list[Doc[Session]] = field(default_factory=list)
    handouts: dict[str, Doc[Handout]] = field(default_factory=dict)
    resources: list[Doc[Resource]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def twilight(self) -> Doc[Session] | None:
        return next((s for s in self.sessions if s.meta.kind != "follow-up"), None)

    @property
    def follow_ups(self) -> list[Doc[Session]]:
        return [s for s in self.sessions if s.meta.kind == "follow-up"]


@dataclass
class PublicationDoc(Doc[Publication]):
    chapters: list[Doc[Chapter]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass
class Catalog:
    root: Path
    vocabulary: Vocabulary
    modules: list[ModuleDoc] = field(default_factory=list)
    publications: list[PublicationDoc] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # Centres and deliveries (core/deliveries.py), and the build date that decides what is
    # upcoming (the reproducible build date, never the clock).
    centres: dict[str, Doc] = field(default_factory=dict)
    deliveries: list[Doc] = field(default_factory=list)
    today: dt.date = dt.date(2026, 1, 1)
    # School-to-school support (core/support.py): the published offers only, and the
    # programme's settings (support/programme.md).
    offers: list[Doc] = field(default_factory=list)
    support: Doc | None = None

    # Modules by id, for `module` (asked tens of thousands of times at 3,000 deliveries); made
    # again whenever the list has grown, as modules are only ever added to it.
    _by_id: dict[str, ModuleDoc] = field(default_factory=dict, repr=False, compare=False)
    _indexed: int = field(default=0, repr=False, compare=False)

    def module(self, module_id: str) -> ModuleDoc | None:
        if self._indexed != len(self.modules):
            self._by_id = {}
            for found in self.modules:
                self._by_id.setdefault(found.id, found)
            self._indexed = len(self.modules)
        return self._by_id.get(module_id)

    def publication(self, publication_id: str) -> PublicationDoc | None:
        return next((p for p in self.publications if p.id == publication_id), None)

    @property
    def published_modules(self) -> list[ModuleDoc]:
        return [m for m in self.modules if m.meta.status == "published"]

    @property
    def resources(self) -> list[tuple[ModuleDoc, Doc[Resource]]]:
        return [(m, r) for m in self.published_modules for r in m.resources]

    def modules_by(self, attribute: str) -> dict[str, list[ModuleDoc]]:
        """Published modules grouped by a vocabulary field (key_stage, themes, languages),
        in vocabulary order."""
        list_name = VOCABULARY_OF[attribute]
        groups: dict[str, list[ModuleDoc]] = defaultdict(list)
        for module in self.published_modules:
            value = getattr(module.meta, attribute)
            for term in value if isinstance(value, list) else [value]:
                groups[term].append(module)
        return {t: groups[t] for t in self.vocabulary.ids(list_name) if t in groups}

    def figures(self) -> dict[str, int]:
        return {
            "modules": len(self.published_modules),
            "sessions": sum(len(m.sessions) for m in self.published_modules),
            "handouts": sum(len(m.handouts) for m in self.published_modules),
            "resources": len(self.resources),
            "publications": len(self.publications),
            "chapters": sum(len(p.chapters) for p in self.publications),
            "minutes": sum(s.meta.duration for m in self.published_modules for s in m.sessions),
        }
