"""Benchmark: session packs for the whole programme, from cold and when nothing changed.

    .venv/bin/python scripts/bench_packs.py [--workers N] [-f mkdocs.yml]

Prints figures; asserts nothing about time (see the issue's goal: under 60 s cold on 2 cores,
0 packs remade when nothing changed). The cold run uses an empty temporary cache, so the
project's own .cache/packs is left alone.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from opencpd.adapters.packs import pack_options
from opencpd.adapters.site import load
from opencpd.core.load import load_catalog
from opencpd.core.packs import PackCache, generate, prepare
from opencpd.core.vocabulary import load_vocabulary


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-f", "--config-file", default="mkdocs.yml")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    config = load(args.config_file)
    settings = config.plugins["opencpd"].config
    root = (Path(args.config_file).resolve().parent / settings.content_dir).resolve()
    started = time.perf_counter()
    catalog = load_catalog(
        root, load_vocabulary(root / settings.vocabulary if settings.vocabulary else None)
    )
    loaded = time.perf_counter() - started
    options = pack_options(config, settings.start_time)

    with tempfile.TemporaryDirectory(prefix="bench-packs-") as folder:
        cache = PackCache(Path(folder))
        wall, cpu = time.perf_counter(), cpu_seconds()
        jobs = generate(prepare(catalog, options, cache), catalog, options, cache, args.workers)
        cold, cold_cpu = time.perf_counter() - wall, cpu_seconds() - cpu
        made = [j for j in jobs if j.status == "generated"]
        pages = sum(j.result.pages for j in made if j.result)
        size = sum(j.result.size for j in made if j.result)

        wall = time.perf_counter()
        again = prepare(catalog, options, cache)
        generate(again, catalog, options, cache, args.workers)
        warm = time.perf_counter() - wall
        remade = sum(j.status == "generated" for j in again)
        reused = sum(j.status == "cached" for j in again)

    modules = len({j.pack.owner for j in jobs if j.pack.edition != "handbook"})
    handbooks = sum(j.pack.edition == "handbook" for j in jobs)
    print(
        f"machine: {os.cpu_count()} cores, {args.workers} workers; catalogue loaded in "
        f"{loaded:.2f} s"
    )
    print(
        f"cold: {len(made)} packs ({modules} modules x 2 editions + {handbooks} handbooks), "
        f"{pages} pages, {size / 1024 / 1024:.1f} MB in {cold:.1f} s wall, "
        f"{cold_cpu:.1f} s CPU ({cold / max(len(made), 1):.2f} s a pack)"
    )
    print(f"not made: {[(j.pack.id, j.status) for j in jobs if j.status != 'generated']}")
    print(f"nothing changed: {remade} packs remade, {reused} taken from the cache in {warm:.2f} s")


if __name__ == "__main__":
    main()
