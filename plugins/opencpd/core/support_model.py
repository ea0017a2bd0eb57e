"""School-to-school support: a nominated colleague's offer, `support/<id>.md`, and the
programme's own settings, `support/programme.md`. Typed models like the others in model.py
(which registers them in CONTENT_TYPES); the checks that need the build date are in support.py.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictBool

from .model import CONTENT_TYPES, Content, Dated, OneLine, Slug, Text, _plain, term, terms

Subject = term("subjects")
Phase = term("phases")
SupportFormat = term("support_formats")
Region = term("regions")
Theme = term("themes")
KeyStage = term("key_stages")
Optional = Annotated[str, AfterValidator(_plain)]
# Fields a pending offer may leave out, which an offer must have before it is listed.
LISTED_ONLY = ("availability", "capacity", "charges")


class SupportSchool(Content):
    """The school that offers support: never a person's address or contact."""

    name: OneLine
    town: OneLine
    region: Region  # type: ignore[valid-type]


class Colleague(Content):
    """The nominated colleague: their name and role are shown only with consent: true."""

    name: OneLine
    role: OneLine
    consent: StrictBool  # true, never "yes" or 1


class Nomination(Content):
    """The headteacher's nomination, recorded: the offer is not listed without it."""

    nominated_by_head: StrictBool
    date: Dated


class Offer(Content):
    """What a nominated colleague offers other schools: `support/<id>.md`. Requests for a
    link go through the coordinating team's organisational address, never to the colleague."""

    title: OneLine  # what is offered, in a line
    subject: Subject  # type: ignore[valid-type]
    themes: terms(Theme) = []  # type: ignore[valid-type]
    phase: Phase  # type: ignore[valid-type]
    key_stages: terms(KeyStage) = Field(min_length=1)  # type: ignore[valid-type]
    formats: terms(SupportFormat) = Field(min_length=1)  # type: ignore[valid-type]
    school: SupportSchool
    colleague: Colleague
    nomination: Nomination
    availability: Optional = ""  # when: "Thursday afternoons in the spring term"
    capacity: int | None = Field(default=None, ge=1, le=20)  # schools supported at a time
    charges: Literal["free", "expenses", "by-arrangement"] | None = None
    review: Dated  # the offer expires after this date until it is reviewed
    status: Literal["pending", "listed", "withdrawn"]
    submitted: Dated
    example: bool = False  # shipped to show the directory working: labelled on every output


class SupportProgramme(Content):
    """`support/programme.md`: who links schools, and how a school asks. The body is the
    page "How school-to-school support works"."""

    team: OneLine  # the coordinating team's name
    contact: Text  # the team's organisational mailbox: every request goes through it
    launch_module: Slug | None = None  # the training module of the launch day
    forms_url: str = ""  # the repository's "new issue" address, for the two issue forms


class LinkRequest(Content):
    """A school asking for a link to an offer: `support/requests/<id>.md`, written by the
    intake from the issue form. Never published: the team reads it and writes to the school
    through its office."""

    offer: Slug  # the offer's reference (its file name)
    school: SupportSchool  # the school asking
    role: OneLine  # the asker's role, never their name or contact
    need: OneLine  # what they would like help with, in a line
    submitted: Dated
    status: Literal["pending", "linked", "closed"]


CONTENT_TYPES.update(
    {"offer": Offer, "support-programme": SupportProgramme, "link-request": LinkRequest}
)
