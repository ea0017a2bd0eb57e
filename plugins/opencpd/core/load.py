"""Load and validate modules/ and handbook/ into one Catalog, collecting every Finding."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from .catalog import Catalog, Doc, ModuleDoc, PublicationDoc
from .attachments import DEFAULT_MAX_BYTES, IMAGES, check_file
from .findings import Finding
from .frontmatter import FrontMatterError, Source, parse
from .kept import KeptResources
from .language import language_findings
from .model import Chapter, Handout, Module, Publication, Resource, Session
from .untrusted import personal_data
from .validate import validate
from .vocabulary import Vocabulary

T = TypeVar("T", bound=BaseModel)
EXAMPLE_OPEN = re.compile(r"^/{3,}\s*example\b")
NEEDS_BODY = (Module, Handout, Chapter, Publication, Resource)


class Loader:
    """Reads the content tree once; `findings` collects everything wrong with it."""

    def __init__(self, root: Path, vocabulary: Vocabulary, include_pending: bool = False,
                 max_attachment_bytes: int = DEFAULT_MAX_BYTES):
        self.root = root
        self.vocabulary = vocabulary
        self.include_pending = include_pending
        self.max_attachment_bytes = max_attachment_bytes
        self.findings: list[Finding] = []
        self.kept: KeptResources | None = None

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def read(self, path: Path, model: type[T], page: str) -> Doc[T] | None:
        try:
            source = parse(self.rel(path), path.read_bytes())
        except FrontMatterError as exc:
            self.findings.append(exc.finding)
            return None
        meta, findings = validate(source, model, self.vocabulary)
        self.findings += findings
        self.findings += check_body(source, model)
        self.findings += language_findings(source)
        if meta is None:
            return None
        slug = path.parent.name if path.name == "index.md" else path.stem
        lines = {str(k[0]): v[0] for k, v in source.key_positions.items() if len(k) == 1}
        return Doc(meta, source.path, source.body, source.body_line, slug, page, lines)

    def find(self, rel: str, line: int, rule: str, message: str, hint: str,
             severity: str = "error") -> None:
        self.findings.append(Finding(rel, line, 1, rule, message, hint, severity))  # type: ignore[arg-type]


def check_body(source: Source, model: type[BaseModel]) -> list[Finding]:
    findings = []
    if model in NEEDS_BODY and not source.body.strip():
        findings.append(Finding(
            source.path, source.body_line, 1, "empty-body",
            "the page has no text after the front matter (expected Markdown, got nothing)",
            "Write the page's text below the closing '---'."))
    lines = source.body.split("\n")
    for index, line in enumerate(lines):
        if EXAMPLE_OPEN.match(line):
            options = []
            for follow in lines[index + 1:]:
                if not follow.startswith("    "):
                    break
                options.append(follow.strip())
            if not any(o.startswith("lang:") for o in options):
                findings.append(Finding(
                    source.path, source.body_line + index, 1, "example-no-lang",
                    "a worked example has no language (expected 'lang: fr', 'de' or 'es', "
                    "got none)",
                    "Add an indented line '    lang: fr' under the '/// example' line.",
                    "warning"))
    return findings


def load_catalog(root: Path, vocabulary: Vocabulary, include_pending: bool = False,
                 max_attachment_bytes: int = DEFAULT_MAX_BYTES,
                 kept: Path | None = None) -> Catalog:
    """Everything under root/modules and root/handbook; `kept`: a file where resources loaded
    by the last build are kept for the next one (see KeptResources)."""
    loader = Loader(root, vocabulary, include_pending, max_attachment_bytes)
    if kept is not None:
        loader.kept = KeptResources(kept, vocabulary, max_attachment_bytes)
    catalog = Catalog(root, vocabulary)
    for folder in sorted(p for p in (root / "modules").glob("*/") if p.is_dir()):
        module = load_module(loader, folder)
        if module:
            catalog.modules.append(module)
    for folder in sorted(p for p in (root / "handbook").glob("*/") if p.is_dir()):
        publication = load_publication(loader, folder)
        if publication:
            catalog.publications.append(publication)
    check_references(loader, catalog)
    catalog.findings = sorted(set(loader.findings))
    if loader.kept is not None:
        loader.kept.save()
    return catalog


def load_module(loader: Loader, folder: Path) -> ModuleDoc | None:
    file = folder / "module.md"
    base = f"modules/{folder.name}"
    if not file.is_file():
        loader.find(loader.rel(folder), 1, "missing-file",
                    f"the module folder has no module.md (expected {base}/module.md, got none)",
                    "If you meant an existing module, move the files into its folder (check "
                    "the spelling); otherwise create the module with `opencpd new module`.")
        return None
    doc = loader.read(file, Module, f"{base}/index.md")
    if doc is None:
        return None
    module = ModuleDoc(**vars(doc))
    if module.meta.id != folder.name:
        loader.find(module.source, module.line("id"), "id-mismatch",
                    f"the module id does not match its folder (expected '{folder.name}', "
                    f"got '{module.meta.id}')", "Make the id and the folder name the same.")
    for path in sorted((folder / "handouts").glob("*.md")):
        handout = loader.read(path, Handout, f"{base}/handouts/{path.stem}.md")
        if handout:
            module.handouts[handout.slug] = handout
    for path in sorted((folder / "sessions").glob("*.md")):
        session = loader.read(path, Session, f"{base}/sessions/{path.stem}.md")
        if session:
            check_session(loader, session, module)
            module.sessions.append(session)
    for path in sorted((folder / "resources").glob("*/index.md")):
        resource = load_resource(loader, path, f"{base}/resources/{path.parent.name}/index.md")
        if resource:
            if resource.meta.status == "approved" or (
                    loader.include_pending and resource.meta.status == "pending"):
                module.resources.append(resource)
    module.resources.sort(key=lambda r: (r.meta.submitted, r.slug), reverse=True)
    return module


def load_resource(loader: Loader, path: Path, page: str) -> Doc[Resource] | None:
    """A resource read, validated and checked, or as the last build kept it if unchanged."""
    key = KeptResources.key(loader.rel(path), path.parent) if loader.kept else ""
    if loader.kept and (kept := loader.kept.get(key)) is not None:
        resource, findings = kept
        loader.findings += findings
        return resource
    before = len(loader.findings)
    resource = loader.read(path, Resource, page)
    if resource:
        check_resource(loader, resource, path.parent)
    if loader.kept:
        loader.kept.put(key, resource, loader.findings[before:])
    return resource


def check_session(loader: Loader, session: Doc[Session], module: ModuleDoc) -> None:
    meta = session.meta
    total = sum(item.minutes for item in meta.agenda)
    if total != meta.duration:
        loader.find(session.source, session.line("agenda"), "agenda-total",
                    f"the agenda does not add up to the session's duration (expected "
                    f"{meta.duration} minutes, got {total})",
                    "Change the items' minutes or the duration so that they agree.")
    for name in meta.handouts:
        if name not in module.handouts:
            loader.find(session.source, session.line("handouts"),
                        "missing-file", f"the handout '{name}' does not exist (expected "
                        f"modules/{module.id}/handouts/{name}.md, got no such file)",
                        "Create the handout or correct its name in 'handouts'.")


def check_resource(loader: Loader, resource: Doc[Resource], folder: Path) -> None:
    """Consent, attachments and personal data: what a moderator must be sure of."""
    meta, source = resource.meta, resource.source
    if not meta.consent:
        loader.find(source, resource.line("consent"), "no-consent", "the contributor has not "
                    "agreed to be credited (expected consent: true, got false)",
                    "Publish only with the contributor's consent to the credit shown.")
    if not meta.no_pupil_data:
        loader.find(source, resource.line("no_pupil_data"), "pupil-data", "the resource is not "
                    "confirmed free of pupils' personal data (expected no_pupil_data: true, got "
                    "false)", "Remove names, photos and work that identify pupils, then confirm.")
    listed = {f.path for f in meta.files}
    for attachment in meta.files:
        problem = check_file(folder, attachment.path, loader.max_attachment_bytes)
        if problem:
            loader.find(source, resource.line("files"), "bad-attachment", problem.message,
                        problem.hint)
        if attachment.path.rsplit(".", 1)[-1].lower() in IMAGES and not attachment.alt:
            loader.find(source, resource.line("files"), "no-alt-text", "an image has no text "
                        f"alternative (expected alt: for {attachment.path}, got none)",
                        "Add 'alt: what the image shows' to the file's entry.")
    present = (p.relative_to(folder).as_posix() for p in folder.rglob("*")
               if p.is_symlink() or not p.is_dir())
    for extra in sorted(present):
        if extra != "index.md" and extra not in {posixpath.normpath(x) for x in listed}:
            loader.find(source, resource.line("files"), "unlisted-file", "a file in the "
                        f"resource's folder is not listed (expected it under files:, got "
                        f"{extra!r} unlisted)", "List it under 'files' or delete it.")
    where = [(resource.body_line + n - 1, what, text)
             for n, what, text in personal_data(resource.body)]
    where += [(resource.line("files"), what, text) for name in sorted(listed)
              for _, what, text in personal_data(name)]
    where += [(resource.line(name), what, text) for name in ("title", "summary")
              for _, what, text in personal_data(getattr(meta, name))]
    where += [(resource.line("files"), what, text) for a in meta.files
              for _, what, text in personal_data(f"{a.title}\n{a.alt}")]
    for line, what, text in where:
        loader.find(source, line, "personal-data", f"this looks like {what} (expected no "
                    f"personal data, got {text!r})", "Remove it, or reword it so that nobody "
                    "can be identified.")


def load_publication(loader: Loader, folder: Path) -> PublicationDoc | None:
    file = folder / "publication.md"
    base = f"handbook/{folder.name}"
    if not file.is_file():
        loader.find(loader.rel(folder), 1, "missing-file", "the publication folder has no "
                    f"publication.md (expected {base}/publication.md, got none)",
                    "Add a publication.md with the publication's front matter.")
        return None
    doc = loader.read(file, Publication, f"{base}/index.md")
    if doc is None:
        return None
    publication = PublicationDoc(**vars(doc))
    if publication.meta.id != folder.name:
        loader.find(publication.source, publication.line("id"), "id-mismatch",
                    f"the publication id does not match its folder (expected '{folder.name}', "
                    f"got '{publication.meta.id}')", "Make the id and the folder name the same.")
    for path in sorted(folder.glob("[0-9]*.md")):
        chapter = loader.read(path, Chapter, f"{base}/{path.stem}.md")
        if chapter:
            publication.chapters.append(chapter)
    return publication


def check_references(loader: Loader, catalog: Catalog) -> None:
    seen: dict[str, str] = {}
    for doc in [*catalog.modules, *catalog.publications]:
        if doc.id in seen:
            loader.find(doc.source, doc.line("id"), "duplicate-id",
                        f"the id '{doc.id}' is already used "
                        f"(expected a unique id, got the same as {seen[doc.id]})",
                        "Give one of them another id (and folder name).")
        seen.setdefault(doc.id, doc.source)
    for publication in catalog.publications:
        wanted = publication.meta.training_module
        if wanted and catalog.module(wanted) is None:
            loader.find(publication.source,
                        publication.line("training_module"),
                        "unknown-module", f"training_module names a module that does not exist "
                        f"(expected one of {', '.join(m.id for m in catalog.modules)}; "
                        f"got '{wanted}')", "Correct the id, or write the module first.")
