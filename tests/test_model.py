"""The content models, the vocabulary they check against, and the JSON Schemas made from them."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from opencpd.core.catalog import Catalog
from opencpd.core.model import Module, Session
from opencpd.core.schema import schemas
from opencpd.core.vocabulary import Vocabulary, load_vocabulary
from pydantic import ValidationError

MODULE: dict[str, Any] = {
    "id": "ks2-writing",
    "title": "Writing at KS2",
    "key_stage": "KS2",
    "themes": ["writing", "grammar"],
    "languages": ["fr", "de"],
    "audience": ["primary-teachers"],
    "summary": "Writing in Years 3 to 6.",
    "outcomes": ["By the end, teachers can plan a writing sequence."],
    "authors": ["OpenCPD project team"],
    "licence": "CC-BY-SA-4.0",
    "version": "1.0.0",
    "reviewed": dt.date(2026, 9, 1),
}
SESSION: dict[str, Any] = {
    "title": "Twilight",
    "kind": "twilight",
    "duration": 30,
    "objectives": ["Participants can plan."],
    "agenda": [
        {"minutes": 10, "activity": "Welcome", "notes": "Smile."},
        {"minutes": 20, "activity": "Planning", "materials": ["A3 paper"]},
    ],
}


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return load_vocabulary()


def module(vocabulary: Vocabulary, **changes: Any) -> Module:
    return Module.model_validate({**MODULE, **changes}, context={"vocabulary": vocabulary})


def test_a_valid_module_validates_with_defaults(vocab: Vocabulary) -> None:
    m = module(vocab)
    assert (m.id, m.key_stage, m.strand, m.status) == ("ks2-writing", "KS2", "core", "published")
    assert m.reviewed == dt.date(2026, 9, 1)


def test_a_valid_session_validates_with_defaults(vocab: Vocabulary) -> None:
    s = Session.model_validate(SESSION, context={"vocabulary": vocab})
    assert s.delivery == ["trainer-led"]
    assert [(i.minutes, i.activity, i.notes) for i in s.agenda] == [
        (10, "Welcome", "Smile."),
        (20, "Planning", ""),
    ]
    assert s.agenda[1].materials == ["A3 paper"]
    assert (s.handouts, s.gap_task) == ([], "")


def test_dates_written_as_text_are_parsed(vocab: Vocabulary) -> None:
    assert module(vocab, reviewed="2026-09-01").reviewed == dt.date(2026, 9, 1)


def test_text_is_stripped(vocab: Vocabulary) -> None:
    assert module(vocab, title="  Writing  ").title == "Writing"


@pytest.mark.parametrize(
    "field, value",
    [
        ("key_stage", "KS4"),
        ("themes", ["writing", "grammer"]),
        ("languages", ["fr-XX"]),
        ("audience", ["parents"]),
        ("licence", "CC-BY"),
        ("strand", "elective"),
    ],
)
def test_vocabulary_terms_are_checked_through_the_validation_context(
    vocab: Vocabulary, field: str, value: object
) -> None:
    with pytest.raises(ValidationError) as caught:
        module(vocab, **{field: value})
    (error,) = caught.value.errors()
    assert error["type"] == "vocabulary"
    assert error["loc"][0] == field


def test_without_a_vocabulary_in_context_any_term_passes() -> None:
    assert Module.model_validate({**MODULE, "key_stage": "KS4"}).key_stage == "KS4"


@pytest.mark.parametrize(
    "changes",
    [
        {"sumary": "x"},
        {"id": "KS2 Writing"},
        {"themes": []},
        {"status": "publish"},
        {"title": ""},
    ],
)
def test_invalid_modules_are_refused(vocab: Vocabulary, changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        module(vocab, **changes)


def test_agenda_minutes_must_be_positive(vocab: Vocabulary) -> None:
    agenda = [{"minutes": 0, "activity": "Nothing"}]
    with pytest.raises(ValidationError):
        Session.model_validate({**SESSION, "agenda": agenda}, context={"vocabulary": vocab})


def test_schema_enums_come_from_the_vocabulary(vocab: Vocabulary) -> None:
    found = schemas(vocab)
    assert set(found) == {
        "module",
        "session",
        "handout",
        "resource",
        "publication",
        "chapter",
        "centre",
        "delivery",
        "offer",
        "support-programme",
        "link-request",
    }
    props = found["module"]["properties"]
    assert props["key_stage"]["enum"] == ["KS2", "KS3", "KS2-3", "all"]
    assert props["themes"]["items"]["enum"] == vocab.ids("themes")
    assert props["languages"]["items"]["enum"] == ["fr", "de", "es"]
    assert props["licence"]["enum"] == vocab.ids("licences")
    assert found["session"]["properties"]["kind"]["enum"] == ["twilight", "follow-up", "induction"]


def test_a_schemas_patterns_match_the_whole_value(vocab: Vocabulary) -> None:
    """A JSON Schema pattern matches anywhere in a value: a start or a contact the check
    refuses must not pass an editor's schema because part of it fits (searched for, as a
    validator does)."""
    found = schemas(vocab)
    start = found["delivery"]["properties"]["start"]["pattern"]
    contact = found["centre"]["properties"]["contact"]["pattern"]
    for pattern, good, bad in [
        (start, "16:15", ["at 16:15", "116:155", "4:15"]),
        (contact, "cpd@hub.org.uk", ["Jo <cpd@hub.org.uk>", "cpd@hub.org.uk?cc=x@y.org"]),
    ]:
        assert re.search(pattern, good)
        assert not [value for value in bad if re.search(pattern, value)], pattern


def test_schemas_are_json_without_private_markers(vocab: Vocabulary) -> None:
    text = json.dumps(schemas(vocab))
    assert "x-vocabulary" not in text
    assert json.loads(text)["module"]["additionalProperties"] is False


def test_an_extra_vocabulary_file_adds_a_theme(tmp_path: Path) -> None:
    extra = tmp_path / "vocabulary.yml"
    extra.write_text("themes:\n  - {id: drama, label: Drama}\n", encoding="utf-8")
    vocab = load_vocabulary(extra)
    assert vocab.ids("themes")[-1] == "drama"
    assert vocab.ids("themes")[:-1] == load_vocabulary().ids("themes")
    assert vocab.label("themes", "drama") == "Drama"
    assert module(vocab, themes=["drama"]).themes == ["drama"]
    assert "drama" in schemas(vocab)["module"]["properties"]["themes"]["items"]["enum"]
    with pytest.raises(ValidationError):
        module(load_vocabulary(), themes=["drama"])


@pytest.mark.parametrize(
    "text, line, says",
    [
        ("regions: [\n  - {id: x", 2, "not valid YAML"),
        ("- a\n- b\n", 1, "not a set of named lists"),
        ("regions:\n", 1, "has no terms"),
        ("themes:\n  - {id: songs}\n", 2, "not an id and a label"),
        ("regions:\n  - {id: corn wall, label: Cornwall}\n", 2, "letters, digits and hyphens"),
        ("key_stages:\n  - {id: KS5, label: KS5, years: [x]}\n", 2, "not whole numbers"),
        (b"themes:\n  - {id: caf\xe9, label: x}\n", 1, "cannot be read"),
        # read with the bounds of front matter: a name twice, depth, aliases, size
        (
            "themes: [{id: a, label: A}]\nthemes: [{id: b, label: B}, {id: c, label: C}]\n",
            2,
            "'themes' is given twice",
        ),
        ("themes: " + "[" * 5000 + "]" * 5000 + "\n", 1, "nested too deeply"),
        (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n" for p, c in ("ab", "bc", "cd")),
            4,
            "too many values",
        ),
        ("# " + "x" * 1024 * 1024 + "\nthemes: []\n", 1, "too large"),
    ],
)
def test_a_broken_vocabulary_file_is_refused_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str | bytes, line: int, says: str
) -> None:
    from opencpd.core.vocabulary import VocabularyError

    extra = tmp_path / "vocabulary.yml"
    extra.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(VocabularyError) as refused:
        load_vocabulary(extra, tmp_path)
    # in the house form, named relative to the content's folder as every finding is (it
    # was an absolute path, with no rule and no column)
    said = str(refused.value)
    assert said.startswith(f"vocabulary.yml:{line}:") and says in said, said
    assert re.match(r"^vocabulary\.yml:\d+:\d+: [a-z-]+: .+\(expected .+[,;] got .+\)\. .+", said)
    assert refused.value.finding.path == "vocabulary.yml"
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    with pytest.raises(VocabularyError) as outside:
        load_vocabulary(extra, tmp_path / "elsewhere")  # not in it: named in full
    assert str(outside.value).startswith(f"{extra.as_posix()}:{line}:")
    with pytest.raises(VocabularyError, match="cannot be read"):
        load_vocabulary(tmp_path)  # a folder


def test_vocabulary_labels_and_urls(vocab: Vocabulary) -> None:
    assert vocab.label("key_stages", "KS2-3") == "Transition from KS2 to KS3"
    assert vocab.label("themes", "unknown-term") == "unknown-term"
    term = vocab.term("licences", "CC-BY-4.0")
    assert term is not None and term.url == "https://creativecommons.org/licenses/by/4.0/"


def test_the_fixture_catalog_figures(fixture_catalog: Catalog) -> None:
    assert fixture_catalog.figures() == {
        "modules": 3,
        "sessions": 4,
        "handouts": 1,
        "resources": 1,
        "publications": 1,
        "chapters": 2,
        "minutes": 120 + 45 + 60 + 90,
    }


def test_modules_are_grouped_in_vocabulary_order(fixture_catalog: Catalog) -> None:
    groups = fixture_catalog.modules_by("key_stage")
    assert {k: [m.id for m in v] for k, v in groups.items()} == {
        "KS2": ["ks2-speaking"],
        "KS3": ["ks3-reading"],
        "KS2-3": ["ks2-3-transition"],
    }
    assert list(groups) == ["KS2", "KS3", "KS2-3"]
    speaking = fixture_catalog.module("ks2-speaking")
    assert speaking is not None and speaking.twilight is not None
    assert [s.slug for s in speaking.follow_ups] == ["02-follow-up"]


def _titles(model: type) -> list[tuple[str, Any]]:
    """Every field named title or name (or town, role, team), in a model and the models
    inside it: (model.field, its FieldInfo)."""
    from pydantic import BaseModel

    found = []
    for name, info in model.model_fields.items():
        if name in ("title", "name", "town", "role", "team"):
            found.append((f"{model.__name__}.{name}", info))
        for kind in [info.annotation, *getattr(info.annotation, "__args__", ())]:
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                found += _titles(kind)
    return found


def test_every_title_and_name_is_one_short_line(vocab: Vocabulary) -> None:
    """A title or a name of 50,000 characters, or of two lines, passed the models: each is
    now at most MAX_LINE characters (the JSON Schema says so to editors) and one line."""
    from opencpd.core.model import CONTENT_TYPES, MAX_LINE, Line
    from pydantic import TypeAdapter

    fields = dict(f for model in CONTENT_TYPES.values() for f in _titles(model))
    assert len(fields) >= 15, sorted(fields)
    for name, info in fields.items():
        most = [getattr(m, "max_length", None) for m in info.metadata]
        assert MAX_LINE in most, (name, info.metadata)
        assert any("_one_line" in str(getattr(m, "func", "")) for m in info.metadata), name
    assert schemas(vocab)["module"]["properties"]["title"]["maxLength"] == MAX_LINE
    with pytest.raises(ValidationError, match="at most 200"):
        TypeAdapter(Line).validate_python("x" * (MAX_LINE + 1))
    with pytest.raises(ValidationError, match="one line"):
        TypeAdapter(Line).validate_python("A\nB")


@pytest.mark.parametrize(
    "character",
    ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"],
)
def test_a_bidirectional_control_is_refused_in_any_field(vocab: Vocabulary, character: str) -> None:
    for field in ("title", "summary"):
        with pytest.raises(ValidationError, match="bidirectional control"):
            Module.model_validate(
                {**MODULE, field: f"Writing {character}at KS2"}, context={"vocabulary": vocab}
            )
