"""Make the packs: take each from the cache when its hash is known, render the rest."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..catalog import Catalog
from ..findings import Finding
from .cache import CachedPack, PackCache
from .spec import PackOptions, SessionPack, content_hash, plan

# making: being made in the background while the site is served (adapters/served.py)
Status = Literal["pending", "generated", "cached", "missing", "making", "blocked", "failed"]
Render = Callable[[str, Path, Path, str], int]  # (html, root, scratch, key) -> pages


@dataclass
class PackJob:
    pack: SessionPack
    key: str
    status: Status
    result: CachedPack | None = None
    error: Finding | None = None

    @property
    def ready(self) -> bool:
        return self.result is not None


def prepare(
    catalog: Catalog, options: PackOptions, cache: PackCache, only: Iterable[str] | None = None
) -> list[PackJob]:
    """Every planned pack with its hash, taken from the cache where it can be."""
    wanted = set(only) if only is not None else None
    jobs = []
    for pack in plan(catalog, options):
        if wanted is not None and pack.owner not in wanted:
            continue
        if pack.blocked:
            jobs.append(PackJob(pack, "", "blocked"))
            continue
        key = content_hash(pack, catalog, options)
        hit = cache.get(pack.id, key)
        jobs.append(PackJob(pack, key, "cached" if hit else "pending", hit))
    return jobs


def generate(
    jobs: list[PackJob],
    catalog: Catalog,
    options: PackOptions,
    cache: PackCache,
    workers: int | None = None,
    progress: Callable[[PackJob], None] | None = None,
    render: Render | None = None,
) -> list[PackJob]:
    """Render the pending jobs, in `workers` processes (default: the machine's cores), or one
    after another with `render` (default: in this process)."""
    from .html import pack_html

    todo = [j for j in jobs if j.status == "pending"]
    workers = min(workers or os.cpu_count() or 1, len(todo), 4)
    work = {
        j.pack.id: (pack_html(j.pack, catalog, options), cache.scratch(j.pack.id, j.key))
        for j in todo
    }
    root = catalog.root.resolve()

    def done(job: PackJob, pages: int | None, problem: BaseException | None) -> None:
        if problem is None and pages is not None:
            job.result = cache.put(job.pack.id, job.key, work[job.pack.id][1], pages)
            job.status = "generated"
        else:
            work[job.pack.id][1].unlink(missing_ok=True)
            job.status = "failed"
            job.error = _failure(job.pack, catalog, problem)
        if progress:
            progress(job)

    if workers <= 1 or render:
        for job in todo:
            html, scratch = work[job.pack.id]
            try:
                pages = (render or _render)(html, root, scratch, job.key)
            except Exception as exc:  # noqa: BLE001 - reported as a finding, not a traceback
                done(job, None, exc)
            else:
                done(job, pages, None)
        return jobs
    # spawn, not fork: the build may run beside threads (a server, a file watcher).
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {
            pool.submit(_render, work[j.pack.id][0], root, work[j.pack.id][1], j.key): j
            for j in todo
        }
        for future in as_completed(futures):
            problem = future.exception()
            done(futures[future], None if problem else future.result(), problem)
    return jobs


def _render(html: str, root: Path, scratch: Path, key: str) -> int:
    from .pdf import write_pdf

    return write_pdf(html, root, root, scratch, key)


def _failure(pack: SessionPack, catalog: Catalog, problem: BaseException | None) -> Finding:
    return Finding(
        pack.source,
        1,
        1,
        "pack-failed",
        f"the {pack.label.lower()} of '{pack.owner}' "
        f"could not be made (expected a PDF, got {type(problem).__name__}: "
        f"{problem})",
        "Check the content for unusual HTML; report it if it persists.",
    )
