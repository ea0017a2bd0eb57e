"""Build the pages on two CPUs.

MkDocs works on one page after another, on one CPU, twice: it turns every page's Markdown into
HTML, then puts every page into the theme's template. `TwoCPUs` forks the build at the start of
each of these two loops. The copy is the same build at the same moment: it does its share of the
pages exactly as MkDocs would and exits, while MkDocs does the rest.

- Markdown: the copy converts the pages at the end of the list and sends back what MkDocs keeps
  of each (its HTML, table of contents, metadata, anchors). The build reads those pages as
  empty, and puts the copy's results in before any `on_page_content` hook sees them.
- Theme: the build writes the pages from the first on, and the copy from the last back, each
  claiming the next page it writes (`Claims`) until they meet: whatever else runs on either CPU
  meanwhile (the static files, Pagefind, the copy filling pages into shells), both finish
  together. A page the copy claimed gets an empty template in the build, which renders it in
  no time and does not write it.

The copy's warnings are logged again by the build, so `--strict` counts them, and its failure
fails the build. `tests/test_two_cpus.py` checks that a site built this way is byte-identical to
one built on one CPU.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import mmap
import os
import struct
import sys
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

from jinja2 import ChoiceLoader, DictLoader
from mkdocs.commands.build import _build_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import BuildError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from .forked import Helper

WRITTEN_ELSEWHERE = "opencpd-written-by-the-helper.html"  # an empty template
MARKDOWN_SHARE = 0.5  # of the Markdown to convert, by length
# What MkDocs keeps of a page once its Markdown is HTML (Page.read_source and Page.render).
CONVERTED = ("markdown", "meta", "content", "toc", "_title_from_render", "present_anchor_ids")


def two_cpus() -> bool:
    """Linux with two CPUs or more to run on: forking is what makes a helper cheap, and it is
    missing or unsafe elsewhere."""
    return sys.platform.startswith("linux") and len(os.sched_getaffinity(0)) > 1


class Claims:
    """The pages of one list claimed from both ends, the first by the build and the last by its
    copy, each page once: a count in memory the copy shares (it is forked after this is made),
    under a lock the system releases if its holder dies."""

    def __init__(self, count: int) -> None:
        self.memory = mmap.mmap(-1, 8)  # shared, not copied, by a forked process
        self.memory[:] = struct.pack("ii", 0, count)  # the first page not claimed, the last + 1
        self.lock = tempfile.TemporaryFile()  # noqa: SIM115 (lockf: one lock per process)

    def first(self, index: int) -> bool:
        """Claim page `index` for the build (it takes them in order): False if the copy has."""
        with self._locked() as (_, end):
            if index >= end:
                return False
            self.memory[:4] = struct.pack("i", index + 1)
            return True

    def last(self) -> int | None:
        """Claim the last page not claimed yet, for the copy: None when none is left."""
        with self._locked() as (start, end):
            if end - 1 < start:
                return None
            self.memory[4:] = struct.pack("i", end - 1)
            return end - 1

    def close(self) -> None:
        self.memory.close()
        self.lock.close()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[tuple[int, int]]:
        fcntl.lockf(self.lock, fcntl.LOCK_EX)
        try:
            yield struct.unpack("ii", self.memory[:8])
        finally:
            fcntl.lockf(self.lock, fcntl.LOCK_UN)


def the_last(pages: list[Page], share: float) -> list[Page]:
    """The pages at the end of the list that hold `share` of the Markdown."""
    sizes = [len(page.file.content_string) for page in pages]
    left, total = 0, sum(sizes) * share
    for first in range(len(pages) - 1, -1, -1):
        left += sizes[first]
        if left >= total:
            return pages[first + 1 :] if left - total > sizes[first] / 2 else pages[first:]
    return pages


class TwoCPUs(BasePlugin):
    """Added to `opencpd build` by `site._build`; never used while serving."""

    def __init__(self, markdown_share: float = MARKDOWN_SHARE, build_writes: bool = True) -> None:
        """`build_writes`: False, and the copy writes every page (tests/test_two_cpus.py)."""
        self.markdown_share, self.build_writes = markdown_share, build_writes
        self.nav: Navigation | None = None
        self.converting: Helper | None = None
        self.theirs: set[str] = set()  # pages whose Markdown the helper converts
        self.converted: dict[str, dict[str, Any]] | None = None
        self.writing: Helper | None = None
        self.claims: Claims | None = None  # the pages the build and the copy write

    # --- Markdown -------------------------------------------------------------------------------

    @event_priority(-100)  # after every other plugin has changed the navigation
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        pages = [page_of(file, config) for file in documentation(files)]
        theirs = the_last(pages, self.markdown_share)
        if theirs:
            self.converting = Helper.start(lambda: convert(theirs, config, files))
            self.theirs = {page.file.src_uri for page in theirs}
        return nav

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        return "" if page.file.src_uri in self.theirs else None  # converted by the helper

    @event_priority(100)  # before any other plugin sees the page's HTML
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if page.file.src_uri not in self.theirs:
            return html
        if self.converted is None:
            self.converted = self.converting.result() if self.converting else {}
            self.converting = None
        for name, value in self.converted[page.file.src_uri].items():
            setattr(page, name, value)
        links = self.converted[page.file.src_uri].get("links_to_anchors")
        if links is not None:
            page.links_to_anchors = {
                files.get_file_from_path(uri): anchors for uri, anchors in links.items()
            }
        return page.content or ""

    # --- the theme ------------------------------------------------------------------------------

    # After every plugin that changes the environment, before Pagefind starts (-100): the copy
    # must not inherit Pagefind's process or threads.
    @event_priority(-50)
    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.converted = None  # what the helper sent is in the pages now
        pages = [file.page for file in documentation(files)]
        if not pages or self.nav is None:
            return env
        nav = self.nav
        claims = self.claims = Claims(len(pages))
        self.writing = Helper.start(lambda: write_pages(pages, claims, config, files, nav, env))
        env.loader = ChoiceLoader([DictLoader({WRITTEN_ELSEWHERE: ""}), env.loader])
        env.get_template = claimed_templates(
            env, config, pages, claims if self.build_writes else None
        )
        logging.getLogger("mkdocs.commands.build").addFilter(not_skipped)
        return env

    @event_priority(100)  # before anything reads the written site
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        writing, self.writing = self.writing, None
        if writing:
            try:
                writing.result()
            finally:
                logging.getLogger("mkdocs.commands.build").removeFilter(not_skipped)
                self.close_claims()

    def on_build_error(self, *, error: Exception) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop the helpers that still run (the build failed or was interrupted)."""
        for helper in (self.converting, self.writing):
            if helper:
                helper.kill()
        self.converting = self.writing = None
        logging.getLogger("mkdocs.commands.build").removeFilter(not_skipped)
        self.close_claims()

    def close_claims(self) -> None:
        if self.claims:
            self.claims.close()
        self.claims = None


