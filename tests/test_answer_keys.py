"""Every handout whose tasks have right answers carries an answer key for the facilitator, and
the key reaches the facilitator pack only (issue 15)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from opencpd.core.catalog import Catalog
from opencpd.core.load import load_catalog
from opencpd.core.packs.html import pack_html
from opencpd.core.packs.spec import PackOptions, plan
from opencpd.core.vocabulary import load_vocabulary

from .conftest_browser import REPO

# module id -> handouts with questions that have answers (translations, gap fills, sorting,
# multiple choice, spotting). Planning sheets, audits and reflection prompts have none.
ANSWERABLE = {
    "ks2-3-transition": {"year-7-starting-points"},
    "ks2-phonics-early-reading": {"reading-detectives"},
    "ks2-stories-songs-rhymes": {"writing-chants"},
    "ks3-assessment-feedback": {"hinge-questions", "retrieval-quiz-builder"},
    "ks3-grammar": {"grammar-retrieval", "structured-input-tasks"},
    "ks3-reading-literary-texts": {"text-detective"},
    "ks3-translation": {"translation-ladders", "translation-traps"},
}
KEY_BLOCK = re.compile(r"^/{3,}\s*facilitator\s*\|\s*Answer key\s*$", re.MULTILINE)
# A numbered item inside a worked example in a handout is a question with an answer.
NUMBERED_ITEM_IN_EXAMPLE = re.compile(
    r"^/{3,}\s*example\b[^\n]*\n(?:(?!^/{3,}\s*$)[^\n]*\n)*?"
    r"\d+\. ",
    re.MULTILINE,
)
KEY_TITLE = re.compile(r'class="admonition-title">Answer key<')


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(REPO, load_vocabulary())


def test_every_answerable_handout_has_an_answer_key(catalog: Catalog) -> None:
    missing = [
        f"modules/{module}/handouts/{slug}.md"
        for module, slugs in ANSWERABLE.items()
        for slug in sorted(slugs)
        if not KEY_BLOCK.search(catalog.module(module).handouts[slug].body)
    ]  # type: ignore[union-attr]
    assert not missing, "handouts without '/// facilitator | Answer key':\n" + "\n".join(missing)


def test_handouts_with_numbered_questions_are_counted_as_answerable(catalog: Catalog) -> None:
    listed = {(m, s) for m, slugs in ANSWERABLE.items() for s in slugs}
    found = {
        (m.id, slug)
        for m in catalog.modules
        for slug, h in m.handouts.items()
        if NUMBERED_ITEM_IN_EXAMPLE.search(h.body) or KEY_BLOCK.search(h.body)
    }
    assert found <= listed, f"add these to ANSWERABLE (and give them a key): {found - listed}"


def test_facilitator_packs_have_one_key_per_answerable_handout_and_participants_none(
    catalog: Catalog,
) -> None:
    options = PackOptions()
    keys: Counter[tuple[str, str]] = Counter()
    for pack in plan(catalog, options):
        if pack.edition in ("facilitator", "participant") and pack.owner in ANSWERABLE:
            keys[pack.owner, pack.edition] = len(
                KEY_TITLE.findall(pack_html(pack, catalog, options))
            )
    for module, slugs in ANSWERABLE.items():
        assert keys[module, "facilitator"] == len(slugs), (module, keys)
        assert keys[module, "participant"] == 0, (module, keys)
    assert sum(keys[m, "facilitator"] for m in ANSWERABLE) == 10
