"""While `opencpd serve` runs: the search index of the pages it serves.

After each build the served pages are indexed again in the background, into a folder of the
server's own, and the bundles are moved into the served site once they are whole, so that search
finds what the served pages show: a resource just added, never one rejected or removed. (The
index of the last `opencpd build`, in the published site/, was linked before: a resource
rejected while serving was still found, and its result led to a missing page.) The server never
waits for it: until the first index is ready the search page says that it is being made. A
build whose pages are those of the index served indexes nothing; an index still being made
when a newer build ends is dropped. A preview of pending resources has no index, as its build
has none (search.py, start_indexing).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

from .indexer import IndexingFailed, ShardedIndex
from .search import (
    BUNDLE,
    MARK,
    finish_bundles,
    pagefind_binary,
    pagefind_config,
    shard_pages,
    what_pagefind_reads,
)

log = get_plugin_logger(__name__)


def served_pages(site: Path) -> list[tuple[str, str]]:
    """What Pagefind reads of each page the site serves, with the page's path in it."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        uri = path.relative_to(site).as_posix()
        if uri.startswith(BUNDLE) or path.is_symlink():
            continue
        html = path.read_text("utf-8")
        if MARK in html:
            pages.append((what_pagefind_reads(html), uri))
    return pages


def bundles(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{BUNDLE}*"))


class ServedSearch:
    """The served site's search index, made again in a thread after each build."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder  # each index is made in a folder of its own in it
        self.lock = threading.Lock()
        self.latest = 0  # the number of the last build's index: only it is moved in
        self.key = ""  # the pages of the index in the served site
        self.index: ShardedIndex | None = None
        self.thread: threading.Thread | None = None
        self.stopping = False

    def after_build(self, site: Path) -> None:
        """Index the pages the build left in `site`, unless the index there has them already."""
        pages = served_pages(site)
        key = hashlib.blake2b(repr(pages).encode()).hexdigest()
        with self.lock:
            if self.stopping or (key == self.key and (site / BUNDLE).is_dir()):
                return
            self.latest += 1
            if self.index is not None:  # an index of pages no longer served
                self.index.stopping = True
            thread = threading.Thread(
                target=self.make,
                args=(site, pages, key, self.latest),
                name="opencpd-search",
                daemon=True,
            )
            self.thread = thread
        thread.start()

    def make(self, site: Path, pages: list[tuple[str, str]], key: str, number: int) -> None:
        scratch = self.folder / f"index-{number}"
        index = None
        try:
            if not pages:
                return
            with self.lock:  # the folder is made only while the server has not stopped
                if number != self.latest or self.stopping:
                    return
                scratch.mkdir(parents=True)
                index = self.index = ShardedIndex(
                    pagefind_binary(), pagefind_config(), scratch, BUNDLE, shard_pages(len(pages))
                )
            index.start(pages)
            finish_bundles(scratch, index.write())
            with self.lock:
                if number == self.latest and not self.stopping:
                    move_in(scratch, site)
                    self.key = key
        except (IndexingFailed, OSError) as exc:
            if not self.stopping:
                log.warning(
                    f"Search cannot find the pages as served: Pagefind could not index them "
                    f"({str(exc).rstrip('.')}). The next save indexes them again; if this "
                    "comes back, run `opencpd build`, which says what to fix."
                )
        except Exception as exc:  # noqa: BLE001 - pagefind_binary's BuildFailed: not installed
            if not self.stopping:
                log.warning(f"Search is off while serving: {exc}")
        finally:
            if index is not None:
                index.close()
            shutil.rmtree(scratch, ignore_errors=True)

    def wait(self, timeout: float | None = None) -> None:
        """Until the index of the last build is made (the tests'), or dropped."""
        thread = self.thread
        if thread is not None:
            thread.join(timeout)

    def close(self) -> None:
        with self.lock:
            self.stopping = True
            if self.index is not None:
                self.index.stopping = True
        self.wait(timeout=10)


def move_in(scratch: Path, site: Path) -> None:
    """Replace the bundles in `site` with those made in `scratch`. A link there (to the
    published index, which earlier versions linked) is removed, never followed."""
    for old in bundles(site):
        if old.is_symlink() or not old.is_dir():
            old.unlink()
        else:
            shutil.rmtree(old)
    for new in bundles(scratch):
        try:
            os.replace(new, site / new.name)
        except OSError:  # another file system
            shutil.move(str(new), str(site / new.name))
