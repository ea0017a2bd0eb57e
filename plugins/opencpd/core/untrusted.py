"""Teacher-submitted text is untrusted: render it to safe HTML, and look for personal data."""

from __future__ import annotations

import re
import threading
from urllib.parse import urlsplit

import markdown
import nh3

TAGS = set(nh3.ALLOWED_TAGS) - {"map", "area", "center"} | {"span", "div", "p", "img"}
ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"lang", "title"},
    "img": {"src", "alt", "width", "height"},
}
# Only the classes our own Markdown blocks produce: a submission cannot dress itself up as
# the site's banners or moderation notices.
CLASSES = {
    "div": {"admonition", "note", "tip", "example", "warning", "worked-example", "example-body"},
    "p": {"admonition-title"},
}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["tables", "admonition", "attr_list", "sane_lists", "fenced_code",
              "opencpd.core.markdown_ext"]

SVG_TAGS = {"svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
            "text", "tspan", "title", "desc", "defs", "linearGradient", "radialGradient", "stop"}
SVG_ATTRIBUTES = {"*": {"x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "d",
                        "points", "width", "height", "viewBox", "fill", "stroke",
                        "stroke-width", "transform", "font-size", "font-family",
                        "text-anchor", "opacity", "offset", "stop-color", "xmlns", "id"}}


def _local_images(element: str, attribute: str, value: str) -> str | None:
    """A picture comes from the resource's own folder: never a request to another site
    (a tracking pixel), which the site promises readers it does not make."""
    if element == "img" and attribute == "src":
        url = value.strip()
        if urlsplit(url).scheme or url.startswith(("/", "\\")):
            return None
    return value


_converters = threading.local()


def _markdown() -> markdown.Markdown:
    """One converter per thread, reset between texts: making a new one for each of thousands
    of resources costs a quarter of the conversion time."""
    if not hasattr(_converters, "md"):
        _converters.md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    return _converters.md


def safe_html(text: str) -> str:
    """Markdown from a contributor, rendered and then reduced to a safe subset of HTML: no
    script, style, iframe, object, form, event attributes, javascript:/data: URLs or
    pictures from other sites."""
    html = _markdown().reset().convert(text)
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener nofollow", attribute_filter=_local_images,
                     allowed_classes=CLASSES)


def safe_svg(svg: str) -> str:
    """An SVG with only drawing elements left: no script, links, styles or event handlers."""
    return nh3.clean(svg, tags=SVG_TAGS, attributes=SVG_ATTRIBUTES, url_schemes=set(),
                     link_rel=None, strip_comments=True)


PERSONAL_DATA = [
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "an email address"),
    (re.compile(r"(?<!\d)(?:\+44\s?\d{2,4}|0\d{2,4})[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d)"),
     "a phone number"),
    (re.compile(r"\b(?:[Pp]upil|[Ss]tudent|[Cc]hild)\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?"),
     "a pupil's name"),
    (re.compile(r"\b[A-Z]\d{11}[0-9A-Z]\b"), "a unique pupil number (UPN)"),
]


def personal_data(text: str) -> list[tuple[int, str, str]]:
    """(line number from 1, what it looks like, the matched text) for likely personal data."""
    found: list[tuple[int, str, str]] = []
    patterns = [(p, what) for p, what in PERSONAL_DATA if p.search(text)]
    if not patterns:  # a match in one line is a match in the whole text: most texts stop here
        return found
    for number, line in enumerate(text.split("\n"), 1):
        for pattern, what in patterns:
            for match in pattern.finditer(line):
                found.append((number, what, match.group(0)))
    return found
