"""The content tree as it is on disk, read without ever following a symbolic link: a link in a
submission may point anywhere (a folder outside the repository, a system file), so a link is
never read, listed through, hashed through or published; it is reported."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

Kind = Literal["file", "folder", "link", "other", "shared", "missing", "unreadable"]


def kind(path: Path) -> Kind:
    """What `path` itself is (never what a link points to)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return "missing"
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISDIR(mode):
        return "folder"
    return "file" if stat.S_ISREG(mode) else "other"


def _kind(entry: os.DirEntry[str]) -> Kind:
    if entry.is_symlink():
        return "link"
    if entry.is_dir(follow_symlinks=False):
        return "folder"
    if not entry.is_file(follow_symlinks=False):
        return "other"
    return "shared" if has_second_name(entry.stat(follow_symlinks=False)) else "file"


def has_second_name(found: os.stat_result) -> bool:
    """A regular file with a second name (a hard link): it may be any file of the disk, as a
    symbolic link may. Git never makes one, so only a local build could meet it."""
    return stat.S_ISREG(found.st_mode) and found.st_nlink > 1


@dataclass
class Tree:
    """Everything under a real folder, by path relative to it ('/' between parts)."""

    folder: Path
    files: dict[str, Path] = field(default_factory=dict)  # regular files only
    folders: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # symbolic links: never followed
    others: list[str] = field(default_factory=list)  # pipes, devices, sockets: never opened
    shared: list[str] = field(default_factory=list)  # files with a second name: never read
    # folders that could not be listed ('' for `folder` itself), with the system's reason
    unreadable: dict[str, str] = field(default_factory=dict)

    @property
    def refused(self) -> list[tuple[str, Kind]]:
        """What may be neither read nor published, in order."""
        return sorted(
            [(rel, "link") for rel in self.links]
            + [(rel, "other") for rel in self.others]
            + [(rel, "shared") for rel in self.shared]
            + [(rel, "unreadable") for rel in self.unreadable]
        )


def walk(folder: Path, skip: frozenset[str] = frozenset()) -> Tree:
    """The tree under `folder`, which must be a real folder (see `kind`). Subfolders named in
    `skip`, directly in `folder`, are listed but not entered."""
    tree = Tree(folder)
    pending = [("", folder)]
    while pending:
        prefix, here = pending.pop()
        try:
            found = children(here)
        except OSError as exc:  # unreadable: nothing in it is read, and it is reported
            tree.unreadable[prefix.rstrip("/")] = exc.strerror or "an error"
            continue
        for name, what in found:
            rel = prefix + name
            if what == "folder":
                tree.folders.append(rel)
                if not (prefix == "" and name in skip):
                    pending.append((rel + "/", here / name))
            elif what == "file":
                tree.files[rel] = here / name
            else:
                {"link": tree.links, "shared": tree.shared}.get(what, tree.others).append(rel)
    tree.folders.sort()
    tree.links.sort()
    tree.others.sort()
    return tree


def children(folder: Path) -> list[tuple[str, Kind]]:
    """The names directly in `folder` (a real folder) and what each is; OSError if it cannot
    be listed (no permission, a failing disk), for the caller to report: a folder is never
    passed over without a word."""
    with os.scandir(folder) as entries:
        return sorted((entry.name, _kind(entry)) for entry in entries)


def _open_regular(path: Path) -> BinaryIO:
    """`path` open for reading; OSError if it has become a link or anything else since it was
    listed (O_NOFOLLOW: its last part is not followed; O_NONBLOCK: a pipe does not wait for a
    writer)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    handle = os.fdopen(os.open(path, flags), "rb")
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
        handle.close()
        raise OSError(f"{path} is not a regular file")
    return handle


def read_regular(path: Path, limit: int = -1) -> bytes:
    """The bytes of a regular file (at most `limit`, if given); OSError as `_open_regular`."""
    with _open_regular(path) as handle:
        return handle.read(limit)


def digest_regular(path: Path, prefix: bytes = b"", limit: int | None = None) -> bytes:
    """The SHA-256 of `prefix` and a regular file's bytes, read a piece at a time: a file of
    any size costs no more memory than a small one. A file larger than `limit` is refused for
    its size whatever it holds: its size is hashed, and nothing of it is read (a 4 GB
    attachment took 17 s). OSError as `_open_regular`."""
    digest = hashlib.sha256(prefix)
    with _open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if limit is not None and size > limit:
            digest.update(b"\0larger than the limit: %d bytes" % size)
            return digest.digest()
        while piece := handle.read(1 << 20):
            digest.update(piece)
    return digest.digest()
