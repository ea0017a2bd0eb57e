"""What an Office attachment may not hold besides macros (attachments._office refuses those):
the parts that act when the file is opened. ActiveX controls and OLE objects are programs, or
other programs' files, run inside the document. A link the program follows by itself as the
file opens fetches from another address: a template (Word fetched one that started msdt, CVE
2022-30190), a frame, an object or a picture, which tells the other site who opened the file.
In OpenDocument files, scripts and the event handlers that run them or start programs. A link
a reader clicks, to an http, https or mailto address, stays.

The parts are read as the program reads them: each relationship of an Office Open XML file
(its `.rels` parts), and each element and link of an OpenDocument file's content and styles, by
an XML parser that knows their namespaces, with no document type (and so no entities) and no
more than UNPACKED bytes unpacked."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.parsers import expat

from .urls import LINK_SCHEMES, read

UNPACKED = 64 * 1024 * 1024  # bytes of XML unpacked at most: a zip bomb stops here
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
SCRIPT = "urn:oasis:names:tc:opendocument:xmlns:script:1.0"
PRESENTATION = "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
XLINK = "http://www.w3.org/1999/xlink"
FETCHED = ("image", "object", "floating-frame")  # drawing elements that show what they link
SCRIPT_LINKS = ("vnd.sun.star.script:", "macro:", "vnd.sun.star.basic:")


class Acting(ValueError):
    """A part of the file that acts when it is opened, or that cannot be read to tell."""


def acting_part(path: Path) -> str | None:
    """What in the Office file acts when it is opened ('an ActiveX control'), or why it
    cannot be checked; None for a file that only holds its text, pictures and links."""
    try:
        with zipfile.ZipFile(path) as archive:
            _check(archive)
    except Acting as exc:
        return str(exc)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError):
        return "parts that cannot be unpacked"
    return None


def _check(archive: zipfile.ZipFile) -> None:
    budget = [UNPACKED]
    for info in archive.infolist():
        if _outside(info.filename):
            raise Acting(
                f"a part named outside the document ({info.filename[:60]!r}), which a program "
                "that unpacks it writes wherever the name says"
            )
        name = info.filename.lower()
        if "activex/" in name:
            raise Acting(f"an ActiveX control ({info.filename})")
        if "embeddings/" in name and name.endswith(".bin"):
            raise Acting(f"an embedded OLE object ({info.filename})")
        if name.startswith("scripts/"):
            raise Acting(f"a script ({info.filename})")
        if name.endswith(".rels"):
            _parse(archive, info, budget, _relationship)
        elif name.rsplit("/", 1)[-1] in ("content.xml", "styles.xml"):  # embedded objects' too
            _parse(archive, info, budget, _open_document)


def _outside(name: str) -> bool:
    """Whether a part's name leads out of the folder it is unpacked into ('../', '/etc/x',
    'C:\\x', read with '\\' as '/' as Windows reads it): Office never writes one."""
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]


def _relationship(tag: str, attributes: dict[str, str]) -> None:
    if tag != f"{RELATIONSHIPS} Relationship" or attributes.get("TargetMode") != "External":
        return
    kind = attributes.get("Type", "").rsplit("/", 1)[-1]
    target = attributes.get("Target", "")
    url = read(target, None)
    if kind == "hyperlink" and url is not None and url.protocol in LINK_SCHEMES:
        return
    if kind == "hyperlink":
        raise Acting(f"the hyperlink to {target!r}, which is no http, https or mailto address")
    raise Acting(f"the {kind or 'external'} link to {target!r}, which it follows as it opens")


def _open_document(tag: str, attributes: dict[str, str]) -> None:
    namespace, _, local = tag.rpartition(" ")
    if namespace == SCRIPT and local == "event-listener":
        raise Acting("an event handler that runs a script")
    action = attributes.get(f"{PRESENTATION} action")
    if namespace == PRESENTATION and local == "event-listener" and action == "execute":
        raise Acting("an event handler that starts a program")
    if namespace == DRAW and local in ("applet", "plugin"):
        raise Acting(f"{'an applet' if local == 'applet' else 'a plug-in'} (draw:{local})")
    href = attributes.get(f"{XLINK} href", "")
    if href.strip().lower().startswith(SCRIPT_LINKS):
        raise Acting(f"a link that runs a script ({href[:60]!r})")
    if href.replace("\\", "/").startswith("//"):  # a network path: \\server\share
        raise Acting(f"the link to {href[:60]!r}, a network path it may open by itself")
    url = read(href, None) if ":" in href else None  # None: a part of the file ("Pictures/1.png")
    if url is not None and namespace == DRAW and local in FETCHED:
        raise Acting(f"the {local} it fetches from {href[:60]!r} as it opens")
    if url is not None and url.protocol not in LINK_SCHEMES:
        raise Acting(f"the link to {href[:60]!r}, which is no http, https or mailto address")


def _parse(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    budget: list[int],
    seen: Callable[[str, dict[str, str]], None],
) -> None:
    """Each element of the XML part `info`, with its attributes, given to `seen`."""
    parser = expat.ParserCreate(namespace_separator=" ")

    def no_document_type(*_: object) -> None:
        raise Acting(f"a document type in {info.filename}, which it does not need")

    parser.StartDoctypeDeclHandler = no_document_type
    parser.EntityDeclHandler = no_document_type
    parser.StartElementHandler = seen
    try:
        with archive.open(info) as part:
            while chunk := part.read(1024 * 1024):
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise Acting("parts larger than 64 MB unpacked")
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError:
        raise Acting(f"a part that is not well-formed XML ({info.filename})") from None
