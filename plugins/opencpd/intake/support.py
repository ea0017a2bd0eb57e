"""The two school-to-school support forms: a headteacher's nomination, which becomes a pending
offer, support/<slug>.md; and a school asking for a link, which becomes a pending request,
support/requests/<date>-<slug>.md, read by the team and never published. Neither is listed
before a moderator says so (status: pending)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..core.catalog import Catalog
from ..core.deliveries import build_day
from ..core.findings import Finding
from ..core.loader import Loader
from ..core.model import SLUG
from ..core.support import check_offer, check_request, contact_details
from ..core.support_model import LinkRequest, Offer
from ..scaffold import slugify
from .forms import Form, Plan, Question, Reader, Settings, Tick, option_text
from .issue import Section, sections

CHARGES = {
    "Free of charge": "free",
    "Travel and cover expenses only": "expenses",
    "Agreed between the schools": "by-arrangement",
}
NO_CONTACTS = (
    "Never give a personal email address, phone number or home address: schools "
    "ask for a link through the coordinating team."
)

NOMINATION_QUESTIONS = (
    Question(
        "title",
        "What is offered",
        "input",
        "title",
        "One line, as the directory will show it.",
        "Daily phonics routines in KS2 French",
    ),
    Question("subject", "Subject", "dropdown", "subject", "The subject of the offer."),
    Question(
        "themes", "Themes", "dropdown", "themes", "Optional: the themes it covers (choose any)."
    ),
    Question("phase", "Phase", "dropdown", "phase", "The phase the colleague teaches in."),
    Question(
        "key_stages",
        "Key stages",
        "dropdown",
        "key_stages",
        "The key stages it is about (choose one or more).",
    ),
    Question(
        "formats",
        "Forms of support",
        "dropdown",
        "formats",
        "How the colleague can help (choose one or more).",
    ),
    Question(
        "school_name",
        "School",
        "input",
        "school.name",
        "The school's name.",
        "Moor Lane Primary School",
    ),
    Question("school_town", "Town", "input", "school.town", "The school's town.", "Leeds"),
    Question("school_region", "Region", "dropdown", "school.region", "The school's region."),
    Question(
        "colleague_name",
        "Colleague's name",
        "input",
        "colleague.name",
        "Shown on the site only if the colleague agrees (the tick below).",
        "Sam Smith",
    ),
    Question(
        "colleague_role",
        "Colleague's role",
        "input",
        "colleague.role",
        "Their role at the school.",
        "Languages subject leader",
    ),
    Question(
        "availability",
        "Availability",
        "input",
        "availability",
        "When the colleague can help.",
        "Tuesday mornings in the spring term",
    ),
    Question(
        "capacity",
        "Schools at a time",
        "input",
        "capacity",
        "How many schools the colleague can support at once (a number).",
        "2",
    ),
    Question("charges", "Costs", "dropdown", "charges", "Whether your school charges."),
    Question(
        "body",
        "About the offer",
        "textarea",
        "body",
        "What your school does well, what a partner school would see or receive, and how "
        "the work usually runs. " + NO_CONTACTS,
    ),
)
NOMINATION_TICKS = (
    Tick(
        "head",
        "I am the headteacher and I nominate this colleague for school-to-school support.",
        "nomination.nominated_by_head",
    ),
    Tick(
        "consent",
        "The colleague agrees to be listed, and to be named on the site with the role given.",
        "colleague.consent",
    ),
    Tick(
        "no_contacts", "The answers hold no personal email address, phone number or home address."
    ),
)
REQUEST_QUESTIONS = (
    Question(
        "offer",
        "Offer reference",
        "input",
        "offer",
        "The reference on the offer's page.",
        "phonics-routines-primary",
    ),
    Question(
        "school_name",
        "Your school",
        "input",
        "school.name",
        "Your school's name.",
        "Hill Primary School",
    ),
    Question("school_town", "Town", "input", "school.town", "Your school's town.", "Derby"),
    Question("school_region", "Region", "dropdown", "school.region", "Your school's region."),
    Question(
        "role", "Your role", "input", "role", "Your role, not your name.", "Languages coordinator"
    ),
    Question(
        "need",
        "What you would like help with",
        "input",
        "need",
        "One line.",
        "Starting daily phonics routines in Years 3 and 4",
    ),
    Question(
        "body",
        "More about your school's question",
        "textarea",
        "body",
        "What you have tried, and what would make the link worthwhile. The team will "
        "write to your school's office address. " + NO_CONTACTS,
    ),
)
REQUEST_TICKS = (
    Tick("headteacher", "My headteacher knows that the school is asking for this link."),
    Tick(
        "no_contacts", "The answers hold no personal email address, phone number or home address."
    ),
)


def options(form: Form, question: Question, config: Settings) -> dict[str, Any]:
    if question.target == "charges":
        return dict(CHARGES)
    list_name = form.vocabulary_list(question.target)
    if list_name is None:
        raise ValueError(f"the form's dropdown {question.id!r} has no vocabulary in the model")
    return {
        option_text(term.label, term.id): term.id
        for term in config.vocabulary.lists[list_name].values()
    }


def introduction(what: str) -> Any:
    def text(config: Settings) -> str:
        guide = (
            f"{config.site_url.rstrip('/')}/support/how-it-works/"
            if config.site_url
            else "the page How school-to-school support works"
        )
        return (
            f"{what} The coordinating team links schools; it does not quality-assure the "
            "support, and the schools arrange times and any costs themselves. A moderator "
            f"reads every submission before anything is published. How it works: {guide}"
            f"\n\n**{NO_CONTACTS}**"
        )

    return text


def _nest(meta: dict[str, Any]) -> None:
    """Dotted tick targets (colleague.consent) into their nested fields."""
    for key in [k for k in meta if "." in k]:
        parent, name = key.split(".", 1)
        meta.setdefault(parent, {})[name] = meta.pop(key)


class SupportReader(Reader):
    folder = "support"

    def plan(
        self,
        text: str,
        slug: str | None = None,
        submitted: dt.date | None = None,
        issue: int | None = None,
    ) -> Plan:
        """As any form's, but an answer holding contact details stops it: nothing with a
        personal email, phone number or postcode is written, even pending."""
        plan = super().plan(text, slug, submitted, issue)
        answers = sections(
            text.replace("\r\n", "\n").replace("\r", "\n"), self.form.labels_in_order
        )
        for section in answers.values():
            for number, what, found in contact_details(section.value):
                plan.problems.append(
                    self.finding(
                        section.value_line + number - 1,
                        "personal-data",
                        f"“{section.label}” "
                        f"holds what looks like {what} (expected no contact details, got "
                        f"{found!r})",
                        "Ask the school to edit the issue and remove it: requests "
                        "go through the coordinating team's address.",
                    )
                )
        return plan

    def answer(
        self,
        question: Question,
        section: Section,
        present: bool,
        meta: dict[str, Any],
        plan: Plan,
        flagged: set[str],
        positions: dict[tuple, tuple[int, int]],
    ) -> None:
        super().answer(question, section, present, meta, plan, flagged, positions)
        if "." in question.target and question.target in plan.places:  # school.region
            parent, name = question.target.split(".", 1)
            meta.setdefault(parent, {})[name] = plan.places.pop(question.target)

    def ticks(self, answers: dict[str, Section], meta: dict[str, Any], plan: Plan) -> None:
        super().ticks(answers, meta, plan)
        _nest(meta)

    def place(self, plan: Plan, slug: str | None, issue: int | None) -> None:
        name = str(plan.meta.get("school", {}).get("name", ""))
        slug = slug or self.slug(plan, name, issue)
        if not re.fullmatch(SLUG, slug or "-"):
            plan.problems.append(
                self.finding(
                    1,
                    "bad-slug",
                    "the file name is not valid "
                    f"(expected lower-case words joined by hyphens, got {slug!r})",
                    "Give one with --slug.",
                )
            )
            return
        plan.path = self.config.root / self.folder / f"{slug}.md"
        if plan.path.exists():
            plan.problems.append(
                self.finding(
                    1,
                    "already-exists",
                    "the file already exists "
                    f"(expected a new file, got {self.folder}/{slug}.md already "
                    "there)",
                    "Nothing was overwritten. Choose another name with --slug.",
                )
            )

    def slug(self, plan: Plan, name: str, issue: int | None) -> str:
        return slugify(f"{name} {plan.meta.get('title', '')}") or (
            f"offer-{issue}" if issue else ""
        )


class NominationReader(SupportReader):
    def complete(
        self,
        meta: dict[str, Any],
        plan: Plan,
        answers: dict[str, Section],
        positions: dict[tuple, tuple[int, int]],
        submitted: dt.date | None,
    ) -> None:
        day = submitted or dt.date.today()
        meta.setdefault("nomination", {})["date"] = day
        meta["review"] = day + dt.timedelta(days=365)
        meta["status"] = "pending"
        meta["submitted"] = day


class RequestReader(SupportReader):
    folder = "support/requests"

    def complete(
        self,
        meta: dict[str, Any],
        plan: Plan,
        answers: dict[str, Section],
        positions: dict[tuple, tuple[int, int]],
        submitted: dt.date | None,
    ) -> None:
        meta["submitted"] = submitted or dt.date.today()
        meta["status"] = "pending"
        if isinstance(meta.get("offer"), str):
            meta["offer"] = meta["offer"].strip().strip("`").lower()

    def slug(self, plan: Plan, name: str, issue: int | None) -> str:
        day = plan.meta.get("submitted", dt.date.today())
        return slugify(f"{day} {name}") or (f"request-{issue}" if issue else "")


def _loader(config: Settings) -> tuple[Loader, Catalog]:
    loader = Loader(config.root, config.vocabulary)
    catalog = Catalog(config.root, config.vocabulary, today=build_day(config.root))
    return loader, catalog


def check_nomination(config: Settings, plan: Plan) -> list[Finding]:
    """The new offer checked as `opencpd check` checks it."""
    assert plan.path is not None
    loader, catalog = _loader(config)
    page = plan.path.relative_to(config.root).as_posix()
    doc = loader.read(plan.path, Offer, page)
    if doc is not None:
        check_offer(loader, doc, catalog)
    return sorted(set(loader.findings))


def check_link_request(config: Settings, plan: Plan) -> list[Finding]:
    assert plan.path is not None
    loader, _ = _loader(config)
    doc = loader.read(plan.path, LinkRequest, plan.path.relative_to(config.root).as_posix())
    if doc is not None:
        known = {p.stem for p in (config.root / "support").glob("*.md")}
        check_request(loader, doc, known)
    return sorted(set(loader.findings))


NOMINATE = Form(
    id="nominate-a-colleague",
    name="Nominate a colleague for school-to-school support",
    description="A headteacher nominates a member of staff with real expertise to support "
    "other schools.",
    title="Nomination: ",
    labels=("support-offer", "needs-moderation"),
    model=Offer,
    questions=NOMINATION_QUESTIONS,
    checklist_label="Nomination and consent",
    checklist=NOMINATION_TICKS,
    filled_by_intake=frozenset({"nomination", "review", "status", "submitted", "example"}),
    introduction=introduction("Thank you for nominating a colleague."),
    options=options,
    reader=NominationReader,
    check=check_nomination,
    review=(
        "The school and the colleague: is the nomination from the school's headteacher "
        "(the issue's author, or confirmed by email to the team)?",
        "The text: no personal email, phone number, home address or pupil's name.",
        "The findings of `opencpd check` below, and the offer's page in the preview.",
    ),
    approve="status: pending",
)

ASK_FOR_A_LINK = Form(
    id="ask-for-a-link",
    name="Ask for a link to a school",
    description="Your school would like support from a school in the directory.",
    title="Link request: ",
    labels=("link-request", "needs-moderation"),
    model=LinkRequest,
    questions=REQUEST_QUESTIONS,
    checklist_label="Before you submit",
    checklist=REQUEST_TICKS,
    filled_by_intake=frozenset({"submitted", "status"}),
    introduction=introduction("Ask for a link to a school that offers support."),
    options=options,
    reader=RequestReader,
    check=check_link_request,
    review=(
        "The offer: is it still listed, and within its review date?",
        "The text: no personal email, phone number or home address.",
        "Then write to both schools' offices from the team's mailbox, copying in both "
        "headteachers, and close the request (status: linked).",
    ),
    approve="status: pending",
)
