"""What a PDF attachment may not hold: the parts that act when a reader opens it. JavaScript
and XFA forms run script (the PDF viewers of Chromium and Firefox both run a PDF's JavaScript,
in the reader's browser, in the viewer's own sandbox, not in the site's pages); Launch, GoToR
and GoToE open programs or other files; EmbeddedFile and RichMedia carry files or players;
SubmitForm and ImportData send or fetch data. A PDF names each of them with a name object.

What is checked, so as not to depend on where one reading of the file thinks strings, comments
and streams begin and end (a scanner that skips from a `stream` it reads in a string to the
next `endstream` misses what lies between, and a reader does not):
- every object as a reader reads it: pdf_objects.py finds every `N G obj` header in the file
  (as a reader rebuilding a broken or missing cross-reference table does: old revisions,
  objects no table lists and headers inside other objects' strings or streams included) and
  lexes the dictionary, array or string after it (strings nested and escaped, hex strings,
  comments); each name outside its strings and comments is read, #xx escapes decoded
  (/J#61vaScript is /JavaScript). Text in a string is not a name: a link to a page about
  JavaScript is published;
- every name written anywhere else, as it is: between objects, in trailers, and in streams'
  content, where only /JS is let be (a page's drawing may call a font /JS, compressed bytes
  spell "/JS " by chance about once in 250 MB, and /JS acts only in an action whose
  /S /JavaScript is refused; the next shortest, /XFA, comes by chance about once in 60 GB);
- every object stream (PDF 1.5): a stream whose dictionary says /ObjStm or has the /First an
  object stream has (a reader finds one by its number, and need not read its /Type),
  unpacked, to 64 MB in all; its objects read as above, each from the offset its table gives.
  An /ObjStm written where no object holds it, or an object stream that cannot be unpacked
  here (an unknown filter, a predictor, encryption, a flate stream cut short), cannot be
  checked, and is refused.

What is not checked: what a name means (a font called /XFA would be refused), where it is
reached from (an action no page or outline uses is refused too), and the content of streams
other than object streams (pictures, fonts, pages' drawings hold no action a reader runs).
"""

from __future__ import annotations

import base64
import binascii
import bisect
import math
import re
import zlib

from .pdf_objects import DELIMITER, SPACE, PdfObject, Unreadable, objects, packed_objects

ACTIVE = frozenset(
    {
        b"JavaScript",
        b"JS",
        b"XFA",
        b"Launch",
        b"GoToR",
        b"GoToE",
        b"EmbeddedFile",
        b"EmbeddedFiles",
        b"RichMedia",
        b"SubmitForm",
        b"ImportData",
    }
)
UNPACKED = 64 * 1024 * 1024  # bytes of object streams unpacked at most: a zip bomb stops here
_NAME = re.compile(rb"/([^\x00\t\n\x0c\r /<>\[\]()%{}]*+)")
_ENDS = rb"(?![^\x00\t\n\x0c\r /<>\[\]()%{}])"  # a name ends at a delimiter or a space
# an action's name as written plainly, found by the regex engine alone; and any name with a
# #xx escape in it (rare), decoded one by one
_ACTIVE_NAME = re.compile(rb"/(" + b"|".join(sorted(ACTIVE, key=len, reverse=True)) + rb")" + _ENDS)
_ESCAPED_NAME = re.compile(
    rb"/([^\x00\t\n\x0c\r /<>\[\]()%{}#]*+#[^\x00\t\n\x0c\r /<>\[\]()%{}]*+)"
)
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_FIRST = re.compile(
    rb"/First(?![^" + DELIMITER + rb"])[" + SPACE + rb"]*+([0-9]{1,12}+)(?![0-9])"
    rb"(?![" + SPACE + rb"]++[0-9]++[" + SPACE + rb"]++R)"  # a number, not a reference
)
_FILTER = re.compile(rb"/Filter\s*+(\[[^\]]*+\]|/[^\x00\t\n\x0c\r /<>\[\]()%{}]++)")


def _name(raw: bytes) -> bytes:
    return _ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), raw) if b"#" in raw else raw


def _names(text: bytes) -> set[bytes]:
    return {_name(m[1]) for m in _NAME.finditer(text)}


