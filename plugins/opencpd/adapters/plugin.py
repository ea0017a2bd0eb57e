"""The MkDocs plugin: load the Catalog once, add its pages, log its findings."""

from __future__ import annotations

import contextlib
import functools
import json
from collections import ChainMap
from collections.abc import Callable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation

from ..core.catalog import Catalog
from ..core.compact import compact
from ..core.csp import with_policy
from ..core.delivery_pages import DeliveryPages
from ..core.export import export
from ..core.hand_written import page_findings, readable, refused_in_docs
from ..core.kept import KeptDeliveries, compiled_templates
from ..core.load import LoadSettings
from ..core.macro_errors import Failures, failed_finding
from ..core.macro_syntax import macro_finding
from ..core.metadata import Metadata, delivery_json_ld
from ..core.packs import PackJob
from ..core.packs import findings as pack_findings
from ..core.placed import place
from ..core.recycled import Made, Recycled, keep_made, recall_made
from ..core.render import Renderer
from ..core.slides import DeckJob
from ..core.support import blocks_build
from ..core.theme_markup import valid_theme_markup
from ..core.untrusted import keep_rendered, recall_rendered
from ..core.vocabulary import VocabularyError, load_vocabulary
from ..core.wellformed import json_document
from .config_lines import read_at_lines, setting_at
from .filled import FilledPages, WrittenFile
from .forked import Helper
from .links import report_broken_links
from .options import OpenCPDConfig
from .packaged import ASSETS, THEME, add_assets, add_pages, add_to_config
from .packs import (
    cache_dir,
    make_packs,
    pack_links,
    pack_options,
    warn_placeholder,
)
from .reading import load_meanwhile
from .served import Served
from .serving import Rebuilds
from .slides import (
    SERVE_DECKS,
    deck_files,
    deck_links,
    deck_options,
    make_decks,
    published_site_url,
)
from .slides import cache_dir as slides_cache
from .startup import (
    SiteNames,
    content_paths,
    kept_settings,
    log_findings,
    macros_environment,
    project,
    refuse_to_start,
    site_names,
)

log = get_plugin_logger(__name__)
# Kept for the next build, beside mkdocs.yml: teachers' texts rendered to safe HTML, and the
# resources as loaded (a resource whose folder is unchanged is not read and checked again).
RENDERED = Path(".cache") / "rendered.json"
KEPT = Path(".cache") / "resources.json"
KEPT_DELIVERIES = Path(".cache") / "deliveries.json"  # what was made of each delivery
SITE_FILES = Path(".cache") / "site-files.json"  # what the files the plugin wrote were made of


