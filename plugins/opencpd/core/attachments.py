"""Checks on a resource's attachments: allowed types, size, content matching the extension,
and no path leaving the resource's folder."""

from __future__ import annotations

import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .office_parts import acting_part
from .pdf_actions import active_content
from .svg import NotAnSvg, read_svg
from .tree import has_second_name
from .urls import MAX_NAME, file_in_folder

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def _starts(*signatures: bytes) -> Callable[[Path, bytes], bool]:
    return lambda path, head: head.startswith(signatures)


def _office(required: str) -> Callable[[Path, bytes], bool]:
    """A zip-based office file that holds `required` and no macros."""

    def check(path: Path, head: bytes) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return False
        macros = any(
            n.lower().endswith("vbaproject.bin") or n.lower().startswith("basic/") for n in names
        )
        return not macros and any(n.startswith(required) for n in names)

    return check


def _text(path: Path, head: bytes) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


# A browser not told a file's type (a server that knows none for .md or .m4a, an offline copy
# opened on a computer that knows none) guesses it from the file's first bytes, as the MIME
# Sniffing standard says: a file that begins, after spaces, with a tag (<html, <script, <b>,
# <?xml, <!--) is shown as a web page, whose script runs at the site's address. Text has no
# signature to stop it, and an MP4's is at its fifth byte (`<b> ftyp…` is both), so no
# attachment may begin with a tag but an SVG, which is markup, rebuilt from its drawing (svg.py).
_BEGINS_WITH_A_TAG = re.compile(rb"[\t\n\x0c\r ]*+(<[A-Za-z!?/][^\s>]{0,20})")
_BOM = b"\xef\xbb\xbf"


def opening_tag(path: Path) -> str | None:
    """The tag a file begins with (after spaces and a byte order mark), if any."""
    with path.open("rb") as handle:
        start = handle.read(MAX_OPENING)
    found = _BEGINS_WITH_A_TAG.match(start.removeprefix(_BOM))
    return found[1].decode("utf-8", "replace") if found else None


MAX_OPENING = 64 * 1024  # browsers look at the first 1,445 bytes; spaces may come first


def _svg(path: Path, head: bytes) -> bool:
    """A well-formed SVG document, which is what the site publishes (svg.safe_svg)."""
    try:
        read_svg(path.read_bytes())
    except NotAnSvg:
        return False
    return True


def _mp4(path: Path, head: bytes) -> bool:
    return head[4:8] == b"ftyp"


