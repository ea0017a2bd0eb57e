"""A publication read from its folder, handbook/<id>/: publication.md and its chapters."""

from __future__ import annotations

from pathlib import Path

from .catalog import PublicationDoc
from .folders import matching, pages_in, refuse_all, unpublished, well_named, well_named_folder
from .loader import Loader
from .model import Chapter, Publication
from .tree import kind, walk


def load_publication(loader: Loader, folder: Path) -> PublicationDoc | None:
    tree = walk(folder)
    refuse_all(loader, tree)
    file = tree.files.get("publication.md")
    base = f"handbook/{folder.name}"
    if file is None:
        if "" in tree.unreadable or kind(folder / "publication.md") in ("link", "other"):
            return None  # an unreadable folder, a link or a special file: refused above
        loader.find(
            loader.rel(folder),
            1,
            "missing-file",
            "the publication folder has no "
            f"publication.md (expected {base}/publication.md, got none)",
            "Add a publication.md with the publication's front matter.",
        )
        return None
    named = well_named_folder(loader, folder, file, "publication", "ks2-transition-toolkit")
    doc = loader.read(file, Publication, f"{base}/index.md")
    if doc is None:
        return None
    publication = PublicationDoc(**vars(doc))
    if named and publication.meta.id != folder.name:  # else bad-name says which id to give
        loader.find(
            publication.source,
            publication.line("id"),
            "id-mismatch",
            f"the publication id does not match its folder (expected '{folder.name}', "
            f"got '{publication.meta.id}')",
            "Make the id and the folder name the same.",
        )
    for path in well_named(loader, pages_in(loader, tree, "", "[0-9]*.md"), "01-introduction"):
        chapter = loader.read(path, Chapter, f"{base}/{path.stem}.md")
        if chapter:
            publication.chapters.append(chapter)
    unpublished(
        loader,
        tree,
        [file, *matching(tree, "", "[0-9]*.md")],
        f"{base}/publication.md, or a chapter named by its number, such as "
        f"{base}/01-introduction.md",
        pictures=True,
    )
    return publication
