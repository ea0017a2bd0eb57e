"""Slide decks for the MkDocs plugin and the CLI: options from mkdocs.yml, the cache beside
it, a progress bar, and the links pages show."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File

from ..core.attachments import human_size
from ..core.catalog import Catalog
from ..core.slides import DeckCache, DeckJob, DeckOptions, generate, prepare

CACHE = Path(".cache") / "slides"
# Serving makes up to this many missing decks before it builds (an edit to a session or two);
# more (a cold cache) are left to `opencpd build` or `opencpd slides`, never waited for.
SERVE_DECKS = 4
FORMS = {
    "html": "Slides to present (HTML)",
    "pdf": "Slides as PDF (16:9)",
    "pptx": "Slides to edit (PowerPoint)",
}


def deck_options(
    config: MkDocsConfig, start_time: str, evaluation_url: str = "", site_url: str | None = None
) -> DeckOptions:
    return DeckOptions(
        start_time=start_time,
        site_url=config.site_url or "" if site_url is None else site_url,
        evaluation_url=evaluation_url,
    )


def published_site_url(config: MkDocsConfig) -> str:
    """site_url as mkdocs.yml gives it, whatever `serve` made of it: a served site shows the
    decks `opencpd build` made, whose closing slide links the published address."""
    from mkdocs.utils.yaml import yaml_load

    try:
        with open(config.config_file_path, "rb") as file:
            value = yaml_load(file).get("site_url")
    except (OSError, ValueError, TypeError, AttributeError):
        return config.site_url or ""
    return value if isinstance(value, str) else ""


def cache_dir(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent / CACHE


def make_decks(
    catalog: Catalog,
    options: DeckOptions,
    folder: Path,
    make: bool,
    only: Iterable[str] | None = None,
    workers: int | None = None,
    at_most: int = 0,
    later: Callable[[list[DeckJob]], None] | None = None,
) -> list[DeckJob]:
    """Decks from the cache, and when `make` is set, the missing ones made (with a progress
    bar). Without `make`, up to `at_most` missing decks are made here (serving: the deck of a
    session just edited, a second or so each, so the page links the deck a build would
    publish); more are handed to `later` (serving: made in the background, and linked when
    ready) or left out, never waited for."""
    cache = DeckCache(folder)
    jobs = prepare(catalog, options, cache, only)
    todo = [j for j in jobs if j.status == "pending"]
    if not todo:
        return jobs
    if not make and len(todo) > at_most:
        if later:
            later(todo)
        else:
            for job in todo:
                job.status = "missing"
        return jobs
    if not make:
        workers = 1  # a few decks: in this process, without starting others
    with click.progressbar(
        length=len(todo),
        label=f"Making {len(todo)} slide deck{'s' if len(todo) > 1 else ''}",
        file=sys.stderr,
        show_pos=True,
    ) as bar:
        generate(jobs, catalog, options, cache, workers, progress=lambda job: bar.update(1))
    return jobs


def deck_links(jobs: list[DeckJob]) -> dict[str, dict[str, dict[str, Any]]]:
    """module id -> session slug -> its deck's links: [{form, label, uri, size}], slides."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for job in jobs:
        if job.result:
            out.setdefault(job.module, {})[job.session] = {
                "slides": job.result.slides,
                "forms": [
                    {
                        "form": form,
                        "label": label,
                        "uri": f"{job.uri}.{form}",
                        "size": human_size(job.result.sizes[form]),
                    }
                    for form, label in FORMS.items()
                ],
            }
    return out


def deck_files(config: MkDocsConfig, jobs: list[DeckJob]) -> list[File]:
    return [
        File.generated(config, f"{job.uri}.{form}", abs_src_path=str(path))
        for job in jobs
        if job.result
        for form, path in job.result.files.items()
    ]


def export_decks(
    config_file: str, ids: Iterable[str], out: Path, workers: int | None = None
) -> list[DeckJob]:
    """`opencpd slides`: make the decks of the named modules (all when none are named) with
    the site's settings, and copy them into `out`/<module>/."""
    from ..core.load import load_catalog
    from ..core.vocabulary import load_vocabulary
    from .site import load

    config = load(config_file)
    settings = config.plugins["opencpd"].config
    root = (Path(config_file).resolve().parent / settings.content_dir).resolve()
    vocabulary = load_vocabulary(root / settings.vocabulary if settings.vocabulary else None, root)
    catalog = load_catalog(root, vocabulary)
    known = [m.id for m in catalog.published_modules]
    unknown = sorted(set(ids) - set(known))
    if unknown:
        raise ValueError(
            f"no published module is called {', '.join(unknown)} "
            f"(expected one of {', '.join(known)})"
        )
    options = deck_options(config, settings.start_time, getattr(settings, "evaluation_url", ""))
    jobs = make_decks(catalog, options, cache_dir(config), True, list(ids) or None, workers)
    for job in jobs:
        if job.result:
            copy_deck(job, out / job.module, out)
    return jobs


SITE_PREFIX = '"../../../assets/slides/'  # where a deck on the site finds its assets (html.py)


def copy_deck(job: DeckJob, folder: Path, out: Path) -> None:
    """A made deck's three files into `folder` as SESSION.html|pdf|pptx, the HTML deck
    pointed at the script and stylesheet copied into OUT/assets/slides/, so that the deck
    works from that folder, offline, as it does on the site."""
    from ..core.slides.build import SITE_ASSETS

    assert job.result is not None
    folder.mkdir(parents=True, exist_ok=True)
    assets = out / "assets" / "slides"
    shutil.copytree(SITE_ASSETS, assets, dirs_exist_ok=True)
    prefix = '"' + Path(os.path.relpath(assets, folder)).as_posix() + "/"
    for form, path in job.result.files.items():
        target = folder / f"{job.session}.{form}"
        if form == "html":
            text = path.read_text(encoding="utf-8")
            target.write_text(text.replace(SITE_PREFIX, prefix), encoding="utf-8")
        else:
            shutil.copyfile(path, target)
