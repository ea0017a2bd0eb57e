"""schema.org JSON-LD with LRMI properties for every content page: modules, sessions, handouts,
resources, publications and chapters; and each delivery's, a CourseInstance of its module."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from .catalog import Catalog, Doc, ModuleDoc, PublicationDoc
from .deliveries import centre_of, ends, is_example, is_past, module_of, starts, title_of
from .delivery_model import Delivery
from .feeds import PROGRAMME
from .model import Chapter, Contributor, Handout, Resource, Session

LEVELS = {
    "KS2": "Key Stage 2",
    "KS3": "Key Stage 3",
    "KS2-3": "Key Stages 2 and 3",
    "all": "All phases",
}
SITE_LANGUAGE = "en-GB"  # every page is written in British English; examples are in others
TEACHERS = {"@type": "EducationalAudience", "educationalRole": "teacher"}
# A note in brackets after a name ("OpenCPD project team (summary)") says how the work was
# made; it is not part of the name. Begun only where a run of blank space begins (where it
# would match first anyway): a long run of spaces was otherwise read to its end from each of
# its characters, quadratic in its length. The issue intake strips its labels' notes with it.
NOTE = re.compile(r"(?<!\s)\s*\([^()]*\)\s*$")


def duration(minutes: int) -> str:
    """Minutes as an ISO 8601 duration: 105 -> PT1H45M."""
    hours, rest = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{rest}M" if rest or not hours else "")


def sentences(items: list[str]) -> str:
    """Items as one paragraph of sentences, each ended once: ['A.', 'B'] -> 'A. B.'"""
    return " ".join(
        i.strip() if i.strip()[-1:] in ".!?" else i.strip() + "." for i in items if i.strip()
    )


def plain_name(name: str) -> str:
    return NOTE.sub("", name).strip() or name.strip()


def languages(examples: list[str]) -> list[str]:
    """The page's own language first, then the example languages it quotes."""
    return [SITE_LANGUAGE, *[code for code in examples if code != SITE_LANGUAGE]]


