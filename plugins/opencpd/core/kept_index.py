"""A search index made of the same pages is not made again.

Pagefind's bundle is a function of what it is given: the pages as it reads them, in order, its
settings and its version (core/reproducible.py makes it byte-identical from one build to the
next). So a build hashes all of that before starting Pagefind and, when an earlier build made
its bundles of the same, takes them from the spare, the site the last build replaced
(core/recycled.py), as they are: no Pagefind process and no file made. Indexing the programme
took about half a second of the second CPU, and 1 s with 300 centres' pages.

What each of the last two builds wrote is recorded (`.cache/search-index.json`): its key, the
pages indexed, and each file of its bundles with the inode, size and modification time it got.
The spare holds the site of the build before the last, and its bundles are taken only if they
hold exactly the files recorded, each untouched since (a link, a second name, a file more or
less, and Pagefind runs as before): a record lost or damaged costs time, never an index.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

from .kept import hashed, keep, package_code, recall
from .recycled import marks

VERSION = "search index 1"


def index_key(pages: list[tuple[str, str]], *settings: str) -> str:
    """A hash of everything a bundle is made of: each page's HTML and path, in order, and
    `settings` (Pagefind's version and options, the shard size), with this package's code."""
    digest = hashed(hashlib.sha256(), VERSION, package_code(), *settings, str(len(pages)))
    for html, path in pages:
        hashed(digest, path, html)
    return digest.hexdigest()


class KeptIndex:
    """The bundles earlier builds made, and the record of this build's."""

    def __init__(self, record: Path | None, spare: Path | None) -> None:
        self.record, self.spare = record, spare
        found = recall(record, VERSION) if record else {}
        builds = found.get("builds") if isinstance(found, dict) else None
        self.before = [b for b in builds or [] if isinstance(b, dict)][-2:]

    def take(self, key: str, site: Path) -> tuple[int, list[str]] | None:
        """Move into `site` the spare's bundles made under `key`, if it holds them untouched:
        the number of pages they index and their names, or None (none taken: index the
        pages)."""
        if self.spare is None:
            return None
        for build in self.before:
            bundles, pages = build.get("bundles"), build.get("pages")
            if build.get("key") != key or not isinstance(bundles, dict) or not bundles:
                continue
            if not isinstance(pages, int):
                continue
            if all(
                _safe(name) and marks(self.spare / name) == files for name, files in bundles.items()
            ):
                taken = []
                try:
                    for name in bundles:
                        os.rename(self.spare / name, site / name)
                        taken.append(name)
                except OSError:  # taken away meanwhile, or another filesystem: index afresh
                    for name in taken:
                        shutil.rmtree(site / name, ignore_errors=True)
                    return None
                return pages, taken
        return None

    def remember(self, key: str, site: Path, bundles: list[str], pages: int) -> None:
        """Record the bundles this build put into `site` (made or taken), after the last
        build's record."""
        if self.record is None:
            return
        made: dict[str, Any] = {}
        for name in bundles:
            found = marks(site / name)
            if found is None:
                return  # not a bundle the next build could take: no record of it
            made[name] = found
        build = {"key": key, "pages": pages, "bundles": made}
        keep(self.record, VERSION, {"builds": [*self.before[-1:], build]})


def _safe(name: Any) -> bool:
    return isinstance(name, str) and name not in ("", ".", "..") and "/" not in name
