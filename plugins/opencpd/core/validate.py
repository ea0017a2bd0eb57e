"""Turn pydantic's validation errors into Findings a teacher can act on."""

from __future__ import annotations

import difflib
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .findings import Finding
from .frontmatter import Source
from .vocabulary import Vocabulary

T = TypeVar("T", bound=BaseModel)

EXPECTED = {
    "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
    "int_from_float": "a whole number", "list_type": "a list, e.g. [fr, de]",
    "bool_type": "true or false", "bool_parsing": "true or false",
    "date_type": "a date like 2026-09-01", "date_parsing": "a date like 2026-09-01",
    "date_from_datetime_parsing": "a date like 2026-09-01",
    "date_from_datetime_inexact": "a date like 2026-09-01",
    "dict_type": "a set of 'name: value' fields", "model_type": "a set of 'name: value' fields",
    "model_attributes_type": "a set of 'name: value' fields",
    "string_pattern_mismatch": "lower-case words joined by hyphens, e.g. ks2-writing",
}


def _field(loc: tuple) -> str:
    return ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in loc).replace(".[", "[")


def _got(value: Any) -> str:
    if isinstance(value, dict):
        return "a set of fields"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def validate(source: Source, model: type[T],
             vocabulary: Vocabulary) -> tuple[T | None, list[Finding]]:
    """Validate a file's front matter against `model`; every error becomes a Finding."""
    try:
        return model.model_validate(source.data, context={"vocabulary": vocabulary}), []
    except ValidationError as exc:
        findings = [_finding(source, model, err) for err in exc.errors()]
        return None, sorted(set(findings))


def _finding(source: Source, model: type[BaseModel], err: Any) -> Finding:
    loc = tuple(err["loc"])
    name, kind, value, ctx = _field(loc), err["type"], err.get("input"), err.get("ctx") or {}
    if kind == "missing":
        line, col = source.where(loc[:-1])
        return Finding(source.path, line, col, "missing-field",
                       f"the required field '{name}' is missing (expected a value, got nothing)",
                       f"Add '{loc[-1]}: …' to the front matter.")
    if kind == "extra_forbidden":
        line, col = source.where(loc, key=True)
        known = list(_fields_at(model, loc[:-1]))
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"Did you mean '{close[0]}'?" if close else f"Known fields: {', '.join(known)}."
        return Finding(source.path, line, col, "unknown-field",
                       f"'{name}' is not a field of a {model.__name__.lower()} "
                       f"(expected one of the known fields, got '{loc[-1]}')", hint)
    line, col = source.where(loc)
    if kind == "vocabulary":
        close = difflib.get_close_matches(str(value), ctx["allowed"].split(", "), n=1)
        hint = f"Did you mean '{close[0]}'?" if close else "Use one of the allowed values."
        return Finding(source.path, line, col, "bad-value",
                       f"'{name}' has a value that is not in the vocabulary "
                       f"(expected one of {ctx['allowed']}; got {value!r})",
                       f"{hint} New terms go in vocabulary.yml.")
    if kind in ("unwritable", "string_unicode"):
        what = f"the invisible character {ctx['character']}" if ctx.get("character") \
            else "a broken character (half of a surrogate pair)"
        return Finding(source.path, line, col, "invisible-character",
                       f"'{name}' contains {what} (expected ordinary text, got {_got(value)})",
                       "Retype the text, or paste it as plain text: the character cannot be "
                       "shown on a page or written into a feed.")
    if kind == "plain_text":
        return Finding(source.path, line, col, "not-plain-text",
                       f"'{name}' contains markup (expected plain text, got {_got(value)})",
                       "Remove HTML tags and links; put links in the page text instead.")
    if kind == "literal_error":
        return Finding(source.path, line, col, "bad-value",
                       f"'{name}' has an unknown value (expected {ctx.get('expected')}; "
                       f"got {_got(value)})", "Use one of the allowed values.")
    expected = EXPECTED.get(kind) or err["msg"].removeprefix("Input should be ").lower()
    hint = "Write a list like [fr, de] or one '- item' per line." if kind == "list_type" \
        else f"Correct the '{loc[-1]}' field."
    return Finding(source.path, line, col, "wrong-type" if kind in EXPECTED else "bad-value",
                   f"'{name}' is not valid (expected {expected}, got {_got(value)})", hint)


def _fields_at(model: type[BaseModel], loc: tuple) -> dict[str, Any]:
    """The fields of the (sub)model that `loc` points into."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return {}
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        current = next((a for a in (annotation, *args) if isinstance(a, type)
                        and issubclass(a, BaseModel)), None)
        if current is None:
            return {}
    return current.model_fields
