"""The whole Catalog as one JSON document: open data for other sites."""

from __future__ import annotations

from typing import Any

from .catalog import Catalog, Doc


def _doc(doc: Doc, site_url: str) -> dict[str, Any]:
    return {"url": site_url + doc.url, "source": doc.source, **doc.meta.model_dump(mode="json")}  # type: ignore[attr-defined]


def export(catalog: Catalog, site_url: str = "") -> dict[str, Any]:
    """Without `site_url`, each url is relative to catalog.json, at the site's root: right
    wherever the site is served, as a root-relative one ("/modules/...") is not below a host's
    root (a project site, a folder on a school's server)."""
    site_url = site_url.rstrip("/") + "/" if site_url else ""
    from .support_pages import support_export  # published offers, consented fields only

    offers = {"support_offers": support_export(catalog, site_url)} if catalog.offers else {}
    return {
        "generator": "OpenCPD",
        "figures": catalog.figures(),
        "vocabulary": {
            name: [
                {"id": t.id, "label": t.label, **({"url": t.url} if t.url else {})}
                for t in terms.values()
            ]
            for name, terms in catalog.vocabulary.lists.items()
        },
        "modules": [
            {
                **_doc(m, site_url),
                "sessions": [_doc(s, site_url) for s in m.sessions],
                "handouts": [_doc(h, site_url) for h in m.handouts.values()],
                "resources": [
                    _doc(r, site_url) for r in m.resources if r.meta.status == "approved"
                ],
            }
            for m in catalog.published_modules
        ],
        "publications": [
            {
                **_doc(p, site_url),
                "chapters": [_doc(c, site_url) for c in p.chapters],
            }
            for p in catalog.publications
        ],
        **offers,
    }
