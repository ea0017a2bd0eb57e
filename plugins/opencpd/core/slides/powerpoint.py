"""The deck as a PowerPoint file a lead teacher can open and adapt: a text box per part of a
slide, 24 pt body text, the speaker notes in the notes pane, `lang` on every run in another
language, pictures with their alt text. Same content, same bytes (fixed dates and zip times)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import segno
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from .deck import Deck, Slide
from .text import Image, Paragraph

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(1)
NAVY, TEAL, INK = RGBColor(0x1A, 0x23, 0x7E), RGBColor(0x00, 0x69, 0x5C), RGBColor(0x11, 0x11, 0x11)
FIXED_TIME = (2026, 1, 1, 0, 0, 0)


def write_pptx(deck: Deck, resolve: Callable[[str], Path | None], target: Path) -> int:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    titled = prs.slide_layouts[5]  # Title Only
    for number, slide in enumerate(deck.slides, 1):
        page = prs.slides.add_slide(titled)
        _fill(page, slide, resolve, number, len(deck.slides))
        notes = [part for part in slide.content.notes if isinstance(part, Paragraph)]
        if notes:  # paragraph by paragraph, so that a phrase in French is marked French
            frame = page.notes_slide.notes_text_frame
            for n, part in enumerate(notes):
                _paragraph(frame.paragraphs[0] if n == 0 else frame.add_paragraph(), part, Pt(14))
    _properties(prs, deck)
    buffer = io.BytesIO()
    prs.save(buffer)
    target.parent.mkdir(parents=True, exist_ok=True)
    _fixed_zip(buffer.getvalue(), target)
    return len(deck.slides)


def _fill(
    page: object, slide: Slide, resolve: Callable[[str], Path | None], number: int, total: int
) -> None:
    shapes = page.shapes  # type: ignore[attr-defined]
    top = Inches(0.6)
    width = WIDTH - 2 * MARGIN
    if slide.kind == "title":
        top = Inches(1.8)
    if slide.kicker:
        height = _height(slide.kicker, 24, width)
        box = shapes.add_textbox(MARGIN, top, width, height)
        box.text_frame.word_wrap = True  # else a long kicker runs off the slide, centred
        _text(box.text_frame.paragraphs[0], slide.kicker, Pt(24), TEAL, bold=True)
        top += height + Inches(0.05)
    size = 44 if slide.kind == "title" else 34
    # The layout's title placeholder, so that PowerPoint's outline, accessibility checker and
    # screen readers find each slide's title; as tall as its lines, the body below it.
    title = shapes.title
    title.name = "Title"
    title.left, title.top, title.width = MARGIN, top, width
    title.height = _height(slide.title, size, width)
    frame = title.text_frame
    frame.word_wrap, frame.vertical_anchor = True, MSO_ANCHOR.TOP
    frame.auto_size = MSO_AUTO_SIZE.NONE
    _text(frame.paragraphs[0], slide.title, Pt(size), NAVY, bold=True)
    top += title.height + Inches(0.2 if slide.kind == "title" else 0.1)
    body = shapes.add_textbox(MARGIN, top, width, HEIGHT - top - Inches(0.6))
    frame = body.text_frame
    frame.word_wrap = True
    first = True
    pictures = []
    for part in slide.content.parts:
        if isinstance(part, Image):
            pictures.append(part)
            continue
        paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
        first = False
        _paragraph(paragraph, part, Pt(26 if slide.kind in ("title", "closing") else 24))
    left = MARGIN
    for picture in pictures:
        path = resolve(picture.src)
        if path is None:
            continue
        shape = shapes.add_picture(str(path), left, HEIGHT - Inches(3.6), height=Inches(3))
        shape._element.nvPicPr.cNvPr.set("descr", picture.alt)
        left += shape.width + Inches(0.3)
    if slide.qr_url:
        image = io.BytesIO()
        segno.make(slide.qr_url, error="m").save(image, kind="png", scale=10, border=2)
        image.seek(0)
        shape = shapes.add_picture(
            image, WIDTH - MARGIN - Inches(2.2), HEIGHT - Inches(3), Inches(2.2), Inches(2.2)
        )
        shape._element.nvPicPr.cNvPr.set("descr", f"QR code of {slide.qr_url}")
    count = shapes.add_textbox(
        WIDTH - MARGIN - Inches(2), HEIGHT - Inches(0.55), Inches(2), Inches(0.4)
    )
    _text(count.text_frame.paragraphs[0], f"{number} / {total}", Pt(14), INK)


def _height(text: str, points: int, width: Emu) -> Emu:
    """A bold line of text's box, as tall as the lines it wraps to in `width` (DejaVu Sans Bold
    averages about 0.62 em a character; lines 1.2 em apart; the box's insets 0.1 inch)."""
    per_line = max(1, int(Emu(width).pt / (0.62 * points)))
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > per_line:
            lines, used = lines + 1, len(word)
        else:
            used += (1 if used else 0) + len(word)
    return Emu(int(Pt(points * 1.2 * lines)) + Inches(0.1))


def _text(paragraph: object, text: str, size: Emu, colour: RGBColor, bold: bool = False) -> None:
    paragraph.alignment = PP_ALIGN.LEFT  # type: ignore[attr-defined]
    run = paragraph.add_run()  # type: ignore[attr-defined]
    run.text = text
    run.font.size, run.font.bold = size, bold
    run.font.color.rgb = colour
    run._r.get_or_add_rPr().set("lang", "en-GB")


def _paragraph(paragraph: object, part: Paragraph, size: Emu) -> None:
    paragraph.level = max(0, part.level - 1)  # type: ignore[attr-defined]
    if part.bullet:
        run = paragraph.add_run()  # type: ignore[attr-defined]
        run.text = ("    " * max(0, part.level - 1)) + part.bullet + " "
        run.font.size = size
        run._r.get_or_add_rPr().set("lang", "en-GB")  # every run has a language
    broken = False
    for piece in part.runs:
        if piece.text == "\n":  # a line break: a run's text would keep it as "_x000B_"
            paragraph.add_line_break()  # type: ignore[attr-defined]
            broken = True
            continue
        # the source's line end after a break is not a space at the start of the next line
        text = (piece.text.lstrip("\n") if broken else piece.text).replace("\n", " ")
        broken = False
        if not text:
            continue
        run = paragraph.add_run()  # type: ignore[attr-defined]
        run.text = text
        run.font.size = size
        run.font.bold = piece.bold or part.heading or None
        run.font.italic = piece.italic or None
        run.font.color.rgb = TEAL if part.heading else INK
        run._r.get_or_add_rPr().set("lang", piece.lang or "en-GB")


def _properties(prs: object, deck: Deck) -> None:
    props = prs.core_properties  # type: ignore[attr-defined]
    when = dt.datetime.combine(deck.module.meta.reviewed, dt.time())
    props.title = deck.title
    props.subject = deck.module.meta.title
    props.author = ", ".join(deck.module.meta.authors)
    props.last_modified_by = "OpenCPD"
    props.language = "en-GB"
    props.created = props.modified = props.last_printed = when
    props.revision = 1


def _fixed_zip(data: bytes, target: Path) -> None:
    """The file python-pptx wrote, with every member dated FIXED_TIME."""
    source = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, source.read(item.filename))
