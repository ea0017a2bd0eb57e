"""Turn pydantic's validation errors into Findings a teacher can act on."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Annotated, Any, TypeVar, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from .findings import Finding
from .frontmatter import Source
from .model import MAX_LINE
from .prompts import BODY_PROMPTS, FIELD_PROMPTS, PROMPTED
from .vocabulary import Term, Vocabulary

T = TypeVar("T", bound=BaseModel)

EXPECTED = {
    "string_type": "text",
    "string_too_short": "some text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_parsing_size": "a whole number",
    "int_from_float": "a whole number",
    "list_type": "a list, e.g. [fr, de]",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "date_type": "a date like 2026-09-01",
    "date_parsing": "a date like 2026-09-01",
    "date_from_datetime_parsing": "a date like 2026-09-01",
    "date_from_datetime_inexact": "a date like 2026-09-01",
    "dict_type": "a set of 'name: value' fields",
    "model_type": "a set of 'name: value' fields",
    "model_attributes_type": "a set of 'name: value' fields",
    "string_pattern_mismatch": "lower-case words joined by hyphens, e.g. ks2-writing",
}


def _how_to_write(kind: str, described: str) -> str:
    """The fix for a value of the wrong kind: how to write one of the right kind."""
    if kind.startswith("int_"):
        return f"Write {described} as a whole number, in figures only, like 24."
    if kind.startswith("bool_"):
        return f"Write {described} as true or false."
    if kind.startswith("date_"):
        return f"Write {described} as a date, YYYY-MM-DD, like 2027-01-20."
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"Write {described} as 'name: value' fields, as in the guide's example."
    return f"Correct {described}."


def _field(loc: tuple) -> str:
    return ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in loc).replace(".[", "[")


def got(value: Any) -> str:
    """A value as its author wrote it in YAML, not as Python shows it."""
    if isinstance(value, dict):
        return "a set of fields"
    if isinstance(value, list):
        return f"a list of {len(value)}" if value else "an empty list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return "binary data"
    if value == "":
        return "nothing (an empty text)"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def validate(
    source: Source, model: type[T], vocabulary: Vocabulary
) -> tuple[T | None, list[Finding]]:
    """Validate a file's front matter against `model`; every error becomes a Finding. The
    checks that need two fields (year groups and key stage) and the scaffold's prompts run
    even when other fields are wrong, so that one run reports every problem."""
    more = _year_groups(source, model, vocabulary) + _prompts_left(source, model)
    try:
        meta = model.model_validate(source.data, context={"vocabulary": vocabulary})
    except ValidationError as exc:
        findings = [_finding(source, model, err) for err in exc.errors()]
        return None, sorted(set(findings + more))
    return meta, sorted(set(more))


def salvage(source: Source, model: type[T], vocabulary: Vocabulary) -> T | None:
    """The front matter as far as it is valid, for the checks that need other fields
    (attachments, personal data) to run on a file with wrong ones: each wrong field, or wrong
    item of a list, is left out, and a required one given a neutral value (consent counts as
    given: a wrong consent has its own finding). Never published; None if nothing is wrong."""
    context = {"vocabulary": vocabulary}
    try:
        model.model_validate(source.data, context=context)
        return None
    except ValidationError as exc:
        errors = exc.errors()
    broken: dict[str, set[int] | None] = {}
    for err in errors:
        loc = tuple(err["loc"])
        if not loc or not isinstance(loc[0], str):
            continue
        items = broken.get(loc[0], set())
        if len(loc) > 1 and isinstance(loc[1], int) and items is not None:
            broken[loc[0]] = items | {loc[1]}
        else:
            broken[loc[0]] = None
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        value = source.data.get(name, ...)
        if name in broken and (broken[name] is None or not isinstance(value, list)):
            value = ...
        elif name in broken:
            value = [v for i, v in enumerate(value) if i not in (broken[name] or ())]
        kind = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        try:
            if value is not ...:
                values[name] = TypeAdapter(kind).validate_python(value, context=context)
        except ValidationError:
            pass
        if name not in values and info.is_required():
            values[name] = _neutral(info.annotation)
    return model.model_construct(**values)


def _neutral(annotation: Any) -> Any:
    if annotation is bool:
        return True
    if get_origin(annotation) is list:
        return []
    return "" if annotation is str else None


def explain(model: type[BaseModel], data: dict[str, Any], vocabulary: Vocabulary) -> list[str]:
    """What is wrong with `data` (not read from a file), in the words of the findings; the
    scaffold's prompts are what a scaffold writes, not a problem."""
    _, findings = validate(Source("", data, "x", 1), model, vocabulary)
    return [f"{f.message}. {f.hint}" for f in findings if f.rule != "placeholder"]


