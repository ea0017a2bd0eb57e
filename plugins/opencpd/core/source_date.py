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


def source_date_epoch(project: Path) -> int:
    """SOURCE_DATE_EPOCH when it is set to a timestamp, else `last_change`."""
    stamp = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(stamp) if stamp.isdigit() else last_change(project)


__all__ = ["last_change", "source_date_epoch"]
