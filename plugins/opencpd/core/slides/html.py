"""The HTML deck: one page of our own (no theme), its script and stylesheet files served from
the site's assets/slides/, so that it works under the site's Content-Security-Policy, offline
from the module's zip, and asks no other host for anything."""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Callable
from pathlib import Path

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ..csp import with_policy
from ..kept import compiled_templates
from .deck import Deck

TEMPLATES = Path(__file__).resolve().parent / "templates"
IMG = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")')


def qr_svg(url: str) -> Markup:
    svg = segno.make(url, error="m").svg_inline(
        scale=1, border=2, omitsize=True, dark="#000", light="#fff", title=f"QR code: {url}"
    )
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="QR code of the link" ', 1))


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=compiled_templates("slides"),
    )


def with_images(html: str, resolve: Callable[[str], Path | None], inline: bool) -> str:
    """Each picture as a data: URL (the HTML deck: one file, any folder) or a file: URL (the
    PDF); one that is not a file of the project is left out."""

    def replace(match: re.Match[str]) -> str:
        path = resolve(match[2])
        if path is None:
            return match[1] + match[3]
        if not inline:
            return match[1] + path.as_uri() + match[3]
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"{match[1]}data:{kind};base64,{data}{match[3]}"

    return IMG.sub(replace, html)


def deck_html(deck: Deck, resolve: Callable[[str], Path | None]) -> str:
    depth = deck.uri.count("/")
    page = (
        _environment()
        .get_template("deck.html.j2")
        .render(
            deck=deck,
            total=len(deck.slides),
            assets="../" * depth + "assets/slides/",
            session_link=f"../sessions/{deck.session.slug}/",
            qr=qr_svg,
        )
    )
    return with_policy(with_images(page, resolve, inline=True), [])