def _finding(source: Source, model: type[BaseModel], err: Any) -> Finding:
    loc = tuple(err["loc"])
    name, kind, value, ctx = _field(loc), err["type"], err.get("input"), err.get("ctx") or {}
    if kind == "missing":
        line, col = source.where(loc[:-1])
        return Finding(
            source.path,
            line,
            col,
            "missing-field",
            f"the required field '{name}' is missing (expected a value, got nothing)",
            f"Add '{loc[-1]}: …' to the front matter.",
        )
    if kind == "extra_forbidden":
        line, col = source.where(loc, key=True)
        known = list(_fields_at(model, loc[:-1]))
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_ -]*", str(loc[-1])):
            written = str(loc[-1])
            return Finding(
                source.path,
                line,
                col,
                "unknown-field",
                f"a line starts with {written!r} and ':', which is not a field "
                f"name (expected a name such as {(known or ['title'])[0]}, got "
                f"{written!r})",
                "Write the field's name before the ':' (e.g. 'submitted: "
                "2026-01-01'), or put quotes around text that contains ': '.",
            )
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"Did you mean '{close[0]}'?" if close else f"Known fields: {', '.join(known)}."
        return Finding(
            source.path,
            line,
            col,
            "unknown-field",
            f"'{name}' is not a field of {_a(model)} "
            f"(expected one of the known fields, got '{loc[-1]}')",
            hint,
        )
    line, col = source.where(loc)
    if kind == "vocabulary":
        return Finding(
            source.path,
            line,
            col,
            "bad-value",
            f"'{name}' has a value that is not in the vocabulary "
            f"(expected one of {ctx['allowed']}; got {value!r})",
            _vocabulary_hint(str(value), ctx["allowed"].split(", "), model),
        )
    if kind in ("unwritable", "string_unicode"):
        what = (
            f"the invisible character {ctx['character']}"
            if ctx.get("character")
            else "a broken character (half of a surrogate pair)"
        )
        return Finding(
            source.path,
            line,
            col,
            "invisible-character",
            f"'{name}' contains {what} (expected ordinary text, got {got(value)})",
            "Retype the text, or paste it as plain text: the character cannot be "
            "shown on a page or written into a feed.",
        )
    if kind == "unquoted_time":  # start: 16:00, which YAML 1.1 readers take for 960 minutes
        return Finding(
            source.path,
            line,
            col,
            "wrong-type",
            f"'{name}' is not valid (expected a time in quotes, like '16:00'; got {value} "
            "without quotes)",
            "Put it in quotes, as in start: '16:00': without them YAML reads a time as a "
            "number of minutes.",
        )
    if kind == "bidi_control":
        return Finding(
            source.path,
            line,
            col,
            "bidi-control",
            f"'{name}' contains the invisible bidirectional control {ctx['character']}, which "
            f"changes the order the text is shown in (expected ordinary text, got {got(value)})",
            "Retype the text, or paste it as plain text: the control can make it read as "
            "something else on a page, in a feed or in a calendar.",
        )
    if kind == "string_too_long":
        most = ctx.get("max_length", 0)
        return Finding(
            source.path,
            line,
            col,
            "too-long",
            f"'{name}' is too long (expected at most {most:,} characters, got "
            f"{len(value) if isinstance(value, str) else 0:,})",
            f"Shorten {_describe(loc)} to {'a line of ' if most <= MAX_LINE else ''}at most "
            f"{most:,} characters; say the rest in the page's text below the front matter.",
        )
    if kind == "duplicate":
        line, col = source.where((*loc, ctx["index"]))
        return Finding(
            source.path,
            line,
            col,
            "duplicate-value",
            f"'{name}' lists {ctx['value']!r} twice (expected each value once, got it as "
            f"items {ctx['first'] + 1} and {ctx['index'] + 1})",
            f"Remove the second {ctx['value']!r}.",
        )
    if kind == "plain_text":
        return Finding(
            source.path,
            line,
            col,
            "not-plain-text",
            f"'{name}' contains markup (expected plain text, got {got(value)})",
            "Remove HTML tags and links; put links in the page text instead.",
        )
    if kind == "one_line":
        return Finding(
            source.path,
            line,
            col,
            "not-one-line",
            f"'{name}' is on more than one line (expected one line, got {ctx['lines']} lines)",
            "Write it on one line after the colon, in quotes if it holds ': ' (no '|' or '>' "
            "and no line break inside); longer notes go in the page text.",
        )
    if kind == "literal_error":
        return Finding(
            source.path,
            line,
            col,
            "bad-value",
            f"'{name}' has an unknown value (expected {ctx.get('expected')}; got {got(value)})",
            "Use one of the allowed values.",
        )
    if kind in ("greater_than_equal", "less_than_equal") and isinstance(value, dt.date):
        early = kind == "greater_than_equal"
        bound = ctx.get("ge" if early else "le")
        return Finding(
            source.path,
            line,
            col,
            "bad-value",
            f"'{name}' is too {'early' if early else 'late'} a date (expected a date "
            f"{'on or after' if early else 'on or before'} {bound}, got {got(value)})",
            "Write the real date, as YYYY-MM-DD: "
            + (
                f"nothing in the programme is dated before {bound}."
                if early
                else f"the site's calendars go up to {bound}."
            ),
        )
    bounds = {"greater_than_equal": "ge", "less_than_equal": "le", "greater_than": "gt"}
    if kind in (*bounds, "less_than") and isinstance(value, int | float):
        low, bound = kind.startswith("greater"), ctx.get(bounds.get(kind, "lt"))
        if (
            isinstance(value, int)
            and isinstance(bound, int)
            and kind in ("greater_than", "less_than")
        ):
            bound += 1 if low else -1  # a whole number more than 0 is one of at least 1
        return Finding(
            source.path,
            line,
            col,
            "bad-value",
            f"'{name}' is too {'small' if low else 'large'} (expected "
            f"{'at least' if low else 'at most'} {bound}, got {got(value)})",
            f"Write {_describe(loc)} as a number of {'at least' if low else 'at most'} {bound}.",
        )
    if kind == "too_short":  # a list that needs items (min_length), given none
        least = ctx.get("min_length", 1)
        return Finding(
            source.path,
            line,
            col,
            "bad-value",
            f"'{name}' is empty (expected at least {least} item{'s' if least > 1 else ''}, "
            f"got {got(value)})",
            f"Add {'an item' if least == 1 else 'items'} to {_describe(loc)}, one '- item' per "
            "line or as [a, b].",
        )
    expected = EXPECTED.get(kind) or err["msg"].removeprefix("Input should be ").lower()
    items = _list_items(model, loc) if kind == "list_type" else None
    if items:  # a list of sets of fields: [fr, de] is no example of one
        expected = f"a list of items like {items}"
    hint = (
        f"Write one '- {items}' per line."
        if items
        else "Write a list like [fr, de] or one '- item' per line."
        if kind == "list_type"
        else "Put it in quotes, as in start: '16:00': without them YAML reads a time as a "
        "number of minutes."
        if kind == "string_type" and type(value) is int and loc and loc[-1] == "start"
        else _how_to_write(kind, _describe(loc))
    )
    return Finding(
        source.path,
        line,
        col,
        "wrong-type" if kind in EXPECTED else "bad-value",
        f"'{name}' is not valid (expected {expected}, got {got(value)})",
        hint,
    )


