"""Folders of an earlier site taken into the new one, so that a file left unchanged is neither
made nor written again.

A build writes a whole new site beside the published one and swaps it in (adapters/site.py).
Making a file or a folder is the dearest thing a build does with the disk (a third to two thirds
of a millisecond each on the machines we measured, against a few microseconds to read a small
file back), and a calendar of 300 deliveries has some 700 of them, nearly all unchanged from one
build to the next. So the site a build replaces is kept as the spare of the next build, which
moves the folders it writes itself (the deliveries', centres' and calendar's) out of that spare
into its own new site: a file whose bytes are the same is left as it is, another is written over,
and what the new build does not write is removed (`sweep`). Only regular files and folders are
taken: a link, or a file with a second name, is removed, never written through.

Each file written is also recorded (`.cache/site-files.json`) with a hash of what it was made of
(its shell, parts and code, or its bytes) and the inode, size and modification time it got. A
file of the spare recorded as made of the same things, and untouched since, is kept without
being made or read: at 3,000 deliveries, filling and comparing their pages was a second on the
second CPU. Anything else about it (another inode, another time, no record) and the file is
made and compared as before, so a record lost or from another site costs time, never a page.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .kept import keep, recall

MADE_VERSION = "site files 2"


class Recycled:
    """The files written into the site at `root`, with the folders taken from `spare` (None:
    every file is written as new). `before`: what earlier builds recorded of the files they
    wrote (`made`), so that a file made of the same things is kept without being made again."""

    def __init__(
        self, root: Path, spare: Path | None = None, before: list[Recorded] | None = None
    ) -> None:
        self.root, self.spare = root, spare
        self.before = before or []
        self.kept: set[str] = set()  # files taken from the spare, relative to root
        self.folders: set[str] = set()  # folders taken from the spare, or made
        self.taken: list[str] = []
        self.walked: set[str] = set()  # taken folders this process listed (`walk_taken`)
        self.made: Made = {}  # rel -> [what it was made of, inode, size, modification time]
        self.groups: dict[str, str] = {}  # a group of files -> what all of them were made of

    def recorded(self, group: str, made_of: str) -> Made:
        """What an earlier build recorded of the files it wrote, if it recorded `group` (files
        it wrote together) as made of `made_of` too: each of those files was then made of what
        the file this build writes in its place is made of ({} if no build did)."""
        self.groups[group] = made_of
        for build in self.before:
            if build["groups"].get(group) == made_of:
                return build["files"]
        return {}

    def take(self, folder: str) -> None:
        """Move `folder` of the spare into the site, if the spare has it and the site has not
        (the build has not written into it yet). What it holds is listed by `walk_taken`."""
        if self.spare is None or folder in self.taken or "/" in folder or folder in ("", ".", ".."):
            return
        source, target = self.spare / folder, self.root / folder
        if source.is_symlink() or not source.is_dir() or os.path.lexists(target):
            return
        try:
            os.rename(source, target)
        except OSError:  # another filesystem, or taken away meanwhile: written as new
            return
        self.taken.append(folder)
        self.folders.add(folder)

    def walk_taken(self) -> None:
        """List the files of the taken folders, and remove any link among them, before this
        process writes into them (at 3,000 deliveries, 9,600 entries: the build's copy that
        writes them lists them, not the build)."""
        for folder in self.taken:
            if folder not in self.walked:
                self.walked.add(folder)
                self._walk(str(self.root / folder), folder)

    def _walk(self, path: str, rel: str) -> None:
        with os.scandir(path) as entries:
            for entry in entries:
                name = f"{rel}/{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    self.folders.add(name)
                    self._walk(entry.path, name)
                elif entry.is_file(follow_symlinks=False):  # a second name: found by `write`
                    self.kept.add(name)
                else:  # a link, anything but a file or a folder: never written through
                    os.unlink(entry.path)

    def clear_way(self, rel: str) -> None:
        """Make sure that a file something else writes at `rel` (a page MkDocs writes into a
        taken folder) is written into the site, never through a link or a second name the
        spare holds there: whatever stands on its way but a folder, or at its place but a
        file with one name, is removed. Called before any copy lists the taken folders."""
        top, _, rest = rel.partition("/")
        if top not in self.taken or top in self.walked or not rest:
            return
        path = str(self.root / top)
        parts = rest.split("/")
        for n, part in enumerate(parts, 1):
            path = os.path.join(path, part)
            try:
                found = os.lstat(path)
            except OSError:
                return  # nothing there: made as new
            last = n == len(parts)
            fine = (
                (stat.S_ISREG(found.st_mode) and found.st_nlink == 1)
                if last
                else (stat.S_ISDIR(found.st_mode))
            )
            if not fine:
                if stat.S_ISDIR(found.st_mode):
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    os.unlink(path)
                return

    def write(self, rel: str, data: bytes | Callable[[], bytes], made_of: str = "") -> None:
        """Put `data` (or what calling it gives) at `rel` in the site. A file taken there that
        holds it is left alone; so is one an earlier build recorded as made of `made_of` (a
        hash of everything that goes into it) and that nothing changed since (its inode, size
        and modification time are the ones recorded): then `data` is neither made nor read."""
        path = os.path.join(self.root, rel)
        self.walk_taken()  # listed once, before this process writes into them
        found = self._taken_file(rel, path)
        if found is not None:
            mark = [made_of, found.st_ino, found.st_size, found.st_mtime_ns]
            if made_of and any(b["files"].get(rel) == mark for b in self.before):
                self.made[rel] = mark
                return
            data = data() if callable(data) else data
            if found.st_size == len(data) and _holds(path, data):
                if made_of:
                    self.made[rel] = mark
                return
        data = data() if callable(data) else data
        folder = rel.rpartition("/")[0]
        if folder and folder not in self.folders:
            self._make_folder(folder)
        with open(path, "wb") as file:
            file.write(data)
            if made_of:
                file.flush()
                done = os.fstat(file.fileno())
                self.made[rel] = [made_of, done.st_ino, done.st_size, done.st_mtime_ns]

    def _taken_file(self, rel: str, path: str) -> os.stat_result | None:
        """The file at `rel` taken from the spare, if it is one with no other name; anything
        else taken there is removed (never written through)."""
        if rel not in self.kept:
            return None
        try:
            found = os.lstat(path)
        except OSError:
            self.kept.discard(rel)
            return None
        if stat.S_ISREG(found.st_mode) and found.st_nlink == 1:
            return found
        os.unlink(path)
        self.kept.discard(rel)
        return None

    def _make_folder(self, folder: str) -> None:
        parent = folder.rpartition("/")[0]
        if not parent or parent in self.folders:  # one call, not makedirs' walk (3,800 times)
            with contextlib.suppress(FileExistsError, NotADirectoryError, FileNotFoundError):
                os.mkdir(os.path.join(self.root, folder))
                self.folders.add(folder)
                return
        try:
            os.makedirs(self.root / folder, exist_ok=True)
        except (FileExistsError, NotADirectoryError):  # a file of the spare stands in the way
            parts = folder.split("/")
            for n in range(1, len(parts) + 1):
                if "/".join(parts[:n]) in self.kept:
                    os.unlink(self.root.joinpath(*parts[:n]))
            os.makedirs(self.root / folder, exist_ok=True)
        while folder:  # it and the folders it is in
            self.folders.add(folder)
            folder = folder.rpartition("/")[0]

    def sweep(self, written: set[str]) -> None:
        """Remove what the taken folders held that this build does not write (`written`: every
        file of the site, relative to its root), then the folders left empty, but for those
        a written file goes in (the build may not have written it yet)."""
        self.walk_taken()
        needed = set()
        for rel in written:
            folder = rel.rpartition("/")[0]
            while folder and folder not in needed:
                needed.add(folder)
                folder = folder.rpartition("/")[0]
        emptied = set()
        for rel in self.kept - written:
            # gone already, or a folder now where the spare had a file
            with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                os.unlink(self.root / rel)
            emptied.add(rel.rpartition("/")[0])
        emptied |= self.folders - needed  # empty before
        for folder in sorted(emptied, key=lambda f: f.count("/"), reverse=True):
            while folder and folder not in needed:
                try:
                    os.rmdir(self.root / folder)  # only if empty
                except OSError:
                    break
                folder = folder.rpartition("/")[0]
        self.kept = set()


Made = dict[str, list[Any]]
Recorded = dict[str, Any]  # one build's: {"files": Made, "groups": {group: made of}}


def _holds(path: str, data: bytes) -> bool:
    try:
        with open(path, "rb") as file:
            return file.read(len(data) + 1) == data
    except OSError:
        return False


def spare_of(site_dir: Path) -> Path:
    """Where the site a build replaced waits for the next build: beside it, hidden."""
    return site_dir.with_name(f".{site_dir.name}-spare")


def claim_spare(site_dir: Path) -> Path | None:
    """The spare, renamed for this build alone (another build at once finds none)."""
    claimed = site_dir.with_name(f".{site_dir.name}-spare-{os.getpid()}")
    try:
        os.rename(spare_of(site_dir), claimed)
    except OSError:
        return None
    return claimed


def keep_as_spare(old: Path, site_dir: Path) -> None:
    """Keep the replaced site `old` as the next build's spare, or remove it if one is there."""
    try:
        os.rename(old, spare_of(site_dir))  # refused if a spare is there already
    except OSError:
        shutil.rmtree(old, ignore_errors=True)


