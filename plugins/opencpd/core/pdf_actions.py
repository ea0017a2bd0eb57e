"""What a PDF attachment may not hold: the parts that act when a reader opens it. JavaScript
and XFA forms run script (the PDF viewers of Chromium and Firefox both run a PDF's JavaScript,
in the reader's browser, at the site's address); Launch, GoToR and GoToE open programs or other
files; EmbeddedFile and RichMedia carry files or players; SubmitForm and ImportData send or
fetch data.

A PDF names each of them with a name object, and names are read here as a PDF reader reads
them: their #xx escapes decoded (/J#61vaScript is /JavaScript), in the file's dictionaries and
in those packed into compressed object streams (PDF 1.5). What a page draws (its content
streams, pictures and fonts) holds no action, and is not read. An object stream that cannot be
unpacked here (an unknown filter, a predictor, encryption) cannot be checked, and is refused.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib

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
_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_FILTER = re.compile(rb"/Filter\s*+(\[[^\]]*+\]|/[^\x00\t\n\x0c\r /<>\[\]()%{}]++)")


class Unreadable(ValueError):
    """A part of the PDF that cannot be unpacked here, so cannot be checked."""


def _name(raw: bytes) -> bytes:
    return _ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), raw) if b"#" in raw else raw


def _names(text: bytes) -> set[bytes]:
    return {_name(m[1]) for m in _NAME.finditer(text)}


def active_content(data: bytes) -> str | None:
    """The first name of an action the PDF holds ('/JavaScript'), or why it cannot be checked
    ('an encrypted object stream'); None for a PDF that only shows its pages."""
    texts, budget, packed = [], UNPACKED, []
    at = 0
    while (found := _STREAM.search(data, at)) is not None:
        end = data.find(b"endstream", found.end())
        end = len(data) if end < 0 else end
        obj = data.rfind(b"obj", at, found.start())
        header = data[obj if obj >= 0 else at : found.start()]  # the stream's dictionary
        texts.append(data[at : found.start()])  # the dictionaries, never a stream's content
        if b"ObjStm" in _names(header):
            packed.append((header, data[found.end() : end]))
        at = end
    texts.append(data[at:])
    try:
        if packed and any(b"Encrypt" in _names(text) for text in texts):
            raise Unreadable("an encrypted object stream")
        for header, content in packed:
            unpacked = _unpack(header, content, budget)
            budget -= len(unpacked)
            texts.append(unpacked)
    except Unreadable as exc:
        return str(exc)
    for text in texts:
        found = _ACTIVE_NAME.search(text)
        if found:
            return "/" + found[1].decode("ascii")
        for match in _ESCAPED_NAME.finditer(text):
            name = _name(match[1])
            if name in ACTIVE:
                return "/" + name.decode("ascii")
    return None


def _unpack(header: bytes, content: bytes, budget: int) -> bytes:
    """An object stream's content with its filters undone, up to `budget` bytes."""
    names = _names(header)
    if b"DecodeParms" in names or b"DP" in names:
        raise Unreadable("an object stream with a predictor")
    found = _FILTER.search(_name(header))
    filters = [_name(m[1]) for m in _NAME.finditer(found[1])] if found else []
    for name in filters:
        if name in (b"FlateDecode", b"Fl"):
            inflate = zlib.decompressobj()
            try:
                content = inflate.decompress(content, budget + 1)
            except zlib.error:
                raise Unreadable("an object stream that does not unpack") from None
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
