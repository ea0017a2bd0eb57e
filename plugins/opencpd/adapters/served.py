"""While `opencpd serve` runs: the session packs, slide decks and offline zips that
`opencpd build` publishes.

Packs are made for the address in mkdocs.yml, not the one the site is served on, so the packs
`build` made are the ones `serve` finds in the cache (.cache/packs), and the other way round.
A pack or deck the cache lacks is made in the background, one at a time in a separate process,
while the server goes on serving: a pack's page says it is being made, and when packs or decks
are ready a file in a folder the server watches changes, so that the server builds again and
links them. (The few decks of sessions just edited are made before the pages instead:
adapters/slides.py, SERVE_DECKS.) The zips are made after each build, again only for the
modules whose files changed.
"""

from __future__ import annotations

import logging
import multiprocessing
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Any

from mkdocs.plugins import get_plugin_logger

from ..core.catalog import Catalog
from ..core.findings import Finding
from ..core.offline import write_offline_zips
from ..core.packs import PackCache, PackJob, PackOptions, generate, prepare
from ..core.slides import DeckCache, DeckJob, DeckOptions
from ..core.slides import generate as make_decks
from .served_search import ServedSearch

log = get_plugin_logger(__name__)
PROGRESS_SECONDS = 30  # a long batch links the packs made so far this often


def show_progress() -> None:
    """On `opencpd serve`'s terminal, what MkDocs' serve says (the address it serves on, each
    rebuild) and ours (the packs being made), besides warnings: the handler that
    site.log_to_terminal adds shows INFO. Run after it."""
    for handler in logging.getLogger("mkdocs").handlers:
        if getattr(handler, "name", "") == "opencpd":
            handler.setLevel(logging.INFO)
            handler.addFilter(
                lambda record: (
                    record.levelno > logging.INFO or not record.getMessage().startswith(QUIET)
                )
            )


# INFO lines that say nothing to a person editing content.
QUIET = ("The following pages exist in the docs directory", "Cleaning site directory", "[macros]")


class Stopped(Exception):
    """The server is shutting down: the pack being made is abandoned."""


def _start_worker(scratch: str) -> None:
    # Ctrl+C reaches the whole process group: the server shuts the pool down itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The pool is ended mid-pack when the server stops, before WeasyPrint removes the folder
    # of a pack's fonts: its temporary files go in the server's folder, which it removes.
    tempfile.tempdir = scratch


def _render(html: str, root: Path, scratch: Path, key: str) -> int:
    from ..core.packs.pdf import write_pdf

    return write_pdf(html, root, root, scratch, key)