class Metadata:
    def __init__(self, catalog: Catalog, site_url: str, programme: str = PROGRAMME):
        self.catalog = catalog
        # Without site_url no address is given: a root-relative one ("/modules/...") is wrong
        # for a site served below its host's root, and search engines need an absolute one.
        self.site_url = site_url.rstrip("/") + "/" if site_url else ""
        # the series every module and publication is part of: the programme (its site_name)
        self.series = {
            "@type": "CreativeWorkSeries",
            "name": programme,
            **({"url": self.site_url} if self.site_url else {}),
        }
        # The programme's own authors (its project team, its partners) are organisations.
        self.teams = {plain_name(a) for m in catalog.modules for a in m.meta.authors} | {
            plain_name(a) for p in catalog.publications for a in p.meta.authors
        }

    def at(self, doc: Doc) -> dict[str, str]:
        """The page's address as a `url` property, or none without site_url."""
        return {"url": self.site_url + doc.url} if self.site_url else {}

    def licence(self, licence_id: str) -> str:
        term = self.catalog.vocabulary.term("licences", licence_id)
        return term.url if term and term.url else licence_id

    def all(self) -> dict[str, dict[str, Any]]:
        """src_uri of each page -> its JSON-LD object."""
        out: dict[str, dict[str, Any]] = {}
        for module in self.catalog.published_modules:
            out[module.page] = self.module(module)
            for session in module.sessions:
                out[session.page] = self.session(module, session)
            for handout in module.handouts.values():
                out[handout.page] = self.handout(module, handout)
            for resource in module.resources:
                out[resource.page] = self.resource(module, resource)
        for publication in self.catalog.publications:
            out[publication.page] = self.publication(publication)
            for chapter in publication.chapters:
                out[chapter.page] = self.chapter(publication, chapter)
        return out

    def authors(self, names: list[str]) -> list[dict[str, Any]]:
        return [{"@type": "Organization", "name": plain_name(n)} for n in names]

    def person(self, contributor: Contributor) -> dict[str, Any]:
        """A teacher who shared a resource; the programme's own team is an organisation."""
        name = plain_name(contributor.name)
        found: dict[str, Any] = {
            "@type": "Organization" if name in self.teams else "Person",
            "name": name,
        }
        if contributor.school:
            found["affiliation"] = {"@type": "EducationalOrganization", "name": contributor.school}
        return found

    def _common(self, module: ModuleDoc) -> dict[str, Any]:
        m = module.meta
        vocab = self.catalog.vocabulary
        return {
            "@context": "https://schema.org",
            "educationalLevel": LEVELS.get(m.key_stage, m.key_stage),
            "inLanguage": languages(m.languages),
            "keywords": [vocab.label("themes", t) for t in m.themes],
            "teaches": [vocab.label("themes", t) for t in m.themes],
            "audience": TEACHERS,
            "license": self.licence(m.licence),
            "dateModified": m.reviewed.isoformat(),
            "author": self.authors(m.authors),
        }

    def module(self, module: ModuleDoc) -> dict[str, Any]:
        m = module.meta
        return {
            **self._common(module),
            "@type": ["Course", "LearningResource"],
            "name": m.title,
            "description": m.summary,
            **self.at(module),
            "learningResourceType": "professional development module",
            "timeRequired": duration(sum(s.meta.duration for s in module.sessions)),
            "version": m.version,
            "hasPart": [
                {"@type": "LearningResource", "name": s.meta.title, **self.at(s)}
                for s in module.sessions
            ],
            "isPartOf": dict(self.series),
        }

    def session(self, module: ModuleDoc, session: Doc[Session]) -> dict[str, Any]:
        s = session.meta
        return {
            **self._common(module),
            "@type": "LearningResource",
            "name": s.title,
            "description": sentences(s.objectives),
            **self.at(session),
            "learningResourceType": self.catalog.vocabulary.label("session_kinds", s.kind),
            "timeRequired": duration(s.duration),
            "isPartOf": self.course(module),
        }

    def handout(self, module: ModuleDoc, handout: Doc[Handout]) -> dict[str, Any]:
        h = handout.meta
        return {
            **self._common(module),
            "@type": "LearningResource",
            "name": h.title,
            "description": h.purpose,
            **self.at(handout),
            "learningResourceType": "handout",
            "isPartOf": self.course(module),
        }

    def course(self, module: ModuleDoc) -> dict[str, Any]:
        return {"@type": "Course", "name": module.meta.title, **self.at(module)}

    def resource(self, module: ModuleDoc, resource: Doc[Resource]) -> dict[str, Any]:
        r = resource.meta
        vocab = self.catalog.vocabulary
        contributor = self.person(r.contributor)
        return {
            "@context": "https://schema.org",
            "@type": "LearningResource",
            "name": r.shown_title,
            "description": r.shown_summary,
            **self.at(resource),
            "educationalLevel": LEVELS.get(r.key_stage, r.key_stage),
            "inLanguage": languages(r.languages),
            "keywords": [vocab.label("themes", t) for t in r.themes],
            "teaches": [vocab.label("themes", t) for t in r.themes],
            "audience": TEACHERS,
            "learningResourceType": vocab.label("resource_types", r.type),
            "license": self.licence(r.licence),
            "contributor": contributor,
            "author": contributor,
            "dateCreated": r.submitted.isoformat(),
            "dateModified": r.submitted.isoformat(),
            "isPartOf": self.course(module),
        }

    def _publication_common(self, publication: PublicationDoc) -> dict[str, Any]:
        p = publication.meta
        module = self.catalog.module(p.training_module) if p.training_module else None
        return {
            "@context": "https://schema.org",
            "inLanguage": SITE_LANGUAGE,
            "audience": TEACHERS,
            "license": self.licence(p.licence),
            "dateModified": p.reviewed.isoformat(),
            "author": self.authors(p.authors),
            "educationalLevel": LEVELS.get(module.meta.key_stage, module.meta.key_stage)
            if module
            else LEVELS["all"],
        }

    def publication(self, publication: PublicationDoc) -> dict[str, Any]:
        p = publication.meta
        return {
            **self._publication_common(publication),
            "@type": ["Book", "LearningResource"],
            "name": p.title,
            "description": p.summary,
            **self.at(publication),
            "learningResourceType": self.catalog.vocabulary.label("publication_kinds", p.kind),
            "version": p.version,
            "hasPart": [
                {"@type": "Chapter", "name": c.meta.title, **self.at(c)}
                for c in publication.chapters
            ],
            "isPartOf": dict(self.series),
        }

    def chapter(self, publication: PublicationDoc, chapter: Doc[Chapter]) -> dict[str, Any]:
        c = chapter.meta
        return {
            **self._publication_common(publication),
            "@type": ["Chapter", "LearningResource"],
            "name": c.title,
            "description": c.summary,
            **self.at(chapter),
            "learningResourceType": "publication chapter",
            "isPartOf": {
                "@type": "Book",
                "name": publication.meta.title,
                **self.at(publication),
            },
        }


