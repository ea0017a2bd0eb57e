"""Centres and deliveries loaded into the Catalog, checked against it, and the questions pages,
calendars and packs ask of them (what is upcoming, when an evening starts and ends).

"Upcoming" is decided from the build date (SOURCE_DATE_EPOCH, else the last commit's date), so
that two builds of one commit are the same; the site's calendar.js hides what has passed since.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from . import urls
from .catalog import Catalog, Doc, ModuleDoc
from .delivery_model import Centre, Delivery
from .findings import Finding
from .folders import content_folder, matching, pages_in, refuse_all, unpublished, unread_module
from .model import Session, addressable
from .source_date import source_date_epoch
from .tree import walk
from .untrusted import personal_data

if TYPE_CHECKING:
    from .loader import Loader

LONDON = ZoneInfo("Europe/London")
LATEST_END = dt.time(21, 0)  # a twilight ends by then
EARLIEST_START = dt.time(7, 0)  # and no session starts before (nor at a time the clocks skip)
# `opencpd build` makes the packs of confirmed deliveries this close: places and lead teachers
# change until then, and at 3,000 deliveries a year six weeks meant 460 packs to make at once.
PACK_WEEKS = 2
# Words that make a mailbox an organisation's (bookings@, cpd-hub@), not a person's.
ROLE_WORDS = {
    "admin",
    "bookings",
    "booking",
    "contact",
    "courses",
    "cpd",
    "enquiries",
    "enquiry",
    "events",
    "hello",
    "hub",
    "info",
    "languages",
    "mfl",
    "office",
    "reception",
    "school",
    "team",
    "training",
    "twilights",
    "centre",
    "center",
}
PERSONAL_DOMAINS = {
    "gmail.com",
    "googlemail.com",
    "hotmail.com",
    "hotmail.co.uk",
    "outlook.com",
    "live.co.uk",
    "yahoo.com",
    "yahoo.co.uk",
    "icloud.com",
    "me.com",
    "aol.com",
    "btinternet.com",
    "live.com",
    "msn.com",
    "outlook.co.uk",
    "yahoo.fr",
    "ymail.com",
    "protonmail.com",
    "proton.me",
    "pm.me",
    "tutanota.com",
    "fastmail.com",
    "gmx.com",
    "gmx.co.uk",
    "mail.com",
    "sky.com",
    "talktalk.net",
    "virginmedia.com",
    "ntlworld.com",
    "blueyonder.co.uk",
    "tiscali.co.uk",
}


def build_day(root: Path) -> dt.date:
    """The reproducible build date, in London (core/source_date.py: SOURCE_DATE_EPOCH when
    set, as the build sets it from git, else the last commit's date)."""
    return dt.datetime.fromtimestamp(source_date_epoch(root), LONDON).date()


def organisation_mailbox(address: str) -> bool:
    local, _, domain = address.lower().partition("@")
    return domain not in PERSONAL_DOMAINS and bool(set(re.split(r"[._+-]", local)) & ROLE_WORDS)


# ---------------------------------------------------------------- what pages and packs ask


def sessions_of(catalog: Catalog, delivery: Doc[Delivery]) -> list[Doc[Session]]:
    module = catalog.module(delivery.meta.module)
    if module is None:
        return []
    if not delivery.meta.sessions:
        return [module.twilight] if module.twilight else []
    by_slug = {s.slug: s for s in module.sessions}
    return [by_slug[s] for s in delivery.meta.sessions if s in by_slug]


def minutes_of(catalog: Catalog, delivery: Doc[Delivery]) -> int:
    return sum(s.meta.duration for s in sessions_of(catalog, delivery))


def starts(delivery: Doc[Delivery]) -> dt.datetime:
    """The evening's start in Europe/London (GMT or BST, as that date has it)."""
    return _start(delivery.meta.date, delivery.meta.start)


@functools.lru_cache(maxsize=4096)  # asked for five times a delivery, as checks and pages sort
def _start(date: dt.date, start: str) -> dt.datetime:
    hour, minute = map(int, start.split(":"))
    return dt.datetime.combine(date, dt.time(hour, minute), LONDON)


def ends(catalog: Catalog, delivery: Doc[Delivery]) -> dt.datetime:
    return end_after(starts(delivery), sessions_of(catalog, delivery))


def end_after(start: dt.datetime, sessions: list[Doc[Session]]) -> dt.datetime:
    # Wall-clock arithmetic: an evening never spans a change of the clocks (they go at 01:00).
    return start + dt.timedelta(minutes=sum(s.meta.duration for s in sessions))


def is_past(catalog: Catalog, delivery: Doc[Delivery]) -> bool:
    return delivery.meta.status == "held" or delivery.meta.date < catalog.today


def upcoming(catalog: Catalog) -> list[Doc[Delivery]]:
    """Soonest first; a cancelled one stays, marked, until its date has passed."""
    return sorted(
        (d for d in catalog.deliveries if not is_past(catalog, d)),
        key=lambda d: (d.meta.date, d.meta.start, d.slug),
    )


def held(catalog: Catalog) -> list[Doc[Delivery]]:
    """Past deliveries that were run, most recent first."""
    return sorted(
        (d for d in catalog.deliveries if is_past(catalog, d) and d.meta.status != "cancelled"),
        key=lambda d: (d.meta.date, d.meta.start, d.slug),
        reverse=True,
    )


def module_of(catalog: Catalog, delivery: Doc[Delivery]) -> ModuleDoc:
    module = catalog.module(delivery.meta.module)
    assert module is not None  # only deliveries of known modules reach the Catalog
    return module


def centre_of(catalog: Catalog, delivery: Doc[Delivery]) -> Doc[Centre]:
    return catalog.centres[delivery.meta.centre]


def title_of(catalog: Catalog, delivery: Doc[Delivery]) -> str:
    """'Example: Phonics at KS2, Leeds Languages Hub': an example says so in its title."""
    module, centre = module_of(catalog, delivery), centre_of(catalog, delivery)
    title = f"{module.meta.title}, {centre.meta.name}"
    return f"Example: {title}" if is_example(catalog, delivery) else title


def location(name: str, address: str | None, town: str) -> str:
    """'Leeds Languages Hub, 12 Park Row, Leeds': name, address and the town once (left out
    when the name or the address already names it as a word)."""
    parts = [name, *([address] if address else [])]
    return ", ".join([*parts, *([] if says(parts, town) else [town])])


def says(parts: list[str], town: str) -> bool:
    """Whether one of `parts` names `town` as a word ('Example Hub, Leeds' names Leeds)."""
    word = re.compile(rf"(?<!\w){re.escape(town)}(?!\w)", re.IGNORECASE)
    return any(word.search(part) for part in parts)


def town_after(centre: Centre) -> str:
    """The town to print after a centre's name: none when its name already says it."""
    return "" if says([centre.name], centre.town) else centre.town


def is_example(catalog: Catalog, delivery: Doc[Delivery]) -> bool:
    centre = catalog.centres.get(delivery.meta.centre)
    return delivery.meta.example or bool(centre and centre.meta.example)


def packable(catalog: Catalog, delivery: Doc[Delivery]) -> str:
    """Why a delivery cannot have packs made for it ('' when it can)."""
    found = no_packs(catalog, delivery)
    return found.message if found else ""


def no_packs(catalog: Catalog, delivery: Doc[Delivery]) -> Finding | None:
    """Why a delivery cannot have packs made for it, as a finding at the line that says so
    (`opencpd packs --delivery` refuses it with this); None when it can."""
    meta = delivery.meta
    if meta.status in ("cancelled", "held"):
        line, column = delivery.where("status")
        cancelled = meta.status == "cancelled"
        return Finding(
            delivery.source,
            line,
            column,
            "no-packs",
            "no packs are made for this delivery: "
            f"{'it is cancelled' if cancelled else 'it has been held'} (expected status planned "
            f"or confirmed, got {meta.status})",
            "Packs are for an evening still to run: set status: confirmed if it is on again."
            if cancelled
            else "The evening has run, so there is nothing to print for it; if it is still to "
            "come, set status: confirmed.",
        )
    if is_past(catalog, delivery):
        line, column = delivery.where("date")
        return Finding(
            delivery.source,
            line,
            column,
            "no-packs",
            f"no packs are made for this delivery: its date has passed (expected a date from "
            f"{catalog.today:%-d %B %Y} on, got {meta.date:%-d %B %Y})",
            "Mark it 'held' if it ran, or correct the date if it is still to come.",
        )
    return None


def due_for_packs(catalog: Catalog) -> list[Doc[Delivery]]:
    """Confirmed deliveries in the coming PACK_WEEKS: `opencpd build` makes their packs."""
    until = catalog.today + dt.timedelta(weeks=PACK_WEEKS)
    return [d for d in upcoming(catalog) if d.meta.status == "confirmed" and d.meta.date <= until]


# ---------------------------------------------------------------- loading and checking


@dataclass
class ReadDeliveries:
    """The centres and deliveries read, each checked on its own (`read_deliveries`), and what
    that found: what `add_deliveries` checks against the modules. A forked copy of the build
    may read them while the build loads the modules, and send this back (load.read_apart)."""

    centres: dict[str, Doc[Centre]] = field(default_factory=dict)
    deliveries: list[Doc[Delivery]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def read_deliveries(loader: Loader) -> ReadDeliveries:
    """centres/*.md and deliveries/*.md read, and each checked on its own."""
    read = ReadDeliveries()
    before = len(loader.findings)
    for folder, model in (("centres", Centre), ("deliveries", Delivery)):
        path = loader.root / folder
        if not content_folder(loader, path):
            continue
        tree = walk(path)
        refuse_all(loader, tree)
        unpublished(loader, tree, matching(tree, ""), f"a file of its own, {folder}/<id>.md")
        for file in pages_in(loader, tree, ""):
            check = partial(check_centre if model is Centre else check_delivery_alone, loader)
            doc = loader.read_kept(file, model, f"{folder}/{file.stem}.md", check)  # type: ignore[type-var,arg-type]
            named = addressable(file.stem)
            if doc is None or not named:
                if doc is not None:
                    loader.find(
                        doc.source,
                        1,
                        "bad-name",
                        "the file name cannot be part of a "
                        "web address (expected lower-case words joined by hyphens, other "
                        f"than index, got {file.name!r})",
                        "Rename the file: its name is the page's "
                        "address and the id other files use.",
                    )
                continue
            if model is Centre:
                read.centres[doc.slug] = doc
            else:
                read.deliveries.append(doc)
    read.findings = loader.findings[before:]
    return read


def add_deliveries(loader: Loader, catalog: Catalog, read: ReadDeliveries) -> None:
    """The centres and deliveries `read_deliveries` read into the Catalog, each delivery
    checked against the modules, centres and build day (`loader` has the findings of reading
    them already)."""
    catalog.today = build_day(loader.root)
    catalog.centres.update(read.centres)
    for doc in read.deliveries:
        if check_delivery(loader, doc, catalog):
            catalog.deliveries.append(doc)
    check_overlaps(loader, catalog)


def _personal(loader: Loader, doc: Doc[Any], fields: list[tuple[str | int, ...]]) -> None:
    """A person's email address or any phone number in the named fields or the body."""
    where = [((doc.body_line + n - 1, 1), what, text) for n, what, text in personal_data(doc.body)]
    for loc in fields:
        value: Any = doc.meta
        for part in loc:
            value = value[part] if isinstance(part, int) else getattr(value, part, None)
        if isinstance(value, str):
            where += [(doc.where(*loc), what, text) for _, what, text in personal_data(value)]
    for (line, column), what, text in where:
        if what == "an email address" and organisation_mailbox(text):
            continue
        loader.find(
            doc.source,
            line,
            "personal-data",
            f"this looks like {what} of a person "
            f"(expected an organisation's mailbox, such as bookings@ or cpd@ a centre, "
            f"got {text!r})",
            "Give the centre's or hub's mailbox instead: a person's "
            "address or number is never published.",
            column=column,
        )


def check_centre(loader: Loader, centre: Doc[Centre]) -> None:
    contact = centre.meta.contact
    if not organisation_mailbox(contact):
        line, column = centre.where("contact")
        loader.find(
            centre.source,
            line,
            "personal-contact",
            "the contact looks like a "
            f"person's address (expected an organisation's mailbox whose name says its "
            f"role, such as bookings@, cpd@ or languages.hub@, got {contact!r})",
            "Ask the centre for its bookings or CPD mailbox: a person's address is "
            "never published.",
            column=column,
        )
    _personal(loader, centre, [("name",), ("town",), ("address",), ("access",)])


def closest(value: str, known: list[str]) -> str | None:
    """The known id `value` most likely meant: the same but for case; else the one id that
    holds it or is held in it ('leeds' for 'leeds-hub'); else one spelt nearly alike. Not
    one that merely shares the usual parts: 'leeds-hub' is no answer to a removed
    'bristol-hub', nor 'ks2-speaking' to 'ks3-reading'."""
    lower = value.lower()
    same = [k for k in known if k.lower() == lower]
    held = [k for k in known if lower and (lower in k.lower() or k.lower() in lower)]
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.75)
    return (same or (held if len(held) == 1 else []) or close or [None])[0]


def did_you_mean(value: str, known: list[str], otherwise: str = "") -> str:
    """The hint for an unknown id: the one it most likely meant, else `otherwise`, else the
    ids there are."""
    found = closest(value, known)
    if found:
        return f"Did you mean '{found}'?"
    if otherwise:
        return otherwise
    if not known:
        return "There are none yet."
    return f"Known: {', '.join(known[:12])}{', …' if len(known) > 12 else ''}."


def check_delivery_alone(loader: Loader, delivery: Doc[Delivery]) -> None:
    """The checks of a delivery's file alone (kept with it from one build to the next)."""
    meta, source = delivery.meta, delivery.source
    for index, lead in enumerate(meta.lead_teachers):
        if not lead.consent:
            loader.find(
                source,
                delivery.line("lead_teachers", index),
                "no-consent",
                "a lead "
                "teacher's name is listed without their consent (expected consent: "
                f"true, got false for {lead.name!r})",
                "Ask them and set consent: true, or remove the name: it is not shown until then.",
                "warning",
            )
    if meta.booking and not _https(meta.booking):
        loader.find(
            source,
            delivery.line("booking"),
            "bad-link",
            "the booking link is not a "
            f"secure web address (expected https://…, got {meta.booking!r})",
            "Use the booking page's https address, or leave 'booking' out to send "
            "teachers to the centre's mailbox.",
        )
    if meta.announced > meta.date:
        # the feed of new twilights is in the order they were announced: one announced after
        # it has run would come first among the new ones, for an evening gone
        line, column = delivery.where("announced")
        loader.find(
            source,
            line,
            "announced-late",
            "the delivery is announced after its own date (expected an announced date on or "
            f"before {meta.date.isoformat()}, got {meta.announced.isoformat()})",
            "Write the day you published it (`opencpd new delivery` writes today's): a "
            "twilight is announced before it runs.",
            column=column,
        )
    _personal(
        loader,
        delivery,
        [("booking",), *[("lead_teachers", i, "name") for i in range(len(meta.lead_teachers))]],
    )


def check_delivery(loader: Loader, delivery: Doc[Delivery], catalog: Catalog) -> bool:
    """The checks of one delivery against the modules, centres and build day (those of its
    file alone are `check_delivery_alone`'s); False when it cannot be published (unknown module,
    session or centre)."""
    meta, source = delivery.meta, delivery.source
    ok = True
    module = catalog.module(meta.module)
    if module is None and unread_module(loader, meta.module):
        ok = False  # modules/ or the module's folder cannot be read: that finding says so
    elif module is None or module.meta.status != "published":
        known = [m.id for m in catalog.published_modules]
        loader.find(
            source,
            delivery.line("module"),
            "unknown-module",
            "the delivery names "
            f"a module that is not published (expected one of the modules' ids, got "
            f"{meta.module!r})",
            did_you_mean(meta.module, known),
        )
        ok = False
    else:
        slugs = [s.slug for s in module.sessions]
        for index, name in enumerate(meta.sessions):
            if name in meta.sessions[:index]:
                loader.find(
                    source,
                    delivery.line("sessions", index),
                    "repeated-session",
                    f"the session {name!r} is named twice (expected each session once, got "
                    f"it at places {meta.sessions.index(name) + 1} and {index + 1})",
                    "Remove the second one: a session is run once in an evening.",
                )
                ok = False
            elif name not in slugs:
                _unknown_session(loader, delivery, index, module)
                ok = False
        if not meta.sessions and module.twilight is None:
            _no_twilight(loader, delivery, module)
            ok = False
    if meta.centre not in catalog.centres:
        path = f"centres/{meta.centre}.md"
        if has_findings(loader, path):  # it exists, but could not be read: not to be made
            loader.find(
                source,
                delivery.line("centre"),
                "unreadable-centre",
                f"the centre {meta.centre!r} cannot be used (expected a centre that passes "
                f"`opencpd check`, got findings in {path})",
                f"Fix the findings in {path}: this one then goes too.",
            )
        else:
            loader.find(
                source,
                delivery.line("centre"),
                "unknown-centre",
                "the delivery names a "
                f"centre that does not exist (expected a file centres/{meta.centre}.md, got "
                "none)",
                did_you_mean(meta.centre, sorted(catalog.centres))
                + " A new centre is made with `opencpd new centre`.",
            )
        ok = False
    if starts(delivery).time() < EARLIEST_START:
        loader.find(
            source,
            delivery.line("start"),
            "early-start",
            f"the evening starts too early (expected a start from "
            f"{EARLIEST_START:%H:%M}, got {meta.start})",
            "Write the start in the 24-hour clock: 16:15 for a quarter past four.",
        )
        ok = False
    if ok:
        end = ends(catalog, delivery)
        if end.time() > LATEST_END or end.date() != meta.date:
            loader.find(
                source,
                delivery.line("start"),
                "late-end",
                "the evening ends too late "
                f"(expected an end by {LATEST_END:%H:%M}, got {minutes_of(catalog, delivery)}"
                f" minutes from {meta.start}, ending at {end:%H:%M})",
                "Start earlier, or run fewer sessions that evening.",
            )
    if meta.date < catalog.today and meta.status in ("planned", "confirmed") and not meta.example:
        loader.find(
            source,
            delivery.line("status"),
            "stale-status",
            f"the delivery's date "
            f"has passed but it is still {meta.status} (expected held or cancelled "
            f"after {meta.date.isoformat()})",
            "Mark it 'held' if it ran, or 'cancelled' if it did not.",
            "warning",
        )
    today = authors_day(catalog)
    if meta.status == "held" and meta.date > today:
        # A held twilight leaves the calendar, and its page says it has taken place: one to
        # come, marked held by mistake, would vanish from the calendar without a word.
        loader.find(
            source,
            delivery.line("status"),
            "held-too-soon",
            f"the delivery is marked held but its date has not come (expected planned, "
            f"confirmed or cancelled until {meta.date.isoformat()}, got held on "
            f"{today.isoformat()})",
            "Set 'held' once the evening has run; until then it is 'planned' or 'confirmed'.",
        )
    check_changed(loader, delivery, today)
    return ok


def authors_day(catalog: Catalog) -> dt.date:
    """Today's date in London when it is later than the build's (the last commit's): what a
    coordinator writes today (`opencpd new delivery`'s `announced`, a `changed`, a twilight
    that ran since, marked held) is checked before it is committed."""
    return max(catalog.today, dt.datetime.now(LONDON).date())


def has_findings(loader: Loader, path: str) -> bool:
    """Whether a file (or a folder) has findings of its own: one that could not be read or is
    not valid is left out of the Catalog, yet it exists, and a finding that it is missing
    would send the author to make it again."""
    return any(f.path == path for f in loader.findings)


def _no_twilight(loader: Loader, delivery: Doc[Delivery], module: ModuleDoc) -> None:
    """A delivery that names no sessions, of a module with no twilight session: none at all,
    or none that could be read (the files left out have findings of their own, which say
    what to fix)."""
    folder = f"{module.source.rpartition('/')[0]}/sessions"
    read = {s.source for s in module.sessions}
    left_out = sorted(
        {
            f.path
            for f in loader.findings
            if (f.path == folder or f.path.startswith(folder + "/")) and f.path not in read
        }
    )
    if left_out:
        loader.find(
            delivery.source,
            delivery.line("module"),
            "unreadable-session",
            f"the module {module.id} has no twilight session that can be run (expected one "
            f"that passes `opencpd check`, got findings in {', '.join(left_out[:3])})",
            f"Fix the findings in {left_out[0]}: this one then goes too.",
        )
        return
    loader.find(
        delivery.source,
        delivery.line("module"),
        "unknown-session",
        f"the module {module.id} has no twilight session (expected one to run, got none)",
        "Name the sessions to run under 'sessions'.",
    )


def _unknown_session(
    loader: Loader, delivery: Doc[Delivery], index: int, module: ModuleDoc
) -> None:
    """A session the delivery names that its module does not have, or has in a file that
    could not be read (whose own findings say why: this one is not the thing to fix)."""
    name, slugs = delivery.meta.sessions[index], [s.slug for s in module.sessions]
    folder = f"{module.source.rpartition('/')[0]}/sessions"
    path = next(
        (p for p in (f"{folder}/{name}.md", folder) if has_findings(loader, p)), ""
    )  # the file, or its folder, which could not be listed
    if path:
        loader.find(
            delivery.source,
            delivery.line("sessions", index),
            "unreadable-session",
            f"the session {name!r} of the module {module.id} cannot be run (expected a session "
            f"that passes `opencpd check`, got findings in {path})",
            f"Fix the findings in {path}: this one then goes too.",
        )
        return
    loader.find(
        delivery.source,
        delivery.line("sessions", index),
        "unknown-session",
        f"the module {module.id} has no session {name!r} (expected one of {', '.join(slugs)})",
        did_you_mean(name, slugs, "Name a session by its file's name, without '.md'."),
    )


def _https(link: str) -> bool:
    """An https address of another site, written in full (https://host/…) as the browser
    reads it: nothing the URL parser would drop, turn or encode (spaces, control characters,
    backslashes, quotes, angle brackets), and no name or password before the host."""
    if re.search(r"[\s\\\x00-\x1f\x7f\"'<>`]", link) or link[:8].lower() != "https://":
        return False
    url = urls.read(link, None)
    return (
        url is not None
        and url.protocol == "https:"
        and bool(url.hostname)
        and not url.username
        and not url.password
    )


def check_changed(loader: Loader, delivery: Doc[Delivery], today: dt.date) -> None:
    """`announced` is not after `today`, and `changed` falls between the two: the feed
    is in the order of announcement, and calendars count an event's versions from that day
    (calendar.sequence)."""
    meta, source = delivery.meta, delivery.source
    if meta.announced > today:
        loader.find(
            source,
            delivery.line("announced"),
            "future-date",
            "the delivery is announced on a day still to come (expected "
            f"{today.isoformat()} or earlier, got {meta.announced.isoformat()})",
            "Write the day you published it: `opencpd new delivery` writes today's.",
        )
    if meta.changed is None:
        return
    if meta.changed < meta.announced:
        loader.find(
            source,
            delivery.line("changed"),
            "bad-value",
            "the delivery is marked changed before it was announced (expected a date on or "
            f"after {meta.announced.isoformat()}, got {meta.changed.isoformat()})",
            "Set 'changed' to the day you last changed its date, time, sessions, centre or status.",
        )
    elif meta.changed > today:
        loader.find(
            source,
            delivery.line("changed"),
            "future-date",
            "the delivery is marked changed on a day still to come (expected "
            f"{today.isoformat()} or earlier, got {meta.changed.isoformat()})",
            "Set 'changed' to the day you made the change.",
        )


def check_overlaps(loader: Loader, catalog: Catalog) -> None:
    """Two evenings at one centre that overlap (cancelled ones aside)."""
    running = sorted(
        (d for d in catalog.deliveries if d.meta.status != "cancelled"),
        key=lambda d: (d.meta.centre, starts(d)),
    )
    before: Doc[Delivery] | None = None  # of the evenings so far at this centre: the last to end
    until = dt.datetime.min  # when it ends
    for after in running:
        end = ends(catalog, after)
        if before is None or before.meta.centre != after.meta.centre:
            before, until = after, end
            continue
        if starts(after) < until:
            loader.find(
                after.source,
                after.line("start"),
                "overlap",
                "two deliveries at "
                f"{after.meta.centre} overlap (expected one evening at a time, got this "
                f"one from {after.meta.start} and {before.source} until "
                f"{until:%H:%M} on {after.meta.date.isoformat()})",
                "Move one to another date or time, or cancel one.",
            )
        if end > until:
            before, until = after, end
