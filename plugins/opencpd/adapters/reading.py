"""The Catalog loaded on two CPUs: a forked copy of the build reads the centres and deliveries
(`core/load.py`, `read_apart`) while the build loads the programme and does what needs no
centre or delivery (the slide decks); they are added once it has them. At 3,000 deliveries,
reading them was a quarter of a second of the build, beside an idle second CPU."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from ..core.catalog import Catalog
from ..core.load import Loading, LoadSettings, read_apart
from .forked import Helper

# Files to read before a forked copy reading them saves time: at 300 deliveries, forking the
# build and taking its copy's result back cost as much as reading them here.
READ_APART = 1000


def load_meanwhile(
    settings: LoadSettings, two_cpus: bool, meanwhile: Callable[[Catalog], None]
) -> Catalog:
    """The Catalog; `meanwhile` is given it before its centres and deliveries are added (and,
    on `two_cpus` with many of them, while a forked copy reads them)."""
    reading: Helper | None = None
    if two_cpus and many_files(settings.root, ("centres", "deliveries"), READ_APART):
        reading = Helper.start(lambda: read_apart(settings))
    try:
        loading = Loading(settings)
        meanwhile(loading.catalog)
        helper, reading = reading, None
        return loading.add(helper.result() if helper else read_apart(settings))
    finally:
        if reading:  # the loading failed before asking for what it read
            reading.kill()


def many_files(root: Path, folders: tuple[str, ...], at_least: int) -> bool:
    """Whether `folders` of `root` hold `at_least` entries in all (neither entered nor read)."""
    found = 0
    for folder in folders:
        with contextlib.suppress(OSError), os.scandir(root / folder) as entries:
            for _ in entries:
                found += 1
                if found >= at_least:
                    return True
    return False
