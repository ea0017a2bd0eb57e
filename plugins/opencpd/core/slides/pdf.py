"""The deck as a 16:9 PDF with WeasyPrint: tagged (PDF/UA-1), the packs' font embedded, a
page a slide, no speaker notes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from ..packs.pdf import ProjectFetcher, font_faces
from ..packs.spec import FONTS
from .deck import Deck
from .html import _environment, qr_svg, with_images

STYLESHEET = Path(__file__).resolve().parent / "templates" / "deck-print.css"


@functools.lru_cache(maxsize=1)
def _stylesheet() -> tuple[object, object]:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = CSS(
        string=font_faces() + "\n" + STYLESHEET.read_text(encoding="utf-8"),
        url_fetcher=ProjectFetcher(FONTS),
        font_config=fonts,
    )
    return css, fonts


def print_html(deck: Deck, resolve: Callable[[str], Path | None]) -> str:
    page = (
        _environment()
        .get_template("deck-print.html.j2")
        .render(deck=deck, total=len(deck.slides), qr=qr_svg)
    )
    return with_images(page, resolve, inline=False)


def write_pdf(
    deck: Deck, resolve: Callable[[str], Path | None], root: Path, target: Path, identifier: str
) -> int:
    from weasyprint import HTML

    css, fonts = _stylesheet()
    document = HTML(
        string=print_html(deck, resolve),
        base_url=root.as_uri() + "/",
        url_fetcher=ProjectFetcher(root, FONTS),
    ).render(stylesheets=[css], font_config=fonts)
    target.parent.mkdir(parents=True, exist_ok=True)
    document.write_pdf(target, pdf_identifier=identifier[:32].encode(), pdf_variant="pdf/ua-1")
    return len(document.pages)