def _list_items(model: type[BaseModel], loc: tuple) -> str:
    """An item of the list at `loc` when each is a set of fields ("{name: …, consent: …}",
    its required fields first); "" for a list of words, or a place not found."""
    annotation: Any = model
    for part in loc:
        fields = getattr(annotation, "model_fields", None)
        if isinstance(part, int) or not fields or part not in fields:
            return ""
        annotation = fields[part].annotation
    args = [a for a in getattr(annotation, "__args__", ()) if isinstance(a, type)]
    item = args[0] if len(args) == 1 and get_origin(annotation) is list else None
    if not (isinstance(item, type) and issubclass(item, BaseModel)):
        return ""
    names = sorted(item.model_fields, key=lambda n: not item.model_fields[n].is_required())
    return "{" + ", ".join(f"{n}: …" for n in names[:3]) + "}"


def _a(model: type[BaseModel]) -> str:
    """A model's name in words with its article: Offer -> 'an offer', SupportProgramme ->
    'a support programme'."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", model.__name__).lower()
    return f"{'an' if words[0] in 'aeiou' else 'a'} {words}"


def _describe(loc: tuple) -> str:
    """A field's place in words: ('files', 1, 'alt') -> "'alt' of item 2 of 'files'"."""
    out = ""
    for part in loc:
        out = (
            f"item {part + 1} of {out}"
            if isinstance(part, int)
            else (f"'{part}' of {out}" if out else f"'{part}'")
        )
    return out or "the front matter"


