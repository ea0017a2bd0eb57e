"""The programme's content, counted from the Catalog, so that no change silently drops any."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from opencpd.core.catalog import Catalog
from opencpd.core.load import load_catalog
from opencpd.core.vocabulary import load_vocabulary

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = re.compile(r"^/{3,}\s*example\b.*\n((?:    .*\n)*)", re.M)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(ROOT, load_vocabulary())


def example_languages(text: str) -> set[str]:
    found = set()
    for options in EXAMPLE.findall(text + "\n"):
        match = re.search(r"lang:\s*([a-z-]+)", options)
        if match:
            found.add(match.group(1))
    return found


def test_content_has_no_findings(catalog: Catalog) -> None:
    assert [str(f) for f in catalog.findings] == []


def test_fourteen_modules_by_key_stage_and_strand(catalog: Catalog) -> None:
    core = Counter(m.meta.key_stage for m in catalog.published_modules if m.meta.strand == "core")
    strands = Counter(m.meta.strand for m in catalog.published_modules)
    assert core == {"KS2": 4, "KS3": 5, "KS2-3": 1}
    assert strands == {"core": 10, "training": 2, "mentoring": 1, "school-to-school": 1}
    mentoring = [m for m in catalog.published_modules if m.meta.strand == "mentoring"]
    assert mentoring[0].meta.key_stage == "all"


def test_every_module_is_complete(catalog: Catalog) -> None:
    for module in catalog.published_modules:
        twilight = module.twilight
        assert twilight is not None, module.id
        assert 105 <= twilight.meta.duration <= 120, module.id
        assert len(twilight.meta.agenda) >= 6, module.id
        assert sum(i.minutes for i in twilight.meta.agenda) == twilight.meta.duration
        assert all(i.notes for i in twilight.meta.agenda), module.id
        assert len(twilight.meta.handouts) >= 2, module.id
        assert all(h in module.handouts for h in twilight.meta.handouts), module.id
        assert len(module.follow_ups) >= 2, module.id
        assert all(s.meta.gap_task for s in module.follow_ups), module.id
        assert "self-access" in module.body.lower(), module.id
        texts = [
            module.body,
            *(s.body for s in module.sessions),
            *(h.body for h in module.handouts.values()),
        ]
        assert example_languages("\n".join(texts)) >= {"fr", "de", "es"}, module.id


def test_three_publications(catalog: Catalog) -> None:
    publications = {p.id: p for p in catalog.publications}
    assert set(publications) == {
        "ks2-transition-toolkit",
        "ks2-coordinators-handbook",
        "peer-mentoring",
    }
    for publication in publications.values():
        assert catalog.module(publication.meta.training_module or "") is not None
    toolkit = publications["ks2-transition-toolkit"]
    assert len(toolkit.chapters) >= 10
    forms = {f.id for c in toolkit.chapters for f in c.meta.templates}
    assert {"pupil-transfer-record", "bridging-project-planner"} <= forms
    handbook = publications["ks2-coordinators-handbook"]
    assert len(handbook.chapters) >= 8
    forms = {f.id: f for c in handbook.chapters for f in c.meta.templates}
    assert "languages-self-audit" in forms
    headings = {f.label.lower() for f in forms["scheme-of-work-pro-forma"].fields}
    assert {
        "sequence of learning",
        "prior knowledge",
        "literacy",
        "numeracy",
        "other learning skills",
        "expected outcomes",
    } <= headings


def test_peer_mentoring_charter_and_forms(catalog: Catalog) -> None:
    mentoring = catalog.publication("peer-mentoring")
    assert mentoring is not None
    assert [p.title for p in mentoring.meta.charter] == [
        "Inclusive",
        "Diverse",
        "Supportive",
        "Confidential",
        "Critical friendship",
        "Professional development and wellbeing",
        "Peer mentoring",
    ]
    forms = {f.id for c in mentoring.chapters for f in c.meta.templates}
    assert any("agreement" in f for f in forms)
    assert any("reflection" in f for f in forms)


def test_case_studies_and_sample_resources(catalog: Catalog) -> None:
    resources = [r for _, r in catalog.resources]
    case_studies = [r for r in resources if r.meta.type == "case-study"]
    assert len(case_studies) >= 2 and all(r.meta.source for r in case_studies)
    samples = [(m, r) for m, r in catalog.resources if r.meta.type != "case-study"]
    assert len(samples) >= 6
    assert len({m.id for m, _ in samples}) >= 4
    assert sum(1 for _, r in samples if r.meta.files) >= 3
    assert all(r.meta.status == "approved" for r in resources)
