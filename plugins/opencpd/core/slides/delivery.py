"""Decks made for one evening: each session of a delivery with the centre, the date and the
start on its title slide, and its running order in clock times from when that session starts
(the evening's start, then each session after the one before), and its closing slide leading
to the delivery's page, as the pack's QR code does. Cached like the site's decks,
under the delivery's name, so that the site's own decks are left as they are.

`opencpd packs --delivery ID` makes them beside that evening's packs."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from ..catalog import Catalog, Doc
from ..deliveries import centre_of, is_example, module_of, packable, sessions_of, starts
from ..delivery_model import Delivery
from ..packs.delivery import and_list
from .build import DeckJob, content_hash, generate
from .cache import DeckCache
from .deck import DeckOptions

OWNER = "delivery-"


def evening_options(
    catalog: Catalog, delivery: Doc[Delivery], options: DeckOptions
) -> list[tuple[Doc[object], DeckOptions]]:
    """Each session of the evening with the options of its deck: centre, date, start."""
    centre = centre_of(catalog, delivery).meta
    day = delivery.meta.date
    clock = starts(delivery)
    leads = and_list([t.name for t in delivery.meta.lead_teachers if t.consent])
    out = []
    evening = sessions_of(catalog, delivery)
    for n, session in enumerate(evening, 1):
        out.append(
            (
                session,
                dataclasses.replace(
                    options,
                    start_time=f"{clock:%H:%M}",
                    centre=f"{centre.name}, {centre.town}"
                    if centre.town and centre.town not in centre.name
                    else centre.name,
                    date=f"{day:%A} {day.day} {day:%B %Y}",
                    leads=leads,
                    example=is_example(catalog, delivery),
                    page=delivery.url,  # the evening's page, as the pack's QR code
                    followed=n < len(evening),
                ),
            )
        )
        clock += dt.timedelta(minutes=session.meta.duration)
    return out


def delivery_decks(
    catalog: Catalog,
    delivery: Doc[Delivery],
    options: DeckOptions,
    cache: DeckCache,
    progress: Callable[[DeckJob], None] | None = None,
) -> list[DeckJob]:
    """The evening's decks, from the cache or made (none for a cancelled or past delivery)."""
    if packable(catalog, delivery):
        return []
    module = module_of(catalog, delivery)
    jobs = []
    for session, own in evening_options(catalog, delivery, options):
        key = content_hash(catalog, module, session, own)  # type: ignore[arg-type]
        job = DeckJob(
            module.id,
            session.slug,
            session.source,
            key,
            "pending",
            owner=f"{OWNER}{delivery.slug}",
        )
        job.result = cache.get(job.id, key)
        if job.result:
            job.status = "cached"
        else:
            generate([job], catalog, own, cache, workers=1, progress=progress)
        jobs.append(job)
    return jobs
