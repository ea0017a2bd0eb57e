"""While `opencpd serve` runs: after an edit, build again only what the edit changed.

`opencpd serve` asks MkDocs for dirty builds, which render a page only when its source is newer
than its HTML. Each generated page is therefore a file in a cache folder, rewritten only when its
text changes: an edit to a resource renders that resource's page and the lists, feeds and
catalog that show it, and nothing else. The Catalog is kept from build to build, and only the
modules whose resources changed are read again. Any other change (a module, session, handout or
publication, mkdocs.yml, the theme, the vocabulary, a page added or removed, a new heading on a
hand-written page, which names it in the navigation) builds every page again, as MkDocs would.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File
from mkdocs.structure.nav import Navigation
from mkdocs.utils import clean_directory
from mkdocs.utils.meta import get_data

from ..core.catalog import Catalog, ModuleDoc
from ..core.load import check_references, load_catalog
from ..core.loader import Loader
from ..core.modules import load_module
from ..core.render import Renderer, environment
from ..core.vocabulary import load_vocabulary
from .packaged import ASSETS, THEME

log = get_plugin_logger(__name__)
State = dict[str, tuple[int, int]]  # file -> (modification time in ns, size)


def snapshot(paths: list[str]) -> State:
    """Every file under the folders (and each file) named, with its time and size."""
    found = [p for p in paths if os.path.isfile(p)]
    for folder in paths:
        found += [os.path.join(top, name) for top, _, names in os.walk(folder) for name in names]
    out = {}
    for path in found:
        stat = os.stat(path)
        out[path] = (stat.st_mtime_ns, stat.st_size)
    return out


@dataclass
class Changes:
    modules: set[str] = field(default_factory=set)  # module folders whose resources changed
    everything: str = ""  # why everything must be loaded and built again, if it must


def classify(before: State, after: State, modules: str, docs: str, theme: str | None) -> Changes:
    """What the changed files ask for. A changed resource needs its module read again; an edited
    hand-written page or asset needs nothing here (MkDocs builds it by its time); anything else,
    or a file added to or removed from docs/, needs everything loaded and built again."""
    changes = Changes()
    for path in sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p)):
        parts = os.path.relpath(path, modules).split(os.sep)
        if len(parts) >= 4 and parts[1] == "resources" and parts[0] != "..":
            changes.modules.add(parts[0])
        elif not (
            path.startswith(docs + os.sep)
            and path in before
            and path in after
            and not (theme and path.startswith(theme + os.sep))
        ):
            changes.everything = changes.everything or f"{path} changed"
    return changes


def reload_modules(
    catalog: Catalog, folders: set[str], include_pending: bool, max_attachment_bytes: int
) -> Catalog | None:
    """The Catalog with the modules in `folders` read again and everything else kept; None when
    one of them is not in it (then load it all)."""
    loaded = {m.source.split("/")[1]: m for m in catalog.modules}
    if not folders <= loaded.keys():
        return None
    loader = Loader(catalog.root, catalog.vocabulary, include_pending, max_attachment_bytes)
    fresh = Catalog(
        catalog.root,
        catalog.vocabulary,
        publications=catalog.publications,
        centres=catalog.centres,
        deliveries=catalog.deliveries,
        today=catalog.today,
        offers=catalog.offers,
        support=catalog.support,
    )
    for folder, module in loaded.items():
        if folder in folders:
            module = load_module(loader, catalog.root / "modules" / folder)  # type: ignore[assignment]
            if module is None:
                return None
        fresh.modules.append(module)
    check_references(loader, fresh)
    stale = tuple(f"modules/{folder}/" for folder in folders)
    kept = {f for f in catalog.findings if not f.path.startswith(stale)}
    fresh.findings = sorted(kept | set(loader.findings))
    return fresh


class DirtyWarning(logging.Filter):
    """MkDocs warns that dirty builds leave navigation and links stale: ours build everything
    again whenever the navigation or the set of pages changes."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