def _vocabulary_hint(value: str, allowed: list[str], model: type[BaseModel]) -> str:
    """Did you mean (case aside first, then by spelling); a new term is asked for, not added,
    by a contributor of a resource."""
    same = [a for a in allowed if a.lower() == value.strip().lower()]
    close = same or difflib.get_close_matches(value.lower(), [a.lower() for a in allowed], n=1)
    close = [next(a for a in allowed if a.lower() == c.lower()) for c in close]
    hint = f"Did you mean '{close[0]}'?" if close else "Use one of the allowed values."
    if model.__name__ in ("Resource",):
        return f"{hint} If none fits, choose the nearest and ask a moderator for a new term."
    return f"{hint} New terms go in vocabulary.yml."


def _span(years: tuple[int, ...]) -> str:
    ordered = sorted(years)
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"years {ordered[0]} to {ordered[-1]}"
    return "years " + ", ".join(map(str, ordered))


def _year_groups(source: Source, model: type[BaseModel], vocabulary: Vocabulary) -> list[Finding]:
    """Year groups outside the key stage (the ranges are in vocabulary.yml)."""
    if not {"key_stage", "year_groups"} <= set(model.model_fields):
        return []
    stage, years = source.data.get("key_stage"), source.data.get("year_groups")
    term: Term | None = next(
        (
            t
            for t in vocabulary.lists["key_stages"].values()
            if isinstance(stage, str) and t.id.lower() == stage.lower()
        ),
        None,
    )
    if term is None or not term.years or not isinstance(years, list):
        return []
    findings = []
    for index, year in enumerate(years):
        if type(year) is int and 1 <= year <= 13 and year not in term.years:
            line, col = source.where(("year_groups", index))
            findings.append(
                Finding(
                    source.path,
                    line,
                    col,
                    "bad-value",
                    f"year {year} is not in {term.id} (expected {_span(term.years)}, got {year})",
                    f"Use the year groups of {term.label}, or change key_stage.",
                )
            )
    return findings


def _prompts_left(source: Source, model: type[BaseModel]) -> list[Finding]:
    """The scaffold's prompts left as written, each at its line."""
    if model.__name__.lower() not in PROMPTED:
        return []
    findings = []
    for loc, prompt in FIELD_PROMPTS.items():
        value: Any = source.data
        for part in loc:
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, str) and value.strip() == prompt:
            line, col = source.where(loc)
            findings.append(
                Finding(
                    source.path,
                    line,
                    col,
                    "placeholder",
                    f"{_describe(loc)} still holds the scaffold's prompt (expected your own words, "
                    f"got {got(value)})",
                    "Replace the prompt with your own text.",
                )
            )
    prompts = {text: heading for heading, text in BODY_PROMPTS.items()}
    for index, text in enumerate(source.body.split("\n")):
        if text.strip() in prompts:
            findings.append(
                Finding(
                    source.path,
                    source.body_line + index,
                    1,
                    "placeholder",
                    f"the section '{prompts[text.strip()]}' still holds the scaffold's prompt "
                    f"(expected your own words, got {got(text.strip())})",
                    "Replace the prompt with your own text, or delete the section.",
                )
            )
    return findings


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
        current = next(
            (a for a in (annotation, *args) if isinstance(a, type) and issubclass(a, BaseModel)),
            None,
        )
        if current is None:
            return {}
    return current.model_fields
