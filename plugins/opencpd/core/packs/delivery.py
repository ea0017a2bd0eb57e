"""Packs made for one evening: a module's packs for a delivery, with its centre, date and lead
teachers on the cover, the running order in clock times from its start, a preparation
checklist (copies for the places booked, and apart what participants bring), a sign-in sheet
with a row per place, certificates naming what was run (the twilight, or the sessions by
title), the module, centre and date, and the QR code going to the delivery's page. An example
delivery's packs say so at the top of every page.

`plan` adds those of confirmed deliveries in the coming weeks (deliveries.due_for_packs);
`opencpd packs --delivery ID` makes any upcoming delivery's. Cancelled and past deliveries
never have packs."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..catalog import Catalog, Doc
from ..deliveries import (
    centre_of,
    due_for_packs,
    ends,
    is_example,
    location,
    module_of,
    packable,
    sessions_of,
    starts,
)
from ..delivery_model import Delivery
from ..model import Session
from ..render import running_order
from .spec import PackOptions, SessionPack, module_docs, placeholder_address

OWNER = "delivery-"
# The longest list of sessions a certificate names by title: with the longest names of module,
# centre and town (200 characters each) the certificate still fits its one landscape page.
NAMED_UP_TO = 400
# Characters of those three and the sessions past which a certificate is set closer (pack.css)
LONG_CERTIFICATE = 300
# Characters of lead teachers' names the cover lists: the cover is one page of fixed height, and
# 30 long names pushed the places, key stage and QR code off it, unseen
LEADS_ON_COVER = 400


@dataclass
class DeliveryPack(SessionPack):
    delivery: str = ""

    def render_html(self, catalog: Catalog, options: PackOptions) -> str:
        return delivery_html(self, catalog, options)


def packs_for(catalog: Catalog, delivery: Doc[Delivery]) -> list[DeliveryPack]:
    """Both editions of one delivery's packs (none when it is cancelled or past)."""
    if packable(catalog, delivery):
        return []
    module, centre = module_of(catalog, delivery), centre_of(catalog, delivery)
    sources = sorted({catalog.root / d.source for d in [*module_docs(module), delivery, centre]})
    return [
        DeliveryPack(
            f"{OWNER}{delivery.slug}",
            delivery.source,
            edition,  # type: ignore[arg-type]
            module.meta.title,
            module.meta.reviewed,
            sources,
            [],
            delivery=delivery.slug,
        )
        for edition in ("facilitator", "participant")
    ]


def due_packs(catalog: Catalog) -> list[DeliveryPack]:
    return [p for d in due_for_packs(catalog) for p in packs_for(catalog, d)]


class Material(NamedTuple):
    name: str
    copies: int  # 0: participants bring it, or make it during the evening
    per: str  # whom one copy serves: "participant", "pair", "group of four", "whole group"


# What a material is, from its name as the agenda gives it (see `materials`).
WHOLE_GROUP = re.compile(
    r"flip ?chart|\bslides?\b|\bscreen\b|\bprojector\b|\btimer\b|\blink\b", re.I
)
BROUGHT = re.compile(
    r"\bparticipants?'|\bbrought\b|\bnotes from\b|\bgap task\b|\bfrom the twilight\b|"
    r"\bcompleted\b|\bresults\b|\bschemes? of work\b|(?<!sample )\banonymised\b|"
    r"\bprevious activity\b",
    re.I,
)
SHARED = re.compile(
    r"\bA3\b|sugar paper|large paper|strip of paper|card sort|task cards|word cards|\bdice\b|"
    r"\bprops\b|dictionar",
    re.I,
)
EACH = re.compile(
    r"whiteboard|\bpens?\b|\bpencils?\b|sticky notes?|highlighters?|name cards?|handouts?|"
    r"\bforms?\b|templates?|\bsheets?\b|\bcop(y|ies)\b|\beach\b|\bper participant\b",
    re.I,
)
# "Title (handout from the twilight)". Begun only where a run of blank space begins, and never
# read past the next "(handout": a long run of spaces, or of "(handout", was otherwise read to
# its end from each of its characters (quadratic in its length).
HANDOUT_NOTE = re.compile(r"(?<!\s)\s*\(handout(?:(?!\(handout)[^)])*\)$", re.I)


