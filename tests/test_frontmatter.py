"""Front-matter parsing: values, their positions, line endings and encodings."""

from __future__ import annotations

import datetime as dt

import pytest
from opencpd.core.frontmatter import FrontMatterError, Source, parse

SESSION = """\
---
title: Twilight
duration: 30
agenda:
  - minutes: 10
    activity: Welcome
  - minutes: 20
    activity: Planning
    materials: [A3 paper, pens]
---
Body line one.

Body line three.
"""


def test_values_and_body() -> None:
    source = parse("s.md", SESSION.encode())
    assert source.data["agenda"][1] == {
        "minutes": 20,
        "activity": "Planning",
        "materials": ["A3 paper", "pens"],
    }
    assert source.body == "Body line one.\n\nBody line three.\n"
    assert source.body_line == 11


def test_positions_of_nested_values_are_line_and_column() -> None:
    source = parse("s.md", SESSION.encode())
    assert source.positions[("title",)] == (2, 8)
    assert source.positions[("agenda",)] == (5, 3)
    assert source.positions[("agenda", 1)] == (7, 5)
    assert source.positions[("agenda", 1, "minutes")] == (7, 14)
    assert source.positions[("agenda", 1, "materials", 1)] == (9, 27)
    assert source.key_positions[("agenda",)] == (4, 1)
    assert source.key_positions[("agenda", 1, "activity")] == (8, 5)


def test_where_falls_back_to_the_nearest_parent() -> None:
    source = parse("s.md", SESSION.encode())
    assert source.where(("agenda", 1, "notes")) == (7, 5)
    assert source.where(("agenda", 0, "activity"), key=True) == (6, 5)
    assert source.where(("nowhere",)) == (1, 1)


def test_windows_line_endings_give_the_same_lines() -> None:
    plain = parse("s.md", SESSION.encode())
    crlf = parse("s.md", SESSION.replace("\n", "\r\n").encode())
    assert (crlf.data, crlf.positions, crlf.key_positions) == (
        plain.data,
        plain.positions,
        plain.key_positions,
    )
    assert "\r" not in crlf.body
    assert crlf.body_line == plain.body_line


def test_a_byte_order_mark_is_ignored() -> None:
    plain = parse("s.md", SESSION.encode())
    bom = parse("s.md", SESSION.encode("utf-8-sig"))
    assert (bom.data, bom.positions, bom.body) == (plain.data, plain.positions, plain.body)


def test_yaml_values_keep_their_types() -> None:
    source = parse("m.md", b"---\nreviewed: 2026-09-01\nconsent: true\nrows: 0\n---\nx\n")
    assert source.data == {"reviewed": dt.date(2026, 9, 1), "consent": True, "rows": 0}


@pytest.mark.parametrize(
    "written, read",
    [
        ("1:30", "1:30"),  # YAML 1.1 read 90 (a number in base 60), as no editor shows it
        ("-1:30", "-1:30"),
        ("190:20:30", "190:20:30"),
        ("1:30.5", "1:30.5"),  # 90.5
        ("16:00", "16:00"),  # 960: the delivery's start says to quote it all the same
        ("0x10", 16),  # kept as YAML 1.1 reads it
        ("1_000", 1000),
        ("1.5", 1.5),
    ],
)
def test_a_number_in_base_60_stays_the_text_written(written: str, read: object) -> None:
    """YAML 1.2 dropped numbers in base 60: places: 1:30 was silently read as 90."""
    value = parse("d.md", f"---\nplaces: {written}\n---\nx\n".encode()).data["places"]
    assert value == read, value


@pytest.mark.parametrize(
    "raw, line, column",
    [
        (b"---\ntitle: Caf\xe9\n---\n", 2, 11),
        (b"---\r\ntitle: ok\r\nsummary: na\xefve\r\n---\r\n", 3, 12),
    ],
)
def test_not_utf8_points_at_the_bad_byte(raw: bytes, line: int, column: int) -> None:
    with pytest.raises(FrontMatterError) as caught:
        parse("m.md", raw)
    finding = caught.value.finding
    assert (finding.rule, finding.line, finding.column) == ("not-utf8", line, column)


def test_front_matter_may_end_with_dots() -> None:
    assert parse("m.md", b"---\ntitle: A\n...\nText\n").body == "Text\n"


def test_a_yaml_error_names_the_file_line() -> None:
    with pytest.raises(FrontMatterError) as caught:
        parse("m.md", b"---\ntitle: A\nsummary: Warm-up: a game\n---\n")
    assert str(caught.value).startswith("m.md:3:")


def test_empty_front_matter_is_an_empty_set_of_fields() -> None:
    source: Source = parse("h.md", b"---\n---\nText\n")
    assert (source.data, source.body) == ({}, "Text\n")


def test_an_impossible_date_is_a_finding_not_a_crash() -> None:
    # It stays text, so that validation reports it as a wrong-type finding at its line
    # (tests/broken/38-impossible-date).
    source = parse("m.md", b"---\nreviewed: 2026-02-30\n---\nx\n")
    assert source.data == {"reviewed": "2026-02-30"}
    assert source.positions[("reviewed",)] == (2, 11)


@pytest.mark.parametrize(
    "value, column, what",
    [
        ("A\x00B", 11, "U+0000 (expected ordinary text, got a control character)"),
        ("A\x07B", 11, "U+0007"),
        ("A\ufffeB", 11, "got a character that is not text"),
        ("A\x85B: c", 11, "U+0085 (expected ordinary text, got an invisible line break)"),
        ("A\u2028B: c", 11, "U+2028"),
        ("'A\x1bB'", 12, "U+001B"),
    ],
)
def test_a_character_yaml_cannot_read_is_a_finding_at_its_place(
    value: str, column: int, what: str
) -> None:
    """libyaml and PyYAML refuse control characters with a ReaderError, which is not a
    MarkedYAMLError; NEL and the Unicode separators are line breaks to YAML, not to an editor,
    so that every line after one would be misnumbered."""
    with pytest.raises(FrontMatterError) as caught:
        parse("m.md", f"---\ntitle: T\nsummary: {value}\nx: 1\n---\nText\n".encode())
    finding = caught.value.finding
    assert (finding.line, finding.column, finding.rule) == (3, column, "invisible-character")
    assert what in finding.message, str(finding)


@pytest.mark.parametrize(
    "value, tag",
    [
        ("!!float abc", "!!float"),
        ("!!bool abc", "!!bool"),
        ("!!timestamp abc", "!!timestamp"),
        ("!!map abc", "!!map"),
        ("[1, !!float x]", "!!float"),
        ("{a: !!bool x}", "!!bool"),
    ],
)
def test_a_value_its_tag_does_not_fit_is_a_finding_at_its_line(value: str, tag: str) -> None:
    """PyYAML's constructors end such a value in ValueError, KeyError or AttributeError."""
    with pytest.raises(FrontMatterError) as caught:
        parse("m.md", f"---\ntitle: T\nversion: {value}\n---\nText\n".encode())
    finding = caught.value.finding
    assert (finding.line, finding.rule) == (3, "yaml-syntax"), str(finding)
    assert f"expected a value that fits its tag {tag}, got one that does not" in finding.message
