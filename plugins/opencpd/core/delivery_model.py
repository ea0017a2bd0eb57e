"""Centres and deliveries: where and when a module's twilight is run. The typed models, like
the others in model.py (which registers them in CONTENT_TYPES); the checks that need the
Catalog are in deliveries.py."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, StrictBool
from pydantic_core import PydanticCustomError

from .frontmatter import Sexagesimal
from .model import (
    CONTENT_TYPES,
    EARLIEST_DAY,
    Content,
    Language,
    OneLine,
    PlainText,
    Slug,
    term,
    terms,
)

Region = term("regions")
CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
STATUSES = ("planned", "confirmed", "cancelled", "held")


def _quoted(value: Any) -> Any:
    """A time written without quotes is refused: YAML 1.1 readers (editors, other tools)
    read start: 16:00 as 960 minutes, though this one keeps it as text (Sexagesimal)."""
    if isinstance(value, Sexagesimal):
        raise PydanticCustomError("unquoted_time", "a time in quotes, like '16:00'")
    return value


def _clock(value: str) -> str:
    if not CLOCK.fullmatch(value):
        raise PydanticCustomError("clock_time", "a 24-hour time like 16:15")
    return value


# A mailbox and nothing else: no `?`, `&` or `%` to add a copy or a text to a mailto: link.
# Every address a page writes into a mailto: link is one (a centre's, the support team's).
# Its name is begun only where a run of the characters of a name begins: searched for in a
# long text of them, it was otherwise read to its end from each of them (quadratic); the
# JSON Schema's pattern, anchored at both ends, needs no such guard.
MAILBOX_PATTERN = r"[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+"
MAILBOX = re.compile(r"(?<![A-Za-z0-9._+-])" + MAILBOX_PATTERN)


def _email(value: str) -> str:
    if not MAILBOX.fullmatch(value):
        raise PydanticCustomError("email", "an email address like bookings@centre.org.uk")
    return value


# The JSON Schema's patterns are anchored: a schema's pattern matches anywhere in the value
# (an editor took "at 16:15" or "116:155" for a time), where the check matches the whole of it.
ClockTime = Annotated[
    str,
    BeforeValidator(_quoted),
    AfterValidator(_clock),
    Field(json_schema_extra={"pattern": f"^{CLOCK.pattern}$"}),
]
Email = Annotated[
    str, AfterValidator(_email), Field(json_schema_extra={"pattern": f"^{MAILBOX_PATTERN}$"})
]
# A date a calendar can hold with room to spare (the years around it are written too).
Day = Annotated[dt.date, Field(ge=EARLIEST_DAY, le=dt.date(2099, 12, 31))]


class Centre(Content):
    """A local centre (a school or a hub) where twilights are run: `centres/<id>.md`."""

    name: OneLine
    town: OneLine
    region: Region  # type: ignore[valid-type]
    address: PlainText | None = None
    access: PlainText | None = None  # step-free access, parking, the door to use
    contact: Email  # an organisation's mailbox (bookings@, cpd@), never a person's
    example: bool = False  # shipped to show the calendar working: labelled on every output


class LeadTeacher(Content):
    name: OneLine
    consent: StrictBool = False  # shown only with consent: true (not "yes": YAML true)


class Delivery(Content):
    """One evening a module is run at a centre: `deliveries/<id>.md`."""

    module: Slug
    sessions: list[Slug] = []  # session file names (01-twilight); none: the module's twilight
    centre: Slug
    date: Day
    start: ClockTime
    lead_teachers: list[LeadTeacher] = []
    places: int = Field(gt=0, le=200, strict=True)  # a number: not true, 20.0 or '20'
    booking: str = ""  # an https link; none: book through the centre's contact
    status: Literal["planned", "confirmed", "cancelled", "held"]
    languages: terms(Language) = Field(min_length=1)  # type: ignore[valid-type]
    announced: Day  # when it was published: the feed of new deliveries is in this order
    # when its date, time, sessions, centre or status last changed: calendars and feed
    # readers that already have it take the newer version (SEQUENCE, Atom's updated)
    changed: Day | None = None
    example: bool = False


CONTENT_TYPES.update({"centre": Centre, "delivery": Delivery})
