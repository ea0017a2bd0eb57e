"""The personal-data check (issue 13, cause 4): every pattern runs in linear time, so that a
megabyte shaped to make a regex backtrack is checked at once, and it finds what the original
patterns found. Speed is measured by scripts/bench_personal_data.py, not asserted here: these
tests would only time out."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest
from opencpd.core.untrusted import personal_data

MB = 1_000_000

# The patterns as they were before they were made linear: the reference for what is found.
ORIGINAL = [
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "an email address"),
    (
        re.compile(r"(?<!\d)(?:\+44\s?\d{2,4}|0\d{2,4})[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d)"),
        "a phone number",
    ),
    (
        re.compile(r"\b(?:[Pp]upil|[Ss]tudent|[Cc]hild)\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?"),
        "a pupil's name",
    ),
    (re.compile(r"\b[A-Z]\d{11}[0-9A-Z]\b"), "a unique pupil number (UPN)"),
]


def original(text: str) -> list[tuple[int, str, str]]:
    return [
        (number, what, match.group())
        for number, line in enumerate(text.split("\n"), 1)
        for pattern, what in ORIGINAL
        for match in pattern.finditer(line)
    ]


def test_finds_what_the_original_patterns_found_and_numbers_written_otherwise() -> None:
    alphabet = list("aZé0179.+-@_ \t\n") + [
        "Pupil ",
        "Child ",
        "Sam",
        "Lee",
        "+44 ",
        "07",
        "school.org",
        "A1234567890",
        "x@y.z",
    ]
    rng = random.Random(13)
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        found, before = Counter(personal_data(text)), Counter(original(text))
        assert before <= found, repr(text)
        for _, what, match in found - before:  # a phone number written otherwise: 10 or 11
            digits = re.sub(r"\D", "", match)  # digits from the 0, or 44 and those
            assert what == "a phone number" and len(digits) in (10, 11, 12, 13), repr(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Call (0113) 496 0000 to book", ["(0113) 496 0000"]),
        ("Ring +44 (0)113 496 0000", ["+44 (0)113 496 0000"]),
        ("Ring +44 7700 900 123.", ["+44 7700 900 123"]),
        ("0 1 1 3 4 9 6 0 0 0 0, spaced", ["0 1 1 3 4 9 6 0 0 0 0"]),
        ("0113.496.0000 or (020) 7946 0000", ["0113.496.0000", "(020) 7946 0000"]),
        ("Room 12 0113 496 0000 14", ["0113 496 0000"]),
        (
            "Office: 0113 – 496 – 0000; fax 0113 - 496 - 0001",
            ["0113 – 496 – 0000", "0113 - 496 - 0001"],
        ),
        ("On 2027-05-10 from 16:00-18:00, 30 places, 120 minutes", []),
        ("From 2027-05-10 - 2027-05-12, or 2027-05-10 2027-05-12", []),
        ("0 0 0 0 0 0 0 0 0 0 0 and v1.0.2.3.4.5.6.7.8", []),
    ],
)
def test_phone_numbers_however_written(text: str, expected: list[str]) -> None:
    assert [m for _, what, m in personal_data(text) if what == "a phone number"] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Write to jo.bloggs+cpd@hill-school.org.uk today", ["jo.bloggs+cpd@hill-school.org.uk"]),
        ("a@b.c+d@e.f", ["a@b.c", "+d@e.f"]),
        ("two@@at.signs and me@x", []),
        ("nomé@école.fr", ["nomé@école.fr"]),
    ],
)
def test_addresses(text: str, expected: list[str]) -> None:
    assert [m for _, what, m in personal_data(text) if what == "an email address"] == expected


ADVERSARIAL = {
    # shape: (a megabyte of it, what must be found in it)
    "letters then @": ("a" * MB + "@", []),
    "@ then letters": ("@" + "a" * MB, []),
    "an address with no dot in its domain": ("a@" + "b" * MB, []),
    "dots then @": ("." * MB + "@x", []),
    "letters and dots then @": ("a." * (MB // 2) + "@", []),
    "plus signs then an address": ("a+" * (MB // 2) + "@x.y", [("a+" * (MB // 2) + "@x.y")]),
    "hyphens after @": ("a@" + "-" * MB + ".", []),
    "@ repeated": ("a@" * (MB // 2), []),
    "digits": ("0" * MB, []),
    "digits and spaces": ("0 " * (MB // 2), []),
    "+44 repeated": ("+44 " * (MB // 4), []),
    "+44 (0) repeated": ("+44 (0)" * (MB // 7), []),
    "nine digits spaced from a 0, repeated": ("0 1 2 3 4 5 6 7 8 x " * (MB // 20), []),
    "brackets and zeros": ("(0" * (MB // 2), []),
    "spaced dashes after a 0 and a digit": ("01" + " - " * (MB // 3), []),
    "capitals and digits": ("A" + "1" * MB, []),
    "Pupil then spaces": ("Pupil" + " " * MB, []),
    "Pupil then a long name": ("Pupil A" + "a" * MB + "!", ["Pupil A" + "a" * MB]),
}


@pytest.mark.parametrize("shape", ADVERSARIAL, ids=list(ADVERSARIAL))
def test_a_megabyte_shaped_to_backtrack_is_checked(shape: str) -> None:
    text, expected = ADVERSARIAL[shape]
    assert [m for _, _, m in personal_data(text)] == expected


def test_many_matches_in_a_megabyte() -> None:
    pupils = personal_data("Pupil " * 150_000)
    assert len(pupils) == 50_000  # "Pupil Pupil Pupil": the word, then a two-word name
    addresses = personal_data("a@b." * (MB // 4))
    assert len(addresses) == MB // 8 and addresses[0][2] == "a@b.a"
    lines = personal_data("Student Sam Lee\n" * (MB // 16))
    assert lines[-1] == (MB // 16, "a pupil's name", "Student Sam Lee")
