"""A publication read from its folder, handbook/<id>/: publication.md and its chapters."""

from __future__ import annotations

from pathlib import Path

from .catalog import PublicationDoc
from .folders import main_page, matching, pages_in, refuse_all, unpublished, well_named
from .loader import Loader
from .model import Chapter, Publication
from .tree import walk


def load_publication(loader: Loader, folder: Path) -> PublicationDoc | None:
    tree = walk(folder)
    refuse_all(loader, tree)
    doc = main_page(
        loader,
        folder,
        tree,
        "publication",
        Publication,
        "ks2-transition-toolkit",
        "Add a publication.md with the publication's front matter.",
    )
    if doc is None:
        return None
    publication = PublicationDoc(**vars(doc))
    base = f"handbook/{folder.name}"
    for path in well_named(loader, pages_in(loader, tree, "", "[0-9]*.md"), "01-introduction"):
        chapter = loader.read(path, Chapter, f"{base}/{path.stem}.md")
        if chapter:
            publication.chapters.append(chapter)
    unpublished(
        loader,
        tree,
        [tree.files["publication.md"], *matching(tree, "", "[0-9]*.md")],
        f"{base}/publication.md, or a chapter named by its number, such as "
        f"{base}/01-introduction.md",
        pictures=True,
    )
    return publication
