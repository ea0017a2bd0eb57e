"""A teacher's SVG picture, reduced to drawing: read by an XML parser, written by an XML
serialiser, so that what is published is a valid SVG (an HTML sanitiser would write `&nbsp;`,
which XML does not know) with no script, link, style, event handler or outside reference."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET
from xml.parsers import expat

from .wellformed import NotWellFormed, xml_document

SVG = "http://www.w3.org/2000/svg"
TAGS = {
    "svg",
    "g",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "title",
    "desc",
    "defs",
    "linearGradient",
    "radialGradient",
    "stop",
}
ATTRIBUTES = {
    "x",
    "y",
    "x1",
    "x2",
    "y1",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "d",
    "points",
    "width",
    "height",
    "viewBox",
    "fill",
    "stroke",
    "stroke-width",
    "transform",
    "font-size",
    "font-family",
    "text-anchor",
    "opacity",
    "offset",
    "stop-color",
    "id",
    "gradientUnits",
    "fx",
    "fy",
}
# A browser reads a drawing attribute's value as CSS, in which a backslash starts an escape
# (`u\rl(` is `url(`): a value is kept only with no backslash, and with no function but these.
# url(...) may only name something in the same picture: url(#id).
FUNCTIONS = {
    "rgb",
    "rgba",
    "hsl",
    "hsla",
    "matrix",
    "translate",
    "scale",
    "rotate",
    "skewx",
    "skewy",
}
# a function is a name and "(" at once; each name is read once (the look-behind), in linear time
FUNCTION = re.compile(r"(?<![\w-])([\w-]++)\((\s*+['\"]?+#)?+")


def _drawing_value(value: str) -> bool:
    if "\\" in value:
        return False
    return all(
        name.lower() in FUNCTIONS or (name.lower() == "url" and to_id)
        for name, to_id in FUNCTION.findall(value)
    )


MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64


class NotAnSvg(ValueError):
    """The file is not an SVG picture this site can publish; the message says why."""


def _no_document_type(data: bytes) -> None:
    """Refuse a document type declaration, and with it every entity and outside reference (the
    "billion laughs", a file read from the disk), before ElementTree reads the picture."""
    parser = expat.ParserCreate()

    def refuse(*_: object) -> None:
        raise NotAnSvg("it declares a document type (<!DOCTYPE …>), which a picture does not need")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise NotAnSvg(
            f"it is not well-formed XML ({expat.ErrorString(exc.code)}, line {exc.lineno})"
        ) from None


def read_svg(data: bytes) -> ET.Element:
    """The picture's root element; NotAnSvg if it is not a well-formed SVG document."""
    if len(data) > MAX_BYTES:
        raise NotAnSvg(f"it is larger than {MAX_BYTES // 1024 // 1024} MB")
    _no_document_type(data)
    root = ET.fromstring(data)
    if root.tag != f"{{{SVG}}}svg":
        raise NotAnSvg("its outermost element is not <svg> in the SVG namespace")
    return root


def _clean(element: ET.Element, depth: int) -> ET.Element | None:
    name = element.tag.removeprefix(f"{{{SVG}}}") if isinstance(element.tag, str) else ""
    if name not in TAGS or depth > MAX_DEPTH:
        return None
    clean = ET.Element(
        f"{{{SVG}}}{name}",
        {
            key: value
            for key, value in element.attrib.items()
            if key in ATTRIBUTES and _drawing_value(value)
        },
    )
    clean.text = element.text
    for child in element:
        kept = _clean(child, depth + 1)
        if kept is not None:
            kept.tail = child.tail
            clean.append(kept)
        elif child.tail:  # the text after a removed element stays where it was
            if len(clean):
                clean[-1].tail = (clean[-1].tail or "") + child.tail
            else:
                clean.text = (clean.text or "") + child.tail
    return clean


def safe_svg(data: bytes) -> str:
    """The picture with only drawing elements and attributes left, as a valid SVG document."""
    clean = _clean(read_svg(data), 0)
    assert clean is not None  # read_svg made sure the root is <svg>
    ET.register_namespace("", SVG)
    try:
        return xml_document(clean)
    except NotWellFormed as exc:
        raise NotAnSvg(str(exc)) from None
