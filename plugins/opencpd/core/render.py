"""Render the Catalog into Markdown pages (src_uri -> text) and a navigation tree."""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
import re
import string
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .attachments import IMAGES, Outputs, human_size, kind_of
from .catalog import VOCABULARY_OF, Catalog, Doc, ModuleDoc
from .feeds import PROGRAMME, feed_uri, feeds
from .kept import KeptDeliveries, compiled_templates
from .model import AgendaItem, Resource
from .placed import hold
from .schema import schemas
from .site_ids import SiteIds
from .svg import safe_svg
from .untrusted import safe_html
from .urls import file_in_folder, href_of_file
from .wellformed import json_document

TEMPLATES = Path(__file__).parent / "templates"
NEWEST = 10  # resources listed on a module page and on the Resources page
PAGE_SIZE = 30  # resources per page of a module's full list: each page under 50 KB
FORM_ROWS = 5  # rows of a blank table form shown on a chapter page; the packs print them all
INDEXES = {"key-stages": "key_stage", "themes": "themes", "languages": "languages"}


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=select_autoescape(["html.j2"], default=False),
        bytecode_cache=compiled_templates("pages"),
    )
    env.filters["clock"] = clock
    env.filters["rel"] = relative_link
    env.filters["href"] = url_href
    env.filters["join_labels"] = lambda ids, catalog, name: ", ".join(
        catalog.vocabulary.label(name, i) for i in ids
    )
    env.filters["date"] = lambda d: f"{d.day} {d:%B %Y}"
    env.filters["md_text"] = markdown_text
    return env


def markdown_text(text: str) -> str:
    """`text` written into Markdown to be shown as it is: its ASCII punctuation as character
    references, which Markdown and its extensions pass through, so that no `<`, `&`, `*`, `[`
    or quote in a site's name is read as HTML, emphasis, a link or a curly quote."""
    return "".join(f"&#{ord(c)};" if c in PUNCTUATION else c for c in text)


PUNCTUATION = frozenset(string.punctuation)


@functools.lru_cache(maxsize=4096)  # the same few times recur across every delivery's agenda
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


def relpath(path: str, start: str) -> str:
    """`posixpath.relpath` of two relative paths within the site, without its trip through the
    working directory (thousands of links a build: it was most of their cost). A path with `..`,
    or an absolute one, goes to `posixpath.relpath` itself."""
    if not path:
        raise ValueError("no path specified")
    to = [part for part in path.split("/") if part not in ("", ".")]
    of = [part for part in start.split("/") if part not in ("", ".")]
    if path[0] == "/" or start[:1] == "/" or ".." in to or ".." in of:
        return posixpath.relpath(path, start)
    same = 0
    for a, b in zip(to, of, strict=False):
        if a != b:
            break
        same += 1
    return "/".join([".."] * (len(of) - same) + to[same:]) or "."


def relative_link(target: str, here: str) -> str:
    """A Markdown link from page `here` to page `target` (both src_uris)."""
    return relpath(target, posixpath.dirname(here) or ".")


def page_url(page: str) -> str:
    """The directory URL of a page's src_uri: modules/x/index.md -> modules/x/."""
    if page.endswith("index.md"):
        return page.removesuffix("index.md")
    return page.removesuffix(".md") + "/"


def url_href(target: str, here: str) -> str:
    """A link for raw HTML from page `here` (src_uri) to a site URL like modules/x/."""
    link = relpath(target or ".", page_url(here) or ".")
    return link + "/" if target.endswith("/") and link != "." else link if link != "." else "./"


# libyaml writes the same text as PyYAML's own emitter, seven times faster: it matters with
# thousands of generated pages.
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def front_matter(meta: dict[str, Any]) -> str:
    text = yaml.dump(meta, Dumper=DUMPER, allow_unicode=True, sort_keys=False)
    return "---\n" + text + "---\n\n"


