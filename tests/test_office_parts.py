"""An Office attachment that acts when it is opened (ActiveX, OLE objects, scripts, a template,
frame or picture fetched from another address) is refused, however the XML names it; one with
text, pictures and links a reader clicks, as PowerPoint files made by python-pptx, is published.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from opencpd.core.attachments import check_file
from opencpd.core.office_parts import acting_part
from pptx import Presentation

RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def deck(folder: Path, link: str = "") -> Path:
    """A real PowerPoint file, with a link a reader clicks on its one slide if `link`."""
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "Weather phrases"
    if link:
        slide.shapes.title.text_frame.paragraphs[0].runs[0].hyperlink.address = link
    path = folder / "deck.pptx"
    prs.save(path)
    return path


def with_parts(path: Path, parts: dict[str, str]) -> Path:
    """A copy of the Office file at `path` with `parts` added (or put in place of its own)."""
    copy = path.with_name("changed" + path.suffix)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(copy, "w") as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info, source.read(info))
        for name, text in parts.items():
            target.writestr(name, text)
    return copy


def relationship(kind: str, target: str, prefix: str = "") -> str:
    colon = f"{prefix}:" if prefix else ""
    xmlns = f"xmlns:{prefix}" if prefix else "xmlns"
    return (
        f'<{colon}Relationships {xmlns}="{RELS}"><{colon}Relationship Id="rId9" '
        f'Type="{TYPES}/{kind}" Target="{target}" TargetMode="External"/>'
        f"</{colon}Relationships>"
    )


def test_a_deck_with_links_a_reader_clicks_is_published(tmp_path: Path) -> None:
    path = deck(tmp_path, "https://www.example.org/weather")
    assert acting_part(path) is None and check_file(tmp_path, "deck.pptx") is None


@pytest.mark.parametrize(
    ("kind", "target"),
    [
        ("attachedTemplate", "https://templates.example.net/weather.dotm"),
        ("oleObject", "mhtml:https://example.net/x!x-usc:https://example.net/x"),
        ("image", "https://tracker.example.net/pixel.png"),
        ("frame", "https://example.net/frame.html"),
        ("hyperlink", "javascript:alert(1)"),
        ("hyperlink", "file:///etc/passwd"),
        ("hyperlink", "ms-msdt:/id PCWDiagnostic"),
        ("hyperlink", "\\\\server.example.net\\share\\x"),
    ],
)
def test_a_link_the_program_follows_by_itself_is_refused(
    tmp_path: Path, kind: str, target: str
) -> None:
    path = with_parts(
        deck(tmp_path), {"ppt/slides/_rels/slide1.xml.rels": relationship(kind, target)}
    )
    found = acting_part(path)
    said = "the hyperlink to" if kind == "hyperlink" else f"the {kind} link to"
    assert found is not None and f"{said} {target!r}" in found


def test_relationships_are_read_by_namespace_not_by_prefix(tmp_path: Path) -> None:
    rels = relationship("attachedTemplate", "https://example.net/t.dotm", prefix="pkg")
    path = with_parts(deck(tmp_path), {"ppt/slides/_rels/slide1.xml.rels": rels})
    assert "attachedTemplate" in (acting_part(path) or "")


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("ppt/activeX/activeX1.xml", "an ActiveX control"),
        ("word/embeddings/oleObject1.bin", "an embedded OLE object"),
        ("Scripts/python/run.py", "a script"),
    ],
)
def test_controls_objects_and_scripts_are_refused(tmp_path: Path, name: str, what: str) -> None:
    path = with_parts(deck(tmp_path), {name: "<x/>"})
    assert (acting_part(path) or "").startswith(what)


@pytest.mark.parametrize(
    "name", ["../../evil.xml", "word/../../evil.xml", "/etc/cron.d/x", "..\\..\\run.bat", "C:/x"]
)
def test_a_part_named_outside_the_document_is_refused(tmp_path: Path, name: str) -> None:
    """Office never writes one; a program that unpacks the file writes it where it says."""
    path = with_parts(deck(tmp_path), {name: "<x/>"})
    assert (acting_part(path) or "").startswith("a part named outside the document")


def open_document(folder: Path, content: str) -> Path:
    path = folder / "sheet.odt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
    return path


ODF = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:s="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink"'
)


@pytest.mark.parametrize(
    ("body", "what"),
    [
        ('<s:event-listener s:event-name="dom:load" xlink:href="x"/>', "runs a script"),
        (
            '<presentation:event-listener presentation:action="execute" xlink:href="calc"/>',
            "starts a program",
        ),
        ('<text:a xlink:href="vnd.sun.star.script:a.py$run?location=share">x</text:a>', "runs"),
        ('<draw:image xlink:href="https://tracker.example.net/p.png"/>', "fetches"),
        ('<draw:frame><draw:object xlink:href="https://x.example.net/o"/></draw:frame>', "fetches"),
        ('<text:a xlink:href="file://server.example.net/share/x">x</text:a>', "no http"),
        ('<text:a xlink:href="\\\\server\\share">x</text:a>', "network path"),
        ('<draw:applet draw:code="Evil.class"/>', "an applet"),
    ],
)
def test_an_open_document_that_runs_or_fetches_is_refused(
    tmp_path: Path, body: str, what: str
) -> None:
    path = open_document(
        tmp_path, f"<office:document-content {ODF}>{body}</office:document-content>"
    )
    assert what in (acting_part(path) or "")


def test_an_open_document_with_its_own_pictures_and_links_is_published(tmp_path: Path) -> None:
    body = (
        '<draw:image xlink:href="Pictures/1.png"/><draw:object xlink:href="./Object 1"/>'
        '<text:a xlink:href="https://www.example.org/">a link</text:a>'
    )
    path = open_document(
        tmp_path, f"<office:document-content {ODF}>{body}</office:document-content>"
    )
    assert acting_part(path) is None


def test_an_object_embedded_in_an_open_document_is_read_too(tmp_path: Path) -> None:
    path = open_document(tmp_path, f"<office:document-content {ODF}/>")
    listener = '<s:event-listener s:event-name="dom:load" xlink:href="x"/>'
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(
            "Object 1/content.xml",
            f"<office:document-content {ODF}>{listener}</office:document-content>",
        )
    assert "runs a script" in (acting_part(path) or "")


def test_entities_and_zip_bombs_are_not_unpacked(tmp_path: Path) -> None:
    laughs = (
        '<!DOCTYPE x [<!ENTITY a "aaaa">]><office:document-content '
        + ODF
        + ">&a;</office:document-content>"
    )
    assert "document type" in (acting_part(open_document(tmp_path, laughs)) or "")
    bomb = tmp_path / "bomb.odt"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("content.xml", "<a>" + " " * 70_000_000 + "</a>")
    assert "larger than 64 MB" in (acting_part(bomb) or "")


def test_the_finding_names_what_acts_and_how_to_save_a_plain_copy(tmp_path: Path) -> None:
    rels = relationship("attachedTemplate", "https://example.net/t.dotm")
    with_parts(deck(tmp_path), {"ppt/_rels/presentation.xml.rels": rels}).rename(
        tmp_path / "deck.pptx"
    )
    problem = check_file(tmp_path, "deck.pptx")
    assert problem is not None
    assert "got the attachedTemplate link to 'https://example.net/t.dotm'" in problem.message
    assert "save the document as a PDF" in problem.hint