class OpenCPDPlugin(BasePlugin[OpenCPDConfig]):
    catalog: Catalog
    pages: dict[str, str]
    attachments: dict[str, Path | str]
    packs: list[PackJob]
    decks: list[DeckJob]
    json_ld: Mapping[str, dict[str, Any]]
    kept: KeptDeliveries

    serving = False
    spare: Path | None = None  # the site the last build replaced (`opencpd build`, site.py)
    recycled: Recycled
    made: Path | None = None  # where what the files it wrote were made of is recorded
    shells = True  # centres' and deliveries' pages filled into a shell (`opencpd render`: not)
    filled: FilledPages
    shown: DeliveryPages  # the centres', deliveries' and calendar's pages and files
    filling: Helper | None = None  # the forked copy filling them, on two CPUs
    nav: Navigation | None = None
    files: Files | None = None
    untrusted: dict[str, list[str]]  # page -> the fragments of it made from teachers' text
    rebuilds: Rebuilds | None = None  # serving with dirty builds: build only what changed
    served: Served | None = None  # serving: the packs and zips a build publishes
    macros_env: Any = None  # how mkdocs-macros reads a page (None: no such plugin)
    macro_failures: Failures  # what fails as mkdocs-macros renders a page (core/macro_errors.py)
    as_written: tuple[str, str | None, str, int]  # that page's text, title, path and first line

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        self.rebuilds = Rebuilds() if self.serving and dirty else None
        self.served = Served() if self.serving else None

    def on_shutdown(self) -> None:
        if self.rebuilds:
            self.rebuilds.close()
        if self.served:
            self.served.close()

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        refused = refused_in_docs(project(config), Path(config.docs_dir))
        if refused:  # before MkDocs lists docs/, following links and opening pipes
            for finding in refused:
                log.warning(str(finding))
            raise Abort(f"Aborted with {len(refused)} warnings in strict mode!")
        macros = config.plugins.get("macros")
        if macros is not None:  # its environment is made afresh by its on_config
            self.macro_failures.guard(macros.env)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.filled_written()
        if self.made:
            keep_made(self.made, self.recycled)
        if self.served:
            if not self.config.preview_pending:  # a preview is never searchable (search.py)
                self.served.search.after_build(Path(config.site_dir))
            self.served.offline_copies(Path(config.site_dir), self.catalog)
        if self.rebuilds:
            self.rebuilds.built()

    def filled_written(self) -> None:
        """Wait for the copy filling pages into shells, if one runs: its failure fails the
        build."""
        filling, self.filling = self.filling, None
        if filling:  # with what it recorded of the pages it wrote
            made, groups = filling.result() or ({}, {})
            self.recycled.made.update(made)
            self.recycled.groups.update(groups)

    def stop_filling(self) -> None:
        """Stop the copy filling pages, if it still runs (the build failed or was
        interrupted)."""
        if self.filling:
            self.filling.kill()
        self.filling = None

    def on_build_error(self, *, error: Exception) -> None:
        self.stop_filling()
        if self.rebuilds:
            self.rebuilds.failed()

    def site_url(self, config: MkDocsConfig) -> str:
        """The address the site is published at, also while serving (whose `site_url` is the
        server's): what the site says of itself (calendars' event ids, feeds, JSON-LD, packs'
        links) is what `opencpd build` publishes."""
        return published_site_url(config) if self.serving else config.site_url or ""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        read_at_lines(config.config_file_path)  # the nav's pages, checked as it is built
        refuse_to_start(config)  # startup.py
        self.start_recycling(config)
        add_to_config(config)  # theme overrides, scripts, extensions (packaged.py)
        self.macros_env = macros_environment(config)
        self.macro_failures = Failures()
        self.root, extra = content_paths(config, self.config)
        self.read_catalog(config, self.root, extra)
        log_findings(self.catalog)
        report_broken_links(self.catalog, project(config), Path(config.docs_dir))
        names = site_names(config, self.site_url(config))
        kept = None if self.serving else project(config) / KEPT_DELIVERIES
        settings = kept_settings(names, self.config, self.shells)
        self.kept = KeptDeliveries(kept, self.catalog.vocabulary, settings)
        self.packs = self.session_packs(config)
        renderer = self.renderer(names)
        self.render(config, renderer, names)
        config.nav = merge_nav(config.nav, renderer.navigation())
        if self.rebuilds:
            self.rebuilds.plan(config, [*self.pages, *self.attachments, *self.filled.parts])
        return config

    def start_recycling(self, config: MkDocsConfig) -> None:
        """What the last build made, to be reused where nothing it was made of changed."""
        self.untrusted = {}
        self.made = None if self.serving else project(config) / SITE_FILES
        self.recycled = Recycled(
            Path(config.site_dir),
            None if self.serving else self.spare,
            recall_made(self.made) if self.made else [],
        )

    def read_catalog(self, config: MkDocsConfig, root: Path, extra: Path | None) -> None:
        """The Catalog and the slide decks: while serving, only what changed is read again."""
        if not self.rebuilds:
            self.load(config, root, extra)
            return
        self.catalog = self.rebuilds.catalog(
            config,
            root,
            extra,
            self.config.preview_pending,
            self.config.max_attachment_mb * 1024 * 1024,
        )
        self.decks = self.slide_decks(config)

    def renderer(self, names: SiteNames) -> Renderer:
        """The Catalog's renderer (serving: the one that renders only what changed)."""
        make = self.rebuilds.renderer if self.rebuilds else Renderer
        return make(
            self.catalog,
            self.config.start_time,
            names.url,
            self.config.edit_url,
            packs=pack_links(self.packs),
            slides=deck_links(self.decks),
            shells=self.shells,
            kept=self.kept,
            site_name=names.name,
            programme=names.programme,
        )

    def render(self, config: MkDocsConfig, renderer: Renderer, names: SiteNames) -> None:
        """The programme's pages, files and what the site says of them, teachers' texts
        rendered by the last build reused (untrusted.py)."""
        rendered = project(config) / RENDERED
        if not self.serving:  # serving keeps them in memory, for the modules it renders
            recall_rendered(rendered)
        self.pages = renderer.pages()
        self.kept.save()
        shown = renderer.delivery_pages
        # all the filled pages show: what they are made of but for their shells (filled.py)
        made_of = f"{self.kept.version} {shown.whole_key}" if shown.shelled else ""
        self.filled = FilledPages(shown.shelled, shown.after, made_of, shown.apart)
        self.shown = shown
        if not self.serving:
            keep_rendered(rendered)
        self.pages["catalog.json"] = json_document(export(self.catalog, names.url), indent=1)
        self.json_ld = ChainMap(  # the deliveries' worked out when asked for
            Metadata(self.catalog, names.url, names.programme).all(),
            delivery_json_ld(self.catalog, names.url),
        )
        self.attachments = renderer.attachments()

    def load(self, config: MkDocsConfig, root: Path, extra: Path | None) -> None:
        """The Catalog, and the slide decks made from it before its centres and deliveries are
        added: on two CPUs a forked copy reads those meanwhile (reading.py)."""
        try:
            vocabulary = load_vocabulary(extra, root)
        except VocabularyError as exc:  # the programme's own file, with its line
            raise PluginError(str(exc)) from None
        settings = LoadSettings(
            root,
            vocabulary,
            self.config.preview_pending,
            self.config.max_attachment_mb * 1024 * 1024,
            None if self.serving else project(config) / KEPT,
        )

        def decks(catalog: Catalog) -> None:  # they show no centre or delivery
            self.catalog = catalog
            self.decks = self.slide_decks(config)

        self.catalog = load_meanwhile(settings, "opencpd-two-cpus" in config.plugins, decks)

    def session_packs(self, config: MkDocsConfig) -> list[PackJob]:
        """Packs from the cache; made first when the `packs` option is on (`opencpd build`), or
        in the background while serving. Made for the published address, not the served one."""
        site_url = self.site_url(config)
        options = pack_options(config, self.config.start_time, site_url)
        options.decks = deck_links(self.decks)  # the facilitator edition links them
        warn_placeholder(site_url, at=setting_at(config.config_file_path, "site_url", True))
        for finding in pack_findings(self.catalog, options):
            log.warning(str(finding))
        if self.served:
            jobs = self.served.session_packs(self.catalog, options, cache_dir(config))
        else:
            make = self.config.packs and not self.stopping(config)
            jobs = make_packs(self.catalog, options, cache_dir(config), make)
            self.say_unmade(config, jobs, "session packs")
        for job in jobs:
            if job.error:
                log.warning(str(job.error))
        return jobs

    def stopping(self, config: MkDocsConfig) -> bool:
        """Whether this strict build will stop on a finding already logged: it then makes no
        missing pack or deck (about 30 s for all of them), so that the teacher hears at once
        what to fix; the cache keeps those it has for the build that passes."""
        return bool(config.strict and any(blocks_build(f) for f in self.catalog.findings))

    def say_unmade(self, config: MkDocsConfig, jobs: list[Any], what: str) -> None:
        missing = sum(job.status == "missing" for job in jobs)
        if missing and self.config.packs and self.stopping(config):
            log.info(
                f"{missing} {what} not made: this build fails on the content problems it"
                " reports; they are made once it passes."
            )

    def slide_decks(self, config: MkDocsConfig) -> list[DeckJob]:
        """Decks from the cache; made first when the `packs` option is on (`opencpd build`)."""
        from ..core.slides import findings as slide_findings

        site_url = self.site_url(config)
        options = deck_options(config, self.config.start_time, self.config.evaluation_url, site_url)
        found = slide_findings(self.catalog, options)
        for finding in found:
            log.warning(str(finding))
        jobs = make_decks(  # serving: an edited session's deck is made again at once
            self.catalog,
            options,
            slides_cache(config),
            self.config.packs and not self.stopping(config),
            at_most=SERVE_DECKS if self.serving else 0,
            later=self.served.later_decks(self.catalog, options, slides_cache(config))
            if self.served
            else None,
        )
        for job in jobs:
            if job.error and job.error not in found:  # a refused deck's finding is said above
                log.warning(str(job.error))
        self.say_unmade(config, jobs, "slide decks")
        return jobs

    def read_hand_written(self, files: Files, config: MkDocsConfig) -> None:
        """A hand-written page that is not UTF-8, or whose front matter cannot be read, is a
        finding at its line (core/hand_written.py); the first is built with its unreadable
        bytes shown as \ufffd, where MkDocs would stop on it (a preview goes on serving)."""
        docs = Path(config.docs_dir).resolve()
        for file in files.documentation_pages():
            if not file.abs_src_path or not Path(file.abs_src_path).is_relative_to(docs):
                continue
            try:
                raw = file.content_bytes
            except OSError:
                continue  # MkDocs says so when it reads the page
            name = Path(file.abs_src_path).relative_to(project(config)).as_posix()
            for finding in page_findings(name, raw):
                log.warning(str(finding))
            if not readable(raw):
                file.content_string = raw.decode("utf-8", errors="replace")

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self.read_hand_written(files, config)
        joined = add_assets(files, config)  # our stylesheets and scripts, one file of each
        if self.rebuilds:
            self.rebuilds.link_joined(config, joined)
        add_pages(files, config)
        ours = self.filled.folders()  # the folders it writes itself: taken from the spare
        ours.update(uri.split("/", 1)[0] for uri in self.pages if "/" in uri and is_file(uri))
        for folder in sorted(ours):
            self.recycled.take(folder)
        for uri, content in self.pages.items():
            files.append(self.generated(config, uri, content))
        for uri, source in self.attachments.items():
            files.append(attachment_file(config, uri, source, self.generated))
        for job in self.packs:
            if job.result:
                files.append(
                    File.generated(
                        config, f"packs/{job.pack.filename}", abs_src_path=str(job.result.path)
                    )
                )
        for file in deck_files(config, self.decks):
            files.append(file)
        return files

    def generated(self, config: MkDocsConfig, uri: str, text: str) -> File:
        if self.rebuilds:  # its JSON-LD goes into its HTML too: a change to it rebuilds it
            return self.rebuilds.file(config, uri, text, json.dumps(self.json_ld.get(uri)))
        if is_file(uri):  # not a page: written by the plugin, kept if unchanged
            file = WrittenFile.generated(config, uri, content=text)
            file.recycled = self.recycled
            return file
        return File.generated(config, uri, content=text)

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        if self.rebuilds:
            self.rebuilds.keep_titles(nav, config)
        return nav

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Every page's title and description escaped once, before any template prints them:
        the theme prints them as they are, and a title shows in other pages' navigation too.
        The theme's templates are compiled once and kept, as the core's are (kept.py)."""
        theme = f"theme {config.theme.name} {installed(config.theme.name)} {config.theme.dirs}"
        env.bytecode_cache = env.bytecode_cache or compiled_templates(theme)
        for file in files.documentation_pages():
            if file.page is not None:
                escape_for_theme(file.page.meta)
        self.files = files
        self.write_own_files(config, files, env)
        return env

    def write_own_files(self, config: MkDocsConfig, files: Files, env: Any) -> None:
        """The files the plugin writes itself (iCalendar files, feeds, the filled pages), and
        what the folders taken from the spare held that this build does not write (swept).
        On two CPUs a forked copy does it while this build writes the rest (after an earlier
        build, at 300 deliveries, the iCalendar files written here were a tenth of a second of
        the build)."""
        site = {f.dest_uri for f in files if f.inclusion.is_included()}
        own: list[WrittenFile] = []
        for file in files:
            if (
                isinstance(file, WrittenFile)
                and file._content is not None
                and file.inclusion.is_included()
            ):
                own.append(file)
            else:  # a file MkDocs writes into a taken folder: never through a link
                self.recycled.clear_way(file.dest_uri)
        if self.filled:  # every other page's Markdown is HTML: the navigation is complete
            self.filled.prepare(config, files, self.nav, env)
            site |= self.filled.dest_uris()
        self.delivery_files(own)
        nav, recycled = self.nav, self.recycled

        if not recycled.taken:  # no spare (a first build): every page and file is made
            # MkDocs writes the files beside the copy filling the pages (at 3,000 deliveries,
            # what the build waits for), and the texts kept apart are read once, for both
            if self.shown.unread:
                self.shown.apart()
            own = []

        def write() -> tuple[Made, dict[str, str]]:
            recycled.walk_taken()
            for file in own:
                file.write()
            if self.filled:
                self.filled.make(config, files, nav, env, self.json_ld_element, recycled)
            if recycled.taken:
                recycled.sweep(site)
            return recycled.made, recycled.groups

        for file in own:
            file.deferred = True
        if self.filled and "opencpd-two-cpus" in config.plugins:  # `opencpd build`, two CPUs
            # A copy fills and writes them while this build and its other helper write
            # the rest: they were a pause before either began (forked before that helper
            # and Pagefind start, so it inherits neither).
            self.filling = Helper.start(write)
        else:
            write()

    def delivery_files(self, own: list[WrittenFile]) -> None:
        """The iCalendar files and the feed of the deliveries: when an earlier build wrote them
        from the same deliveries, centres, modules and code, each is recorded as it was made
        then, and its text is not read unless it is missing from the site (at 3,000
        deliveries, 7 MB of text to read and hash)."""
        shown = self.shown
        if not shown.files:
            return
        earlier = self.recycled.recorded("delivery files", f"{self.kept.version} {shown.whole_key}")
        files = set(shown.files)
        for file in own:
            if file.src_uri in files:
                file.earlier = earlier.get(file.dest_uri)
                if file.src_uri in shown.unread:
                    file.text = functools.partial(shown.text, file.src_uri)

    def json_ld_element(self, uri: str) -> str:
        data = self.json_ld.get(uri)
        return f'<script type="application/ld+json">{json_in_html(data)}</script>\n' if data else ""

    @event_priority(50)  # before mkdocs-macros, which ends the process on what it cannot read
    def macros_read(self, markdown: str, *, page: Any, config: MkDocsConfig, files: Files) -> str:
        """A page the macros would render, whose macros cannot be read, is a finding at its
        line (core/macro_syntax.py) and is shown as written. One they can read is kept as
        written, for `macros_ran`."""
        if page.meta.get("render_macros") is False or self.macros_env is None:
            return markdown
        file, name, raw = page.file, page.file.src_uri, page.file.content_string
        if file.abs_src_path and Path(file.abs_src_path).is_relative_to(project(config)):
            name = Path(file.abs_src_path).relative_to(project(config)).as_posix()
        at = raw.find(markdown) if markdown else -1  # the body starts below its front matter
        first = raw.count("\n", 0, at) + 1 if at > 0 else 1
        finding = macro_finding(name, markdown, first, self.macros_env)
        if finding:
            log.warning(str(finding))
            page.meta["render_macros"] = False
        else:
            self.as_written = (markdown, page.title, name, first)
            self.macro_failures.start()
        return markdown

    @event_priority(-50)  # after mkdocs-macros
    def macros_ran(self, markdown: str, *, page: Any, config: MkDocsConfig, files: Files) -> str:
        """A page whose macros failed as they ran (core/macro_errors.py) is a finding at the
        line of the first that failed, and is shown as written."""
        failed = self.macro_failures.stop()
        if not failed:
            return markdown
        written, title, name, first = self.as_written
        macros = config.plugins["macros"].macros
        log.warning(str(failed_finding(name, first, failed[0], macros)))
        page.title = title
        return written

    on_page_markdown = CombinedEvent(macros_read, macros_ran)

    @event_priority(-100)  # the last step on a page's HTML: nothing reads it again after this
    def on_page_content(self, html: str, *, page: Any, config: MkDocsConfig, files: Files) -> str:
        """Put the sanitised fragments that generated pages hold (core/placed.py) in place."""
        html, untrusted = place(html)
        if untrusted:
            self.untrusted[page.file.src_uri] = untrusted
        return html

    def on_post_page(self, output: str, *, page: Any, config: MkDocsConfig) -> str:
        output = compact(valid_theme_markup(british(output)))
        untrusted = self.untrusted.pop(page.file.src_uri, [])
        if self.filled.keep(page.file.src_uri, output):  # a shell: kept, not written
            return ""
        element = self.json_ld_element(page.file.src_uri)
        if element:
            output = output.replace("</head>", f"{element}</head>", 1)
        return with_policy(output, untrusted)

    def on_post_template(
        self, output_content: str, *, template_name: str, config: MkDocsConfig
    ) -> str:
        # 404.html is a theme template, not a page
        output = with_policy(compact(valid_theme_markup(british(output_content))), [])
        if template_name == "sitemap.xml" and self.filled and self.files is not None:
            output = self.filled.sitemap(output, self.files)
        return output

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.served:
            self.served.watch(server)
        for folder in ("modules", "handbook", "centres", "deliveries", "support"):
            if (self.root / folder).is_dir():
                server.watch(str(self.root / folder))
        for shipped in (THEME, ASSETS):  # the package's theme and assets, edited here or not
            if shipped.is_dir():
                server.watch(str(shipped))
        return server


def is_file(uri: str) -> bool:
    """Whether a generated source is a file of the site as it is, not a page."""
    return not uri.endswith(".md")


def installed(theme: str) -> str:
    """The versions of the engine and the theme that make the theme's environment."""
    versions = []
    for name in ("mkdocs", "properdocs", f"mkdocs-{theme}"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append(f"{name} {metadata.version(name)}")
    return ", ".join(versions)


def json_in_html(data: Any) -> str:
    """JSON that cannot end or confuse the <script> element holding it."""
    text = json_document(data, indent=None)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def british(html: str) -> str:
    """The site is written in British English (WCAG 3.1.1); Material only knows "en"."""
    return html.replace('<html lang="en"', '<html lang="en-GB"', 1)


# What the theme prints as it is (MkDocs' templates do not escape): a page's title (in its
# <title>, its heading, other pages' navigation) and its description (a <meta> attribute).
PRINTED_AS_IS = ("title", "description")


def escape_for_theme(meta: dict[str, Any]) -> dict[str, Any]:
    """`meta` (changed in place, and returned) with the fields the theme prints as they are
    escaped: a contributor's quote in a summary would otherwise end the description's
    attribute and add its own (`http-equiv="refresh"`)."""
    for name in PRINTED_AS_IS:
        if isinstance(meta.get(name), str):
            meta[name] = escape(meta[name])
    return meta


def attachment_file(
    config: MkDocsConfig,
    uri: str,
    source: Path | str,
    generated: Callable[[MkDocsConfig, str, str], File],
) -> File:
    """A teacher's attachment copied as it is; a Markdown attachment is never made a page."""
    src_uri = uri + ".txt" if uri.endswith(".md") else uri
    if isinstance(source, str):
        file = generated(config, src_uri, source)
    else:
        file = File.generated(config, src_uri, abs_src_path=str(source))
    file.dest_uri = uri
    return file


def merge_nav(configured: list | None, generated: list) -> list:
    """Hand-written pages from mkdocs.yml, with the Catalog's sections after the first one."""
    configured = list(configured or [])
    return configured[:1] + generated + configured[1:]