def claimed_templates(
    env: Any, config: MkDocsConfig, pages: list[Page], claims: Claims | None
) -> Callable[..., Any]:
    """The build's `env.get_template`: the first template MkDocs asks for while it builds a page
    (the page's own) is the empty one if the copy claimed the page, or always without `claims`
    (the copy then writes every page); any other, as it was."""
    get_template = env.get_template
    number = {page.file.src_uri: n for n, page in enumerate(pages)}
    decided: set[int] = set()

    def claimed(name: Any, *args: Any, **kwargs: Any) -> Any:
        page = config._current_page
        n = number.get(page.file.src_uri) if page is not None else None
        if n is not None and n not in decided:
            decided.add(n)
            if claims is None or not claims.first(n):
                return get_template(WRITTEN_ELSEWHERE)
        return get_template(name, *args, **kwargs)

    return claimed


def documentation(files: Files) -> list[Any]:
    return list(files.documentation_pages(inclusion=InclusionLevel.is_included))


def page_of(file: Any, config: MkDocsConfig) -> Page:
    """The file's page; a page outside the navigation gets one, as MkDocs gives it."""
    return file.page if file.page is not None else Page(None, file, config)


def not_skipped(record: logging.LogRecord) -> bool:
    """MkDocs says "Page skipped" of each page it rendered empty: here, the helper's pages."""
    return not record.getMessage().startswith("Page skipped:")


# --- in the copy --------------------------------------------------------------------------------


def convert(pages: list[Page], config: MkDocsConfig, files: Files) -> dict[str, dict[str, Any]]:
    """Each page's Markdown as HTML, as MkDocs' `_populate_page` makes it, less the
    `on_page_content` hooks, which the build runs."""
    converted = {}
    for page in pages:
        config._current_page = page
        try:
            page = config.plugins.on_pre_page(page, config=config, files=files)
            page.read_source(config)
            page.markdown = config.plugins.on_page_markdown(
                page.markdown, page=page, config=config, files=files
            )
            page.render(config, files)
        except Exception as exc:
            message = f"Error reading page '{page.file.src_uri}':"
            logging.getLogger("mkdocs.commands.build").error(
                message if isinstance(exc, BuildError) else f"{message} {exc}"
            )
            raise
        finally:
            config._current_page = None
        kept = {name: getattr(page, name) for name in CONVERTED}
        links = getattr(page, "links_to_anchors", None)  # None when MkDocs logs debug messages
        if links is not None:
            kept["links_to_anchors"] = {file.src_uri: anchors for file, anchors in links.items()}
        converted[page.file.src_uri] = kept
    return converted


def write_pages(
    pages: list[Page], claims: Claims, config: MkDocsConfig, files: Files, nav: Navigation, env: Any
) -> None:
    """Write the pages the copy claims, from the last back, into the site as MkDocs would."""
    pages_of_the_site = documentation(files)
    while (n := claims.last()) is not None:
        _build_page(pages[n], config, pages_of_the_site, nav, env)
