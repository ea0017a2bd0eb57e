"""The Catalog loaded: modules/ and handbook/, support/, centres/ and deliveries/, each read and
checked, and then checked against each other, with every Finding. The build on two CPUs has a
forked copy of itself read the centres and deliveries meanwhile (`Loading`, `read_apart`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .attachments import DEFAULT_MAX_BYTES
from .catalog import Catalog
from .deliveries import ReadDeliveries, add_deliveries, read_deliveries
from .folders import clash, content_folder, subfolders, unread_module
from .kept import KeptDocs
from .loader import Loader
from .modules import load_module
from .publications import load_publication
from .support import load_support
from .vocabulary import Vocabulary

KEPT_READ = "centres-and-deliveries.json"  # beside the resources' kept file: `read_apart`


def load_catalog(
    root: Path,
    vocabulary: Vocabulary,
    include_pending: bool = False,
    max_attachment_bytes: int = DEFAULT_MAX_BYTES,
    kept: Path | None = None,
) -> Catalog:
    """Everything under root/modules and root/handbook, centres/, deliveries/ and support/;
    `kept`: a file where the resources loaded by the last build are kept for the next one
    (KeptDocs; the centres and deliveries beside it, `read_apart`)."""
    settings = LoadSettings(root, vocabulary, include_pending, max_attachment_bytes, kept)
    return Loading(settings).add(read_apart(settings))


@dataclass(frozen=True)
class LoadSettings:
    """What is loaded, and how: the content's folder, the vocabulary, whether resources
    awaiting moderation are loaded, the attachments' size limit, and the file what the last
    build loaded is kept in (None: nothing is kept)."""

    root: Path
    vocabulary: Vocabulary
    include_pending: bool = False
    max_attachment_bytes: int = DEFAULT_MAX_BYTES
    kept: Path | None = None

    def loader(self, kept_beside: str = "") -> Loader:
        """A loader, keeping what it loads in `kept`, or in the file `kept_beside` it."""
        loader = Loader(self.root, self.vocabulary, self.include_pending, self.max_attachment_bytes)
        if self.kept is not None:
            kept = self.kept.with_name(kept_beside) if kept_beside else self.kept
            loader.kept = KeptDocs(kept, self.vocabulary, self.max_attachment_bytes)
        return loader


class Loading:
    """A Catalog loaded in two steps: the programme (modules, handbook, support) when made,
    then the centres and deliveries (`add`). The build on two CPUs has a forked copy of itself
    read those (`read_apart`) meanwhile, and makes the slide decks, which show none of them,
    before it waits for them."""

    def __init__(self, settings: LoadSettings) -> None:
        root = settings.root
        loader = self.loader = settings.loader()
        catalog = self.catalog = Catalog(root, settings.vocabulary)
        for folder in content_folders(loader, root / "modules"):
            module = load_module(loader, folder)
            if module:
                catalog.modules.append(module)
        for folder in content_folders(loader, root / "handbook"):
            publication = load_publication(loader, folder)
            if publication:
                catalog.publications.append(publication)
        load_support(loader, catalog)  # support/
        check_references(loader, catalog)
        catalog.findings = sorted(set(loader.findings))
        if loader.kept is not None:
            loader.kept.save()

    def add(self, read: ReadDeliveries) -> Catalog:
        """The Catalog with the centres and deliveries `read`, each checked against the
        modules, the centres and the build day."""
        self.loader.findings += read.findings
        add_deliveries(self.loader, self.catalog, read)
        self.catalog.findings = sorted(set(self.loader.findings))
        return self.catalog


def content_folders(loader: Loader, path: Path) -> list[Path]:
    """The folders in `path` (modules/, handbook/), less any whose pages would be another's."""
    found = subfolders(loader, path) if content_folder(loader, path) else []
    return clash(loader, found, lambda p: p.name)


def read_apart(settings: LoadSettings) -> ReadDeliveries:
    """centres/ and deliveries/ read and each checked on its own, by a loader of their own,
    keeping what it read beside the resources: what `Loading.add` adds, which the build on
    two CPUs has a forked copy of itself read while it loads the programme (at 3,000
    deliveries, reading them was a quarter of a second)."""
    loader = settings.loader(kept_beside=KEPT_READ)
    read = read_deliveries(loader)
    if loader.kept is not None:
        loader.kept.save()
    return read


def check_references(loader: Loader, catalog: Catalog) -> None:
    """The ids of modules and publications each used once, and each publication's training
    module there (unless its folder was refused: that finding says what is wrong)."""
    seen: dict[str, str] = {}
    for doc in [*catalog.modules, *catalog.publications]:
        if doc.id in seen:
            loader.find(
                doc.source,
                doc.line("id"),
                "duplicate-id",
                f"the id '{doc.id}' is already used "
                f"(expected a unique id, got the same as {seen[doc.id]})",
                "Give one of them another id (and folder name).",
            )
        seen.setdefault(doc.id, doc.source)
    for publication in catalog.publications:
        wanted = publication.meta.training_module
        if wanted and catalog.module(wanted) is None and not unread_module(loader, wanted):
            ids = ", ".join(m.id for m in catalog.modules)
            loader.find(
                publication.source,
                publication.line("training_module"),
                "unknown-module",
                f"training_module names a module that does not exist "
                f"(expected {'one of ' + ids if ids else 'the id of a module, and there is none'}; "
                f"got '{wanted}')",
                "Correct the id, or write the module first.",
            )