class Maker:
    """One thread that makes, one at a time, what the last build found missing from a cache,
    in the order asked; what a later build no longer wants (an edit changed its content again)
    is dropped. The work of each kind is `make`; the slow part of it runs in a process of its
    own (`in_pool`), which the server's stop ends."""

    noun = "file"

    def __init__(self, ready: Path) -> None:
        self.ready = ready  # a file in it changes when work is ready: the server rebuilds
        self.cond = threading.Condition()
        self.wanted: dict[str, tuple[Any, Catalog, Any, Any]] = {}
        self.failed: dict[str, Finding | None] = {}  # key -> why; not tried again
        self.thread: threading.Thread | None = None
        self.pool: Pool | None = None  # only the thread uses it
        self.stopping = threading.Event()
        self.signals = 0

    def want(self, jobs: list[Any], catalog: Catalog, options: Any, cache: Any) -> None:
        """Queue the jobs the cache lacks, marked as being made (or failed, if they did)."""
        with self.cond:
            before, self.wanted = self.wanted, {}
            for job in jobs:
                if job.status != "pending":
                    continue
                if job.key in self.failed:
                    job.status, job.error = "failed", self.failed[job.key]
                    continue
                job.status = "making"
                self.wanted[job.key] = (job, catalog, options, cache)
            if self.wanted.keys() - before.keys() and not self.stopping.is_set():
                count = len(self.wanted)
                log.info(
                    f"Making {count} {self.noun}{'s' if count > 1 else ''} in the "
                    "background, one at a time; the pages link them when they are ready"
                )
                if self.thread is None:
                    self.thread = threading.Thread(
                        target=self.run, name=f"opencpd-{self.noun}", daemon=True
                    )
                    self.thread.start()
            self.cond.notify_all()

    def waits_for(self) -> bool:
        """Whether to wait before making what is wanted (see PackMaker)."""
        return False

    def run(self) -> None:
        while True:
            with self.cond:
                while not self.stopping.is_set() and (not self.wanted or self.waits_for()):
                    self.cond.wait(timeout=1)
            if self.stopping.is_set():
                break
            self.make_wanted()
            self.close_pool()  # WeasyPrint's process holds memory: none while idle
        self.close_pool()

    def make(
        self, job: Any, catalog: Catalog, options: Any, cache: Any
    ) -> tuple[str | None, Finding | None]:
        """Make one job's files into the cache: (the name of what was made, or None if the
        cache had it already; why it failed, or None)."""
        raise NotImplementedError

    def make_wanted(self) -> None:
        made: list[str] = []
        since = time.monotonic()
        while not self.stopping.is_set():
            with self.cond:
                if not self.wanted:
                    break
                key, (job, catalog, options, cache) = next(iter(self.wanted.items()))
            name, error = self.make(job, catalog, options, cache)
            if error and not self.stopping.is_set():
                self.failed[key] = error
                log.warning(str(error))
            elif name:
                made.append(name)
            with self.cond:
                self.wanted.pop(key, None)
                finished = not self.wanted
            if (made or finished) and (finished or time.monotonic() - since > PROGRESS_SECONDS):
                self.announce(made)
                made, since = [], time.monotonic()

    def in_pool(self, work: Any, *args: Any) -> Any:
        """`work(*args)` in a process of its own: WeasyPrint would hold this process's lock
        for seconds. Stopped if the server stops first."""
        if self.pool is None:
            scratch = self.ready.parent / "work"
            scratch.mkdir(exist_ok=True)
            self.pool = multiprocessing.get_context("spawn").Pool(1, _start_worker, (str(scratch),))
        pending = self.pool.apply_async(work, args)
        while not self.stopping.is_set():
            try:
                return pending.get(timeout=0.5)
            except multiprocessing.TimeoutError:
                continue
        raise Stopped("the server stopped")

    def announce(self, made: list[str]) -> None:
        """Tell the server to build again, which links what was made (and shows failures)."""
        if made:
            log.info(
                f"{self.noun.capitalize()}{'s' if len(made) > 1 else ''} ready: "
                f"{', '.join(made)}; building the pages that link them"
            )
        self.signals += 1
        (self.ready / f"{self.noun.replace(' ', '-')}s-ready").write_text(
            f"{self.signals}\n", encoding="utf-8"
        )

    def listening(self, server: Any) -> None:
        """Once the server watches for changes: packs made before it did (during the first
        build) are announced again, or their pages would wait for the next edit."""
        observer = getattr(server, "observer", None)
        while observer is not None and not observer.is_alive() and not self.stopping.is_set():
            time.sleep(0.1)
        time.sleep(1)  # the watcher's first look at the folder, which a change must follow
        if self.signals and not self.stopping.is_set():
            self.announce([])

    def close_pool(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None

    def stop(self) -> None:
        with self.cond:
            self.stopping.set()
            self.cond.notify_all()
        if self.thread is not None:
            self.thread.join(timeout=10)


class PackMaker(Maker):
    """Session packs: the pack's HTML here, its PDF in the pool. The facilitator edition links
    the session's decks, so packs wait while decks are made: the build that links the decks
    asks for packs that link them too, and packs made before would be made again."""

    noun = "session pack"

    def __init__(self, ready: Path, decks: Maker) -> None:
        super().__init__(ready)
        self.decks = decks

    def waits_for(self) -> bool:
        return bool(self.decks.wanted)

    def make(
        self, job: PackJob, catalog: Catalog, options: PackOptions, cache: PackCache
    ) -> tuple[str | None, Finding | None]:
        if cache.get(job.pack.id, job.key) is not None:
            return None, None
        fresh = PackJob(job.pack, job.key, "pending")
        generate([fresh], catalog, options, cache, render=self.render)
        return (fresh.pack.filename if fresh.result else None), fresh.error

    def render(self, html: str, root: Path, scratch: Path, key: str) -> int:
        return int(self.in_pool(_render, html, root, scratch, key))


def _make_deck(catalog: Catalog, options: DeckOptions, folder: Path, job: DeckJob) -> Any:
    cache = DeckCache(folder)
    fresh = DeckJob(job.module, job.session, job.source, job.key, "pending", owner=job.owner)
    make_decks([fresh], catalog, options, cache, workers=1)
    return fresh.error if fresh.status != "generated" else None


class DeckMaker(Maker):
    """Slide decks, each made whole in the pool (HTML, PDF and PowerPoint)."""

    noun = "slide deck"

    def make(
        self, job: DeckJob, catalog: Catalog, options: DeckOptions, cache: DeckCache
    ) -> tuple[str | None, Finding | None]:
        if cache.get(job.id, job.key) is not None:
            return None, None
        error = self.in_pool(_make_deck, catalog, options, cache.folder, job)
        return (None, error) if error else (job.id, None)


class Served:
    """What one `opencpd serve` adds to MkDocs' serving."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="opencpd-served-"))
        (self.folder / "ready").mkdir()
        self.decks = DeckMaker(self.folder / "ready")
        self.packs = PackMaker(self.folder / "ready", self.decks)
        self.zips: dict[str, str] = {}  # module id -> key of the zip in the served site
        self.search = ServedSearch(self.folder)

    def session_packs(
        self, catalog: Catalog, options: PackOptions, cache_folder: Path
    ) -> list[PackJob]:
        """The packs in the cache; the others are made in the background."""
        cache = PackCache(cache_folder)
        jobs = prepare(catalog, options, cache)
        self.packs.want(jobs, catalog, options, cache)
        return jobs

    def later_decks(
        self, catalog: Catalog, options: DeckOptions, cache_folder: Path
    ) -> Callable[[list[DeckJob]], None]:
        """What `make_decks` hands the decks it will not make now: made in the background."""
        return lambda todo: self.decks.want(todo, catalog, options, DeckCache(cache_folder))

    def offline_copies(self, site: Path, catalog: Catalog) -> None:
        """Each module's zip, made again only when its files changed (its packs, too)."""
        write_offline_zips(site, catalog, self.folder / "offline", self.zips)

    def watch(self, server: Any) -> None:
        server.watch(str(self.folder / "ready"))
        for maker in (self.packs, self.decks):
            threading.Thread(
                target=maker.listening, args=(server,), daemon=True, name="opencpd-made-heard"
            ).start()

    def close(self) -> None:
        self.search.close()
        self.packs.stop()
        self.decks.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
