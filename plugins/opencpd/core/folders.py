"""What a folder of content holds: the folders and pages the site reads from it, and a finding
for everything else in it, which the site would otherwise leave out without a word (a link, a
pipe, a hard link, a folder that cannot be listed, a page by a name that cannot be an address,
a file where no page is read)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .attachments import IMAGES
from .findings import Finding
from .model import SLUG, slugify
from .tree import Kind, Tree, children, kind

if TYPE_CHECKING:
    from .catalog import Doc
    from .loader import Loader

PICTURES = {*IMAGES, "webp"}  # what the programme's pages show (packs/spec.py reads them)


def refusal(rel: str, what: Kind, reason: str = "") -> Finding | None:
    """The finding for `rel`, a symbolic link, a pipe or device, a hard link or a folder that
    cannot be listed (`reason`: the system's) where content may be; None for anything else."""
    said = {
        "unreadable": (
            "unreadable",
            f"the folder cannot be listed, so nothing in it is read (expected a folder "
            f"anyone may open, got {reason or 'an error'})",
            "Give the folder read and search permission (chmod a+rx), or copy it again.",
        ),
        "link": (
            "symlink",
            "this is a symbolic link (expected a real "
            "file or folder, got a link, which is never followed)",
            "Put the file or folder itself here in place of the link, or delete the link.",
        ),
        "other": (
            "not-a-file",
            "this is not an ordinary file (expected "
            "a file or a folder, got a pipe, a device or a socket)",
            "Delete it.",
        ),
        "shared": (
            "hard-link",
            "this file has a second name elsewhere on the disk (expected a file of its "
            "own, got a hard link, which may be any file and is never read)",
            "Copy the file here (cp, not ln), or delete it.",
        ),
    }.get(what)
    return Finding(rel, 1, 1, *said) if said else None


def refuse(loader: Loader, path: Path, what: Kind, reason: str = "") -> None:
    """A symbolic link, or a pipe or device, where content may be: never read, never
    published, and nothing quoted from what it points to. A folder that cannot be listed
    (`reason`: the system's) is reported too: its pages would be missing without a word."""
    finding = refusal(loader.rel(path), what, reason)
    if finding:
        loader.refused.add(finding.path)
        loader.find(finding.path, 1, finding.rule, finding.message, finding.hint)


def unread_module(loader: Loader, module_id: str) -> bool:
    """Whether the module `module_id` may be there but could not be read: modules/, its
    folder or its module.md was refused (cannot be listed or read, a link ...), with a finding
    that says so. A page naming it is then no second problem: 'names a module that does not
    exist' would send the author looking for a mistake that is not theirs."""
    return loader.was_refused(f"modules/{module_id}/module.md")


def content_folder(loader: Loader, path: Path) -> bool:
    """Whether `path`, where a folder of content belongs (modules/, centres/ ...), is a
    real folder; anything else there is refused with a finding, a file too: what it holds
    would otherwise be left out of the site without a word."""
    what = kind(path)
    if what == "file":
        loader.refused.add(loader.rel(path))
        loader.find(
            loader.rel(path),
            1,
            "not-a-folder",
            f"this is a file where the site reads a folder (expected a folder "
            f"{path.name}/ of pages, got a file, which is never read)",
            f"Make {path.name}/ a folder and put each page in it as a file of its own.",
        )
    elif what != "missing":
        refuse(loader, path, what)
    return what == "folder"


def refuse_all(loader: Loader, tree: Tree) -> None:
    """Everything in `tree` that may be neither read nor published, each refused."""
    for rel, what in tree.refused:
        refuse(loader, tree.folder / rel, what, tree.unreadable.get(rel, ""))


def subfolders(loader: Loader, parent: Path, expected: str = "") -> list[Path]:
    """The real folders in `parent`; links and special files in it are refused, and so
    are files when `expected` says what belongs there (a file is never published)."""
    found = []
    try:
        listed = children(parent)
    except OSError as exc:
        refuse(loader, parent, "unreadable", exc.strerror or "")
        return []
    for name, what in listed:
        if what == "folder":
            found.append(parent / name)
        elif what == "file" and expected and not name.startswith("."):
            unplaced(loader, parent / name, expected)
        else:
            refuse(loader, parent / name, what)
    return found


def clash(loader: Loader, paths: list[Path], key: Callable[[Path], str]) -> list[Path]:
    """`paths` less any whose page would be another's on a disk that ignores case (each
    refused with a finding)."""
    seen: dict[str, Path] = {}
    kept = []
    for path in paths:
        same = unicodedata.normalize("NFC", key(path)).lower()
        if same in seen:
            loader.find(
                loader.rel(path),
                1,
                "same-output",
                f"this would be published under "
                f"the same name as {loader.rel(seen[same])!r} (expected names that "
                f"differ by more than capital letters, got {path.name!r})",
                "Rename one of the two.",
            )
        else:
            seen[same] = path
            kept.append(path)
    return kept


def pages_in(loader: Loader, tree: Tree, subfolder: str, pattern: str = "*.md") -> list[Path]:
    """The Markdown files directly in `subfolder` of `tree` ('' for the folder itself) that
    match `pattern`, less those whose page another already takes."""
    return clash(loader, matching(tree, subfolder, pattern), lambda p: p.stem)


def well_named(loader: Loader, pages: list[Path], example: str) -> list[Path]:
    """The `pages` whose names can be part of a web address; each other is a bad-name finding
    and is not published (a space, '#', '?', an accent or capitals would make its address
    fetch another page, or none)."""
    for bad in [p for p in pages if not re.fullmatch(SLUG, p.stem)]:
        loader.find(
            loader.rel(bad),
            1,
            "bad-name",
            "the file name cannot be part of a web address (expected lower-case words "
            f"joined by hyphens, e.g. {example}.md; got {bad.name!r})",
            "Rename the file: its name becomes the page's address. The page is not "
            "published until then.",
        )
    return [p for p in pages if re.fullmatch(SLUG, p.stem)]


def well_named_folder(loader: Loader, folder: Path, file: Path, what: str, example: str) -> bool:
    """Whether the folder of a module or publication (`what`, read from its page `file`) has a
    name that can be its id and address; if not, a bad-name finding says what to rename it to
    and that the id must be the same. An id-mismatch beside it would ask for an id that none
    may have (expected 'First-Module'): the caller leaves it out, and the author renames the
    folder and gives the id once, as bad-name says."""
    if re.fullmatch(SLUG, folder.name):
        return True
    named = slugify(folder.name) or example
    parent = folder.parent.name
    loader.find(
        loader.rel(file),
        1,
        "bad-name",
        f"the {what}'s folder name cannot be part of a web address (expected lower-case "
        f"letters, digits and hyphens, e.g. {named}; got {folder.name!r})",
        f"Rename the folder {parent}/{folder.name}/ to {parent}/{named}/ and give the {what} "
        f"the same id: the folder's name is the {what}'s address.",
    )
    return False


def main_page(
    loader: Loader, folder: Path, tree: Tree, what: str, model: type, example: str, hint: str
) -> Doc | None:
    """The page that makes a folder a module or publication (`what`: modules/<id>/module.md,
    handbook/<id>/publication.md), read as `model`: a missing-file finding (with `hint`) if
    there is none, and bad-name or id-mismatch if the folder's name cannot be its id."""
    file = tree.files.get(f"{what}.md")
    base = f"{folder.parent.name}/{folder.name}"
    if file is None:
        if "" in tree.unreadable or kind(folder / f"{what}.md") in ("link", "other"):
            return None  # an unreadable folder, a link or a special file: refused already
        loader.find(
            loader.rel(folder),
            1,
            "missing-file",
            f"the {what} folder has no {what}.md (expected {base}/{what}.md, got none)",
            hint,
        )
        return None
    named = well_named_folder(loader, folder, file, what, example)
    doc = loader.read(file, model, f"{base}/index.md")
    if doc is not None and named and doc.meta.id != folder.name:  # else bad-name says the id
        loader.find(
            doc.source,
            doc.line("id"),
            "id-mismatch",
            f"the {what} id does not match its folder (expected '{folder.name}', "
            f"got '{doc.meta.id}')",
            "Make the id and the folder name the same.",
        )
    return doc


def matching(tree: Tree, subfolder: str, pattern: str = "*.md") -> list[Path]:
    """The files directly in `subfolder` of `tree` that match `pattern`, in order."""
    prefix = f"{subfolder}/" if subfolder else ""
    return [
        path
        for rel, path in sorted(tree.files.items())
        if rel.startswith(prefix) and "/" not in rel[len(prefix) :] and path.match(pattern)
    ]


def unpublished(
    loader: Loader, tree: Tree, read: list[Path], expected: str, pictures: bool = False
) -> None:
    """Report each file in `tree` that no page is read from (`read`), which the site would
    leave out without a word: a chapter without its number, a resource written as one file,
    `.markdown` for `.md`. Hidden files (`.gitkeep`) are no one's content and are left alone;
    so are images where the programme's pages show them (`pictures`: a handout's picture,
    beside it, goes into its pack; a missing one is the packs' finding)."""
    known = set(read)
    for path in tree.files.values():
        picture = pictures and path.suffix.lower().lstrip(".") in PICTURES
        if path not in known and not path.name.startswith(".") and not picture:
            unplaced(loader, path, expected)


def unplaced(loader: Loader, path: Path, expected: str) -> None:
    """A file where the site reads nothing, or by a name it does not read: never published."""
    markdown = path.suffix.lower() in (".md", ".markdown", ".mdown") and path.suffix != ".md"
    loader.find(
        loader.rel(path),
        1,
        "not-published",
        f"this file is not in a place the site reads, so it is never published (expected "
        f"{expected}; got {path.name!r} here)",
        f"A page's name ends in .md: rename it {path.stem}.md, in the folder it belongs in."
        if markdown
        else "Move or rename it to where it belongs, or delete it if it is not content.",
    )