class DeliveryJsonLd(Mapping[str, dict[str, Any]]):
    """src_uri of each delivery's page -> its schema.org CourseInstance (an Event), worked out
    when asked for: a build whose deliveries' pages are all as an earlier build made them asks
    for none (at 3,000 deliveries, working them all out took 0.05 s). An example has none: a
    search engine shows an event in its own listings, away from the page that says it is not
    a real one."""

    def __init__(self, catalog: Catalog, site_url: str) -> None:
        self.catalog, self.site = catalog, site_url.rstrip("/") + "/" if site_url else ""
        self.pages = {d.page: d for d in catalog.deliveries if not is_example(catalog, d)}
        self.made: dict[str, dict[str, Any]] = {}

    def __getitem__(self, page: str) -> dict[str, Any]:
        found = self.made.get(page)
        if found is None:
            found = self.made[page] = delivery_json_ld_of(self.catalog, self.pages[page], self.site)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.pages)

    def __len__(self) -> int:
        return len(self.pages)


def delivery_json_ld(catalog: Catalog, site_url: str) -> DeliveryJsonLd:
    """src_uri of each delivery's page -> its schema.org CourseInstance (an Event)."""
    return DeliveryJsonLd(catalog, site_url)


def delivery_json_ld_of(catalog: Catalog, delivery: Doc[Delivery], site: str) -> dict[str, Any]:
    """One delivery's schema.org CourseInstance (an Event, as search engines read one), saying
    only what the site knows: the centre organises it (never a person: the lead teachers are
    its instructors, with consent); an Offer only while it can be booked through a link, with
    no price or availability, which nobody gives. `site`: the site's address, ending in /, or
    "" when unknown: then no address of a page, as a relative one is none."""
    status = {"cancelled": "https://schema.org/EventCancelled"}
    meta, module, centre = delivery.meta, module_of(catalog, delivery), centre_of(catalog, delivery)
    address = {
        "@type": "PostalAddress",
        "addressLocality": centre.meta.town,
        "addressRegion": catalog.vocabulary.label("regions", centre.meta.region),
        "addressCountry": "GB",
    }
    if centre.meta.address:
        address["streetAddress"] = centre.meta.address
    organizer = {"@type": "Organization", "name": centre.meta.name, "email": centre.meta.contact}
    course = {"@type": "Course", "name": module.meta.title}
    found: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "CourseInstance",
        "name": title_of(catalog, delivery),
        **({"url": site + delivery.url} if site else {}),
        "description": module.meta.summary,
        "startDate": starts(delivery).isoformat(),
        "endDate": ends(catalog, delivery).isoformat(),
        "eventStatus": status.get(meta.status, "https://schema.org/EventScheduled"),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "courseMode": "onsite",
        "inLanguage": ["en-GB", *meta.languages],
        "maximumAttendeeCapacity": meta.places,
        "location": {"@type": "Place", "name": centre.meta.name, "address": address},
        "organizer": organizer,
        "workFeatured": course,
    }
    if site:
        organizer["url"] = site + centre.url  # the centre's page: it has no site of its own
        course["url"] = site + module.url
    leads = [{"@type": "Person", "name": t.name} for t in meta.lead_teachers if t.consent]
    if leads:
        found["instructor"] = leads
    if meta.booking and meta.status in ("planned", "confirmed") and not is_past(catalog, delivery):
        found["offers"] = {"@type": "Offer", "url": meta.booking}
    return found
