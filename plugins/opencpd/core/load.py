"""Load and validate modules/ and handbook/ into one Catalog, collecting every Finding."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import posixpath
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from .attachments import DEFAULT_MAX_BYTES, IMAGES, Outputs, check_file
from .catalog import Catalog, Doc, ModuleDoc, PublicationDoc, field_name
from .deliveries import LONDON, ReadDeliveries, add_deliveries, build_day, read_deliveries
from .findings import Finding
from .frontmatter import MAX_FILE_BYTES, FrontMatterError, Source, parse
from .kept import KeptDocs
from .language import language_findings
from .model import (
    BIDI,
    SLUG,
    UNWRITABLE,
    Chapter,
    Handout,
    Module,
    Publication,
    Resource,
    Session,
    bidi_control,
    slugify,
)
from .support import load_support
from .tree import Kind, Tree, children, kind, read_regular, walk
from .untrusted import MAX_MARKDOWN_WORK, markdown_work, personal_data
from .validate import salvage, validate
from .vocabulary import Vocabulary

T = TypeVar("T", bound=BaseModel)
KEPT_READ = "centres-and-deliveries.json"  # beside the resources' kept file: `read_apart`
EXAMPLE_OPEN = re.compile(r"^/{3,}\s*example\b")
NEEDS_BODY = (Module, Handout, Chapter, Publication, Resource)
PICTURES = {*IMAGES, "webp"}  # what the programme's pages show (packs/spec.py reads them)


class Loader:
    """Reads the content tree once; `findings` collects everything wrong with it."""

    def __init__(
        self,
        root: Path,
        vocabulary: Vocabulary,
        include_pending: bool = False,
        max_attachment_bytes: int = DEFAULT_MAX_BYTES,
    ):
        self.root = root
        self.vocabulary = vocabulary
        self.include_pending = include_pending
        self.max_attachment_bytes = max_attachment_bytes
        self.findings: list[Finding] = []
        self.kept: KeptDocs | None = None

    def rel(self, path: Path) -> str:
        text, root = str(path), str(self.root).rstrip(os.sep) + os.sep
        if text.startswith(root):  # as relative_to, without its cost for every file
            return text[len(root) :].replace(os.sep, "/")
        return path.relative_to(self.root).as_posix()

    def read(
        self, path: Path, model: type[T], page: str, partial: Callable[[Doc[T]], None] | None = None
    ) -> Doc[T] | None:
        """A regular file listed by `walk` (never a link), parsed and validated. A file with
        wrong fields is not returned; `partial` checks it as far as it is valid."""
        try:
            source = parse(self.rel(path), read_regular(path, MAX_FILE_BYTES + 1))
        except FrontMatterError as exc:
            self.findings.append(exc.finding)
            return None
        except OSError as exc:  # replaced by a link since it was listed: never followed
            what = kind(path)
            if what in ("file", "folder"):  # unreadable: never dropped without a word
                self.find(
                    self.rel(path),
                    1,
                    "unreadable",
                    f"the file cannot be read (expected a file anyone may read, got "
                    f"{exc.strerror or 'an error'})",
                    "Give the file read permission (chmod a+r), or save it again.",
                )
            self.refuse(path, what)
            return None
        meta, findings = validate(source, model, self.vocabulary)
        self.findings += findings
        self.findings += check_body(source, model)
        self.findings += language_findings(source)
        valid = meta is not None
        if meta is None and partial:  # so that one run reports every problem
            meta = salvage(source, model, self.vocabulary)
        if meta is None:
            return None
        slug = path.parent.name if path.name == "index.md" else path.stem
        # Where every value is, and every field's key (the line a teacher looks for).
        where = {field_name(k): v for k, v in source.positions.items() if k}
        where.update({field_name(k): v for k, v in source.key_positions.items()})
        doc = Doc(
            meta,
            source.path,
            source.body,
            source.body_line,
            slug,
            page,
            {k: v[0] for k, v in where.items()},
            {k: v[1] for k, v in where.items()},
        )
        if not valid and partial:
            partial(doc)
            return None
        return doc

    def read_kept(
        self, path: Path, model: type[T], page: str, check: Callable[[Doc[T]], None] | None = None
    ) -> Doc[T] | None:
        """`read`, then `check` (checks of this file alone), or what they gave the last build if
        the file is unchanged."""

        def read_and_check() -> Doc[T] | None:
            doc = self.read(path, model, page)
            if doc is not None and check:
                check(doc)
            return doc

        return self.kept_or(lambda: KeptDocs.file_key(self.rel(path), path), model, read_and_check)

    def kept_or(
        self, key_of: Callable[[], str], model: type[T], make: Callable[[], Doc[T] | None]
    ) -> Doc[T] | None:
        """What `make` gives (a file read and checked), or what it gave the last build for the
        same key, with its findings (KeptDocs)."""
        key = ""
        if self.kept:
            with contextlib.suppress(OSError):  # changed while listed: read afresh, keep nothing
                key = key_of()
        if key and self.kept and (kept := self.kept.get(key, model)) is not None:
            doc, findings = kept
            self.findings += findings
            return doc
        before = len(self.findings)
        doc = make()
        if key and self.kept:
            self.kept.put(key, doc, self.findings[before:])
        return doc

    def find(
        self,
        rel: str,
        line: int,
        rule: str,
        message: str,
        hint: str,
        severity: str = "error",
        column: int = 1,
    ) -> None:
        self.findings.append(Finding(rel, line, column, rule, message, hint, severity))  # type: ignore[arg-type]

    def refuse(self, path: Path, what: Kind, reason: str = "") -> None:
        """A symbolic link, or a pipe or device, where content may be: never read, never
        published, and nothing quoted from what it points to. A folder that cannot be listed
        (`reason`: the system's) is reported too: its pages would be missing without a word."""
        if what == "unreadable":
            self.find(
                self.rel(path),
                1,
                "unreadable",
                f"the folder cannot be listed, so nothing in it is read (expected a folder "
                f"anyone may open, got {reason or 'an error'})",
                "Give the folder read and search permission (chmod a+rx), or copy it again.",
            )
        elif what == "link":
            self.find(
                self.rel(path),
                1,
                "symlink",
                "this is a symbolic link (expected a real "
                "file or folder, got a link, which is never followed)",
                "Put the file or folder itself here in place of the link, or delete the link.",
            )
        elif what == "other":
            self.find(
                self.rel(path),
                1,
                "not-a-file",
                "this is not an ordinary file (expected "
                "a file or a folder, got a pipe, a device or a socket)",
                "Delete it.",
            )
        elif what == "shared":
            self.find(
                self.rel(path),
                1,
                "hard-link",
                "this file has a second name elsewhere on the disk (expected a file of its "
                "own, got a hard link, which may be any file and is never read)",
                "Copy the file here (cp, not ln), or delete it.",
            )

    def content_folder(self, path: Path) -> bool:
        """Whether `path`, where a folder of content belongs (modules/, centres/ ...), is a
        real folder; anything else there is refused with a finding, a file too: what it holds
        would otherwise be left out of the site without a word."""
        what = kind(path)
        if what == "file":
            self.find(
                self.rel(path),
                1,
                "not-a-folder",
                f"this is a file where the site reads a folder (expected a folder "
                f"{path.name}/ of pages, got a file, which is never read)",
                f"Make {path.name}/ a folder and put each page in it as a file of its own.",
            )
        elif what != "missing":
            self.refuse(path, what)
        return what == "folder"

    def refuse_all(self, tree: Tree) -> None:
        for rel, what in tree.refused:
            self.refuse(tree.folder / rel, what, tree.unreadable.get(rel, ""))

    def folders(self, parent: Path, expected: str = "") -> list[Path]:
        """The real folders in `parent`; links and special files in it are refused, and so
        are files when `expected` says what belongs there (a file is never published)."""
        found = []
        try:
            listed = children(parent)
        except OSError as exc:
            self.refuse(parent, "unreadable", exc.strerror or "")
            return []
        for name, what in listed:
            if what == "folder":
                found.append(parent / name)
            elif what == "file" and expected and not name.startswith("."):
                unplaced(self, parent / name, expected)
            else:
                self.refuse(parent / name, what)
        return found

    def clash(self, paths: list[Path], key: Callable[[Path], str]) -> list[Path]:
        """`paths` less any whose page would be another's on a disk that ignores case (each
        refused with a finding)."""
        seen: dict[str, Path] = {}
        kept = []
        for path in paths:
            same = unicodedata.normalize("NFC", key(path)).lower()
            if same in seen:
                self.find(
                    self.rel(path),
                    1,
                    "same-output",
                    f"this would be published under "
                    f"the same name as {self.rel(seen[same])!r} (expected names that "
                    f"differ by more than capital letters, got {path.name!r})",
                    "Rename one of the two.",
                )
            else:
                seen[same] = path
                kept.append(path)
        return kept


def check_body(source: Source, model: type[BaseModel]) -> list[Finding]:
    findings = []
    if model in NEEDS_BODY and not source.body.strip():
        findings.append(
            Finding(
                source.path,
                source.body_line,
                1,
                "empty-body",
                "the page has no text after the front matter (expected Markdown, got nothing)",
                "Write the page's text below the closing '---'.",
            )
        )
    findings += _unreadable(source)
    lines = source.body.split("\n")
    for index, line in enumerate(lines):
        if EXAMPLE_OPEN.match(line):
            options = []
            for follow in lines[index + 1 :]:
                if not follow.startswith("    "):
                    break
                options.append(follow.strip())
            if not any(o.startswith("lang:") for o in options):
                findings.append(
                    Finding(
                        source.path,
                        source.body_line + index,
                        1,
                        "example-no-lang",
                        "a worked example has no language (expected 'lang: fr', 'de' or 'es', "
                        "got none)",
                        "Add an indented line '    lang: fr' under the '/// example' line.",
                        "warning",
                    )
                )
    return findings


def _in_body(source: Source, at: int) -> tuple[int, int]:
    """The line and column of the file at which the character `at` of its body is."""
    line = source.body_line + source.body.count("\n", 0, at)
    return line, at - source.body.rfind("\n", 0, at)


def _unreadable(source: Source) -> list[Finding]:
    """An invisible character in the text (as in a field), and a text too slow to read as
    Markdown (untrusted.markdown_work)."""
    findings = []
    found = UNWRITABLE.search(source.body)
    if found:
        findings.append(
            Finding(
                source.path,
                *_in_body(source, found.start()),
                "invisible-character",
                f"the text contains the invisible character U+{ord(found[0]):04X} (expected "
                "ordinary text, got a control character)",
                "Retype the line, or paste it as plain text: the character cannot be shown on "
                "a page or written into a feed.",
            )
        )
    found = BIDI.search(source.body)
    if found:  # a warning: the strict build stops on it, and a page's text may quote one
        findings.append(
            Finding(
                source.path,
                *_in_body(source, found.start()),
                "bidi-control",
                f"the text contains the invisible bidirectional control {bidi_control(found[0])}, "
                "which changes the order the text around it is shown in (expected ordinary "
                "text, got the control)",
                "Retype the line, or paste it as plain text: the control can make a sentence or "
                "a link read as something else.",
                "warning",
            )
        )
    work, line = markdown_work(source.body)
    if work > MAX_MARKDOWN_WORK:
        findings.append(
            Finding(
                source.path,
                source.body_line + line - 1,
                1,
                "too-complex",
                "the text has too many '[' and '<' for the length of its paragraphs to be read "
                f"in reasonable time (expected at most {MAX_MARKDOWN_WORK:,}, their number "
                f"times their paragraph's length, got {work:,})",
                "Break long paragraphs up with blank lines, or write fewer links, pictures or "
                "tags; the longest is the one starting here.",
            )
        )
    return findings


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
        modules = (
            loader.folders(root / "modules") if loader.content_folder(root / "modules") else []
        )
        for folder in loader.clash(modules, lambda p: p.name):
            module = load_module(loader, folder)
            if module:
                catalog.modules.append(module)
        handbook = (
            loader.folders(root / "handbook") if loader.content_folder(root / "handbook") else []
        )
        for folder in loader.clash(handbook, lambda p: p.name):
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


def pages_in(loader: Loader, tree: Tree, subfolder: str, pattern: str = "*.md") -> list[Path]:
    """The Markdown files directly in `subfolder` of `tree` ('' for the folder itself) that
    match `pattern`, less those whose page another already takes."""
    return loader.clash(matching(tree, subfolder, pattern), lambda p: p.stem)


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


def load_module(loader: Loader, folder: Path) -> ModuleDoc | None:
    tree = walk(folder, skip=frozenset({"resources"}))
    loader.refuse_all(tree)
    file = tree.files.get("module.md")
    base = f"modules/{folder.name}"
    if file is None:
        if "" in tree.unreadable or kind(folder / "module.md") in ("link", "other"):
            return None  # an unreadable folder, a link or a special file: refused above
        loader.find(
            loader.rel(folder),
            1,
            "missing-file",
            f"the module folder has no module.md (expected {base}/module.md, got none)",
            "If you meant an existing module, move the files into its folder (check "
            "the spelling); otherwise create the module with `opencpd new module`.",
        )
        return None
    if not re.fullmatch(SLUG, folder.name):  # its id cannot match it: say what to rename
        named = slugify(folder.name) or "speaking-ks2"
        loader.find(
            loader.rel(file),
            1,
            "bad-name",
            "the module's folder name cannot be part of a web address (expected lower-case "
            f"letters, digits and hyphens, e.g. {named}; got {folder.name!r})",
            f"Rename the folder {base}/ to modules/{named}/ and give the module the same id: "
            "the folder's name is the module's address.",
        )
    doc = loader.read(file, Module, f"{base}/index.md")
    if doc is None:
        return None
    module = ModuleDoc(**vars(doc))
    if module.meta.id != folder.name:
        loader.find(
            module.source,
            module.line("id"),
            "id-mismatch",
            f"the module id does not match its folder (expected '{folder.name}', "
            f"got '{module.meta.id}')",
            "Make the id and the folder name the same.",
        )
    for path in well_named(loader, pages_in(loader, tree, "handouts"), "sentence-builders"):
        handout = loader.read(path, Handout, f"{base}/handouts/{path.stem}.md")
        if handout:
            module.handouts[handout.slug] = handout
    for path in well_named(loader, pages_in(loader, tree, "sessions"), "02-follow-up"):
        session = loader.read(path, Session, f"{base}/sessions/{path.stem}.md")
        if session:
            check_session(loader, session, module)
            module.sessions.append(session)
    read = [file, *matching(tree, "handouts"), *matching(tree, "sessions")]
    unpublished(
        loader,
        tree,
        read,
        f"{base}/module.md, {base}/sessions/<name>.md, {base}/handouts/<name>.md, or a "
        f"resource's folder {base}/resources/<name>/",
        pictures=True,
    )
    resources = (
        loader.folders(
            folder / "resources",
            f"a folder of its own for each resource, {base}/resources/<name>/index.md, with "
            "its files beside it",
        )
        if "resources" in tree.folders
        else []
    )
    for bad in [p for p in resources if not re.fullmatch(SLUG, p.name)]:
        loader.find(
            loader.rel(bad),
            1,
            "bad-name",
            "the resource's folder name cannot be "
            "part of a web address (expected lower-case words joined by hyphens, e.g. "
            f"weather-bingo; got {bad.name!r})",
            "Rename the folder: its name becomes "
            "the page's address. The resource is not published until then.",
        )
    named = [p for p in resources if re.fullmatch(SLUG, p.name)]
    for slug in loader.clash(named, lambda p: p.name):
        resource = load_resource(loader, slug, f"{base}/resources/{slug.name}/index.md")
        if resource and not submitted_by_now(loader, resource):
            continue
        if resource and (
            resource.meta.status == "approved"
            or (loader.include_pending and resource.meta.status == "pending")
        ):
            module.resources.append(resource)
    # newest first, teachers' own before the programme's examples
    module.resources.sort(
        key=lambda r: (not r.meta.example, r.meta.submitted, r.slug), reverse=True
    )
    return module


def submitted_by_now(loader: Loader, resource: Doc[Resource]) -> bool:
    """Whether a resource was submitted on a day that has come (the build's, or today's if
    later): a date to come would keep it first among the newest for as long as it lasts.
    Checked at every build, not kept with the resource: the day moves on."""
    submitted, today = resource.meta.submitted, dt.datetime.now(LONDON).date()
    if submitted <= today:  # the build's day is read only for a date past today's
        return True
    now = max(today, build_day(loader.root))
    if submitted <= now:
        return True
    line, column = resource.where("submitted")
    loader.find(
        resource.source,
        line,
        "future-date",
        f"'submitted' is a day still to come (expected the day the resource was submitted, "
        f"on or before {now.isoformat()}; got {submitted.isoformat()})",
        "Write the day it was submitted (`opencpd new resource` writes today's). The "
        "resource is not published until then.",
        column=column,
    )
    return False


def load_resource(loader: Loader, folder: Path, page: str) -> Doc[Resource] | None:
    """A resource read, validated and checked, or as the last build kept it if unchanged.
    A folder with a link or a special file anywhere in it is never published."""
    tree = walk(folder)
    if "index.md" not in tree.files:  # no page (or a link in its place): nothing is read
        loader.refuse_all(tree)
        if not any(name in ("index.md", "") for name, _ in tree.refused):
            loader.find(
                loader.rel(folder / "index.md"),
                1,
                "no-page",
                "a folder in resources/ has no page (expected index.md, the resource's page, "
                f"got {', '.join(sorted(tree.files)[:3]) or 'an empty folder'})",
                "Add index.md (`opencpd new resource` writes one), or remove the folder.",
            )
        return None
    path = tree.files["index.md"]

    def read_and_check() -> Doc[Resource] | None:
        resource = loader.read(
            path, Resource, page, partial=lambda doc: check_resource(loader, doc, tree)
        )
        if resource:
            check_resource(loader, resource, tree)
        else:
            loader.refuse_all(tree)
        return None if tree.refused else resource

    return loader.kept_or(
        lambda: KeptDocs.key(loader.rel(path), tree, loader.max_attachment_bytes),
        Resource,
        read_and_check,
    )


def check_session(loader: Loader, session: Doc[Session], module: ModuleDoc) -> None:
    meta = session.meta
    total = sum(item.minutes for item in meta.agenda)
    if total != meta.duration:
        loader.find(
            session.source,
            session.line("agenda"),
            "agenda-total",
            f"the agenda does not add up to the session's duration (expected "
            f"{meta.duration} minutes, got {total})",
            "Change the items' minutes or the duration so that they agree.",
        )
    for name in meta.handouts:
        if name not in module.handouts:
            loader.find(
                session.source,
                session.line("handouts"),
                "missing-file",
                f"the handout '{name}' does not exist (expected "
                f"modules/{module.id}/handouts/{name}.md, got no such file)",
                "Create the handout or correct its name in 'handouts'.",
            )


def check_resource(loader: Loader, resource: Doc[Resource], folder: Path | Tree) -> None:
    """Consent, attachments and personal data: what a moderator must be sure of. `folder`:
    the resource's folder, or `walk`'s listing of it."""
    tree = folder if isinstance(folder, Tree) else walk(folder)
    meta, source = resource.meta, resource.source
    if not meta.consent:
        loader.find(
            source,
            resource.line("consent"),
            "no-consent",
            "the contributor has not agreed to be credited (expected consent: true, got false)",
            "Publish only with the contributor's consent to the credit shown.",
        )
    if not meta.no_pupil_data:
        loader.find(
            source,
            resource.line("no_pupil_data"),
            "pupil-data",
            "the resource is not "
            "confirmed free of pupils' personal data (expected no_pupil_data: true, got "
            "false)",
            "Remove names, photos and work that identify pupils, then confirm.",
        )
    check_attachments(loader, resource, tree)
    where = [
        ((resource.body_line + n - 1, 1), what, text)
        for n, what, text in personal_data(resource.body)
    ]
    where += [
        (resource.where(name), what, text)
        for name in ("title", "summary")
        for _, what, text in personal_data(getattr(meta, name))
    ]
    for index, a in enumerate(meta.files):
        where += [
            (resource.where("files", index, ("path", "title", "alt")[n]), what, text)
            for n, value in enumerate((a.path, a.title, a.alt))
            for _, what, text in personal_data(value)
        ]
    for (line, column), what, text in where:
        loader.find(
            source,
            line,
            "personal-data",
            f"this looks like {what} (expected no personal data, got {text!r})",
            "Remove it, or reword it so that nobody can be identified.",
            column=column,
        )


def check_attachments(loader: Loader, resource: Doc[Resource], tree: Tree) -> None:
    """Each entry of `files` checked on its own, and reported at its own line: the file, its
    text alternative, and the name it takes in the built site."""
    source, folder = resource.source, tree.folder
    outputs = Outputs()
    listed = {posixpath.normpath(a.path) for a in resource.meta.files}
    for index, attachment in enumerate(resource.meta.files):
        line, column = resource.where("files", index, "path")
        problem = check_file(folder, attachment.path, loader.max_attachment_bytes)
        if posixpath.normpath(attachment.path) == "index.md":
            loader.find(
                source,
                line,
                "own-page",
                "the resource's page is listed as one of its "
                "own attachments (expected the attachments' names, got 'index.md')",
                "Remove this entry from 'files': the page is published already.",
                column=column,
            )
        elif problem:
            loader.find(
                source, line, "bad-attachment", problem.message, problem.hint, column=column
            )
        elif clash := outputs.claim(attachment.path):
            name, other = clash
            loader.find(
                source,
                line,
                "same-output",
                f"this attachment would be published as "
                f"{name!r}, the same file as {other} in the built site (expected a name "
                f"of its own, got {attachment.path!r})",
                "Rename the file and its entry; "
                "names that differ only in capital letters count as the same.",
                column=column,
            )
        if attachment.path.rsplit(".", 1)[-1].lower() in IMAGES and not attachment.alt:
            line, column = resource.where("files", index)
            loader.find(
                source,
                line,
                "no-alt-text",
                f"an image has no text alternative (expected alt: for {attachment.path}, got none)",
                "Add 'alt: what the image shows' to the file's entry.",
                column=column,
            )
    for extra in sorted(tree.files):
        if extra != "index.md" and extra not in listed:
            loader.find(
                source,
                resource.line("files"),
                "unlisted-file",
                "a file in the "
                f"resource's folder is not listed (expected it under files:, got "
                f"{extra!r} unlisted)",
                "List it under 'files' or delete it.",
            )
    for link, what in tree.refused:  # a listed link is reported at its entry, above
        if what == "unreadable" or not any(
            name == link or name.startswith(link + "/") for name in listed
        ):
            loader.refuse(folder / link, what, tree.unreadable.get(link, ""))


def load_publication(loader: Loader, folder: Path) -> PublicationDoc | None:
    tree = walk(folder)
    loader.refuse_all(tree)
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
    doc = loader.read(file, Publication, f"{base}/index.md")
    if doc is None:
        return None
    publication = PublicationDoc(**vars(doc))
    if publication.meta.id != folder.name:
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


def check_references(loader: Loader, catalog: Catalog) -> None:
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
        if wanted and catalog.module(wanted) is None:
            loader.find(
                publication.source,
                publication.line("training_module"),
                "unknown-module",
                f"training_module names a module that does not exist "
                f"(expected one of {', '.join(m.id for m in catalog.modules)}; "
                f"got '{wanted}')",
                "Correct the id, or write the module first.",
            )