def materials(catalog: Catalog, delivery: Doc[Delivery]) -> list[Material]:
    """Every material the evening's agendas name, with the copies to prepare for the places
    booked, decided by what it is and, for what people share, by the agenda item's grouping:

    - a handout of the module, however the agenda names it (its file name, "sentence-builders
      handout", its title, "Title (handout)"), is one line, by its title: one per place;
    - what the whole group sees (a flip chart, slides, anything on a slide or on screen, a
      timer, a link): one;
    - what participants bring, or make during the evening ("participants' …", "brought by
      participants", notes from the gap task, work from the twilight, completed records and
      results, schemes of work, anonymised pupils' work unless it is a "sample", what was made
      in a previous activity): no copies; the checklist lists it apart;
    - what people share (A3, sugar, large paper or a strip of it, card sorts, task or word
      cards, dice, props, dictionaries): one per unit of the grouping (see `served`);
    - what each participant uses (mini whiteboards, pens, sticky notes, highlighters, name
      cards, handouts, forms, templates, sheets, copies, "each"): one per place;
    - anything else (a chapter, a sample, a planner): one per unit of the grouping, as shared.

    The unit of a grouping is the smallest it names: "individual" (one each), "pairs",
    "groups of three", any other groups (of four), or else the "whole group" (one): "whole
    group, then pairs" is by pairs, "small groups (breakout rooms of three or four)" by threes.
    A grouping that names none counts one each, never too few. A material named by several
    agenda items gets the most copies any of them needs."""
    places = delivery.meta.places
    module = module_of(catalog, delivery)
    handouts = {}  # each way an agenda names a handout -> its line in the checklist
    for slug, handout in module.handouts.items():
        line = f"Handout: {handout.meta.title}"
        for name in (slug, f"{slug} handout", f"the {slug} handout", handout.meta.title, line):
            handouts[name.lower()] = line
    found: dict[str, Material] = {}

    def add(material: Material) -> None:
        if material.name not in found or material.copies > found[material.name].copies:
            found[material.name] = material

    for session in sessions_of(catalog, delivery):
        for item in session.meta.agenda:
            for material in item.materials:
                name = material.strip()
                line = handouts.get(name.lower()) or handouts.get(
                    HANDOUT_NOTE.sub("", name).lower()
                )
                if line:
                    add(Material(line, places, "participant"))
                elif WHOLE_GROUP.search(name):
                    add(Material(name, 1, "whole group"))
                elif BROUGHT.search(name):
                    add(Material(name, 0, ""))
                elif EACH.search(name) and not SHARED.search(name):
                    add(Material(name, places, "participant"))
                else:
                    add(Material(name, *served(item.grouping, places)))
        for slug in session.meta.handouts:
            if slug in module.handouts:
                add(Material(f"Handout: {module.handouts[slug].meta.title}", places, "participant"))
    return sorted(found.values(), key=lambda m: m.name.lower())


