"""The content model: one set of typed models. Validation, JSON Schema and scaffolds derive
from these classes; the vocabularies they check against come from vocabulary.yml."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def addressable(name: str) -> bool:
    """Whether a page's file name (a centre's, delivery's or offer's) can be its address in
    its folder: lower-case words joined by hyphens, other than index (the folder's own page)."""
    return bool(re.fullmatch(SLUG, name)) and name != "index"


def slugify(text: str, limit: int = 60) -> str:
    """A folder or file name made from a title: lower-case ASCII words joined by hyphens
    (model.SLUG), cut after a whole word within `limit` characters. The project's only one:
    `opencpd new` and `opencpd intake` both name things with it, and the loader
    suggests a name with it."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        cut = slug[: limit + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:limit]
    return slug.strip("-")


class VocabTerm:
    """Marks a str field whose value must be a term of the named vocabulary list."""

    def __init__(self, list_name: str):
        self.list_name = list_name

    def __call__(self, value: str, info: ValidationInfo) -> str:
        vocab = (info.context or {}).get("vocabulary")
        if vocab is not None and value not in vocab.lists[self.list_name]:
            allowed = ", ".join(vocab.ids(self.list_name))
            raise PydanticCustomError(
                "vocabulary",
                "{value!r} is not a known {name}",
                {"value": value, "name": self.list_name, "allowed": allowed},
            )
        return value


def term(list_name: str) -> object:
    return Annotated[
        str,
        AfterValidator(VocabTerm(list_name)),
        Field(json_schema_extra={"x-vocabulary": list_name}),
    ]


def _once_each(values: list[Any]) -> list[Any]:
    """A list of terms names each once: [fr, fr] shows "French, French" on the page and
    counts twice in the search filters."""
    seen: dict[Any, int] = {}
    for index, value in enumerate(values):
        if value in seen:
            raise PydanticCustomError(
                "duplicate",
                "{value!r} is listed twice",
                {"value": value, "first": seen[value], "index": index},
            )
        seen[value] = index
    return values


def terms(item: object) -> object:
    """A list of terms (vocabulary terms, year groups, ids), each named once."""
    return Annotated[
        list[item],  # type: ignore[valid-type]
        AfterValidator(_once_each),
        Field(json_schema_extra={"uniqueItems": True}),
    ]


KeyStage = term("key_stages")
Language = term("languages")
Theme = term("themes")
Audience = term("audiences")
ResourceType = term("resource_types")
Licence = term("licences")
Strand = term("strands")
SessionKind = term("session_kinds")
Delivery = term("deliveries")
PublicationKind = term("publication_kinds")
Text = Annotated[str, Field(min_length=1)]


def _plain(value: str) -> str:
    if "<" in value or ">" in value or "](" in value:
        raise PydanticCustomError("plain_text", "must be plain text, without HTML or links")
    return value


LINE_BREAK = re.compile("\r\n|[\r\n\u2028\u2029]")  # the others are invisible characters


def _one_line(value: str) -> str:
    lines = len(LINE_BREAK.split(value))
    if lines > 1:
        raise PydanticCustomError("one_line", "must be on one line", {"lines": lines})
    return value


# A title or a name is one line (a calendar, a feed or a slide takes a line break in it for a
# new field) of at most MAX_LINE characters: the longest in the programme are about 110 (a
# resource's title), and a line of 50,000 was taken in whole into every list, feed and pack.
MAX_LINE = 200
Line = Annotated[str, Field(min_length=1, max_length=MAX_LINE), AfterValidator(_one_line)]
# Teachers' resources are untrusted: their short fields may not carry markup either.
PlainText = Annotated[str, Field(min_length=1), AfterValidator(_plain)]
OneLine = Annotated[
    str,
    Field(min_length=1, max_length=MAX_LINE),
    AfterValidator(_plain),
    AfterValidator(_one_line),
]
Slug = Annotated[str, Field(pattern=SLUG)]
# A day the programme can have known: none before 2000 (0001-01-01 is a slip, and sorted a
# resource last among the newest for ever); a delivery's days have an upper bound too.
EARLIEST_DAY = dt.date(2000, 1, 1)
Dated = Annotated[dt.date, Field(ge=EARLIEST_DAY)]


# Characters that no page, feed or PDF can carry: control characters (tab and line break
# aside), lone surrogates and the two non-characters. XML cannot hold them at all.
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


# The bidirectional embeddings, overrides and isolates: invisible, they turn the order in
# which the text around them is shown ("Trojan Source"), so that a title or a name can read as
# another. A field never needs them (the marks U+200E and U+200F, which change no order, may
# stay); in a page's text they are a warning (load.py).
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
BIDI_NAMES = {
    "\u202a": "left-to-right embedding",
    "\u202b": "right-to-left embedding",
    "\u202c": "pop directional formatting",
    "\u202d": "left-to-right override",
    "\u202e": "right-to-left override",
    "\u2066": "left-to-right isolate",
    "\u2067": "right-to-left isolate",
    "\u2068": "first strong isolate",
    "\u2069": "pop directional isolate",
}


def bidi_control(character: str) -> str:
    """'U+202E (right-to-left override)'."""
    return f"U+{ord(character):04X} ({BIDI_NAMES[character]})"


def _writable(value: Any) -> Any:
    texts = value if isinstance(value, list) else [value]
    for text in texts:
        found = UNWRITABLE.search(text) if isinstance(text, str) else None
        if found:
            raise PydanticCustomError(
                "unwritable",
                "contains the invisible character {character}",
                {"character": f"U+{ord(found[0]):04X}"},
            )
        found = BIDI.search(text) if isinstance(text, str) else None
        if found:
            raise PydanticCustomError(
                "bidi_control",
                "contains the bidirectional control {character}",
                {"character": bidi_control(found[0])},
            )
    return value


# Any text in front matter (a summary, an agenda item's notes): the longest in the programme
# are under 400 characters; one of 500,000 would go whole into every list, feed and pack.
MAX_FIELD = 4000


class Content(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, str_max_length=MAX_FIELD)

    _characters = field_validator("*")(_writable)


class Module(Content):
    """A CPD module: one twilight session and its follow-ups, on one curriculum theme."""

    id: Slug
    title: Line
    key_stage: KeyStage  # type: ignore[valid-type]
    strand: Strand = "core"  # type: ignore[valid-type]
    themes: terms(Theme) = Field(min_length=1)  # type: ignore[valid-type]
    languages: terms(Language) = Field(min_length=1)  # type: ignore[valid-type]
    audience: terms(Audience) = Field(min_length=1)  # type: ignore[valid-type]
    summary: Text
    outcomes: list[Text] = Field(min_length=1)
    authors: list[Text] = Field(min_length=1)
    licence: Licence  # type: ignore[valid-type]
    status: Literal["draft", "published"] = "published"
    version: Text
    reviewed: Dated


DAY_MINUTES = 24 * 60  # a session, and each step of it, lasts at most a day


class AgendaItem(Content):
    """One step of a session's running order."""

    minutes: int = Field(gt=0, le=DAY_MINUTES)
    activity: Text
    grouping: str = ""
    materials: list[Text] = []
    notes: str = ""


class Session(Content):
    """A twilight, follow-up or induction session of a module."""

    title: Line
    kind: SessionKind  # type: ignore[valid-type]
    duration: int = Field(gt=0, le=DAY_MINUTES)
    delivery: terms(Delivery) = ["trainer-led"]  # type: ignore[valid-type]
    objectives: list[Text] = Field(min_length=1)
    agenda: list[AgendaItem] = Field(min_length=1)
    handouts: terms(Slug) = []  # type: ignore[valid-type]
    gap_task: str = ""


class Handout(Content):
    """A printable sheet participants work on in a session."""

    title: Line
    purpose: Text


class Contributor(Content):
    name: OneLine
    school: Annotated[str, AfterValidator(_plain)] = ""
    region: Annotated[str, AfterValidator(_plain)] = ""


class Attachment(Content):
    path: Text
    title: OneLine
    alt: Annotated[str, AfterValidator(_plain)] = ""


class Resource(Content):
    """A teacher's own resource, contributed to a module's open wiki."""

    title: OneLine
    summary: PlainText
    contributor: Contributor
    consent: StrictBool  # declarations: true, never "yes" or 1
    no_pupil_data: StrictBool
    key_stage: KeyStage  # type: ignore[valid-type]
    year_groups: terms(Annotated[int, Field(ge=1, le=13)]) = Field(min_length=1)  # type: ignore[valid-type]
    languages: terms(Language) = Field(min_length=1)  # type: ignore[valid-type]
    themes: terms(Theme) = Field(min_length=1)  # type: ignore[valid-type]
    type: ResourceType  # type: ignore[valid-type]
    licence: Licence  # type: ignore[valid-type]
    submitted: Dated
    status: Literal["pending", "approved", "rejected"]
    files: list[Attachment] = []
    source: Annotated[str, AfterValidator(_plain)] = ""
    example: bool = False  # written by the programme to show one: labelled on every output

    @property
    def shown_title(self) -> str:
        """An example says so in its title, wherever the title is shown."""
        return ("Example: " if self.example else "") + self.title

    @property
    def shown_summary(self) -> str:
        """An example's summary says so too (in feeds, search and link previews)."""
        said = "An example written by the programme, not a teacher's own. "
        return (said if self.example else "") + self.summary


class FormField(Content):
    label: Text
    kind: Literal["text", "lines", "tick", "date", "scale", "signature"] = "text"
    lines: int = Field(default=1, ge=1, le=30)


class Form(Content):
    """A printable form or template, filled on paper or on screen."""

    id: Slug
    title: Line
    purpose: str = ""
    fields: list[FormField] = Field(min_length=1)
    rows: int = Field(default=0, ge=0, le=40)


class CharterPrinciple(Content):
    title: Line
    text: Text


class Publication(Content):
    """A handbook or toolkit made of chapters."""

    id: Slug
    title: Line
    kind: PublicationKind  # type: ignore[valid-type]
    audience: terms(Audience) = Field(min_length=1)  # type: ignore[valid-type]
    summary: Text
    training_module: Slug | None = None
    authors: list[Text] = Field(min_length=1)
    licence: Licence  # type: ignore[valid-type]
    version: Text
    reviewed: Dated
    charter: list[CharterPrinciple] = []


class Chapter(Content):
    title: Line
    summary: Text
    templates: list[Form] = []


CONTENT_TYPES: dict[str, type[Content]] = {
    "module": Module,
    "session": Session,
    "handout": Handout,
    "resource": Resource,
    "publication": Publication,
    "chapter": Chapter,
}

# Centres and deliveries live in their own file, which adds them to CONTENT_TYPES.
# School-to-school support offers likewise (support_model.py).
from . import delivery_model, support_model  # noqa: E402,F401
