"""School-to-school support loaded into the Catalog, checked, and the questions pages ask of
it. Only a listed offer within its review date, nominated by its headteacher and without an
error, is published; pending, withdrawn and expired offers leave every output.

"Expired" is decided from the build date (core/deliveries.build_day: SOURCE_DATE_EPOCH, which
adapters/site.py sets from git, else the last commit's date), so two builds of one commit agree.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .catalog import Catalog, Doc, ModuleDoc
from .deliveries import _https, build_day, did_you_mean, organisation_mailbox
from .delivery_model import MAILBOX
from .findings import Finding
from .folders import content_folder, pages_in, refuse_all, unpublished, unread_module
from .folders import matching as files_matching
from .model import addressable
from .support_model import LISTED_ONLY, LinkRequest, Offer, SupportProgramme
from .tree import walk
from .untrusted import personal_data

if TYPE_CHECKING:
    from .loader import Loader

FOLDER = "support"
PROGRAMME = "programme"  # support/programme.md: the programme's settings, not an offer
REQUESTS = "requests"  # support/requests/: link requests, never published
MAX_REVIEW_YEARS = 2
# Rules that do not stop the site build: an expired offer is taken out of the site, and a build
# that stopped on it would leave the previous site, with the offer, in place.
PUBLISHED_ANYWAY = {"offer-expired"}
POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][ABD-HJLNP-UW-Z]{2}\b")


def blocks_build(finding: Finding) -> bool:
    """Whether the site build logs `finding` as a warning (and a strict build stops on it)."""
    return finding.rule not in PUBLISHED_ANYWAY


# ---------------------------------------------------------------- what pages ask


def is_expired(catalog: Catalog, offer: Doc[Offer]) -> bool:
    return offer.meta.review < catalog.today


def title_of(offer: Doc[Offer]) -> str:
    """An example says so in its title, wherever the title is shown."""
    return ("Example: " if offer.meta.example else "") + offer.meta.title


def shown_colleague(offer: Doc[Offer]) -> dict[str, str] | None:
    """The colleague's name and role, only with their consent."""
    colleague = offer.meta.colleague
    return {"name": colleague.name, "role": colleague.role} if colleague.consent else None


def reference(offer: Doc[Offer]) -> str:
    """What a school quotes when it asks for a link: the offer's file name."""
    return offer.slug


def matching(catalog: Catalog, module: ModuleDoc) -> list[Doc[Offer]]:
    """Listed offers sharing a theme with the module, real ones before examples."""
    themes = set(module.meta.themes)
    return sorted(
        (o for o in catalog.offers if themes & set(o.meta.themes)),
        key=lambda o: (o.meta.example, o.meta.title.lower(), o.slug),
    )


def facet_values(catalog: Catalog, offer: Doc[Offer], facet: str) -> list[str]:
    meta = offer.meta
    return {
        "subject": [meta.subject],
        "phase": [meta.phase],
        "region": [meta.school.region],
        "format": list(meta.formats),
    }[facet]


# ---------------------------------------------------------------- loading and checking