def active_content(data: bytes) -> str | None:
    """The first name of an action the PDF holds ('/JavaScript'), or why it cannot be checked
    ('an encrypted object stream'); None for a PDF that only shows its pages."""
    try:
        found = objects(data)
        if (acting := _acting(data, found)) is not None:
            return acting
        packed = [o for o in found if o.stream is not None and _is_packed(o.text)]
        if _count(data, b"ObjStm") > sum(_count(o.text, b"ObjStm") for o in packed):
            raise Unreadable("an object stream whose dictionary or stream cannot be read")
        if packed and _count(data, b"Encrypt"):
            raise Unreadable("an encrypted object stream")
        budget = UNPACKED
        for obj in packed:
            assert obj.stream is not None
            unpacked = _unpack(obj.text, data[obj.stream[0] : obj.stream[1]], budget)
            budget -= len(unpacked)
            first = _FIRST.search(obj.text)
            inner = packed_objects(unpacked, int(first[1])) if first is not None else []
            if (acting := _acting(unpacked, inner)) is not None:
                return acting
    except Unreadable as exc:
        return str(exc)
    return None


def _is_packed(dictionary: bytes) -> bool:
    """A stream of objects (PDF 1.5): its /Type says so, or it has the /First an object stream
    has (a reader finds an object stream by its number, and need not read its /Type)."""
    names = _names(dictionary)
    return b"ObjStm" in names or b"First" in names


def _acting(data: bytes, found: list[PdfObject]) -> str | None:
    """The first name of an action in the objects `found` in `data`, outside their strings and
    comments, or anywhere else in `data`: between objects, in objects the header scan did not
    find, in streams' content. In a stream's content only /JS is let be: a page's drawing may
    call a font /JS, and a /JS acts only beside /S /JavaScript, refused anywhere."""
    for _at, name in _active(b" ".join(obj.text for obj in found)):
        return "/" + name.decode("ascii")
    spans = _merged([obj.span for obj in found])
    if spans == [(0, len(data))]:
        return None  # all read above
    streams = _merged([obj.stream for obj in found if obj.stream is not None])
    for at, name in _active(data):
        if not _inside(spans, at) and not (name == b"JS" and _inside(streams, at)):
            return "/" + name.decode("ascii")
    return None


def _active(text: bytes) -> list[tuple[int, bytes]]:
    """Where each name of an action is written in `text`, and the name, in order."""
    found = [(m.start(), m[1]) for m in _ACTIVE_NAME.finditer(text)]
    if b"#" in text:
        found += [(m.start(), _name(m[1])) for m in _ESCAPED_NAME.finditer(text)]
    return sorted((at, name) for at, name in found if name in ACTIVE)


def _count(text: bytes, name: bytes) -> int:
    """How many times a name is written in `text`, plainly or with #xx escapes."""
    plain = len(re.findall(rb"/" + name + _ENDS, text))
    return plain + sum(_name(m[1]) == name for m in _ESCAPED_NAME.finditer(text))


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in order, those that overlap made one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _inside(spans: list[tuple[int, int]], at: int) -> bool:
    found = bisect.bisect_right(spans, (at, math.inf)) - 1
    return found >= 0 and at < spans[found][1]


def _unpack(header: bytes, content: bytes, budget: int) -> bytes:
    """An object stream's content with its filters undone, up to `budget` bytes."""
    names = _names(header)
    if b"DecodeParms" in names or b"DP" in names:
        raise Unreadable("an object stream with a predictor")
    found = _FILTER.search(_name(header))
    if found is None and b"Filter" in names:
        raise Unreadable("an object stream whose /Filter is not written in it")
    filters = [_name(m[1]) for m in _NAME.finditer(found[1])] if found else []
    for name in filters:
        if name in (b"FlateDecode", b"Fl"):
            inflate = zlib.decompressobj()
            try:
                content = inflate.decompress(content, budget + 1)
            except zlib.error:
                raise Unreadable("an object stream that does not unpack") from None
            if not inflate.eof and len(content) <= budget:  # cut short: the rest is not read
                raise Unreadable("an object stream that does not unpack")
        elif name in (b"ASCIIHexDecode", b"AHx"):
            digits = re.sub(rb"\s", b"", content.split(b">", 1)[0])
            try:
                content = binascii.unhexlify(digits + b"0" * (len(digits) % 2))
            except binascii.Error:
                raise Unreadable("an object stream that does not unpack") from None
        elif name in (b"ASCII85Decode", b"A85"):
            try:
                content = base64.a85decode(
                    content.split(b"~>", 1)[0].strip(), ignorechars=b" \t\n\r\x0c"
                )
            except ValueError:
                raise Unreadable("an object stream that does not unpack") from None
        else:
            raise Unreadable(f"an object stream packed with /{name.decode('latin-1')}")
        if len(content) > budget:
            raise Unreadable("object streams larger than 64 MB unpacked")
    return content
