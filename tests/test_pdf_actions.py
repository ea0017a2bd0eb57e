"""A PDF attachment that acts when it is opened (runs JavaScript, launches a program, carries a
file, sends a form) is refused, however its names are written or packed; a PDF that only shows
its pages, as WeasyPrint and office programs write them, is published."""

from __future__ import annotations

import base64
import binascii
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


@pytest.mark.parametrize(
    ("object_stream", "trailer", "why"),
    [
        (packed(b"<< >>", b"/LZWDecode", lambda d: d), b"<< >>", "packed with /LZWDecode"),
        (packed(b"<< >>").replace(b"/N 1", b"/N 1 /DecodeParms << >>"), b"<< >>", "predictor"),
        (packed(b"<< >>"), b"<< /Encrypt 4 0 R >>", "encrypted"),
        (packed(b"<< >>", pack=lambda d: b"not flate"), b"<< >>", "does not unpack"),
        (packed(b"<<>>" + b" " * 70_000_000), b"<< >>", "larger than 64 MB"),
    ],
    ids=["unknown filter", "predictor", "encrypted", "broken", "zip bomb"],
)
def test_a_pdf_whose_packed_parts_cannot_be_read_is_refused(
    object_stream: bytes, trailer: bytes, why: str
) -> None:
    found = active_content(pdf(CATALOG, PAGES, object_stream, trailer=trailer))
    assert found is not None and why in found


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
