"""A PDF attachment that acts when it is opened (runs JavaScript, launches a program, carries a
file, sends a form) is refused, however its names are written or packed; a PDF that only shows
its pages, as WeasyPrint and office programs write them, is published."""

from __future__ import annotations

import base64
import binascii
import struct
import zlib
from pathlib import Path

import pytest
from opencpd.core.attachments import check_file
from opencpd.core.pdf_actions import ACTIVE, active_content

CATALOG = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>"
PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"


def pdf(*objects: bytes, trailer: bytes = b"<< /Root 1 0 R >>") -> bytes:
    out = b"%PDF-1.7\n"
    for number, body in enumerate(objects, 1):
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    return out + b"trailer\n" + trailer + b"\n%%EOF\n"


def packed(body: bytes, filters: bytes = b"/FlateDecode", pack=zlib.compress) -> bytes:
    """`body` as object 3 in a compressed object stream (PDF 1.5)."""
    data = pack(b"3 0 " + body)
    return b"<< /Type /ObjStm /N 1 /First 4 /Length %d /Filter %s >>\nstream\n%s\nendstream" % (
        len(data),
        filters,
        data,
    )


def packed_table(table: bytes, objects: bytes) -> bytes:
    """An object stream with its table of numbers and offsets written out."""
    data = zlib.compress(table + objects)
    head = b"/Type /ObjStm /N %d /First %d" % (table.count(b" ") // 2, len(table))
    return b"<< %s /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (
        head,
        len(data),
        data,
    )


def escaped(name: bytes) -> bytes:
    """Every letter of a name written as its #xx escape, which a reader decodes."""
    return b"".join(b"#%02X" % c for c in name)


ACTION = b"<< /S /JavaScript /JS (app.alert(1)) >>"
WRITTEN = {
    "as it is": lambda action: pdf(CATALOG, PAGES, action),
    "with #xx escapes": lambda action: pdf(
        CATALOG,
        PAGES,
        b" ".join(b"/" + escaped(w[1:]) if w[:1] == b"/" else w for w in action.split()),
    ),
    "in an object stream": lambda action: pdf(CATALOG, PAGES, packed(action)),
    "in a hex and flate object stream": lambda action: pdf(
        CATALOG,
        PAGES,
        packed(action, b"[/AHx /Fl]", lambda d: binascii.hexlify(zlib.compress(d)) + b">"),
    ),
    "in an ASCII85 object stream": lambda action: pdf(
        CATALOG, PAGES, packed(action, b"/A85", lambda d: base64.a85encode(d) + b"~>")
    ),
    "in an object stream of escaped type": lambda action: pdf(
        CATALOG, PAGES, packed(action).replace(b"/ObjStm", b"/Obj#53tm")
    ),
}


@pytest.mark.parametrize("written", WRITTEN)
def test_a_pdf_that_runs_script_is_refused_however_it_is_written(written: str) -> None:
    assert active_content(WRITTEN[written](ACTION)) == "/JavaScript"


@pytest.mark.parametrize("name", sorted(n.decode() for n in ACTIVE))
def test_each_action_that_acts_on_opening_is_refused(name: str) -> None:
    action = b"<< /Type /Action /S /%s >>" % name.encode()
    assert active_content(pdf(CATALOG, PAGES, packed(action))) == f"/{name}"


# Text a scanner in the manner of pdfid takes for a stream's start and end, so skips what lies
# between: a reader sees strings, comments and plain objects there, and reads the action.
HIDERS = {
    "a string that reads like a stream": (b"<< /T (stream\n) >>", b"<< /T (endstream) >>"),
    "a string that reads like a dictionary's stream": (
        b"<< /T (<< /Length 90 >>stream\n) >>",
        b"<< /T (\nendstream) >>",
    ),
    "a string with escapes and nested parentheses": (
        b"<< /T (a \\) \\( (b) stream\n) >>",
        b"<< /T ((endstream)) >>",
    ),
    "a comment": (b"%stream\n<< >>", b"<< >> %endstream"),
    "a stream keyword after an array": (b"[ ] stream\n", b"[ ] endstream"),
}


