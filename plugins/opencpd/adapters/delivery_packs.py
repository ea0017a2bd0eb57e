"""`opencpd packs --delivery ID`: both editions of one delivery's packs, with the site's
settings, cached like the other packs (core/packs/delivery.py)."""

from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path
from typing import Any

import click

from ..core.packs import PackCache, PackJob, content_hash, generate
from ..core.packs.delivery import packs_for
from .packs import cache_dir, pack_options


def export_delivery_packs(
    config_file: str,
    delivery_id: str,
    out: Path,
    workers: int | None = None,
    site_url: str | None = None,
) -> list[PackJob]:
    from ..core.deliveries import no_packs
    from ..core.load import load_catalog
    from ..core.vocabulary import load_vocabulary
    from .site import load

    config = load(config_file)
    settings = config.plugins["opencpd"].config
    root = (Path(config_file).resolve().parent / settings.content_dir).resolve()
    catalog = load_catalog(
        root, load_vocabulary(root / settings.vocabulary if settings.vocabulary else None, root)
    )
    # its file name, as the guide has it; or the file itself (deliveries/ID.md), as a shell
    # completes it
    wanted = re.sub(r"\.md$", "", Path(delivery_id).name) if delivery_id.endswith(".md") else ""
    delivery = next((d for d in catalog.deliveries if d.slug in (delivery_id, wanted)), None)
    if delivery is None:
        raise ValueError(no_such_delivery(catalog, delivery_id))
    why = no_packs(catalog, delivery)
    if why:
        raise ValueError(str(why))
    wrong = [
        str(f) for f in catalog.findings if f.path == delivery.source and f.severity == "error"
    ]
    if wrong:  # an evening ending after 21:00, overlapping another: not one to print for
        raise ValueError(
            f"no packs are made for {delivery_id} until `opencpd check` passes it:\n"
            + "\n".join(wrong)
        )
    options = pack_options(config, settings.start_time, site_url)
    cache = PackCache(cache_dir(config))
    jobs = []
    for pack in packs_for(catalog, delivery):
        key = content_hash(pack, catalog, options)
        hit = cache.get(pack.id, key)
        jobs.append(PackJob(pack, key, "cached" if hit else "pending", hit))
    generate(jobs, catalog, options, cache, workers)
    out.mkdir(parents=True, exist_ok=True)
    for job in jobs:
        if job.result:
            shutil.copyfile(job.result.path, out / job.pack.filename)
    evening_decks(config, settings, catalog, delivery, out, site_url)
    return jobs


def no_such_delivery(catalog: Any, delivery_id: str) -> str:
    """What to say of a delivery id that names none: the nearest one, else what there is (a
    few: at 300 deliveries, a list of them all is a page nobody reads)."""
    known = sorted(d.slug for d in catalog.deliveries)
    close = difflib.get_close_matches(delivery_id, known, n=1, cutoff=0.6)
    if close:
        hint = f"Did you mean '{close[0]}'?"
    elif not known:
        hint = "There are none yet."
    else:
        hint = f"Known: {', '.join(known[:5])}{', …' if len(known) > 5 else ''}."
    return (
        f"there is no delivery {delivery_id!r} that can be published (expected the name of a "
        f"file in deliveries/, without .md, got {delivery_id!r}). {hint} `opencpd check` says "
        "why a file is left out."
    )


def evening_decks(
    config: Any,
    settings: Any,
    catalog: Any,
    delivery: Any,
    out: Path,
    site_url: str | None = None,
) -> None:
    """The evening's slide decks beside its packs: OUT/delivery-ID/slides/SESSION.html|pdf|pptx
    (centre, date and clock times from its start), with the HTML deck's script and stylesheet
    in OUT/assets/slides/ where it looks for them; their closing slide links the site at
    `site_url` (--site-url), as the packs do, else at mkdocs.yml's."""
    from ..core.slides import DeckCache
    from ..core.slides.delivery import OWNER, delivery_decks
    from .slides import cache_dir as slides_cache
    from .slides import copy_deck, deck_options

    options = deck_options(
        config, settings.start_time, getattr(settings, "evaluation_url", ""), site_url
    )
    decks = delivery_decks(catalog, delivery, options, DeckCache(slides_cache(config)))
    folder = out / f"{OWNER}{delivery.slug}" / "slides"
    for job in decks:
        if job.result:
            copy_deck(job, folder, out)
            click.echo(
                f"{folder}/{job.session}: {job.result.slides} slides ({job.status})", err=True
            )
        elif job.error:
            click.echo(str(job.error), err=True)
