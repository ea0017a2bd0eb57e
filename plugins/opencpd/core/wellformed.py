"""Every XML and JSON document the build writes comes from here: written by a serialiser, with
what the format cannot hold left out, and read back before it is returned.

ElementTree writes a control character into XML as it is (no parser can read the document
again), and `json.dumps` writes NaN, which is not JSON. Validation refuses such characters in
content (model.UNWRITABLE); these writers are the second wall, for whatever reaches them.
"""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree import ElementTree as ET

# What XML 1.0 cannot hold: C0 controls but tab, line feed and carriage return; surrogates;
# U+FFFE and U+FFFF.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class NotWellFormed(ValueError):
    """A document the serialiser wrote that cannot be read back: a bug, never content's fault."""


def xml_text(text: str) -> str:
    return NOT_XML.sub("", text)


def xml_document(root: ET.Element) -> str:
    """`root` as an XML document (with declaration), every text and attribute made writable."""
    for element in root.iter():
        element.text = xml_text(element.text) if element.text else element.text
        element.tail = xml_text(element.tail) if element.tail else element.tail
        for name, value in element.attrib.items():
            element.attrib[name] = xml_text(value)
    text = ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
    try:
        ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        raise NotWellFormed(f"the XML written is not well-formed: {exc}") from None
    return text


def json_document(data: Any, indent: int | None = 2) -> str:
    """`data` as JSON text that any JSON parser reads back the same."""
    try:
        text = json.dumps(data, indent=indent, ensure_ascii=False, allow_nan=False)
        text.encode("utf-8")  # a lone surrogate cannot be written to a file
    except (ValueError, UnicodeEncodeError) as exc:
        raise NotWellFormed(f"the data cannot be written as JSON: {exc}") from None
    json.loads(text)
    return text