class Rebuilds:
    """What one `opencpd serve` keeps from build to build."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="opencpd-serve-"))
        self.state: State = {}
        self.kept: Catalog | None = None
        self.everything = ""  # why this build renders every page, if it does
        self.shape: Any = None  # the pages and navigation of the last build
        self.joined: tuple[str, ...] = ()  # the names of the joined stylesheet and script
        self.written: dict[str, bytes] = {}  # uri -> digest of what its file holds
        self.titles: dict[str, str] = {}
        self.headings: dict[str, str | None] = {}  # hand-written page -> its title in Markdown
        self.nav: Navigation | None = None
        self.env = environment()  # its templates compiled once
        self.module_pages: dict[str, tuple[ModuleDoc, str, dict[str, str]]] = {}
        self.quiet = DirtyWarning()
        logging.getLogger("mkdocs.commands.build").addFilter(self.quiet)

    def catalog(
        self,
        config: MkDocsConfig,
        root: Path,
        vocabulary: Path | None,
        include_pending: bool,
        max_attachment_bytes: int,
    ) -> Catalog:
        """The last build's Catalog, with what changed since then read again."""
        watched = [
            str(root / "modules"),
            str(root / "handbook"),
            config.docs_dir,
            str(root / "centres"),
            str(root / "deliveries"),
            str(root / "support"),
            config.theme.custom_dir or "",
            str(THEME),  # the package's theme and assets: an edit there changes every page
            str(ASSETS),
            config.config_file_path or "",
            str(vocabulary or ""),
        ]
        state = snapshot([p for p in watched if p])
        changes = classify(
            self.state, state, str(root / "modules"), config.docs_dir, config.theme.custom_dir
        )
        self.state = state
        reason = changes.everything if self.kept is not None else "first build"
        if self.kept is not None and not reason and changes.modules:
            self.kept = reload_modules(
                self.kept, changes.modules, include_pending, max_attachment_bytes
            )
            reason = "" if self.kept else "a module could not be read on its own"
        if reason:
            self.kept = load_catalog(
                root, load_vocabulary(vocabulary, root), include_pending, max_attachment_bytes
            )
        self.everything = reason
        assert self.kept is not None
        return self.kept

    def renderer(self, catalog: Catalog, *args: Any, **kwargs: Any) -> Renderer:
        return KeptRenderer(self, catalog, *args, **kwargs)

    def plan(self, config: MkDocsConfig, pages: list[str]) -> None:
        """Empty the served site when every page must be built again: a dirty build then
        renders them all."""
        shape = (sorted(pages), repr(config.nav))
        if shape != self.shape:
            self.everything = self.everything or "pages added, removed or renamed"
        self.shape = shape
        if self.everything:
            log.info(f"Building every page ({self.everything})")
            clean_directory(config.site_dir)
        else:
            log.info("Building only the pages that changed")
        self.everything = ""

    def file(self, config: MkDocsConfig, uri: str, text: str, extra: str = "") -> File:
        """A generated file backed by a file in the cache folder, rewritten only when its text
        (or `extra`, what else goes into its HTML) changed: its time tells MkDocs to build it."""
        path = self.folder / uri
        digest = hashlib.blake2b(f"{extra}\0{text}".encode()).digest()
        if self.written.get(uri) != digest or not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
            self.written[uri] = digest
        return File.generated(config, uri, abs_src_path=str(path))

    def keep_titles(self, nav: Navigation, config: MkDocsConfig) -> None:
        """A page left unrendered has no title of its own: it keeps the one it had, for the
        navigation of the pages that are rendered. But when an edited hand-written page has a
        new heading (its title in every page's navigation, unless mkdocs.yml names one), every
        page is built again."""
        self.nav = nav
        edited = {
            page.file.src_uri: heading(page.file.abs_src_path)
            for page in nav.pages
            if page.file.generated_by is None and page.file.is_modified()
        }
        renamed = sorted(
            uri
            for uri, title in edited.items()
            if uri in self.headings and self.headings[uri] != title
        )
        self.headings.update(edited)
        if renamed:
            log.info(
                f"Building every page (the heading of {renamed[0]} changed, and the "
                "navigation shows it)"
            )
            clean_directory(config.site_dir)
            return
        for page in nav.pages:
            title = self.titles.get(page.file.src_uri)
            if title and not page.file.is_modified():
                page.title = title

    def link_joined(self, config: MkDocsConfig, names: tuple[str, ...]) -> None:
        """Every page links the joined stylesheet and script by names that change with their
        content: when those changed (the site's own copy of one of their parts, under docs/, was
        edited: an edit there builds only itself), every page is built again."""
        if self.joined and names != self.joined:
            log.info("Building every page (the joined stylesheet or script changed)")
            clean_directory(config.site_dir)
        self.joined = names

    def built(self) -> None:
        if self.nav:
            self.titles = {p.file.src_uri: p.title for p in self.nav.pages if p.title}

    def failed(self) -> None:
        """After a failed build, build everything the next time."""
        self.shape = None
        self.joined = ()

    def close(self) -> None:
        logging.getLogger("mkdocs.commands.build").removeFilter(self.quiet)
        shutil.rmtree(self.folder, ignore_errors=True)


# The heading's text runs to its last character that is not a space or a closing '#' (or is
# its first character, if it has no other): greedy to that character, never a lazy group that
# tries the rest of the line again from each of its characters, which took seconds on a long
# line of '# # # …' (quadratic in its length).
ATX_HEADING = re.compile(r"^#[ \t]+(.*[^ \t#\n]|.)[ \t#]*$", re.MULTILINE)


def heading(path: str | None) -> str | None:
    """The title a hand-written page gives itself: `title` in its front matter, else its first
    level-one heading (as MkDocs takes it, before rendering)."""
    try:
        markdown, meta = get_data(Path(path or "").read_text("utf-8-sig"))
    except (OSError, ValueError):
        return None
    if meta.get("title"):
        return str(meta["title"])
    found = ATX_HEADING.search(markdown)
    return found.group(1) if found else None


class KeptRenderer(Renderer):
    """A Renderer that reuses the pages of each module the Catalog kept as it was (the same
    object, so no file in its folder changed) with the same session packs."""

    def __init__(self, rebuilds: Rebuilds, catalog: Catalog, *args: Any, **kwargs: Any):
        super().__init__(catalog, *args, **kwargs)
        self.env = rebuilds.env
        self.kept = rebuilds.module_pages

    def module_pages(self, module: ModuleDoc) -> dict[str, str]:
        packs = repr(self.packs.get(module.id))
        kept = self.kept.get(module.id)
        if kept and kept[0] is module and kept[1] == packs:
            return kept[2]
        pages = super().module_pages(module)
        self.kept[module.id] = (module, packs, pages)
        return pages
