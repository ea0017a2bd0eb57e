"""Centres' and deliveries' pages filled into a shell (core/shells.py), not built one by one.

For each kind of page the build makes one shell page through MkDocs and the theme, exactly as
it builds any page (`_populate_page`, then `_build_page`), keeps its HTML instead of writing
it, and has the core fill every page of that kind into it. Each filled page also gets what
MkDocs would have given it: its entry in sitemap.xml (in the place MkDocs would have put it)
and its Pagefind record (adapters/search.py asks for them).

The filled pages, and the files the plugin makes that are not pages (iCalendar files, feeds),
are written through `core/recycled.py`: an unchanged file of the site a build replaces is kept.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from markupsafe import escape
from mkdocs.commands.build import _build_page, _populate_page, get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ..core.compact import compact
from ..core.kept import hashed
from ..core.recycled import Recycled
from ..core.render import front_matter
from ..core.shells import SLUG, Parts, Shell, ShellUnusable, page_shell

ENTRY = re.compile(r"<url>(?:(?!</url>).)*" + re.escape(SLUG) + r".*?</url>\n?", re.DOTALL)


class WrittenFile(File):
    """A file the plugin made, written through `Recycled` (kept if unchanged)."""

    recycled: Recycled | None = None
    deferred = False  # written with the filled pages (`write`), not when MkDocs copies files
    text: Callable[[], str] | None = None  # its text, when its content was given unread ("")
    earlier: list[Any] | None = None  # what the build that recorded it made of, if the same

    def copy_file(self, dirty: bool = False) -> None:
        if self.deferred:
            return
        if self.recycled is None or self._content is None:
            super().copy_file(dirty)
            return
        self.write()

    def write(self) -> None:
        """Written through `Recycled`: an earlier build's record of the same file (`earlier`)
        gives what it is made of, else a hash of its bytes does; its text is read only when
        the file is not in the site already."""
        assert self.recycled is not None
        if self.earlier and isinstance(self.earlier[0], str):
            self.recycled.write(self.dest_uri, self._data, self.earlier[0])
            return
        data = self._data()
        self.recycled.write(self.dest_uri, data, hashlib.blake2b(data, digest_size=16).hexdigest())

    def _data(self) -> bytes:
        content = self.text() if self.text else self._content
        assert content is not None
        return content.encode("utf-8") if isinstance(content, str) else content


class Kind:
    """The pages of one kind and their shell page, built through the theme."""

    def __init__(self, parts: list[Parts], real: int, config: MkDocsConfig) -> None:
        self.parts = parts
        shell = parts[0].shell(real)
        self.page = Page(
            None, File.generated(config, shell.uri, content=shell.markdown(front_matter)), config
        )
        self.html: Shell | None = None
        self.record: Shell | None = None
        self.entry = ""  # its sitemap entry, with the slug token
        # where each page goes in the site, worked out once (in the build, before any copy)
        self.dests = [p.at_address(self.page.file.dest_uri) for p in parts]


def _filled(
    shell: Shell,
    whole: Callable[[Parts], Parts],
    parts: Parts,
    element: str | None,
    json_ld: Callable[[str], str],
) -> bytes:
    """The page filled (`whole` gives its parts with their article, unless they have it), with
    its JSON-LD's `element` (None: made now, with `json_ld`)."""
    element = json_ld(parts.uri) if element is None else element
    return shell.filled(whole(parts), element)