class Renderer:
    def __init__(
        self,
        catalog: Catalog,
        start_time: str = "16:00",
        site_url: str = "",
        edit_url: str = "",
        packs: dict[str, list[dict[str, Any]]] | None = None,
        slides: dict[str, dict[str, dict[str, Any]]] | None = None,
        shells: bool = False,
        kept: KeptDeliveries | None = None,
        site_name: str = "",
        programme: str = PROGRAMME,
    ):
        self.catalog = catalog
        self.kept = kept  # what earlier builds made of each delivery; None: nothing kept
        # Centres' and deliveries' pages as parts for a shell (core/shells.py), not Markdown
        self.shells = shells
        self.slides = slides or {}  # module id -> session slug -> deck links (adapters/slides)
        self.packs = packs or {}  # owner id -> session pack links (adapters.packs.pack_links)
        self.start_time = start_time
        self.edit_url = edit_url
        self.site_url = site_url.rstrip("/") + "/" if site_url else ""
        # what names the site in feeds' ids and calendars' UIDs without site_url: its
        # repo_url, else its site_name (core/site_ids.py)
        self.site_name = site_name
        self.ids = SiteIds.of(site_url, site_name)
        # the programme's name (the site's site_name): the feeds' and calendars' titles and
        # the credit each page asks for carry it
        self.programme = programme
        self.env = environment()
        from .delivery_pages import DeliveryPages  # it builds on this module

        self.delivery_pages = DeliveryPages(self)
        from .support_pages import SupportPages

        self.support_pages = SupportPages(self)

    def html(self, template: str, here: str, **context: Any) -> str:
        """An autoescaped HTML fragment: how teachers' text reaches a page."""
        return self.env.get_template(template).render(
            catalog=self.catalog, vocab=self.catalog.vocabulary, here=here, **context
        )

    def page(self, template: str, page: str, meta: dict[str, Any], **context: Any) -> str:
        # Generated pages are never macro-rendered: they may quote teachers' text.
        head = front_matter({"render_macros": False, **meta})
        body = self.env.get_template(template).render(
            catalog=self.catalog,
            here=page,
            start=self.start_time,
            vocab=self.catalog.vocabulary,
            order=running_order,
            page_url=page_url,
            programme=self.programme,
            **context,
        )
        return head + body + self.edit_link(context)

    def edit_link(self, context: dict[str, Any]) -> str:
        """'Suggest a change' for pages made from one content file."""
        doc = next(
            (
                context[k]
                for k in ("session", "handout", "chapter", "resource", "module", "publication")
                if k in context
            ),
            None,
        )
        if not self.edit_url or doc is None or "pages" in context:
            return ""
        return f"\n[Suggest a change to this page]({self.edit_url}{doc.source}){{ .edit-link }}\n"

    def pages(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for module in self.catalog.published_modules:
            out.update(self.module_pages(module))
        for publication in self.catalog.publications:
            meta = {
                "title": publication.meta.title,
                "content_type": "publication",
                "licence": publication.meta.licence,
                "description": publication.meta.summary,
            }
            out[publication.page] = self.page(
                "publication.md.j2",
                publication.page,
                meta,
                publication=publication,
                packs=self.packs.get(publication.id, []),
            )
            for chapter in publication.chapters:
                meta = {
                    **meta,
                    "title": chapter.meta.title,
                    "content_type": "chapter",
                    "description": chapter.meta.summary,
                }
                out[chapter.page] = self.page(
                    "chapter.md.j2",
                    chapter.page,
                    meta,
                    publication=publication,
                    chapter=chapter,
                    packs=self.packs.get(publication.id, []),
                    form_rows=FORM_ROWS,
                )
        out.update(self.index_pages())
        out.update(self.delivery_pages.all())  # centres, deliveries, calendars
        out.update(self.support_pages.all())  # school-to-school support
        out.update(self.schema_files())
        out.update(feeds(self.catalog, self.site_url, self.site_name, self.programme))
        return out

    def schema_files(self) -> dict[str, str]:
        """The JSON Schema of each content type, and a page listing them."""
        found = schemas(self.catalog.vocabulary)
        out = {
            f"schemas/{name}.schema.json": json_document(schema) for name, schema in found.items()
        }
        out["schemas/index.md"] = self.page(
            "schemas.md.j2", "schemas/index.md", {"title": "JSON Schemas"}, names=list(found)
        )
        return out

    def module_pages(self, module: ModuleDoc) -> dict[str, str]:
        m = module.meta
        meta = {
            "title": m.title,
            "content_type": "module",
            "key_stage": m.key_stage,
            "languages": m.languages,
            "themes": m.themes,
            "licence": m.licence,
            "module": m.title,
            "description": m.summary,
            "feed": feed_uri(module),
        }
        resources_html = self.resource_list(
            module.page, [(module, r) for r in module.resources[:NEWEST]]
        )
        out = {
            module.page: self.page(
                "module.md.j2",
                module.page,
                meta,
                module=module,
                next_deliveries=self.delivery_pages.next_on_module(module, module.page),
                support_offers=self.support_pages.on_module(module, module.page),
                resources_html=resources_html,
                all_resources=f"resources/{module.id}/index.md",
                packs=self.packs.get(module.id, []),
                slides=self.slides.get(module.id, {}),
            )
        }
        for resource in module.resources:
            out[resource.page] = self.resource_page(module, resource)
        for session in module.sessions:
            out[session.page] = self.page(
                "session.md.j2",
                session.page,
                {**meta, "title": session.meta.title, "content_type": "session"},
                module=module,
                session=session,
                slides=self.slides.get(module.id, {}).get(session.slug),
            )
        for handout in module.handouts.values():
            out[handout.page] = self.page(
                "handout.md.j2",
                handout.page,
                {**meta, "title": handout.meta.title, "content_type": "handout"},
                module=module,
                handout=handout,
                used_in=_sessions_using(module, handout),
            )
        return out

    def resource_page(self, module: ModuleDoc, resource: Doc[Resource]) -> str:
        r = resource.meta
        folder = self.catalog.root / resource.source.rsplit("/", 1)[0]
        # Only what a browser reads as a file of this folder is linked (urls.file_in_folder)
        attachments = [
            {
                "href": href_of_file(inside),
                "title": a.title,
                "alt": a.alt,
                "kind": kind_of(inside),
                "image": inside.rsplit(".", 1)[-1].lower() in IMAGES,
                "size": human_size((folder / inside).stat().st_size)
                if (folder / inside).is_file()
                else "missing",
            }
            for a in r.files
            if (inside := file_in_folder(a.path)) is not None
        ]
        licence = self.catalog.vocabulary.term("licences", r.licence)
        credit = r.contributor.name + (f", {r.contributor.school}" if r.contributor.school else "")
        attribution = (
            f"“{r.title}” by {credit}, shared on {self.programme} "
            f"({self.site_url}{resource.url}), licensed under "
            f"{licence.label if licence else r.licence}"
            f"{f' ({licence.url})' if licence and licence.url else ''}."
        )
        meta = {
            "title": r.shown_title,
            "content_type": "resource",
            "key_stage": r.key_stage,
            "languages": r.languages,
            "themes": r.themes,
            "licence": r.licence,
            "resource_type": r.type,
            "module": module.meta.title,
            "description": r.shown_summary,
            "status": r.status,
            "feed": feed_uri(module),
        }
        html = self.html(
            "resource.html.j2",
            resource.page,
            resource=resource,
            module=module,
            edit_url=self.edit_url + resource.source if self.edit_url else "",
            module_link=relative_link(module.page, resource.page).removesuffix("index.md"),
            attachments=attachments,
            licence=licence or {"label": r.licence},
            attribution=attribution,
            body_html=safe_html(resource.body, pictures=True),
        )
        return front_matter({"render_macros": False, **meta}) + hold(html)

    def attachments(self) -> dict[str, Path | str]:
        """Published attachments: src_uri -> file to copy, or sanitised text for SVG."""
        out: dict[str, Path | str] = {}
        for _, resource in self.catalog.resources:
            folder = self.catalog.root / resource.source.rsplit("/", 1)[0]
            base = resource.page.removesuffix("index.md")
            outputs = Outputs()
            for a in resource.meta.files:
                path = folder / a.path
                # Never copy what the checks refused as they loaded the resource (a link, a
                # program, a file too large or that acts when opened, the page itself) or a
                # second file under a name already taken, even when a non-strict build goes on
                # despite the finding. They read each file whole: not again here, every build.
                if a.path in resource.refused or outputs.claim(a.path):
                    continue
                out[base + posixpath.normpath(a.path)] = (
                    safe_svg(path.read_bytes()) if a.path.lower().endswith(".svg") else path
                )
        return out

    def resource_list(self, here: str, items: list, show_module: bool = False) -> str:
        """The list as Markdown that holds its HTML: it quotes teachers' titles and summaries."""
        return hold(self.html("resource_list.html.j2", here, items=items, show_module=show_module))

    def resource_index_pages(self) -> dict[str, str]:
        """The Resources page (newest, and counts per module) and, per module, every
        resource in pages of PAGE_SIZE, so that no page grows with the number of resources."""
        newest = sorted(
            self.catalog.resources,
            key=lambda mr: (not mr[1].meta.example, mr[1].meta.submitted, mr[1].slug),
            reverse=True,
        )
        here = "resources/index.md"
        out = {
            here: self.page(
                "resources.md.j2",
                here,
                {
                    "title": "Teachers' resources",
                    "description": "Resources for teaching languages at KS2 and KS3, each "
                    "checked by a moderator and free to reuse under the licence on its page.",
                },
                resources_html=self.resource_list(here, newest[:NEWEST], True),
            )
        }
        for module in self.catalog.published_modules:
            chunks = [
                module.resources[i : i + PAGE_SIZE]
                for i in range(0, len(module.resources), PAGE_SIZE)
            ] or [[]]
            pages = [
                f"resources/{module.id}/{'index' if n == 1 else n}.md"
                for n in range(1, len(chunks) + 1)
            ]
            for number, (page, chunk) in enumerate(zip(pages, chunks, strict=True), 1):
                title = f"Resources for {module.meta.title}"
                out[page] = self.page(
                    "module_resources.md.j2",
                    page,
                    {
                        "title": title if number == 1 else f"{title} (page {number})",
                        "content_type": "listing",
                        "feed": feed_uri(module),
                        "description": f"Every resource for the module {module.meta.title}, "
                        "newest first.",
                    },
                    module=module,
                    number=number,
                    pages=pages,
                    resources_html=self.resource_list(page, [(module, r) for r in chunk]),
                )
        return out

    def index_pages(self) -> dict[str, str]:
        out = {
            "modules/index.md": self.page(
                "modules.md.j2",
                "modules/index.md",
                {"title": "All modules", "description": _listing(self.catalog.published_modules)},
            )
        }
        out.update(self.resource_index_pages())
        out["handbook/index.md"] = self.page(
            "publications.md.j2", "handbook/index.md", {"title": "Publications"}
        )
        for folder, attribute in INDEXES.items():
            groups = self.catalog.modules_by(attribute)
            list_name = VOCABULARY_OF[attribute]
            here = f"{folder}/index.md"
            out[here] = self.page(
                "index_of_terms.md.j2",
                here,
                {
                    "title": f"By {_noun(folder)}",
                    "description": f"The modules listed by {_noun(folder)}.",
                },
                noun=_noun(folder),
                groups=groups,
                list_name=list_name,
                folder=folder,
            )
            for term, modules in groups.items():
                here = f"{folder}/{term.lower()}.md"
                label = self.catalog.vocabulary.label(list_name, term)
                out[here] = self.page(
                    "term.md.j2",
                    here,
                    {"title": label, "description": _listing(modules)},
                    label=label,
                    modules=modules,
                    term=term,
                )
        return out

    def module_groups(self) -> list[tuple[str, list[ModuleDoc]]]:
        """Published modules as readers look for them: the core modules by key stage, then
        each other strand (training modules, peer mentoring), in vocabulary order."""
        groups: list[tuple[str, list[ModuleDoc]]] = []
        core = [m for m in self.catalog.published_modules if m.meta.strand == "core"]
        for stage in self.catalog.vocabulary.ids("key_stages"):
            group = [m for m in core if m.meta.key_stage == stage]
            if group:
                # "KS2 modules" reads best for a single key stage; others keep their label.
                label = (
                    f"{stage} modules"
                    if re.fullmatch(r"KS\d", stage)
                    else self.catalog.vocabulary.label("key_stages", stage)
                )
                groups.append((label, group))
        for strand in self.catalog.vocabulary.ids("strands")[1:]:
            group = [m for m in self.catalog.published_modules if m.meta.strand == strand]
            if group:
                groups.append((self.catalog.vocabulary.label("strands", strand), group))
        return groups

    def home(self, here: str) -> str:
        """The home page's ways in: every module, publication, search, browse and sharing."""
        return self.env.get_template("home.md.j2").render(
            catalog=self.catalog,
            vocab=self.catalog.vocabulary,
            here=here,
            groups=self.module_groups(),
            figures=self.catalog.figures(),
        )

    def navigation(self) -> list[dict[str, Any]]:
        """Modules grouped by key stage (core) or strand, then publications and indexes."""
        sections: list[dict[str, Any]] = [
            {label: [_module_nav(m) for m in group]} for label, group in self.module_groups()
        ]
        if self.catalog.publications:
            sections.append(
                {
                    "Publications": [
                        "handbook/index.md",
                        *[
                            {p.meta.title: [p.page, *[c.page for c in p.chapters]]}
                            for p in self.catalog.publications
                        ],
                    ]
                }
            )
        sections.append(
            {
                "Browse": [
                    "modules/index.md",
                    "resources/index.md",
                    *[f"{f}/index.md" for f in INDEXES],
                ]
            }
        )
        from .delivery_pages import delivery_navigation
        from .support_pages import support_navigation

        return sections + delivery_navigation(self.catalog) + support_navigation(self.catalog)


def _module_nav(module: ModuleDoc) -> dict[str, list[str]]:
    return {module.meta.title: [module.page, *[s.page for s in module.sessions]]}


def _sessions_using(module: ModuleDoc, handout: Doc) -> list[Doc]:
    return [s for s in module.sessions if handout.slug in s.meta.handouts]


def _listing(modules: list[ModuleDoc]) -> str:
    """A listing page's description: what a search result shows for it."""
    titles = [m.meta.title for m in modules]
    return f"{len(titles)} module{'s' if len(titles) != 1 else ''}: " + "; ".join(titles) + "."


def _noun(folder: str) -> str:
    return {"key-stages": "key stage", "themes": "theme", "languages": "language"}[folder]
