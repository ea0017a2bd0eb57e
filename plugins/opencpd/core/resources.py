"""A teacher's resource read from its folder, modules/<id>/resources/<name>/, and what a
moderator must be sure of before it is published: consent, its attachments, no personal
data, and a day of submission that has come."""

from __future__ import annotations

import datetime as dt
import posixpath
from pathlib import Path

from .attachments import IMAGES, Outputs, check_file
from .catalog import Doc
from .deliveries import LONDON, build_day
from .folders import refuse, refuse_all
from .kept import KeptDocs
from .loader import Loader
from .model import Resource
from .tree import Tree, walk
from .untrusted import personal_data


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
        refuse_all(loader, tree)
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
            refuse_all(loader, tree)
        return None if tree.refused else resource

    return loader.kept_or(
        lambda: KeptDocs.key(loader.rel(path), tree, loader.max_attachment_bytes),
        Resource,
        read_and_check,
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
        if problem or posixpath.normpath(attachment.path) == "index.md":
            resource.refused.append(attachment.path)
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
                "Rename the file and its entry; names that differ only in capital letters, "
                "or in how an accented letter is stored (é as one character or as e and an "
                "accent, which look the same), count as the same.",
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
            refuse(loader, folder / link, what, tree.unreadable.get(link, ""))