@contextlib.contextmanager
def _quiet_about(uri: str) -> Iterator[None]:
    """Without the engine's "Page skipped: '<uri>'" for a shell page, whose HTML the plugin
    keeps and never writes: the name means nothing to whoever reads the build's output."""
    said = f"Page skipped: '{uri}'"

    def other(record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(said)

    logger = logging.getLogger(_build_page.__module__)
    logger.addFilter(other)
    try:
        yield
    finally:
        logger.removeFilter(other)


def shared_levels(folder: str, urls: list[str]) -> int:
    """How many levels of `folder` start the address of one of `urls` (the pages in the
    navigation, which the theme links to): the engine's links to those are shorter."""
    levels = folder.split("/")
    for n in range(len(levels), 0, -1):
        start = "/".join(levels[:n]) + "/"
        if any(url.startswith(start) for url in urls):
            return n
    return 0


class FilledPages:
    """What the plugin keeps of the pages it fills into shells, during one build."""

    def __init__(
        self,
        parts: dict[str, Parts],
        after: dict[str, str],
        made_of: str = "",
        articles: Callable[[], dict[str, str]] | None = None,
    ) -> None:
        """`made_of`: a hash of all the pages' parts and JSON-LD show ("": none is known).
        `articles`: every page's article by its source, for the parts given without one (read
        when one of those pages is filled)."""
        self.parts, self.after, self.made_of = parts, after, made_of
        self.articles = articles
        self.kinds: list[Kind] = []
        self.building: dict[str, str] = {}  # src_uri of a shell page -> its HTML, once built

    def __bool__(self) -> bool:
        return bool(self.parts)

    def prepare(self, config: MkDocsConfig, files: Files, nav: Navigation | None, env: Any) -> None:
        """Each kind's shell page read as MkDocs reads a page, and its sitemap entry (from the
        plugin's on_env, once every page's Markdown is HTML: the navigation shows their
        titles). What search and the sitemap need of the filled pages is ready after this; the
        shells are built through the theme by `make`."""
        navigated = [page.url for page in nav.pages] if nav else []
        grouped: dict[tuple[str, ...], list[Parts]] = defaultdict(list)
        real: dict[tuple[str, ...], int] = {}
        shared: dict[str, int] = {}  # folder -> its levels shared (3,000 deliveries: one)
        for parts in self.parts.values():
            levels = shared.get(parts.folder)
            if levels is None:
                levels = shared[parts.folder] = shared_levels(parts.folder, navigated)
            kind = parts.kind(levels)
            grouped[kind].append(parts)
            real[kind] = levels
        self.kinds = [Kind(group, real[kind], config) for kind, group in grouped.items()]
        for kind in self.kinds:
            page = kind.page
            _populate_page(page, config, files)
            for name in ("title", "description"):  # as the plugin's on_env does for every page
                if isinstance(page.meta.get(name), str):
                    page.meta[name] = escape(page.meta[name])
            sitemap = env.get_template("sitemap.xml").render(
                get_context(nav, [page.file], config)  # type: ignore[arg-type]
            )
            found = ENTRY.search(compact(sitemap))
            kind.entry = found[0] if found else ""

    def make(
        self,
        config: MkDocsConfig,
        files: Files,
        nav: Navigation | None,
        env: Any,
        json_ld: Callable[[str], str],
        recycled: Recycled,
    ) -> None:
        """Build each kind's shell page through MkDocs and the theme, exactly as any page, and
        write every page of that kind filled into it (`write`). The build on two CPUs runs
        this in a forked copy, beside the pages MkDocs builds."""
        pages = list(files.documentation_pages())
        for kind in self.kinds:
            page, uri = kind.page, kind.page.file.src_uri
            self.building[uri] = ""
            with _quiet_about(uri):
                _build_page(page, config, pages, nav, env)  # type: ignore[arg-type]
            try:
                kind.html = page_shell(self.building.pop(uri))
            except ShellUnusable as exc:
                raise PluginError(
                    f"The pages of {kind.parts[0].folder.split('/')[0]} cannot be filled into "
                    f"the theme's page: {exc}. Report it with the theme's name and version."
                ) from None
        self.write(recycled, json_ld)

    def keep(self, uri: str, html: str) -> bool:
        """Keep a shell page's HTML (the plugin's on_post_page); False for any other page."""
        if uri not in self.building:
            return False
        self.building[uri] = html
        return True

    def write(self, recycled: Recycled, json_ld: Callable[[str], str]) -> None:
        """Write every filled page into the site; `json_ld`: the element a page's JSON-LD is
        written in ("" when it has none). A page is filled only if it is not in the site as
        an earlier build filled it from the same shell and parts (`Recycled.write`). When an
        earlier build filled them all from the same shells and from parts that show the same
        (`made_of`), what each page was made of is taken from its record rather than worked
        out again (hashing 3,800 pages and their JSON-LD took a third of a second)."""
        earlier = recycled.recorded("filled pages", self._made_of()) if self.made_of else {}
        for kind in self.kinds:
            shell = kind.html
            assert shell is not None
            for parts, rel in zip(kind.parts, kind.dests, strict=True):
                found = earlier.get(rel)
                if found and isinstance(found[0], str):
                    made_of, element = found[0], None
                else:  # its article is needed now: read once (`whole` then has it)
                    element, parts = json_ld(parts.uri), self.whole(parts)
                    made_of = shell.made_of(parts, element)
                made = functools.partial(_filled, shell, self.whole, parts, element, json_ld)
                recycled.write(rel, made, made_of)

    def whole(self, parts: Parts) -> Parts:
        """`parts` with its article (`articles` reads them all the first time it is asked)."""
        if parts.article or self.articles is None:  # an article is never empty: it has an <h1>
            return parts
        return dataclasses.replace(parts, article=self.articles().get(parts.uri, ""))

    def _made_of(self) -> str:
        """A hash of all the filled pages are made of: `made_of`, each kind's shell and where
        its pages go, and the code filling them."""
        kinds = [(k.page.file.dest_uri, k.html.digest if k.html else "") for k in self.kinds]
        return hashed(hashlib.blake2b(digest_size=16), self.made_of, repr(kinds)).hexdigest()

    def dest_uris(self) -> set[str]:
        """Where in the site the filled pages are written."""
        return {dest for kind in self.kinds for dest in kind.dests}

    def folders(self) -> set[str]:
        """The site's folders the filled pages are written in, by their first level."""
        return {uri.split("/", 1)[0] for uri in self.parts if "/" in uri}

    def records(
        self, indexed: Callable[[dict[str, Any]], Any], record: Callable[[Page], str]
    ) -> list[tuple[tuple[str, str], str, str]]:
        """Each indexed page's Pagefind record: (sort key, record, path in the site), the sort
        key as adapters/search.py's for the pages MkDocs builds."""
        out = []
        for kind in self.kinds:
            if not indexed(kind.page.meta or {}):
                continue
            shell = Shell(record(kind.page))
            for parts, dest in zip(kind.parts, kind.dests, strict=True):
                key = str(escape(str(parts.meta.get("title") or ""))).lower()
                out.append(((key, parts.uri), shell.fill(self.whole(parts)), dest))
        return out

    def sitemap(self, xml: str, files: Files) -> str:
        """sitemap.xml with each filled page's entry where MkDocs would have written it: after
        the page before it in the site's order."""
        kind_of = {parts.uri: kind for kind in self.kinds for parts in kind.parts}
        entries: dict[str, list[str]] = defaultdict(list)
        for uri, parts in self.parts.items():  # in the site's order, whatever their kind
            kind = kind_of[uri]
            if kind.entry:
                entries[self.after.get(uri, "")].append(parts.at_address(kind.entry))
        for after, found in entries.items():
            file = files.get_file_from_path(after) if after else None
            at = -1
            if file is not None and file.page is not None:
                url = file.page.canonical_url or file.page.abs_url or ""
                loc = xml.find(f"<loc>{escape(url)}</loc>")
                at = xml.find("</url>", loc) if loc >= 0 else -1
                at = -1 if at < 0 else at + len("</url>\n")
            if at < 0:  # the first page, or one the sitemap leaves out: after <urlset>
                opening = xml.find("<url>")
                at = opening if opening >= 0 else xml.rfind("</urlset>")
            xml = xml[:at] + "".join(found) + xml[at:]
        return xml
