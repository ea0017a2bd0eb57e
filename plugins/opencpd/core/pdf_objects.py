"""The objects of a PDF as a reader finds them, for pdf_actions.py.

A reader reaches an object by its cross-reference entry, which points at an `N G obj` header,
or, when the table is broken or missing, by scanning the file for headers. Here every header
in the file is found (old revisions, objects no table lists, headers inside other objects'
strings or streams), and the object after it is lexed as a reader lexes it: a dictionary or an
array to the bracket that closes it (strings with nested parentheses and \\ escapes, hex
strings and comments skipped; a >> inside an array is one of its items), a string to its
closing parenthesis. Its text outside strings and comments is kept, and for a dictionary the
stream that follows, if any: from the line after `stream` to its /Length when that is a number
and `endstream` follows it, else to the next `endstream`. An object stream's objects are read
the same way, from the offsets its table gives.

Overlapping objects lex the same bytes again: WORK bounds how much, and MAX_OBJECTS how many
objects. Nothing is recursive: nesting is a stack of bytes, and runs of brackets are taken in
one step.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass

SPACE = rb"\x00\t\n\x0c\r "
DELIMITER = SPACE + rb"/<>\[\]()%{}"
# `N G obj` read backwards from its `obj`, which the regex engine finds fast (forwards, every
# digit of the file would start a try): spaces and comments between the parts, written
# backwards (a comment is then what lies before a %, back to the end of a line). A number as
# pdf.js takes one (`+4`, `4.0` and `0000` are integers to it), and no delimiter asked for
# before it: a cross-reference entry may point into the middle of `14 0 obj`.
_GAP = rb"(?:[" + SPACE + rb"]|[^\r\n%]*+%)"
_NUMBER = rb"[+\-.]*+[0-9][+\-.0-9]*+"
_HEADER = re.compile(rb"jbo" + _GAP + rb"*+" + _NUMBER + _GAP + rb"++" + _NUMBER)
_SKIP = re.compile(rb"(?:[" + SPACE + rb"]++|%[^\r\n]*+)*+")
_STOP = re.compile(rb"(?:<<)++|>>|\[++|[()<>%\]]")  # runs of openings in one go
_CLOSES = {b">>": ord("<"), b"]": ord("["), b")": -1, b">": -1}
_SIMPLE_STRING = re.compile(rb"\((?:[^()\\]++|\\[\s\S])*+\)")
_IN_STRING = re.compile(rb"\(++|\)++|\\")
_END_OF_LINE = re.compile(rb"[\r\n]")
# a reader skips the rest of the keyword's line (pdf.js); the content starts on the next
_STREAM = re.compile(rb"stream(?![^" + DELIMITER + rb"])[^\r\n]*+(?:\r\n|\n|\r)?")
_LENGTH = re.compile(
    rb"/Length(?![^" + DELIMITER + rb"])[" + SPACE + rb"]*+([0-9]{1,12}+)(?![0-9])"
    rb"(?![" + SPACE + rb"]++[0-9]++[" + SPACE + rb"]++R)"  # a number, not a reference
)
_ENDSTREAM = re.compile(rb"[" + SPACE + rb"]*+endstream")
_NUMBERS = re.compile(rb"[0-9]{1,12}+")
# strings (nested one deep), comments and hex strings, found by the regex engine in one pass
_BLANK = re.compile(
    rb"\((?:[^()\\]++|\\[\s\S]|\((?:[^()\\]++|\\[\s\S])*+\))*+\)"
    rb"|%[^\r\n]*+|<(?<!<<)(?!<)[^<>]*+>"
)
MAX_OBJECTS = 1_000_000  # more headers than this and the file is not read: no real PDF has them
WORK = 4  # bytes lexed, at most, per byte of the file (overlapping objects lex bytes again)


class Unreadable(ValueError):
    """A part of the PDF that cannot be read here, so cannot be checked."""


@dataclass(frozen=True)
class PdfObject:
    """An object that is a dictionary, an array or a string: where it lies (from its header, if
    it has one, to its end), its text outside strings and comments, and the content of the
    stream that follows a dictionary, if one does."""

    span: tuple[int, int]
    text: bytes
    stream: tuple[int, int] | None


def objects(data: bytes) -> list[PdfObject]:
    """Every object of the file that has a header, in the order of their headers."""
    work = _Work(data)
    found = (_value(data, start, end, work, streams=True) for start, end in _headers(data))
    return [obj for obj in found if obj is not None]


def packed_objects(content: bytes, first: int) -> list[PdfObject]:
    """The objects of an unpacked object stream, each as a reader reads it from the offset its
    table gives (the pairs of numbers before `first`). Read in one pass when every offset lies
    outside the strings and comments that pass finds; one by one when one does not (an offset
    may point inside another object's string) or a string nests deeper than the pass reads."""
    size = len(content)
    offsets = [first + int(at) for at in _NUMBERS.findall(content, 0, first)[1::2]]
    offsets = [at for at in offsets if at < size]
    if len(offsets) > MAX_OBJECTS:
        raise Unreadable(f"more than {MAX_OBJECTS:,} objects")
    spans = [blank.span() for blank in _BLANK.finditer(content)]
    text = _BLANK.sub(b" ", content)
    inside = bytearray(size)  # 1 within a string or comment, after its first byte
    for start, end in spans:
        inside[start + 1 : end] = b"\x01" * (end - start - 1)
    if b"(" not in text and b")" not in text and not any(_at(inside, offsets)):
        return [PdfObject((0, size), text, None)]
    work = _Work(content)
    found = (_value(content, at, at, work) for at in offsets)
    return [obj for obj in found if obj is not None]


def _at(values: bytearray, offsets: list[int]) -> bytes:
    """The values at the offsets, picked in one call."""
    if len(offsets) < 2:
        return bytes(values[at] for at in offsets)
    return bytes(operator.itemgetter(*offsets)(values))


class _Work:
    """How much more may be lexed: WORK bytes a byte of the text."""

    def __init__(self, text: bytes) -> None:
        self.left = WORK * len(text) + 1024 * 1024

    def spend(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise Unreadable("objects that overlap more than a PDF's do")


def _value(
    data: bytes, start: int, at: int, work: _Work, streams: bool = False
) -> PdfObject | None:
    """The object whose header spans start to `at`: a dictionary (and its stream, if `streams`
    are read here), an array or a string; None for a number, name or other plain token, which
    the name scan reads as it is."""
    at = _SKIP.match(data, at).end()
    if data.startswith((b"<<", b"["), at):
        end, text = container(data, at)
    elif data.startswith(b"(", at):
        end, text = string_end(data, at), b""
    else:
        return None
    stream = _stream(data, end, text) if streams and data.startswith(b"<<", at) else None
    work.spend((stream[1] if stream else end) - start)
    return PdfObject((start, end), text, stream)


def _headers(data: bytes) -> list[tuple[int, int]]:
    """Where each `N G obj` starts and ends, in the file's order."""
    size, spans = len(data), []
    for count, header in enumerate(_HEADER.finditer(data[::-1])):
        if count >= MAX_OBJECTS:
            raise Unreadable(f"more than {MAX_OBJECTS:,} objects")
        spans.append((size - header.end(), size - header.start()))
    return spans[::-1]


def container(data: bytes, at: int) -> tuple[int, bytes]:
    """Where the dictionary or array opening at `at` ends, and its text with strings and
    comments left out (each a space). One that does not end runs to the end of the file."""
    opened, pieces, start, pos = bytearray(), [], at, at  # opened: the << and [ not yet closed
    while (stop := _STOP.search(data, pos)) is not None:
        i, token = stop.start(), stop[0]
        pos = stop.end()
        if token in (b"(", b"%"):
            pieces.append(data[start:i])
            pos = start = string_end(data, i) if token == b"(" else _line_end(data, i)
        elif token == b"<":  # a hex string holds no delimiter up to its >
            close = data.find(b">", i)
            pos = len(data) if close < 0 else close + 1
        elif token[0] == 0x5B or token.startswith(b"<<"):  # [ or <<, once or more
            opened += token if token[0] == 0x5B else token[::2]
        elif opened and opened[-1] == _CLOSES[token]:  # >> or ], where it closes what is open
            opened.pop()
            if not opened:
                pieces.append(data[start:pos])
                return pos, b" ".join(pieces)
        # else a ) > ] or >> that closes nothing open: a reader skips it (in an array, a >> is
        # one of its items)
    pieces.append(data[start:])
    return len(data), b" ".join(pieces)


def _line_end(data: bytes, at: int) -> int:
    found = _END_OF_LINE.search(data, at)
    return len(data) if found is None else found.start()


def string_end(data: bytes, at: int) -> int:
    """Where the literal string opening at `at` ends: parentheses nest, and \\ escapes the
    character after it. One that does not end runs to the end of the file."""
    simple = _SIMPLE_STRING.match(data, at)
    if simple is not None:
        return simple.end()
    depth, pos = 0, at
    while (stop := _IN_STRING.search(data, pos)) is not None:
        token, pos = stop[0], stop.end()
        if token == b"\\":
            pos += 1
        elif token[0] == 0x28:  # ( once or more
            depth += len(token)
        elif len(token) >= depth:  # ) enough times to close the string
            return stop.start() + depth
        else:
            depth -= len(token)
    return len(data)


def _stream(data: bytes, end: int, text: bytes) -> tuple[int, int] | None:
    """The content of the stream that follows a dictionary ending at `end`, if one does."""
    keyword = _STREAM.match(data, _SKIP.match(data, end).end())
    if keyword is None:
        return None
    start = keyword.end()
    length = _LENGTH.search(text)
    if length is not None and _ENDSTREAM.match(data, start + int(length[1])):
        return start, start + int(length[1])
    close = data.find(b"endstream", start)
    return start, len(data) if close < 0 else close