def hidden(action: bytes, hider: str) -> bytes:
    """`action` as object 4, the OpenAction, between two objects that a scanner misreads."""
    before, after = HIDERS[hider]
    return pdf(CATALOG.replace(b"3 0 R", b"4 0 R"), PAGES, before, action, after)


@pytest.mark.parametrize("hider", HIDERS)
@pytest.mark.parametrize("packing", ["as it is", "in an object stream"])
def test_an_action_behind_text_that_reads_like_a_stream_is_refused(
    hider: str, packing: str
) -> None:
    action = packed(ACTION).replace(b"3 0 ", b"4 0 ") if packing != "as it is" else ACTION
    assert active_content(hidden(action, hider)) == "/JavaScript"


def shown_then_packed(data: bytes) -> bytes:
    """`data` deflated as a reader inflates it: up to `endstream)` stored, its bytes written as
    they are, then the rest compressed."""
    cut = data.index(b"endstream)") + len(b"endstream)")
    pack = zlib.compressobj(9, zlib.DEFLATED, -15)
    rest = pack.compress(data[cut:]) + pack.flush()
    stored = b"\x00" + struct.pack("<HH", cut, cut ^ 0xFFFF) + data[:cut]
    return b"\x78\x01" + stored + rest + struct.pack(">I", zlib.adler32(data))


def test_endstream_written_inside_an_object_stream_does_not_end_it() -> None:
    """The stream's /Length says where it ends; `endstream` in its content is content."""
    action = b"<< /T (endstream) /S /JavaScript /JS (app.alert(1)) >>"
    assert zlib.decompress(shown_then_packed(b"3 0 " + action)) == b"3 0 " + action
    stream = packed(action, pack=shown_then_packed)
    assert active_content(pdf(CATALOG, PAGES, stream)) == "/JavaScript"


def test_an_object_stream_with_a_length_that_lies_is_read_to_its_endstream() -> None:
    lying = packed(ACTION).replace(b"/Length ", b"/Length 3 /L ", 1)
    assert active_content(pdf(CATALOG, PAGES, lying)) == "/JavaScript"


def test_an_object_stream_without_its_type_is_read() -> None:
    """A reader finds an object stream by the number a cross-reference stream gives, and reads
    its /N and /First, not its /Type."""
    untyped = packed(ACTION).replace(b"/Type /ObjStm ", b"")
    assert active_content(pdf(CATALOG, PAGES, untyped)) == "/JavaScript"


@pytest.mark.parametrize(
    ("written", "rewritten"),
    [
        (
            b"/N 1",
            b"/X [ >> ] /N 1",
        ),  # a >> in an array is one of its items: the dictionary goes on
        (b">>\nstream\n", b">>\nstream \n"),  # the rest of the keyword's line is skipped
    ],
    ids=["a >> in an array", "spaces after stream"],
)
def test_an_object_stream_is_read_where_a_reader_reads_it(written: bytes, rewritten: bytes) -> None:
    untyped = packed(ACTION).replace(b"/Type /ObjStm ", b"")
    assert (
        active_content(pdf(CATALOG, PAGES, untyped.replace(written, rewritten, 1))) == "/JavaScript"
    )


@pytest.mark.parametrize(
    "header",
    [b"3 000000 obj", b"+3 0 obj", b"3.0 0 obj", b"3 0obj", b"3 %c\n0 %c\nobj", b"x3 0 obj"],
)
def test_an_object_stream_is_read_whatever_its_header_looks_like(header: bytes) -> None:
    """pdf.js reads each of these as object 3 when a cross-reference entry points at it."""
    untyped = pdf(CATALOG, PAGES, packed(ACTION).replace(b"/Type /ObjStm ", b""))
    assert active_content(untyped.replace(b"3 0 obj", header)) == "/JavaScript"


def test_an_object_stream_the_check_cannot_place_is_refused() -> None:
    """An /ObjStm outside any object the check reads: a reader may read it, this cannot."""
    stray = pdf(CATALOG, PAGES, b"<< >>") + packed(b"<< >>")
    found = active_content(stray)
    assert found is not None and "cannot be read" in found


def updated(original: bytes, *objects: tuple[int, bytes]) -> bytes:
    """`original` with an incremental update appended: objects written again, a new trailer."""
    out = original
    for number, body in objects:
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    return out + b"trailer\n<< /Root 1 0 R /Prev 9 >>\n%%EOF\n"