def served(grouping: str, places: int) -> tuple[int, str]:
    """Copies of a shared material for `places` and whom one serves (see `materials`)."""
    said = grouping.lower()
    if "individual" in said:
        return places, "participant"
    if re.search(r"\bpairs?\b", said):
        return -(-places // 2), "pair"
    if re.search(r"\bthree\b|\btrios?\b", said):
        return -(-places // 3), "group of three"
    if re.search(r"\bgroups?\b", said.replace("whole group", "")):
        return -(-places // 4), "group of four"
    if "whole group" in said:
        return 1, "whole group"
    return places, "participant"


def what_ran(catalog: Catalog, sessions: list[Doc[Session]]) -> str:
    """What a certificate says was attended that evening: "the twilight"; "the follow-up
    session ‘Dictation and spelling from sound’"; "the twilight and the follow-up session ‘…’";
    "the follow-up sessions ‘…’ and ‘…’" (sessions of one kind in a row named together); or,
    longer than NAMED_UP_TO, "the twilight and 11 follow-up sessions"."""
    runs: list[tuple[str, list[str]]] = []  # (kind, titles) in the evening's order
    for session in sessions:
        if runs and runs[-1][0] == session.meta.kind:
            runs[-1][1].append(session.meta.title)
        else:
            runs.append((session.meta.kind, [session.meta.title]))
    parts, counted = [], []
    for kind, titles in runs:
        if kind == "twilight" and len(titles) == 1:
            parts.append("the twilight")
            counted.append("the twilight")
            continue
        label = catalog.vocabulary.label("session_kinds", kind).lower()
        # "Follow-up: the first contact" is named "‘The first contact’" after "follow-up session"
        said = re.compile(rf"^{re.escape(label.split()[0])}\s*:\s*", re.IGNORECASE)
        named = and_list([f"‘{upper_first(said.sub('', title))}’" for title in titles])
        parts.append(f"the {label}{'s' if len(titles) > 1 else ''} {named}")
        counted.append(f"{len(titles)} {label}s" if len(titles) > 1 else f"the {label}")
    said_all = and_list(parts) or "the twilight"
    # an evening of many sessions, or of long titles, named by number: named by title, they
    # ran off the certificate's page and took the module, centre and date with them
    return said_all if len(said_all) <= NAMED_UP_TO else and_list(counted)


def leads_said(names: list[str]) -> str:
    """The lead teachers as the cover names them: all of them, or as many as LEADS_ON_COVER
    holds and how many more ("A, B and 27 more, named on the twilight's page")."""
    if len(", ".join(names)) <= LEADS_ON_COVER:
        return ", ".join(names)
    shown: list[str] = []
    while len(", ".join([*shown, names[len(shown)]])) <= LEADS_ON_COVER - 40:
        shown.append(names[len(shown)])
    more = len(names) - len(shown)
    return f"{', '.join(shown)} and {more} more, named on the twilight's page online"


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def and_list(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return " and ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)


def delivery_html(pack: DeliveryPack, catalog: Catalog, options: PackOptions) -> str:
    from ..untrusted import safe_html
    from .html import environment, handouts_in_order, qr_svg
    from .markdown import PackMarkdown

    delivery = next(d for d in catalog.deliveries if d.slug == pack.delivery)
    module, centre = module_of(catalog, delivery), centre_of(catalog, delivery)
    # no QR code or link to an address the site cannot be at, as the module's packs
    published = options.site_url and not placeholder_address(options.site_url)
    site_url = options.site_url.rstrip("/") + "/" if published else ""
    url = site_url + delivery.url if site_url else ""
    md = PackMarkdown(
        catalog.root,
        site_url,
        pack.edition == "participant",
        options.markdown_extensions,
        options.mdx_configs,
    )
    checklist = materials(catalog, delivery)
    sessions, clock = [], starts(delivery)
    for session in sessions_of(catalog, delivery):
        sessions.append((session, running_order(session.meta.agenda, f"{clock:%H:%M}")))
        clock += dt.timedelta(minutes=session.meta.duration)
    place = location(centre.meta.name, None, centre.meta.town)  # the town once
    ran = what_ran(catalog, [session for session, _ in sessions])
    context: dict[str, Any] = {
        "pack": pack,
        "catalog": catalog,
        "vocab": catalog.vocabulary,
        "md": md,
        "programme": options.programme,
        "facilitator": pack.edition == "facilitator",
        "m": module.meta,
        "module": module,
        "d": delivery.meta,
        "centre": centre.meta,
        "place": place,
        "start": starts(delivery),
        "end": ends(catalog, delivery),
        "sessions": sessions,
        "what_ran": ran,
        "long_certificate": len(ran) + len(module.meta.title) + len(place) > LONG_CERTIFICATE,
        "example": is_example(catalog, delivery),
        "leads": leads_said([t.name for t in delivery.meta.lead_teachers if t.consent]),
        "checklist": [m for m in checklist if m.copies],
        "brought": [m.name for m in checklist if not m.copies],
        "handouts": handouts_in_order(module),
        # the delivery's practical notes (parking, what to bring, the room), a coordinator's
        # Markdown: cleaned as on the delivery's page, and placed as it comes out
        "notes": safe_html(delivery.body) if delivery.body.strip() else "",
        "url": url,
        "short_link": re.sub(r"^https?://", "", url).rstrip("/"),
        "qr": qr_svg(url) if url else "",
        "authors": module.meta.authors,
        "description": module.meta.summary,
        "keywords": [module.meta.key_stage],
    }
    return environment().get_template("delivery.html.j2").render(**context)