def load_support(loader: Loader, catalog: Catalog) -> None:
    """support/*.md (offers and programme.md) and support/requests/*.md, each checked; only
    publishable offers reach the Catalog."""
    path = loader.root / FOLDER
    if not content_folder(loader, path):
        return
    catalog.today = build_day(loader.root)
    tree = walk(path)
    refuse_all(loader, tree)
    unpublished(
        loader,
        tree,
        [*files_matching(tree, ""), *files_matching(tree, REQUESTS)],
        f"an offer {FOLDER}/<id>.md, {FOLDER}/{PROGRAMME}.md, or a request "
        f"{FOLDER}/{REQUESTS}/<id>.md",
    )
    offers = []
    for file in pages_in(loader, tree, ""):
        if file.stem == PROGRAMME:
            programme = loader.read(file, SupportProgramme, f"{FOLDER}/how-it-works.md")
            if programme is not None:
                check_programme(loader, programme, catalog)
                catalog.support = programme
            continue
        if not _good_name(loader, file):
            continue
        before = len(loader.findings)
        offer = loader.read(
            file,
            Offer,
            f"{FOLDER}/offers/{file.stem}.md",
            partial=lambda doc: check_offer(loader, doc, catalog),
        )
        if offer is None:
            continue
        check_offer(loader, offer, catalog)
        failed = any(f.severity == "error" for f in loader.findings[before:])
        if publishable(catalog, offer) and not failed:
            offers.append(offer)
    known = {f.stem for f in pages_in(loader, tree, "") if f.stem != PROGRAMME}
    for file in pages_in(loader, tree, REQUESTS):
        request = loader.read(file, LinkRequest, f"{FOLDER}/{REQUESTS}/{file.stem}.md")
        if request is not None:
            check_request(loader, request, known)
    catalog.offers = sorted(offers, key=lambda o: (o.meta.example, o.meta.title.lower(), o.slug))
    if catalog.offers and catalog.support is None:
        loader.find(
            f"{FOLDER}/{PROGRAMME}.md",
            1,
            "missing-file",
            "offers are listed but the "
            "programme has no settings (expected support/programme.md, got none)",
            "Add it with the team's name, its organisational mailbox (contact:) and the "
            "text of the page 'How school-to-school support works'.",
        )


def publishable(catalog: Catalog, offer: Doc[Offer]) -> bool:
    meta = offer.meta
    return (
        meta.status == "listed"
        and not is_expired(catalog, offer)
        and meta.nomination.nominated_by_head
    )


def _good_name(loader: Loader, file: Path) -> bool:
    if addressable(file.stem):
        return True
    loader.find(
        loader.rel(file),
        1,
        "bad-name",
        "the file name cannot be part of a web address (expected lower-case words joined by "
        f"hyphens, other than index, got {file.name!r})",
        "Rename the file: its name is the offer's reference and its page's address.",
    )
    return False