# extension -> (label shown to readers, content check)
ALLOWED: dict[str, tuple[str, Callable[[Path, bytes], bool]]] = {
    "pdf": ("PDF", _starts(b"%PDF-")),
    "docx": ("Word document", _office("word/")),
    "pptx": ("PowerPoint slides", _office("ppt/")),
    "xlsx": ("Excel spreadsheet", _office("xl/")),
    "odt": ("OpenDocument text", _office("content.xml")),
    "odp": ("OpenDocument slides", _office("content.xml")),
    "ods": ("OpenDocument spreadsheet", _office("content.xml")),
    "png": ("PNG image", _starts(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("JPEG image", _starts(b"\xff\xd8\xff")),
    "jpeg": ("JPEG image", _starts(b"\xff\xd8\xff")),
    "gif": ("GIF image", _starts(b"GIF87a", b"GIF89a")),
    "svg": ("SVG image", _svg),
    "mp3": (
        "MP3 audio",
        lambda p, h: h.startswith(b"ID3") or h[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"),
    ),
    "m4a": ("M4A audio", _mp4),
    "mp4": ("MP4 video", _mp4),
    "txt": ("Text", _text),
    "csv": ("CSV table", _text),
    "md": ("Markdown text", _text),
}
REFUSED = {
    "docm": "a macro-enabled Word file",
    "xlsm": "a macro-enabled Excel file",
    "pptm": "a macro-enabled PowerPoint file",
    "exe": "a program",
    "bat": "a script",
    "cmd": "a script",
    "sh": "a script",
    "js": "a script",
    "msi": "an installer",
    "zip": "an archive",
    "rar": "an archive",
    "7z": "an archive",
    "tar": "an archive",
    "gz": "an archive",
    "html": "a web page",
    "htm": "a web page",
}
IMAGES = {"png", "jpg", "jpeg", "gif", "svg"}
OFFICE = {"docx", "pptx", "xlsx", "odt", "odp", "ods"}  # zips of XML parts (office_parts.py)


@dataclass(frozen=True)
class AttachmentProblem:
    message: str
    hint: str


def inside(folder: Path, name: str) -> Path | None:
    """The attachment's real path if it stays inside `folder`, else None: both as the disk
    reads the name and as a browser reads the link made of it (urls.file_in_folder)."""
    relative = file_in_folder(name)
    if relative is None or ":" in name:
        return None
    target = folder / relative
    try:
        real = target.resolve(strict=False)
    except OSError:
        return None
    return real if real.is_relative_to(folder.resolve()) else None


def check_file(
    folder: Path, name: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> AttachmentProblem | None:
    """What is wrong with one listed attachment, or None."""
    if len(name) > MAX_NAME:
        return AttachmentProblem(
            f"the attachment's name is too long (expected at most {MAX_NAME} characters, got "
            f"{len(name)})",
            "Rename the file with a shorter name, and its entry under files:.",
        )
    try:
        return _file_problem(folder, name, max_bytes)
    except OSError as exc:  # a name the disk cannot hold, a file it cannot read
        return AttachmentProblem(
            f"the attachment cannot be read (expected a file, got {exc.strerror or exc})",
            "Rename the file with a short, plain name, and its entry under files:.",
        )


def _file_problem(folder: Path, name: str, max_bytes: int) -> AttachmentProblem | None:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if inside(folder, name) is None:
        return AttachmentProblem(
            f"the attachment path leaves the resource's folder (expected a file name inside "
            f"{folder.name}/, got {name!r})",
            "Put the file in the resource's folder and give just its name.",
        )
    path = folder / name
    if through_link(folder, name):
        return AttachmentProblem(
            f"the attachment is a symbolic link, or inside one, not a file "
            f"(expected a file, got a link at {name!r})",
            "Copy the real file into the folder in place of the link.",
        )
    if path.exists() and has_second_name(path.lstat()):  # no folder on its way is a link
        return AttachmentProblem(
            f"the attachment has a second name elsewhere on the disk (expected a file of its "
            f"own, got a hard link at {name!r})",
            "Copy the real file into the folder (cp, not ln) in place of the link.",
        )
    if extension in REFUSED:
        return AttachmentProblem(
            f"this type of file cannot be published (expected one of "
            f"{', '.join(sorted(ALLOWED))}; got {REFUSED[extension]}, "
            f".{extension})",
            "Save it in an allowed format (e.g. .docx "
            "instead of .docm, a PDF instead of an archive).",
        )
    if extension not in ALLOWED:
        return AttachmentProblem(
            f"this type of file is not allowed (expected one of "
            f"{', '.join(sorted(ALLOWED))}; got .{extension or '(none)'})",
            "Save it as a PDF or another allowed type.",
        )
    if path.exists() and not path.is_file():
        return AttachmentProblem(
            f"the attachment is not an ordinary file (expected a file, got "
            f"{'a folder' if path.is_dir() else 'a pipe or a device'} at "
            f"{name!r})",
            "List the files themselves, one entry each.",
        )
    if not path.is_file():
        return AttachmentProblem(
            f"the attachment is listed but missing (expected {name} in the "
            f"resource's folder, got no such file)",
            "Add the file, or remove it from 'files'.",
        )
    size = path.stat().st_size
    if size > max_bytes:
        return AttachmentProblem(
            f"the attachment is too large (expected at most "
            f"{human_size(max_bytes)}, got {human_size(size)})",
            "Compress it or split it into smaller files.",
        )
    with path.open("rb") as handle:
        head = handle.read(64)
    label, matches = ALLOWED[extension]
    if not matches(path, head):
        return AttachmentProblem(
            f"the file's content does not match its extension (expected "
            f"a {label}, got something else)",
            "Re-save the file in the "
            "format its name says, or rename it correctly. Macro-enabled "
            "Office files are refused.",
        )
    if extension != "svg" and (tag := opening_tag(path)):
        return AttachmentProblem(
            f"a browser would show this file as a web page (expected a file that does not "
            f"begin with a tag, got one that begins with {tag!r})",
            "Begin a text with a line of words, not a tag, or save the file again in its own "
            "format: a browser that is not told a file's type reads one that begins with a tag "
            "as a web page.",
        )
    if extension == "pdf":
        return _acting_pdf(path.read_bytes())
    if extension in OFFICE:
        return _acting_office(path)
    return None


def _acting_office(path: Path) -> AttachmentProblem | None:
    """An Office file with ActiveX, OLE objects, scripts, or links it follows by itself as it
    opens (office_parts.py)."""
    acting = acting_part(path)
    if acting is None:
        return None
    return AttachmentProblem(
        f"the file acts when it is opened (expected a document of text, pictures and links a "
        f"reader clicks, got {acting})",
        "Save a copy without it: paste the picture or object in rather than linking it, remove "
        "controls, embedded objects and scripts, or save the document as a PDF.",
    )


def _acting_pdf(data: bytes) -> AttachmentProblem | None:
    """A PDF that runs script, opens or sends something, or carries a file when it is opened,
    or one whose parts cannot be read to tell (pdf_actions.py)."""
    acting = active_content(data)
    if acting is None:
        return None
    hint = (
        "Save it again as a plain PDF: print it to a PDF (File > Print > Save as PDF), which "
        "keeps the pages and leaves scripts, attached files and passwords out."
    )
    if acting.startswith("/"):
        return AttachmentProblem(
            f"the PDF acts when it is opened (expected a PDF that only shows its pages, got "
            f"{acting}, which runs script, opens or sends something, or carries a file)",
            hint,
        )
    return AttachmentProblem(
        f"the PDF cannot be checked for scripts (expected a PDF whose parts can be read, got "
        f"{acting})",
        hint,
    )


def through_link(folder: Path, name: str) -> bool:
    """Whether `name`, or a folder on its way, is a symbolic link (never followed)."""
    path = folder
    for part in Path(name).parts:
        path = path / part
        if path.is_symlink():
            return True
    return False


# What a resource's page takes in the built site: its Markdown and its HTML.
PAGE_NAMES = ("index.md", "index.html")
PAGE = "the resource's own page"


def published_names(name: str) -> list[str]:
    """Every name an attachment takes in the built site (relative to its resource's folder):
    a Markdown attachment is also a `<name>.md.txt`, so that it is never made a page."""
    name = posixpath.normpath(name)
    return [name, name + ".txt"] if name.lower().endswith(".md") else [name]


def _same(name: str) -> str:
    """A name as a disk that ignores case and Unicode normalisation compares it: a reader
    may unzip the offline copy on one."""
    return unicodedata.normalize("NFC", name).lower()


class Outputs:
    """The names a resource's page and attachments take in the built site: two inputs may
    never take one name (one would silently replace the other while its link stays)."""

    def __init__(self) -> None:
        self.files = {_same(name): PAGE for name in PAGE_NAMES}
        self.folders: dict[str, str] = {}

    def claim(self, name: str) -> tuple[str, str] | None:
        """(the published name, what already takes it) if `name` clashes with an earlier
        one; otherwise None, and its names are taken."""
        names = published_names(name)
        for output in names:
            same = _same(output)
            parents = [_same(p) for p in _parents(output)]
            if same in self.files or same in self.folders:
                return output, self.files.get(same) or self.folders[same]
            for parent in parents:
                if parent in self.files:
                    return output, self.files[parent]
        for output in names:
            self.files[_same(output)] = repr(posixpath.normpath(name))
            for parent in _parents(output):
                self.folders.setdefault(_same(parent), repr(posixpath.normpath(name)))
        return None


def _parents(name: str) -> list[str]:
    parts = name.split("/")[:-1]
    return ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    if size < 1024**3:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{size / 1024**3:.1f} GB"  # an over-size attachment: "4.0 GB", not "4096.0 MB"


def kind_of(name: str) -> str:
    return ALLOWED.get(name.rsplit(".", 1)[-1].lower(), ("File", None))[0]
