"""The pages of school-to-school support: the directory (with filters as links, and a page per
subject, phase, region and format), a page per offer, "How school-to-school support works",
the offers on a module's page and the Atom feed of new offers.

Only the Catalog's offers are rendered, and it holds only the published ones (support.py):
a pending, withdrawn or expired offer has no page, no entry and no search record. Offers are
written by schools: every page is autoescaped HTML, held (core/placed.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode
from xml.etree import ElementTree as ET

from .catalog import Catalog, Doc, ModuleDoc
from .feeds import ATOM, SUPPORT_FEED, atom_entry, atom_head
from .placed import hold
from .render import front_matter
from .support import facet_values, matching, reference, shown_colleague, title_of
from .support_model import Offer
from .untrusted import safe_html
from .wellformed import xml_document

if TYPE_CHECKING:
    from .render import Renderer

FEED = SUPPORT_FEED
DIRECTORY = "support/index.md"
HOW = "support/how-it-works.md"
ON_MODULE = 3  # offers shown on a module's page
REQUEST_FORM = "ask-for-a-link.yml"  # intake/support.py's form: its field `offer` is prefilled
NOMINATION_FORM = "nominate-a-colleague.yml"


@dataclass(frozen=True)
class Facet:
    key: str  # support.facet_values
    label: str
    vocabulary: str
    search: str  # the Pagefind filter (opencpd/theme/partials/pagefind.html)


FACETS = [
    Facet("subject", "Subject", "subjects", "subject"),
    Facet("phase", "Phase", "phases", "phase"),
    Facet("region", "Region", "regions", "region"),
    Facet("format", "Format", "support_formats", "support format"),
]


class SupportPages:
    def __init__(self, renderer: Renderer):
        self.r = renderer
        self.catalog: Catalog = renderer.catalog

    @property
    def active(self) -> bool:
        return bool(self.catalog.offers or self.catalog.support)

    def programme(self) -> dict[str, Any]:
        """The team, its mailbox and the forms, for every page that says how to ask."""
        support = self.catalog.support
        meta = support.meta if support else None
        forms = meta.forms_url.rstrip("/") if meta and meta.forms_url else ""
        launch = self.catalog.module(meta.launch_module) if meta and meta.launch_module else None
        return {
            "team": meta.team if meta else "the coordinating team",
            "contact": meta.contact if meta else "",
            "forms": forms,
            "launch": launch,
            "nominate": f"{forms}?{urlencode({'template': NOMINATION_FORM})}" if forms else "",
        }

    def html(self, template: str, here: str, **context: Any) -> str:
        return self.r.html(
            template,
            here,
            facets=FACETS,
            programme=self.programme(),
            title_of=title_of,
            colleague_of=shown_colleague,
            **context,
        )

    def page(self, here: str, meta: dict[str, Any], template: str, **context: Any) -> str:
        return front_matter({"render_macros": False, **meta}) + hold(
            self.html(template, here, **context)
        )

    def all(self) -> dict[str, str]:
        if not self.active:
            return {}
        out = {DIRECTORY: self.listing(DIRECTORY, None, "", self.catalog.offers)}
        for facet in FACETS:
            for value, offers in self.groups(facet).items():
                here = f"support/{facet.key}/{value}.md"
                out[here] = self.listing(here, facet, value, offers)
        for offer in self.catalog.offers:
            out[offer.page] = self.offer_page(offer)
        out[HOW] = self.how_page()
        out[FEED] = self.feed()
        return out

    def groups(self, facet: Facet) -> dict[str, list[Doc[Offer]]]:
        """The offers under each value of a facet that has any, in vocabulary order."""
        found: dict[str, list[Doc[Offer]]] = {}
        for value in self.catalog.vocabulary.ids(facet.vocabulary):
            offers = [
                o for o in self.catalog.offers if value in facet_values(self.catalog, o, facet.key)
            ]
            if offers:
                found[value] = offers
        return found

    def filters(self) -> list[tuple[Facet, list[tuple[str, str]]]]:
        vocab = self.catalog.vocabulary
        return [(f, [(v, vocab.label(f.vocabulary, v)) for v in self.groups(f)]) for f in FACETS]

    def listing(self, here: str, facet: Facet | None, value: str, offers: list[Doc[Offer]]) -> str:
        vocab = self.catalog.vocabulary
        label = vocab.label(facet.vocabulary, value) if facet else ""
        title = f"School-to-school support: {label}" if facet else "School-to-school support"
        meta: dict[str, Any] = {
            "title": title,
            "content_type": "support-listing",
            "description": f"{len(offers)} offer{'s' if len(offers) != 1 else ''} of support "
            "from schools to schools, nominated by their headteachers.",
        }
        if facet:  # one directory in search results, not one for every filter
            meta["search"] = {"exclude": True}
        return self.page(
            here,
            meta,
            "support_directory.html.j2",
            title=title,
            facet=facet,
            value=value,
            offers=offers,
            filters=self.filters(),
            browse="browse/?"
            + urlencode({"type": "School-to-school support offer"}, quote_via=quote),
        )

    def search_meta(self, offer: Doc[Offer]) -> dict[str, Any]:
        vocab = self.catalog.vocabulary
        return {
            "title": title_of(offer),
            "content_type": "support-offer",
            "themes": list(offer.meta.themes),
            "description": ("An example, not a real offer. " if offer.meta.example else "")
            + f"{vocab.label('subjects', offer.meta.subject)}: {offer.meta.title}, offered by "
            f"{offer.meta.school.name}, {offer.meta.school.town}.",
            "search_filters": {
                f.search: [
                    vocab.label(f.vocabulary, v) for v in facet_values(self.catalog, offer, f.key)
                ]
                for f in FACETS
            },
        }

    def offer_page(self, offer: Doc[Offer]) -> str:
        ref = reference(offer)
        programme = self.programme()
        ask = (
            f"{programme['forms']}?" + urlencode({"template": REQUEST_FORM, "offer": ref})
            if programme["forms"]
            else ""
        )
        mail = (
            (
                f"mailto:{programme['contact']}?"
                + urlencode({"subject": f"Link request: {ref}"}, quote_via=quote)
            )
            if programme["contact"]
            else ""
        )
        return self.page(
            offer.page,
            self.search_meta(offer),
            "support_offer.html.j2",
            offer=offer,
            m=offer.meta,
            ref=ref,
            ask=ask,
            mail=mail,
            body=safe_html(offer.body) if offer.body.strip() else "",
        )

    def how_page(self) -> str:
        support = self.catalog.support
        return self.page(
            HOW,
            {
                "title": "How school-to-school support works",
                "content_type": "support-listing",
                "description": "How a school offers support, how another asks "
                "for a link, and what the team does and does "
                "not do.",
            },
            "support_how.html.j2",
            count=len(self.catalog.offers),
            body=safe_html(support.body, top=2) if support and support.body.strip() else "",
        )

    def on_module(self, module: ModuleDoc, here: str) -> str:
        """The offers sharing a theme with the module, for its page ('' when none)."""
        offers = matching(self.catalog, module)
        if not offers:
            return ""
        return "\n## School-to-school support\n" + hold(
            self.html(
                "support_on_module.html.j2",
                here,
                offers=offers[:ON_MODULE],
                total=len(offers),
                module=module,
            )
        )

    def feed(self) -> str:
        """An Atom feed of listed offers, newest first."""
        newest = sorted(
            self.catalog.offers, key=lambda o: (o.meta.submitted, o.slug), reverse=True
        )[:50]
        vocab = self.catalog.vocabulary
        updated = newest[0].meta.submitted if newest else self.catalog.today
        title = f"{self.r.programme}: school-to-school support"
        feed = atom_head(self.r.ids, FEED, title, "support/", updated)
        for offer in newest:
            m = offer.meta
            entry = atom_entry(
                feed, self.r.ids, FEED, offer, title_of(offer), m.submitted, m.school.name
            )
            ET.SubElement(
                entry,
                f"{{{ATOM}}}category",
                term=m.subject,
                label=vocab.label("subjects", m.subject),
            )
            if m.example:
                ET.SubElement(entry, f"{{{ATOM}}}category", term="example", label="Example")
            ET.SubElement(entry, f"{{{ATOM}}}summary").text = (
                ("An example shipped with OpenCPD, not a real offer. " if m.example else "")
                + f"{vocab.label('phases', m.phase)}, {m.school.name}, {m.school.town} "
                f"({vocab.label('regions', m.school.region)}): "
                + ", ".join(vocab.label("support_formats", f) for f in m.formats)
                + "."
            )
        return xml_document(feed)


def support_export(catalog: Catalog, site_url: str) -> list[dict[str, Any]]:
    """The published offers for the catalogue JSON: only what the pages show, the colleague
    only with consent; never the nomination, the text or the file's path."""
    site = site_url.rstrip("/") + "/" if site_url else ""  # else relative, as export()
    out = []
    for offer in catalog.offers:
        m = offer.meta
        entry: dict[str, Any] = {
            "reference": reference(offer),
            "url": site + offer.url,
            "title": title_of(offer),
            "example": m.example,
            "subject": m.subject,
            "themes": list(m.themes),
            "phase": m.phase,
            "key_stages": list(m.key_stages),
            "formats": list(m.formats),
            "school": {"name": m.school.name, "town": m.school.town, "region": m.school.region},
            "availability": m.availability,
            "capacity": m.capacity,
            "charges": m.charges,
            "review": m.review.isoformat(),
        }
        colleague = shown_colleague(offer)
        if colleague:
            entry["colleague"] = colleague
        out.append(entry)
    return out


def support_navigation(catalog: Catalog) -> list[dict[str, Any]]:
    if not (catalog.offers or catalog.support):
        return []
    return [{"School-to-school support": [DIRECTORY, HOW]}]