@pytest.mark.parametrize("packing", ["as it is", "in an object stream"])
def test_an_action_added_by_an_incremental_update_is_refused(packing: str) -> None:
    plain = pdf(CATALOG.replace(b" /OpenAction 3 0 R", b""), PAGES)
    assert active_content(plain) is None
    action = packed(ACTION) if packing != "as it is" else ACTION
    assert active_content(updated(plain, (1, CATALOG), (3, action))) == "/JavaScript"


def test_an_action_in_a_pdf_with_a_cross_reference_table_is_refused() -> None:
    """The stubs here have no cross-reference table (a reader rebuilds one); this one has."""
    body = pdf(CATALOG, PAGES, ACTION).rsplit(b"trailer", 1)[0]
    offsets = [body.index(b"%d 0 obj" % n) for n in (1, 2, 3)]
    table = b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    whole = (
        body + table + b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % len(body)
    )
    assert active_content(whole) == "/JavaScript"


JS = b"<< /S /JavaScript /JS (app.alert(1)) >>"
# Where a reader finds a script: the catalog's name tree and OpenAction, a page's additional
# actions, a link's action, an outline item's action, a form field's, a chain of actions.
PLACES = {
    "the /Names tree": b"<< /Names << /JavaScript << /Names [(a) %s] >> >> >>" % JS,
    "/OpenAction": b"<< /Type /Catalog /OpenAction %s >>" % JS,
    "a page's /AA": b"<< /Type /Page /AA << /O %s >> >>" % JS,
    "an annotation's /A": b"<< /Type /Annot /Subtype /Link /A %s >>" % JS,
    "an outline item's /A": b"<< /Title (One) /Parent 2 0 R /A %s >>" % JS,
    "a form field's /AA": b"<< /FT /Tx /T (name) /AA << /K %s >> >>" % JS,
    "a /Next chain": b"<< /S /URI /URI (https://example.org/) /Next [%s] >>" % JS,
}


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("packing", ["as it is", "in an object stream behind a string"])
def test_a_script_is_refused_wherever_a_reader_finds_it(place: str, packing: str) -> None:
    body = PLACES[place]
    if packing == "as it is":
        assert active_content(pdf(CATALOG, PAGES, body)) == "/JavaScript"
    else:
        action = packed(body).replace(b"3 0 ", b"4 0 ")
        assert active_content(hidden(action, "a string that reads like a stream")) == "/JavaScript"


@pytest.mark.parametrize(
    ("bomb", "why"),
    [
        (pdf(CATALOG, PAGES, b"<<" * 500_000), None),
        (pdf(CATALOG, PAGES, b"[" * 2_000_000 + b"/JavaScript"), "/JavaScript"),
        (pdf(CATALOG, PAGES, b"(" * 1_000_000), None),
        (b"%PDF-1.7\n" + b"1 0 obj\n" * 1_000_001, "objects"),
        (b"%PDF-1.7\n" + b"".join(b"%d 0 obj <<\n" % n for n in range(100_000)), "overlap"),
        (pdf(CATALOG, PAGES, *[packed(b"<<>>" + b" " * 30_000_000)] * 3), "larger than 64 MB"),
        (pdf(CATALOG, PAGES, packed_table(b"1 0 " * 1_000_001, b"<<>>")), "objects"),
    ],
    ids=[
        "nested dictionaries",
        "nested arrays",
        "nested strings",
        "a million objects",
        "objects inside objects",
        "object streams over 64 MB together",
        "a million objects in an object stream",
    ],
)
def test_a_pdf_bomb_is_refused_or_read_in_bounds(bomb: bytes, why: str | None) -> None:
    """Nesting, counts and sizes a reader could choke on: each read in time and memory in
    proportion to the file, or refused; never an exception."""
    found = active_content(bomb)
    assert found == why if why is None or why.startswith("/") else why in (found or "")


