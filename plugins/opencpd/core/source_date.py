"""The date a build is of: the reproducible build date that decides what is "coming up", what
has expired and what the sitemap and packs are dated (SOURCE_DATE_EPOCH, which MkDocs honours).

It is the last commit's time, so that two builds of one commit are byte-identical. A project
that is not a git repository (downloaded as an archive, copied without `.git/`) has no commit:
its files then carry the commit's time as their own (an archive keeps it), so the newest of
`mkdocs.yml`, the content folders and the files directly in them stands in for it. A fixed day
was used before, 1 January 2026, on which an example offer's review date was 'too far ahead'
and the build failed for anyone who had downloaded the project rather than cloned it."""

from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path

FOLDERS = ("modules", "handbook", "centres", "deliveries", "support", "docs")
FALLBACK = 1767225600  # 2026-01-01: no commit and no file to read a time from


def last_change(project: Path) -> int:
    """The last commit's time as a Unix timestamp; outside git, the newest time `mkdocs.yml`,
    a content folder or a file directly in one was changed."""
    try:
        stamp = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=project,
            text=True,
            capture_output=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        stamp = ""
    if stamp.isdigit():
        return int(stamp)
    return _newest(project) or FALLBACK


def _newest(project: Path) -> int:
    """Only the sources: what a build writes (`site/`, `.cache/`) must not move the date."""
    times = []
    with contextlib.suppress(OSError):
        times.append((project / "mkdocs.yml").lstat().st_mtime)
    for folder in (project / name for name in FOLDERS):
        try:
            times.append(folder.lstat().st_mtime)
            with os.scandir(folder) as entries:
                for entry in entries:
                    if not entry.name.startswith("."):
                        times.append(entry.stat(follow_symlinks=False).st_mtime)
        except OSError:  # no such folder, or one that cannot be read (its finding says so)
            continue
    return int(max(times, default=0))


LATEST = 4102444799  # 2099-12-31 23:59:59 UTC: the site's calendars end with 2099


class BuildDateError(ValueError):
    """SOURCE_DATE_EPOCH is set to something that is not a date a build can be of."""


def given_date() -> int | None:
    """SOURCE_DATE_EPOCH as a timestamp, or None when it is not set (or set to nothing).

    Anything else is refused with BuildDateError rather than left to fail deep in a build
    (MkDocs reads it too): `garbage`, `-5`, `1e9` or a year past 2099."""
    stamp = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not stamp:
        return None
    if not (stamp.isascii() and stamp.isdigit()) or int(stamp) > LATEST:
        raise BuildDateError(
            "SOURCE_DATE_EPOCH is not a build date (expected whole seconds since 1 January "
            f"1970, from 0 to {LATEST} at the end of 2099, got {stamp!r}). Unset it to date "
            "the build by the last commit, or set it to a commit's time: "
            "SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)."
        )
    return int(stamp)


def source_date_epoch(project: Path) -> int:
    """SOURCE_DATE_EPOCH when it is set, else `last_change`."""
    given = given_date()
    return last_change(project) if given is None else given


__all__ = ["LATEST", "BuildDateError", "given_date", "last_change", "source_date_epoch"]
