"""The HTML of a pack, from Jinja templates in packs/templates and the content's Markdown."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import segno
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ..catalog import Catalog, Doc, ModuleDoc, PublicationDoc
from ..kept import compiled_templates
from ..model import Handout
from ..render import TEMPLATES as PAGE_TEMPLATES
from ..render import clock, running_order
from .markdown import PackMarkdown
from .spec import PackOptions, SessionPack, placeholder_address

TEMPLATES = Path(__file__).resolve().parent / "templates"
OUTCOME_LEAD = re.compile(
    r"^by the end,?\s+(teachers|participants)\s+(can|will be able to)\s+", re.IGNORECASE
)


def environment() -> Environment:
    # _form.md.j2 is shared with the site's chapter pages: the same forms, as PDF fields.
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(TEMPLATES), FileSystemLoader(PAGE_TEMPLATES)]),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=compiled_templates("packs"),
    )
    env.filters["clock"] = clock
    env.filters["date"] = lambda d: f"{d.day} {d:%B %Y}"
    env.filters["can_do"] = can_do
    env.filters["cover_text"] = cover_text
    return env


COVER_TEXT = 500  # characters of a summary on a cover, which is one page with its QR code


def cover_text(text: str) -> str:
    """A summary as a cover shows it: whole up to COVER_TEXT characters, else cut after the
    last sentence (or word) that fits, with "…". A longer one pushed the cover's facts and its
    QR code off the page, unseen."""
    if len(text) <= COVER_TEXT:
        return text
    cut = text[: COVER_TEXT - 1]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[: end + 1] + " …" if end > COVER_TEXT // 2 else cut.rsplit(" ", 1)[0] + "…"


def can_do(outcome: str) -> str:
    """'By the end, teachers can plan X' -> 'Plan X': an outcome as a confidence statement."""
    short = OUTCOME_LEAD.sub("", outcome).rstrip(".")
    return short[:1].upper() + short[1:]


def qr_svg(url: str) -> Markup:
    svg = segno.make(url, error="m").svg_inline(
        scale=1, border=0, omitsize=True, dark="#000", title=f"QR code: {url}"
    )
    return Markup(svg)


def pack_html(pack: SessionPack, catalog: Catalog, options: PackOptions) -> str:
    if hasattr(pack, "render_html"):  # a delivery's pack (delivery.py)
        return pack.render_html(catalog, options)  # type: ignore[no-any-return]
    # A placeholder address would print a QR code and links to no site: the cover says so.
    site_url = "" if placeholder_address(options.site_url) else options.site_url.rstrip("/") + "/"
    md = PackMarkdown(
        catalog.root,
        site_url,
        pack.edition == "participant",
        options.markdown_extensions,
        options.mdx_configs,
    )
    common = {
        "pack": pack,
        "catalog": catalog,
        "vocab": catalog.vocabulary,
        "md": md,
        "start": options.start_time,
        "facilitator": pack.edition == "facilitator",
        "places": options.places,
        "programme": options.programme,
        "labels": lambda ids, name: ", ".join(catalog.vocabulary.label(name, i) for i in ids),
    }
    if pack.edition == "handbook":
        publication = catalog.publication(pack.owner)
        assert publication is not None
        return (
            environment()
            .get_template("handbook.html.j2")
            .render(
                **common,
                **_link(site_url, publication),
                publication=publication,
                p=publication.meta,
                trained=catalog.module(publication.meta.training_module or ""),
                contents=handbook_contents(publication),
            )
        )
    module = catalog.module(pack.owner)
    assert module is not None and module.twilight is not None
    handouts = handouts_in_order(module)
    decks = deck_rows(module, options.decks.get(module.id, {}), site_url)
    return (
        environment()
        .get_template("module.html.j2")
        .render(
            **common,
            **_link(site_url, module),
            module=module,
            m=module.meta,
            twilight=module.twilight,
            rows=running_order(module.twilight.meta.agenda, options.start_time),
            follow_ups=module.follow_ups,
            handouts=handouts,
            contents=module_contents(pack, module, handouts, decks),
            decks=decks,
        )
    )


def deck_rows(
    module: ModuleDoc, decks: dict[str, dict[str, Any]], site_url: str
) -> list[dict[str, Any]]:
    """Each session's slide deck as the facilitator pack lists it: the session, the number of
    slides, and each form's label, size and address on the site (none without a site)."""
    return [
        {
            "title": session.meta.title,
            "kind": session.meta.kind,
            "slides": decks[session.slug]["slides"],
            "forms": [
                {**form, "url": site_url + form["uri"] if site_url else ""}
                for form in decks[session.slug]["forms"]
            ],
        }
        for session in module.sessions
        if session.slug in decks
    ]


def module_contents(
    pack: SessionPack,
    module: ModuleDoc,
    handouts: list[Doc[Handout]],
    decks: list[dict[str, Any]] | None = None,
) -> list[tuple[str, str, int]]:
    """(id, title, level) of each part the table of contents lists."""
    facilitator = pack.edition == "facilitator"
    out = [("aims", "Aims", 1)]
    if facilitator:
        out += [("running-order", "Running order", 1), ("session-plan", "Session plan", 1)]
        if decks:
            out += [("slides", "Slides", 1)]
    if handouts:
        out += [("handouts", "Handouts", 1)]
        out += [(f"handout-{h.slug}", h.meta.title, 2) for h in handouts]
    out += [("follow-ups", "Follow-up sessions" if facilitator else "Follow-up tasks", 1)]
    if facilitator:
        out += [
            ("sign-in", "Sign-in sheet", 1),
            ("evaluation", "Evaluation form", 1),
            ("certificate", "Certificate of attendance", 1),
        ]
    else:
        out += [("reflection-log", "Reflection log", 1)]
    return out


def handbook_contents(publication: PublicationDoc) -> list[tuple[str, str, int]]:
    out = [("introduction", "Introduction", 1)]
    if publication.meta.charter:
        out += [("charter", "The charter", 1)]
    for chapter in publication.chapters:
        out += [(f"chapter-{chapter.slug}", chapter.meta.title, 1)]
        out += [(f"form-{f.id}", f.title, 2) for f in chapter.meta.templates]
    return out


def _link(site_url: str, doc: ModuleDoc | PublicationDoc) -> dict[str, Any]:
    url = site_url + doc.url if site_url else ""
    short = re.sub(r"^https?://", "", url).rstrip("/")
    return {"url": url, "short_link": short, "qr": qr_svg(url) if url else ""}


def handouts_in_order(module: ModuleDoc) -> list[Doc[Handout]]:
    """Handouts in the order sessions use them, then any that no session names."""
    names = [n for s in module.sessions for n in s.meta.handouts if n in module.handouts]
    names += sorted(module.handouts)
    return [module.handouts[n] for n in dict.fromkeys(names)]