@pytest.mark.parametrize(
    ("object_stream", "trailer", "why"),
    [
        (packed(b"<< >>", b"/LZWDecode", lambda d: d), b"<< >>", "packed with /LZWDecode"),
        (packed(b"<< >>").replace(b"/N 1", b"/N 1 /DecodeParms << >>"), b"<< >>", "predictor"),
        (packed(b"<< >>"), b"<< /Encrypt 4 0 R >>", "encrypted"),
        (packed(b"<< >>").replace(b"/FlateDecode", b"4 0 R"), b"<< >>", "/Filter is not written"),
        (packed(b"<< >>", pack=lambda d: b"not flate"), b"<< >>", "does not unpack"),
        (packed(b"<<>>" + b" " * 70_000_000), b"<< >>", "larger than 64 MB"),
    ],
    ids=["unknown filter", "predictor", "encrypted", "filter elsewhere", "broken", "zip bomb"],
)
def test_a_pdf_whose_packed_parts_cannot_be_read_is_refused(
    object_stream: bytes, trailer: bytes, why: str
) -> None:
    found = active_content(pdf(CATALOG, PAGES, object_stream, trailer=trailer))
    assert found is not None and why in found


LINK = b"<< /Type /Annot /Subtype /Link /A << /S /URI /URI (%s) >> >>"


ADDRESSES = {
    "plain": b"https://developer.mozilla.org/en-US/docs/Web/JavaScript/Guide/Launch",
    "nested parentheses": b"https://example.org/w/((Java)Script)/JavaScript_((Launch))",
    "escaped parentheses": b"https://example.org/\\)/JavaScript(\\(/Launch)",
}


@pytest.mark.parametrize("address", ADDRESSES)
@pytest.mark.parametrize("packing", ["as it is", "in an object stream"])
def test_a_link_whose_address_names_an_action_is_published(packing: str, address: str) -> None:
    """Text in a string is no name: a worksheet may link to a page about JavaScript."""
    link = LINK % ADDRESSES[address]
    body = packed(link) if packing != "as it is" else link
    assert active_content(pdf(CATALOG.replace(b" /OpenAction 3 0 R", b""), PAGES, body)) is None


def test_an_object_whose_header_is_inside_a_string_is_read() -> None:
    """A cross-reference entry may point at `4 0 obj` inside object 3's string: a reader reads
    object 4 from there, outside any string."""
    inside = b"<< /T (4 0 obj\n%s\nendobj) >>" % JS
    assert active_content(pdf(CATALOG, PAGES, inside)) == "/JavaScript"


def test_a_packed_object_whose_offset_is_inside_a_string_is_read() -> None:
    """An object stream's table gives each object's offset: one may point inside another
    object's string, and a reader reads the object from there."""
    objects = b"<< /T (<< /S /JavaScript /JS (x) >>) >> 9"
    table = b"3 0 4 %d " % objects.index(b"<< /S")
    body = packed_table(table, objects)
    found = active_content(pdf(CATALOG.replace(b"3 0 R", b"4 0 R"), PAGES, body))
    assert found == "/JavaScript"


def test_names_in_what_a_page_draws_are_not_actions() -> None:
    """A page's content stream names its fonts and graphics states (/JS could be a font):
    it runs nothing, and is not read."""
    page = b"<< /Length 20 >>\nstream\nBT /JS 12 Tf (Hi) Tj ET\nendstream"
    assert active_content(pdf(CATALOG.replace(b" /OpenAction 3 0 R", b""), PAGES, page)) is None


def test_a_pdf_made_by_weasyprint_with_form_fields_is_published(tmp_path: Path) -> None:
    from weasyprint import HTML

    folder = tmp_path / "resource"
    folder.mkdir()
    HTML(string="<h1>Quiz</h1><p>Name: <input name='n'></p><textarea></textarea>").write_pdf(
        folder / "quiz.pdf", pdf_forms=True, pdf_variant="pdf/ua-1"
    )
    assert b"ObjStm" in (folder / "quiz.pdf").read_bytes()  # its objects are packed
    assert check_file(folder, "quiz.pdf") is None


def test_the_finding_says_what_acts_and_how_to_save_a_plain_pdf(tmp_path: Path) -> None:
    (tmp_path / "quiz.pdf").write_bytes(WRITTEN["in an object stream"](ACTION))
    problem = check_file(tmp_path, "quiz.pdf")
    assert problem is not None
    assert "got /JavaScript" in problem.message and "Save as PDF" in problem.hint
