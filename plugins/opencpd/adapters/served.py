"""While `opencpd serve` runs: the session packs and offline zips that `opencpd build` publishes.

Packs are made for the address in mkdocs.yml, not the one the site is served on, so the packs
`build` made are the ones `serve` finds in the cache (.cache/packs), and the other way round.
A pack the cache lacks is made in the background, one at a time in a separate process, while
the server goes on serving: its page says it is being made, and when packs are ready a file in
a folder the server watches changes, so that the server builds again and links them. The zips
are made after each build, again only for the modules whose files changed.
"""

from __future__ import annotations

import logging
import multiprocessing
import shutil
import signal
import tempfile
import threading
import time
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Any

from mkdocs.plugins import get_plugin_logger

from ..core.catalog import Catalog
from ..core.findings import Finding
from ..core.offline import write_offline_zips
from ..core.packs import PackCache, PackJob, PackOptions, generate, prepare

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


def _ignore_interrupt() -> None:
    # Ctrl+C reaches the whole process group: the server shuts the pool down itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _render(html: str, root: Path, scratch: Path, key: str) -> int:
    from ..core.packs.pdf import write_pdf

    return write_pdf(html, root, root, scratch, key)


class PackMaker:
    """One thread that makes the packs the last build found missing, in the order asked; what
    a later build no longer wants (an edit changed its content again) is dropped."""

    def __init__(self, ready: Path) -> None:
        self.ready = ready  # a file in it changes when packs are ready: the server rebuilds
        self.cond = threading.Condition()
        self.wanted: dict[str, tuple[PackJob, Catalog, PackOptions, PackCache]] = {}
        self.failed: dict[str, Finding | None] = {}  # key -> why; not tried again
        self.thread: threading.Thread | None = None
        self.pool: Pool | None = None  # only the thread uses it
        self.stopping = threading.Event()
        self.signals = 0

    def want(
        self, jobs: list[PackJob], catalog: Catalog, options: PackOptions, cache: PackCache
    ) -> None:
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
                    f"Making {count} session pack{'s' if count > 1 else ''} in the "
                    "background, one at a time; the pages link them when they are ready"
                )
                if self.thread is None:
                    self.thread = threading.Thread(
                        target=self.run, name="opencpd-packs", daemon=True
                    )
                    self.thread.start()
            self.cond.notify_all()

    def run(self) -> None:
        while True:
            with self.cond:
                self.cond.wait_for(lambda: bool(self.wanted) or self.stopping.is_set())
            if self.stopping.is_set():
                break
            self.make_wanted()
            self.close_pool()  # WeasyPrint's process holds memory: none while idle
        self.close_pool()

    def make_wanted(self) -> None:
        made: list[str] = []
        since = time.monotonic()
        while not self.stopping.is_set():
            with self.cond:
                if not self.wanted:
                    break
                key, (job, catalog, options, cache) = next(iter(self.wanted.items()))
            if cache.get(job.pack.id, key) is None:
                fresh = PackJob(job.pack, key, "pending")
                generate([fresh], catalog, options, cache, render=self.render)
                if fresh.error and not self.stopping.is_set():
                    self.failed[key] = fresh.error
                    log.warning(str(fresh.error))
                elif fresh.result:
                    made.append(fresh.pack.filename)
            with self.cond:
                self.wanted.pop(key, None)
                finished = not self.wanted
            if (made or finished) and (finished or time.monotonic() - since > PROGRESS_SECONDS):
                self.announce(made)
                made, since = [], time.monotonic()

    def render(self, html: str, root: Path, scratch: Path, key: str) -> int:
        """In a process of its own: WeasyPrint would hold this process's lock for seconds."""
        if self.pool is None:
            self.pool = multiprocessing.get_context("spawn").Pool(1, _ignore_interrupt)
        pending = self.pool.apply_async(_render, (html, root, scratch, key))
        while not self.stopping.is_set():
            try:
                return int(pending.get(timeout=0.5))
            except multiprocessing.TimeoutError:
                continue
        raise Stopped("the server stopped")

    def announce(self, made: list[str]) -> None:
        """Tell the server to build again, which links the packs (and shows failures)."""
        if made:
            log.info(
                f"Session pack{'s' if len(made) > 1 else ''} ready: {', '.join(made)}; "
                "building the pages that link them"
            )
        self.signals += 1
        (self.ready / "packs-ready").write_text(f"{self.signals}\n", encoding="utf-8")

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


class Served:
    """What one `opencpd serve` adds to MkDocs' serving."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="opencpd-served-"))
        (self.folder / "ready").mkdir()
        self.packs = PackMaker(self.folder / "ready")
        self.zips: dict[str, str] = {}  # module id -> key of the zip in the served site

    def session_packs(
        self, catalog: Catalog, options: PackOptions, cache_folder: Path
    ) -> list[PackJob]:
        """The packs in the cache; the others are made in the background."""
        cache = PackCache(cache_folder)
        jobs = prepare(catalog, options, cache)
        self.packs.want(jobs, catalog, options, cache)
        return jobs

    def offline_copies(self, site: Path, catalog: Catalog) -> None:
        """Each module's zip, made again only when its files changed (its packs, too)."""
        write_offline_zips(site, catalog, self.folder / "offline", self.zips)

    def watch(self, server: Any) -> None:
        server.watch(str(self.folder / "ready"))
        threading.Thread(
            target=self.packs.listening, args=(server,), daemon=True, name="opencpd-packs-heard"
        ).start()

    def close(self) -> None:
        self.packs.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
