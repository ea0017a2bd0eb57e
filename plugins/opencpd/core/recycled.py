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
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path


class Recycled:
    """The files written into the site at `root`, with the folders taken from `spare` (None:
    every file is written as new)."""

    def __init__(self, root: Path, spare: Path | None = None) -> None:
        self.root, self.spare = root, spare
        self.kept: set[str] = set()  # files taken from the spare, relative to root
        self.folders: set[str] = set()  # folders taken from the spare, or made
        self.taken: list[str] = []

    def take(self, folder: str) -> None:
        """Move `folder` of the spare into the site, if the spare has it and the site has not
        (the build has not written into it yet)."""
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
        self._walk(target, folder)

    def _walk(self, path: Path, rel: str) -> None:
        with os.scandir(path) as entries:
            for entry in entries:
                name = f"{rel}/{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    self.folders.add(name)
                    self._walk(Path(entry.path), name)
                elif entry.is_file(follow_symlinks=False) and entry.stat().st_nlink == 1:
                    self.kept.add(name)
                else:  # a link, a second name of a file, anything but a file: never written to
                    os.unlink(entry.path)

    def write(self, rel: str, data: bytes) -> None:
        """Put `data` at `rel` in the site: left alone if the file taken there holds it."""
        path = self.root / rel
        if rel in self.kept:
            try:
                with open(path, "rb") as file:
                    if file.read(len(data) + 1) == data:
                        return
            except OSError:
                pass
        folder = rel.rpartition("/")[0]
        if folder and folder not in self.folders:
            self._make_folder(folder)
        path.write_bytes(data)

    def _make_folder(self, folder: str) -> None:
        try:
            os.makedirs(self.root / folder, exist_ok=True)
        except (FileExistsError, NotADirectoryError):  # a file of the spare stands in the way
            parts = folder.split("/")
            for n in range(1, len(parts) + 1):
                if "/".join(parts[:n]) in self.kept:
                    os.unlink(self.root.joinpath(*parts[:n]))
            os.makedirs(self.root / folder, exist_ok=True)
        self.folders.add(folder)

    def sweep(self, written: set[str]) -> None:
        """Remove what the taken folders held that this build did not write (`written`: every
        file of the site, relative to its root), then the folders left empty."""
        for rel in self.kept - written:
            # gone already, or a folder now where the spare had a file
            with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                os.unlink(self.root / rel)
        for folder in sorted(self.folders, key=lambda f: f.count("/"), reverse=True):
            with contextlib.suppress(OSError):
                os.rmdir(self.root / folder)  # only if empty
        self.kept = set()


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
