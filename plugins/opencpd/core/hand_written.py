"""The hand-written pages of docs/ read as files: one that is not UTF-8 text, or whose front
matter cannot be read, is a finding at its line.

MkDocs reads such a page in its own way: a page saved as Latin-1 stopped the build with a
UnicodeDecodeError (a fault of OpenCPD's, to a teacher), and front matter it cannot read is
dropped without a word, the page built without its title or settings and its YAML shown as
text. `opencpd check` lists these findings; the build logs them, so the strict build stops."""

from __future__ import annotations

from pathlib import Path

from .findings import Finding
from .folders import refusal
from .frontmatter import MAX_FILE_BYTES, FrontMatterError, decode, parse
from .tree import kind, read_regular, walk

BOM = b"\xef\xbb\xbf"


def page_findings(name: str, raw: bytes) -> list[Finding]:
    """What stops the page `name`, whose bytes are `raw`, being read as MkDocs would (a page
    larger than a content file may be is left to MkDocs)."""
    if len(raw) > MAX_FILE_BYTES:
        return []
    try:
        if raw.removeprefix(BOM).startswith(b"---"):
            parse(name, raw)  # as MkDocs, front matter is a first line '---'
        else:
            decode(name, raw)
    except FrontMatterError as exc:
        return [exc.finding]
    return []


def readable(raw: bytes) -> bool:
    """Whether MkDocs can read `raw` as text."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _named(project: Path, path: Path) -> str:
    return path.relative_to(project).as_posix() if path.is_relative_to(project) else str(path)


def refused_in_docs(project: Path, docs: Path) -> list[Finding]:
    """A symbolic link, a pipe or device, a hard link or a folder that cannot be listed in
    `docs` (or `docs` itself a link), each a finding, named from `project`. MkDocs follows
    links as it lists docs/ and reads every file in it: a link to /etc/passwd was published
    as a page, a link to / listed the whole disk, and a pipe named like a page (or any file)
    held the build for ever, waiting for a writer. The build stops on these before MkDocs
    lists the folder, and `opencpd check` lists them."""
    what = kind(docs)
    if what != "folder":
        finding = refusal(_named(project, docs), what)
        return [finding] if finding else []
    tree = walk(docs)
    found = [
        refusal(_named(project, docs / rel), what, tree.unreadable.get(rel, ""))
        for rel, what in tree.refused
    ]
    return [finding for finding in found if finding]


def docs_page_findings(project: Path, docs: Path) -> list[Finding]:
    """`refused_in_docs` and the `page_findings` of every Markdown page in `docs`, named
    from `project`."""
    found = refused_in_docs(project, docs)
    files = walk(docs).files if kind(docs) == "folder" else {}
    for _, file in sorted(files.items()):
        if file.suffix != ".md":
            continue
        try:
            raw = read_regular(file, MAX_FILE_BYTES + 1)
        except OSError:
            continue  # MkDocs says so when it reads the page
        found += page_findings(_named(project, file), raw)
    return found


__all__ = ["docs_page_findings", "page_findings", "readable", "refused_in_docs"]
