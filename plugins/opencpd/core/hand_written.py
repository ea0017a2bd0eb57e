"""The hand-written pages of docs/ read as files: one that is not UTF-8 text, or whose front
matter cannot be read, is a finding at its line.

MkDocs reads such a page in its own way: a page saved as Latin-1 stopped the build with a
UnicodeDecodeError (a fault of OpenCPD's, to a teacher), and front matter it cannot read is
dropped without a word, the page built without its title or settings and its YAML shown as
text. `opencpd check` lists these findings; the build logs them, so the strict build stops."""

from __future__ import annotations

from pathlib import Path

from .findings import Finding
from .frontmatter import MAX_FILE_BYTES, FrontMatterError, decode, parse
from .tree import read_regular, walk

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


def docs_page_findings(project: Path, docs: Path) -> list[Finding]:
    """`page_findings` of every Markdown page in `docs`, named from `project`."""
    found: list[Finding] = []
    files = walk(docs).files if docs.is_dir() else {}
    for _, file in sorted(files.items()):
        if file.suffix != ".md":
            continue
        try:
            raw = read_regular(file, MAX_FILE_BYTES + 1)
        except OSError:
            continue  # MkDocs says so when it reads the page
        name = file.relative_to(project).as_posix() if file.is_relative_to(project) else str(file)
        found += page_findings(name, raw)
    return found


__all__ = ["docs_page_findings", "page_findings", "readable"]
