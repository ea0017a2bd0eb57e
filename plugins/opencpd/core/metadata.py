"""schema.org JSON-LD with LRMI properties for module, session, handout and resource pages."""

from __future__ import annotations

from typing import Any

from .catalog import Catalog, Doc, ModuleDoc
from .model import Resource, Session

LEVELS = {"KS2": "Key Stage 2", "KS3": "Key Stage 3", "KS2-3": "Key Stages 2 and 3",
          "all": "All phases"}


def duration(minutes: int) -> str:
    """Minutes as an ISO 8601 duration: 105 -> PT1H45M."""
    hours, rest = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{rest}M" if rest or not hours else "")


class Metadata:
    def __init__(self, catalog: Catalog, site_url: str):
        self.catalog = catalog
        self.site_url = site_url.rstrip("/") + "/" if site_url else "/"

    def url(self, doc: Doc) -> str:
        return self.site_url + doc.url

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
            for resource in module.resources:
                out[resource.page] = self.resource(module, resource)
        return out

    def _common(self, module: ModuleDoc) -> dict[str, Any]:
        m = module.meta
        vocab = self.catalog.vocabulary
        return {
            "@context": "https://schema.org",
            "educationalLevel": LEVELS.get(m.key_stage, m.key_stage),
            "inLanguage": ["en-GB", *m.languages],
            "keywords": [vocab.label("themes", t) for t in m.themes],
            "teaches": [vocab.label("themes", t) for t in m.themes],
            "audience": {"@type": "EducationalAudience", "educationalRole": "teacher"},
            "license": self.licence(m.licence),
            "dateModified": m.reviewed.isoformat(),
        }

    def module(self, module: ModuleDoc) -> dict[str, Any]:
        m = module.meta
        return {
            **self._common(module), "@type": ["Course", "LearningResource"],
            "name": m.title, "description": m.summary, "url": self.url(module),
            "learningResourceType": "professional development module",
            "timeRequired": duration(sum(s.meta.duration for s in module.sessions)),
            "author": [{"@type": "Organization", "name": a} for a in m.authors],
            "version": m.version,
            "hasPart": [{"@type": "LearningResource", "name": s.meta.title, "url": self.url(s)}
                        for s in module.sessions],
            "isPartOf": {"@type": "CreativeWorkSeries", "name": "OpenCPD",
                         "url": self.site_url},
        }

    def session(self, module: ModuleDoc, session: Doc[Session]) -> dict[str, Any]:
        s = session.meta
        return {
            **self._common(module), "@type": "LearningResource",
            "name": s.title, "description": "; ".join(s.objectives), "url": self.url(session),
            "learningResourceType": self.catalog.vocabulary.label("session_kinds", s.kind),
            "timeRequired": duration(s.duration),
            "author": [{"@type": "Organization", "name": a} for a in module.meta.authors],
            "isPartOf": {"@type": "Course", "name": module.meta.title, "url": self.url(module)},
        }

    def resource(self, module: ModuleDoc, resource: Doc[Resource]) -> dict[str, Any]:
        r = resource.meta
        vocab = self.catalog.vocabulary
        contributor: dict[str, Any] = {"@type": "Person", "name": r.contributor.name}
        if r.contributor.school:
            contributor["affiliation"] = {"@type": "EducationalOrganization",
                                          "name": r.contributor.school}
        return {
            "@context": "https://schema.org", "@type": "LearningResource",
            "name": r.title, "description": r.summary, "url": self.url(resource),
            "educationalLevel": LEVELS.get(r.key_stage, r.key_stage),
            "inLanguage": r.languages,
            "keywords": [vocab.label("themes", t) for t in r.themes],
            "teaches": [vocab.label("themes", t) for t in r.themes],
            "audience": {"@type": "EducationalAudience", "educationalRole": "teacher"},
            "learningResourceType": vocab.label("resource_types", r.type),
            "license": self.licence(r.licence), "contributor": contributor,
            "author": contributor, "dateCreated": r.submitted.isoformat(),
            "dateModified": r.submitted.isoformat(),
            "isPartOf": {"@type": "Course", "name": module.meta.title, "url": self.url(module)},
        }