def marks(folder: Path) -> dict[str, list[int]] | None:
    """Each file under `folder` (relative to it) with its inode, size and modification time;
    None if the folder is missing or holds anything but folders and files with one name."""
    found: dict[str, list[int]] = {}
    try:
        _marks(str(folder), "", found)
    except (OSError, ValueError):
        return None
    return found


def _marks(path: str, rel: str, found: dict[str, list[int]]) -> None:
    with os.scandir(path) as entries:
        for entry in entries:
            name = f"{rel}{entry.name}"
            done = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(done.st_mode):
                _marks(entry.path, f"{name}/", found)
            elif stat.S_ISREG(done.st_mode) and done.st_nlink == 1:
                found[name] = [done.st_ino, done.st_size, done.st_mtime_ns]
            else:  # a link, a second name, anything else: never taken
                raise ValueError(name)


def recall_made(path: Path) -> list[Recorded]:
    """What the last two builds recorded of the files they wrote: the spare is the site of the
    build before the last (the last one's replaced it), and an inode tells whose a file is."""
    found = recall(path, MADE_VERSION)
    return [
        {"files": build["files"], "groups": build["groups"]}
        for build in found.get("builds", [])
        if isinstance(build, dict)
        and isinstance(build.get("files"), dict)
        and isinstance(build.get("groups"), dict)
    ][-2:]


def keep_made(path: Path, recycled: Recycled) -> None:
    """Record what this build wrote, after what the build before it wrote."""
    build = {"files": recycled.made, "groups": recycled.groups}
    keep(path, MADE_VERSION, {"builds": [*recycled.before[-1:], build]})
