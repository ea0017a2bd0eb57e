"""Session packs for the MkDocs plugin and the CLI: options from mkdocs.yml, a progress bar."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
from mkdocs.config.defaults import MkDocsConfig

from ..core.attachments import human_size
from ..core.catalog import Catalog
from ..core.packs import PackCache, PackJob, PackOptions, generate, prepare

CACHE = Path(".cache") / "packs"


def pack_options(config: MkDocsConfig, start_time: str) -> PackOptions:
    return PackOptions(start_time=start_time, site_url=config.site_url or "",
                       markdown_extensions=list(config.markdown_extensions),
                       mdx_configs=dict(config.mdx_configs))


def cache_dir(config: MkDocsConfig) -> Path:
    """.cache/packs/ beside mkdocs.yml."""
    return Path(config.config_file_path).resolve().parent / CACHE


def make_packs(catalog: Catalog, options: PackOptions, folder: Path, make: bool,
               only: Iterable[str] | None = None, workers: int | None = None) -> list[PackJob]:
    """Packs from the cache, and when `make` is set, the missing ones rendered (with a
    progress bar on a terminal). Without `make` a missing pack is left out, never waited for."""
    cache = PackCache(folder)
    jobs = prepare(catalog, options, cache, only)
    todo = [j for j in jobs if j.status == "pending"]
    if not make or not todo:
        for job in todo:
            job.status = "missing"
        return jobs
    label = f"Making {len(todo)} session pack{'s' if len(todo) > 1 else ''}"
    with click.progressbar(length=len(todo), label=label, file=sys.stderr,
                           show_pos=True) as bar:
        generate(jobs, catalog, options, cache, workers, progress=lambda job: bar.update(1))
    return jobs


def pack_links(jobs: list[PackJob]) -> dict[str, list[dict[str, Any]]]:
    """What module and publication pages show: owner id -> each ready pack's link facts."""
    out: dict[str, list[dict[str, Any]]] = {}
    for job in jobs:
        if job.result:
            out.setdefault(job.pack.owner, []).append({
                "uri": f"packs/{job.pack.filename}", "label": job.pack.label,
                "edition": job.pack.edition, "size": human_size(job.result.size),
                "pages": job.result.pages})
    return out


def export_packs(config_file: str, ids: Iterable[str], out: Path,
                 workers: int | None = None) -> list[PackJob]:
    """`opencpd packs`: make the packs of the named modules and publications (all when none
    are named) with the site's settings, and copy them into `out`."""
    from ..core.load import load_catalog
    from ..core.vocabulary import load_vocabulary
    from .site import load

    config = load(config_file)
    settings = config.plugins["opencpd"].config
    root = (Path(config_file).resolve().parent / settings.content_dir).resolve()
    vocabulary = load_vocabulary(root / settings.vocabulary if settings.vocabulary else None)
    catalog = load_catalog(root, vocabulary)
    known = [m.id for m in catalog.published_modules] + [p.id for p in catalog.publications]
    unknown = sorted(set(ids) - set(known))
    if unknown:
        raise ValueError(f"no published module or publication is called {', '.join(unknown)} "
                         f"(expected one of {', '.join(known)})")
    jobs = make_packs(catalog, pack_options(config, settings.start_time), cache_dir(config),
                      True, list(ids) or None, workers)
    out.mkdir(parents=True, exist_ok=True)
    for job in jobs:
        if job.result:
            shutil.copyfile(job.result.path, out / job.pack.filename)
    return jobs
