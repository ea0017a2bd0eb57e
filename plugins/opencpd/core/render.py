"""Render the Catalog into Markdown pages (src_uri -> text) and a navigation tree."""

from __future__ import annotations

import datetime as dt
import json
import posixpath
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .catalog import Catalog, Doc, ModuleDoc
from .model import AgendaItem
from .schema import schemas

TEMPLATES = Path(__file__).parent / "templates"
INDEXES = {"key-stages": "key_stage", "themes": "themes", "languages": "languages"}


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      autoescape=False)
    env.filters["clock"] = clock
    env.filters["rel"] = relative_link
    env.filters["join_labels"] = lambda ids, catalog, name: ", ".join(
        catalog.vocabulary.label(name, i) for i in ids)
    env.filters["date"] = lambda d: f"{d.day} {d:%B %Y}"
    return env


def clock(start: str, minutes: int) -> str:
    """`16:00` plus `minutes`, as a 24-hour clock time."""
    base = dt.datetime.strptime(start, "%H:%M")
    return (base + dt.timedelta(minutes=minutes)).strftime("%H:%M")


def running_order(items: list[AgendaItem], start: str) -> list[tuple[str, str, AgendaItem]]:
    """Each agenda item with its start and end clock times."""
    rows, elapsed = [], 0
    for item in items:
        rows.append((clock(start, elapsed), clock(start, elapsed + item.minutes), item))
        elapsed += item.minutes
    return rows


def relative_link(target: str, here: str) -> str:
    """A Markdown link from page `here` to page `target` (both src_uris)."""
    return posixpath.relpath(target, posixpath.dirname(here) or ".")


def front_matter(meta: dict[str, Any]) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n"


class Renderer:
    def __init__(self, catalog: Catalog, start_time: str = "16:00"):
        self.catalog = catalog
        self.start_time = start_time
        self.env = environment()

    def page(self, template: str, page: str, meta: dict[str, Any], **context: Any) -> str:
        # Generated pages are never macro-rendered: they may quote teachers' text.
        head = front_matter({"render_macros": False, **meta})
        body = self.env.get_template(template).render(
            catalog=self.catalog, here=page, start=self.start_time, vocab=self.catalog.vocabulary,
            order=running_order, **context)
        return head + body

    def pages(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for module in self.catalog.published_modules:
            out.update(self.module_pages(module))
        for publication in self.catalog.publications:
            meta = {"title": publication.meta.title, "content_type": "publication",
                    "licence": publication.meta.licence, "description": publication.meta.summary}
            out[publication.page] = self.page("publication.md.j2", publication.page, meta,
                                              publication=publication)
            for chapter in publication.chapters:
                meta = {**meta, "title": chapter.meta.title, "content_type": "chapter",
                        "description": chapter.meta.summary}
                out[chapter.page] = self.page("chapter.md.j2", chapter.page, meta,
                                              publication=publication, chapter=chapter)
        out.update(self.index_pages())
        out.update(self.schema_files())
        return out

    def schema_files(self) -> dict[str, str]:
        """The JSON Schema of each content type, and a page listing them."""
        found = schemas(self.catalog.vocabulary)
        out = {f"schemas/{name}.schema.json": json.dumps(schema, indent=2)
               for name, schema in found.items()}
        out["schemas/index.md"] = self.page("schemas.md.j2", "schemas/index.md",
                                            {"title": "JSON Schemas"}, names=list(found))
        return out

    def module_pages(self, module: ModuleDoc) -> dict[str, str]:
        m = module.meta
        meta = {"title": m.title, "content_type": "module", "key_stage": m.key_stage,
                "languages": m.languages, "themes": m.themes, "licence": m.licence,
                "module": m.title, "description": m.summary}
        out = {module.page: self.page("module.md.j2", module.page, meta, module=module)}
        for session in module.sessions:
            out[session.page] = self.page(
                "session.md.j2", session.page, {**meta, "title": session.meta.title,
                                                "content_type": "session"},
                module=module, session=session)
        for handout in module.handouts.values():
            out[handout.page] = self.page(
                "handout.md.j2", handout.page, {**meta, "title": handout.meta.title,
                                                "content_type": "handout"},
                module=module, handout=handout, used_in=_sessions_using(module, handout))
        return out

    def index_pages(self) -> dict[str, str]:
        out = {"modules/index.md": self.page("modules.md.j2", "modules/index.md",
                                             {"title": "All modules"})}
        out["handbook/index.md"] = self.page("publications.md.j2", "handbook/index.md",
                                             {"title": "Publications"})
        for folder, attribute in INDEXES.items():
            groups = self.catalog.modules_by(attribute)
            list_name = {"key_stage": "key_stages"}.get(attribute, attribute)
            here = f"{folder}/index.md"
            out[here] = self.page("index_of_terms.md.j2", here,
                                  {"title": f"By {_noun(folder)}"},
                                  groups=groups, list_name=list_name, folder=folder)
            for term, modules in groups.items():
                here = f"{folder}/{term.lower()}.md"
                label = self.catalog.vocabulary.label(list_name, term)
                out[here] = self.page("term.md.j2", here, {"title": label},
                                      label=label, modules=modules, term=term)
        return out

    def navigation(self) -> list[dict[str, Any]]:
        """Modules grouped by key stage (core) or strand, then publications and indexes."""
        sections: list[dict[str, Any]] = []
        core = [m for m in self.catalog.published_modules if m.meta.strand == "core"]
        for stage in self.catalog.vocabulary.ids("key_stages"):
            group = [m for m in core if m.meta.key_stage == stage]
            if group:
                label = self.catalog.vocabulary.label("key_stages", stage)
                sections.append({f"{stage} modules" if stage != "KS2-3" else label:
                                 [_module_nav(m) for m in group]})
        for strand in self.catalog.vocabulary.ids("strands")[1:]:
            group = [m for m in self.catalog.published_modules if m.meta.strand == strand]
            if group:
                title = self.catalog.vocabulary.label("strands", strand)
                sections.append({title + "s" if strand == "training" else title:
                                 [_module_nav(m) for m in group]})
        if self.catalog.publications:
            sections.append({"Publications": ["handbook/index.md", *[
                {p.meta.title: [p.page, *[c.page for c in p.chapters]]}
                for p in self.catalog.publications]]})
        sections.append({"Browse": ["modules/index.md", *[f"{f}/index.md" for f in INDEXES]]})
        return sections


def _module_nav(module: ModuleDoc) -> dict[str, list[str]]:
    return {module.meta.title: [module.page, *[s.page for s in module.sessions]]}


def _sessions_using(module: ModuleDoc, handout: Doc) -> list[Doc]:
    return [s for s in module.sessions if handout.slug in s.meta.handouts]


def _noun(folder: str) -> str:
    return {"key-stages": "key stage", "themes": "theme", "languages": "language"}[folder]