def _today(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def check_offer(loader: Loader, offer: Doc[Offer], catalog: Catalog) -> None:
    """Every check of one offer: nomination, consent, what listing needs, dates, contacts."""
    meta, source = offer.meta, offer.source  # a salvaged offer may lack any field
    if meta.nomination is not None and not meta.nomination.nominated_by_head:
        loader.find(
            source,
            offer.line("nomination", "nominated_by_head"),
            "no-nomination",
            "the offer has no headteacher's nomination (expected nominated_by_head: "
            "true, got false)",
            "Ask the headteacher to confirm the nomination, with "
            "its date: the offer is not listed until then.",
        )
    if meta.colleague is not None and not meta.colleague.consent:
        loader.find(
            source,
            offer.line("colleague", "consent"),
            "no-consent",
            "the colleague has not agreed to be named (expected consent: true, got false)",
            "Ask them; until they agree, their name and role are shown nowhere.",
            "warning",
        )
    missing = [name for name in LISTED_ONLY if getattr(meta, name) in ("", None)]
    if missing:
        listed = meta.status == "listed"
        state = "is listed" if listed else "is pending"
        loader.find(
            source,
            offer.line("status"),
            "not-ready",
            f"the offer {state} without "
            f"{', '.join(missing)} (expected every field a listed offer shows, got "
            f"none for {', '.join(missing)})",
            "Ask the school "
            f"and fill in {', '.join(missing)}" + ("." if listed else " before listing it."),
            "error" if listed else "warning",
        )
    limit = (
        catalog.today.replace(year=catalog.today.year + MAX_REVIEW_YEARS)
        if not (catalog.today.month == 2 and catalog.today.day == 29)
        else catalog.today + dt.timedelta(days=365 * MAX_REVIEW_YEARS)
    )
    if not isinstance(meta.review, dt.date):
        pass
    elif meta.review > limit:
        loader.find(
            source,
            offer.line("review"),
            "review-too-far",
            "the review date is more "
            f"than {MAX_REVIEW_YEARS} years ahead (expected {_today(limit)} at the "
            f"latest, got {_today(meta.review)})",
            "Set a nearer date: an offer is checked with the school at least every two years.",
        )
    if meta.status == "listed" and isinstance(meta.review, dt.date) and is_expired(catalog, offer):
        loader.find(
            source,
            offer.line("review"),
            "offer-expired",
            f"the offer expired after "
            f"its review date, {_today(meta.review)} (expected a date on or after the "
            f"build date, {_today(catalog.today)})",
            "It is not published until it is "
            "reviewed: ask the school whether it stands and set a new review date, or "
            "set status: withdrawn.",
            "warning",
        )
    _contacts(
        loader,
        offer,
        [
            ("title",),
            ("availability",),
            ("school", "name"),
            ("school", "town"),
            ("colleague", "name"),
            ("colleague", "role"),
        ],
    )


def _contacts(loader: Loader, doc: Doc[Any], fields: list[tuple[str, ...]]) -> None:
    """Any email address, phone number or postcode in the fields or the body: an offer carries
    none, since requests go through the team's organisational address."""
    where = [
        ((doc.body_line + n - 1, 1), what, text) for n, what, text in contact_details(doc.body)
    ]
    for loc in fields:
        value: Any = doc.meta
        for part in loc:
            value = getattr(value, part, None)
        if isinstance(value, str):
            where += [(doc.where(*loc), what, text) for _, what, text in contact_details(value)]
    for (line, column), what, text in where:
        loader.find(
            doc.source,
            line,
            "personal-data",
            f"this looks like {what} (expected no contact details in an offer, got {text!r})",
            "Remove it: schools ask for "
            "a link through the coordinating team's address, never a person's email, "
            "phone or home address.",
            column=column,
        )


def contact_details(text: str) -> list[tuple[int, str, str]]:
    found = personal_data(text)
    for number, line in enumerate(text.split("\n"), 1):
        found += [
            (number, "a postcode (part of an address)", m.group()) for m in POSTCODE.finditer(line)
        ]
    return found


def check_programme(loader: Loader, programme: Doc[SupportProgramme], catalog: Catalog) -> None:
    meta, source = programme.meta, programme.source
    # a mailbox and nothing else, as a centre's: the pages write it into mailto: links, where
    # `?cc=…&body=…` in it would copy every school's request to another address
    if not MAILBOX.fullmatch(meta.contact) or not organisation_mailbox(meta.contact):
        loader.find(
            source,
            programme.line("contact"),
            "personal-contact",
            "the contact is not "
            "an organisation's mailbox (expected one whose name says its role, such as "
            f"school-support@ or cpd@, got {meta.contact!r})",
            "Give the team's shared mailbox: a person's address is never published.",
        )
    launch = meta.launch_module
    if launch and catalog.module(launch) is None and not unread_module(loader, launch):
        known = [m.id for m in catalog.published_modules]
        loader.find(
            source,
            programme.line("launch_module"),
            "unknown-module",
            "launch_module "
            f"names a module that does not exist (expected one of the modules' ids, got "
            f"{meta.launch_module!r})",
            did_you_mean(meta.launch_module, known),
        )
    if meta.forms_url and not _https(meta.forms_url):
        loader.find(
            source,
            programme.line("forms_url"),
            "bad-link",
            f"forms_url is not a secure web address (expected https://…, got {meta.forms_url!r})",
            "Give the repository's issues address, e.g. https://github.com/owner/repo/issues/new.",
        )


def check_request(loader: Loader, request: Doc[LinkRequest], known: set[str]) -> None:
    if request.meta.offer not in known:
        loader.find(
            request.source,
            request.line("offer"),
            "unknown-offer",
            "the request names "
            f"an offer that does not exist (expected the reference of an offer in "
            f"support/, got {request.meta.offer!r})",
            did_you_mean(request.meta.offer, sorted(known)),
        )
    _contacts(loader, request, [("school", "name"), ("school", "town"), ("role",), ("need",)])
