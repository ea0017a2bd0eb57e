"""Centres and deliveries with real parts: findings at path:line, golden pages of a tiny site,
iCalendar files parsed back across a change of the clocks, a personalised pack read with
pdftotext, and the calendar's filters in headless Chromium with and without JavaScript."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import icalendar
import pytest
from opencpd.core.catalog import Catalog
from opencpd.core.load import load_catalog
from opencpd.core.vocabulary import load_vocabulary

from .conftest import FIXTURE_SITE, mkdocs_warnings
from .conftest_browser import serve
from .golden import assert_golden, published

TESTS = Path(__file__).resolve().parent
FIXTURE = TESTS / "deliveries_fixture"
BUILD_DAY = "1799582400"  # 10 January 2027, 12:00 UTC
LEEDS = "deliveries/2027-03-31-leeds-speaking"


@pytest.fixture
def build_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_DAY)


def tiny_site(target: Path) -> Path:
    shutil.copytree(FIXTURE_SITE, target)
    shutil.copytree(FIXTURE / "centres", target / "centres")
    shutil.copytree(FIXTURE / "deliveries", target / "deliveries")
    return target


@pytest.fixture
def catalog(tmp_path: Path, build_day: None) -> Catalog:
    found = load_catalog(tiny_site(tmp_path / "src"), load_vocabulary())
    assert found.findings == []
    return found


def test_the_tiny_site_loads_with_upcoming_and_held(catalog: Catalog) -> None:
    from opencpd.core.deliveries import held, upcoming

    assert [d.slug for d in upcoming(catalog)] == [
        "2027-02-10-bristol-transition",
        "2027-03-31-leeds-speaking",
        "2027-11-03-bristol-reading",
    ]
    assert [d.slug for d in held(catalog)] == ["2026-12-01-leeds-speaking"]


# ---------------------------------------------------------------- bad input, path:line

GOOD = {
    "module": "ks2-speaking",
    "centre": "leeds-hub",
    "date": "2027-05-05",
    "start": '"16:00"',
    "places": "20",
    "status": "planned",
    "languages": "[fr]",
    "announced": "2027-01-01",
}
BAD = [  # name, fields changed, (line, rule) expected; the file's fields are in GOOD's order
    (
        "unknown-module",
        {"module": "ks2-speakin"},
        2,
        "unknown-module",
        "Did you mean 'ks2-speaking'",
    ),
    ("unknown-centre", {"centre": "leeds-hb"}, 3, "unknown-centre", "Did you mean 'leeds-hub'"),
    (
        "unknown-session",
        {"sessions": "[02-follow-upp]"},
        10,
        "unknown-session",
        "Did you mean '02-follow-up'",
    ),
    ("not-a-date", {"date": "31st March"}, 4, "wrong-type", "a date like"),
    ("bad-start", {"start": '"4pm"'}, 5, "bad-value", "24-hour time"),
    ("late-end", {"start": '"19:30"'}, 5, "late-end", "21:00"),
    (
        "no-consent",
        {"lead_teachers": "[{name: Bo Lead, consent: false}]"},
        10,
        "no-consent",
        "consent",
    ),
    (
        "personal-email",
        {"booking": "https://x.org.uk/?by=jane.smith@gmail.com"},
        10,
        "personal-data",
        "jane.smith@gmail.com",
    ),
    ("phone", {"booking": "https://x.org.uk/ 0113 496 0000"}, 10, "bad-link", "https"),
    ("not-https", {"booking": "http://bookings.leeds-hub.org.uk/"}, 10, "bad-link", "https"),
    # judged as a browser reads it: a quote it would encode, a name before the host, no host
    ("quoted", {"booking": "'https://x.org.uk/\"onclick=alert(1)//'"}, 10, "bad-link", "https"),
    ("credentials", {"booking": "https://x.org.uk@elsewhere.example/"}, 10, "bad-link", "https"),
    ("no-host", {"booking": "'https:bookings'"}, 10, "bad-link", "https"),
    ("stale", {"date": "2027-01-05"}, 7, "stale-status", "held or cancelled"),
    ("changed-early", {"changed": "2026-12-01"}, 10, "bad-value", "before it was announced"),
    ("changed-later", {"changed": "2099-02-01"}, 10, "future-date", "got 2099-02-01"),
    ("announced-later", {"announced": "2099-01-20"}, 9, "future-date", "got 2099-01-20"),
    ("held-too-soon", {"date": "2099-05-05", "status": "held"}, 7, "held-too-soon", "not come"),
    ("overlap", {"date": "2027-03-31", "start": '"18:00"'}, 5, "overlap", "overlap"),
    ("early", {"start": '"01:30"'}, 5, "early-start", "from 07:00"),
    ("unquoted-start", {"start": "16:00"}, 5, "wrong-type", "Put it in quotes"),
    ("places-true", {"places": "true"}, 6, "wrong-type", "a whole number"),
    ("places-text", {"places": "'20'"}, 6, "wrong-type", "a whole number"),
    ("places-none", {"places": "0"}, 6, "bad-value", "number of at least 1."),
    ("places-too-many", {"places": "500"}, 6, "bad-value", "(expected at most 200, got 500)"),
    (
        "leads-as-text",
        {"lead_teachers": "Jo Bloggs"},
        10,
        "wrong-type",
        "Write one '- {name: …, consent: …}' per line.",
    ),
    # the value as it was written in YAML, not as Python shows it
    ("booking-true", {"booking": "true"}, 10, "wrong-type", "expected text, got true)"),
    ("booking-date", {"booking": "2027-01-01"}, 10, "wrong-type", "got 2027-01-01)"),
    (
        "repeated-session",
        {"sessions": "[01-twilight, 02-follow-up, 02-follow-up]"},
        10,
        "repeated-session",
        "places 2 and 3",
    ),
    ("far-future", {"date": "9999-12-31", "start": '"23:30"'}, 4, "bad-value", "2099-12-31"),
    # announced after its own evening: first among the new twilights, for one gone
    ("announced-late", {"announced": "2027-05-06"}, 9, "announced-late", "got 2027-05-06)"),
    ("announced-early", {"announced": "1999-12-31"}, 9, "bad-value", "too early a date"),
]


def write_delivery(root: Path, name: str, fields: dict[str, str], body: str = "Notes.") -> str:
    lines = [f"{k}: {v}" for k, v in {**GOOD, **fields}.items()]
    path = root / "deliveries" / f"{name}.md"
    path.write_text("---\n" + "\n".join(lines) + f"\n---\n{body}\n", encoding="utf-8")
    return f"deliveries/{name}.md"


@pytest.mark.parametrize("name,fields,line,rule,words", BAD, ids=[b[0] for b in BAD])
def test_each_bad_delivery_is_refused_at_its_line(
    tmp_path: Path,
    build_day: None,
    name: str,
    fields: dict[str, str],
    line: int,
    rule: str,
    words: str,
) -> None:
    root = tiny_site(tmp_path / "src")
    path = write_delivery(root, f"2027-05-05-{name}", fields)
    found = load_catalog(root, load_vocabulary()).findings
    mine = [f for f in found if f.path == path]
    assert any(f.line == line and f.rule == rule and words in str(f) for f in mine), "\n".join(
        map(str, found)
    )


def test_an_evening_overlapping_any_earlier_one_at_its_centre_is_refused(
    tmp_path: Path, build_day: None
) -> None:
    """16:00 to 18:45, then 16:30, then 18:00: the third overlaps the first, not the second."""
    root = tiny_site(tmp_path / "src")
    sessions = {"sessions": "[01-twilight, 02-follow-up]", "date": "2027-06-02"}
    first = write_delivery(root, "2027-06-02-a", sessions)
    second = write_delivery(root, "2027-06-02-b", {"date": "2027-06-02", "start": '"16:30"'})
    third = write_delivery(root, "2027-06-02-c", {"date": "2027-06-02", "start": '"18:00"'})
    found = load_catalog(root, load_vocabulary()).findings
    overlaps = sorted(f.path for f in found if f.rule == "overlap")
    assert overlaps == [second, third] and first not in overlaps, "\n".join(map(str, found))


@pytest.mark.parametrize("folder", ["centres", "deliveries"])
def test_a_centre_or_delivery_named_index_is_refused(
    tmp_path: Path, build_day: None, folder: str
) -> None:
    """`index` is the folder's own page: a file of that name would take its address."""
    root = tiny_site(tmp_path / "src")
    source = root / folder / ("leeds-hub.md" if folder == "centres" else f"{LEEDS[11:]}.md")
    (root / folder / "index.md").write_text(source.read_text("utf-8"), encoding="utf-8")
    found = load_catalog(root, load_vocabulary()).findings
    assert [(f.path, f.rule) for f in found if f.path.endswith("index.md")] == [
        (f"{folder}/index.md", "bad-name")
    ], found


def test_a_file_the_site_never_reads_is_reported_where_it_is(
    tmp_path: Path, build_day: None
) -> None:
    """A delivery saved as .txt, or a note in a sub-folder, would be left out without a word;
    a hidden .gitkeep is nobody's content."""
    root = tiny_site(tmp_path / "src")
    source = root / f"{LEEDS}.md"
    (root / "deliveries" / "2027-06-09-york.txt").write_text(source.read_text("utf-8"), "utf-8")
    (root / "centres" / "drafts").mkdir()
    (root / "centres" / "drafts" / "hull.md").write_text("Hull, next year.\n", "utf-8")
    (root / "deliveries" / ".gitkeep").write_text("", "utf-8")
    found = [f for f in load_catalog(root, load_vocabulary()).findings]
    assert [(f.path, f.line, f.rule) for f in found] == [
        ("centres/drafts/hull.md", 1, "not-published"),
        ("deliveries/2027-06-09-york.txt", 1, "not-published"),
    ], found
    assert "expected a file of its own, deliveries/<id>.md" in found[1].message


def test_a_phone_number_in_the_notes_is_refused(tmp_path: Path, build_day: None) -> None:
    root = tiny_site(tmp_path / "src")
    path = write_delivery(root, "2027-05-05-notes", {}, "Parking.\nRing Jo on 07700 900123.")
    found = [f for f in load_catalog(root, load_vocabulary()).findings if f.path == path]
    assert [(f.line, f.rule) for f in found] == [(12, "personal-data")]


def test_a_centre_with_a_persons_contact_is_refused(tmp_path: Path, build_day: None) -> None:
    root = tiny_site(tmp_path / "src")
    (root / "centres" / "york.md").write_text(
        "---\nname: York Hub\ntown: York\nregion: yorkshire\ncontact: jane.smith@gmail.com\n"
        "---\nCall 01904 496 000.\n",
        encoding="utf-8",
    )
    found = {
        (f.line, f.rule)
        for f in load_catalog(root, load_vocabulary()).findings
        if f.path == "centres/york.md"
    }
    assert found == {(4, "bad-value")}  # the region first: the file is not read further
    (root / "centres" / "york.md").write_text(
        "---\nname: York Hub\ntown: York\nregion: yorkshire-humber\n"
        "contact: jane.smith@gmail.com\n---\nCall 01904 496 000.\n",
        encoding="utf-8",
    )
    found = {
        (f.line, f.rule)
        for f in load_catalog(root, load_vocabulary()).findings
        if f.path == "centres/york.md"
    }
    assert found == {(5, "personal-contact"), (7, "personal-data")}


@pytest.mark.parametrize(
    "contact, notes, rule",
    [
        ("bookings@x.org.uk?cc=a%40other.example&body=hi", "Parking.", "bad-value"),
        ("bookings.x?cc=a%40other.example@hub.org.uk", "Parking.", "bad-value"),
        ("hub.jane.smith@protonmail.com", "Parking.", "personal-contact"),
        (
            "bookings@york-hub.org.uk",
            "Ring \uff10\uff17\uff17\uff10\uff10 900123.",
            "personal-data",
        ),
        ("bookings@york-hub.org.uk", "Ring Sam on +44 (0)1904 496 000.", "personal-data"),
        ("bookings@york-hub.org.uk", "Or (01904) 496000 after six.", "personal-data"),
    ],
    ids=[
        "query",
        "query-in-mailbox",
        "personal-domain",
        "full-width-phone",
        "plus-44-bracketed-0",
        "bracketed-area-code",
    ],
)
def test_a_centres_contact_is_an_organisations_mailbox_and_nothing_more(
    tmp_path: Path, build_day: None, contact: str, notes: str, rule: str
) -> None:
    root = tiny_site(tmp_path / "src")
    (root / "centres" / "york.md").write_text(
        f"---\nname: York Hub\ntown: York\nregion: yorkshire-humber\ncontact: {contact}\n"
        f"---\n{notes}\n",
        encoding="utf-8",
    )
    found = [
        f for f in load_catalog(root, load_vocabulary()).findings if f.path == "centres/york.md"
    ]
    assert [f.rule for f in found] == [rule], found


@pytest.mark.parametrize(
    "name, lines",
    [
        ("|\n  Leeds Languages\n  Hub", 2),
        ('"Leeds Hub\\rBEGIN:VEVENT\\rSUMMARY:Not ours"', 3),
        ('"Leeds\\u2028Hub"', 2),
    ],
    ids=["yaml-block", "carriage-return", "line-separator"],
)
def test_a_centres_name_on_two_lines_is_refused(
    tmp_path: Path, build_day: None, name: str, lines: int
) -> None:
    """A name is one line: a calendar's name, a slide's title or a feed's entry would take a
    line break in it for the start of something else."""
    root = tiny_site(tmp_path / "src")
    (root / "centres" / "york.md").write_text(
        f"---\nname: {name}\ntown: York\nregion: yorkshire-humber\n"
        "contact: bookings@york-hub.org.uk\n---\nParking at the back.\n",
        encoding="utf-8",
    )
    found = [
        f for f in load_catalog(root, load_vocabulary()).findings if f.path == "centres/york.md"
    ]
    assert [(f.line, f.rule) for f in found] == [(2, "not-one-line")], found
    assert f"expected one line, got {lines} lines" in str(found[0]) and "one line" in found[0].hint


def new(tmp_path: Path, *args: str) -> Any:
    from click.testing import CliRunner
    from opencpd.cli import main

    command = ["new", *args[:1], "-f", str(tmp_path / "src" / "mkdocs.yml"), *args[1:]]
    return CliRunner().invoke(main, command)


def centre(centre_id: str, contact: str) -> list[str]:
    return ["centre", centre_id, "--name", "Moor School", "--town", "Sheffield", "--region",
            "yorkshire-humber", "--contact", contact]  # fmt: skip


def delivery(module: str, at: str, day: str, start: str) -> list[str]:
    return ["delivery", "--module", module, "--centre", at, "--date", day, "--start", start]


def test_new_centre_and_delivery_pass_check(catalog: Catalog, tmp_path: Path) -> None:
    """`opencpd new centre` and `opencpd new delivery` write files that pass the check as they
    stand, or write nothing and say what is wrong."""
    src = tmp_path / "src"
    made = new(tmp_path, *centre("sheffield-school", "cpd@moor.sch.uk"))
    assert made.exit_code == 0 and "created centres/sheffield-school.md" in made.output
    # a field to a line, as the guide shows a centre (not one {name: …, town: …} line)
    written = (src / "centres" / "sheffield-school.md").read_text()
    assert written.startswith(
        "---\nname: Moor School\ntown: Sheffield\nregion: yorkshire-humber\n"
        "contact: cpd@moor.sch.uk\n---\n"
    ), written
    made = new(tmp_path, *delivery("ks2-speaking", "sheffield-school", "2099-02-17", "16:15"))
    assert made.exit_code == 0, made.output
    assert "created deliveries/2099-02-17-sheffield-school-ks2-speaking.md" in made.output
    assert "before today" not in made.output
    text = (src / "deliveries" / "2099-02-17-sheffield-school-ks2-speaking.md").read_text()
    for line in ("module: ks2-speaking", "centre: sheffield-school", "date: 2099-02-17",
                 "start: '16:15'", "status: planned", "languages: [fr, es]"):  # fmt: skip
        assert line in text, text
    loaded = load_catalog(src, load_vocabulary())
    assert loaded.findings == [] and len(loaded.deliveries) == 5 and len(loaded.centres) == 3
    before = sorted(p.name for p in (src / "deliveries").iterdir())
    refused = [  # (arguments, what the command says): nothing is written
        (centre("jo", "jo.bloggs@gmail.com"), "looks like a person's address"),
        (centre("Moor School", "cpd@moor.sch.uk"), "try 'moor-school'"),
        (centre("", "cpd@moor.sch.uk"), "lower-case words"),
        (centre("index", "cpd@moor.sch.uk"), "other than index"),
        ([*centre("moor", "cpd@moor.sch.uk")[:2], "--name", "Ring 0113 496 0000",
          *centre("moor", "cpd@moor.sch.uk")[4:]], "personal-data"),
        (delivery("ks2-speakin", "leeds-hub", "2099-01-01", "16:00"), "you mean 'ks2-speaking'"),
        (delivery("ks2-speaking", "leeds-hb", "2099-01-01", "16:00"), "Did you mean 'leeds-hub'"),
        (delivery("ks2-speaking", "leeds-hub", "2099-01-01", "4pm"), "would not be valid"),
        (delivery("ks2-speaking", "leeds-hub", "17/02/2099", "16:00"), "a date like 2027-01-20"),
        (delivery("ks2-speaking", "leeds-hub", "20990217", "16:00"), "a date like 2027-01-20"),
        (delivery("ks2-speaking", "sheffield-school", "2099-02-17", "16:15"), "already exists"),
        # what only the rest of the content shows: `opencpd check`'s findings, before writing
        (delivery("ks2-speaking", "leeds-hub", "2099-01-01", "20:30"), "late-end: the evening"),
        (delivery("ks2-speaking", "leeds-hub", "2027-03-31", "18:00"), "overlap: two deliveries"),
        # an evening before it that ends after it starts: reported on the one already there
        (delivery("ks2-speaking", "leeds-hub", "2027-03-31", "16:00"), "overlap: two deliveries"),
    ]  # fmt: skip
    for args, says in refused:
        result = new(tmp_path, *args)
        assert result.exit_code != 0 and says in result.output, (args, result.output)
        assert "Traceback" not in result.output
    assert sorted(p.name for p in (src / "deliveries").iterdir()) == before
    assert len(list((src / "centres").iterdir())) == 3
    past = new(tmp_path, *delivery("ks2-speaking", "leeds-hub", "2020-05-06", "16:00"))
    assert past.exit_code == 0 and "6 May 2020 is before today" in past.output
    assert "set `status: held`" in past.output
    # a past evening recorded is announced on its day, not after it (announced-late)
    recorded = (src / "deliveries" / "2020-05-06-leeds-hub-ks2-speaking.md").read_text()
    assert "announced: 2020-05-06\n" in recorded, recorded


def test_a_delivery_made_changed_or_closed_today_passes_before_it_is_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last commit is older than the day a coordinator works: `opencpd new delivery`
    writes today's `announced`, the guide has them set `changed` to today, and a twilight
    that ran since the last commit is marked held, all checked before they commit."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1577880000")  # 1 January 2020, 12:00 UTC
    root = tiny_site(tmp_path / "src")
    made = new(tmp_path, *delivery("ks2-speaking", "leeds-hub", "2099-02-17", "16:15"))
    assert made.exit_code == 0, made.output
    path = root / "deliveries" / "2099-02-17-leeds-hub-ks2-speaking.md"
    text = path.read_text("utf-8")
    announced = re.search(r"^announced: (\S+)$", text, re.M)
    assert announced, text
    path.write_text(text.replace("---\n\n", f"changed: {announced[1]}\n---\n\n"), "utf-8")
    ran = {"date": "2021-06-02", "announced": "2021-05-01", "status": "held"}
    write_delivery(root, "2021-06-02-leeds-ran", ran)
    found = [f for f in load_catalog(root, load_vocabulary()).findings if f.path.startswith(
        ("deliveries/2099-", "deliveries/2021-"))]  # fmt: skip
    assert found == [], found


def test_a_date_that_is_none_names_its_option_and_the_fix(tmp_path: Path, build_day: None) -> None:
    tiny_site(tmp_path / "src")
    made = new(tmp_path, *delivery("ks2-speaking", "leeds-hub", "2027-02-30", "16:00"))
    assert made.exit_code == 2 and "Invalid value for '--date': expected a date" in made.output
    assert "got '2027-02-30'. Write it as year-month-day." in made.output, made.output


def test_the_guides_centre_and_delivery_pass_check(tmp_path: Path, build_day: None) -> None:
    """What a coordinator copies from docs/contribute/delivering.md passes as it stands (on
    the tiny site's module)."""
    guide = (TESTS.parent / "docs" / "contribute" / "delivering.md").read_text("utf-8")
    blocks = re.findall(r"```yaml\n(---\n.*?)```", guide, re.S)
    centre_text = next(b for b in blocks if "\nname: " in b)
    delivery_text = next(b for b in blocks if "\nmodule: ks2-writing\n" in b)
    root = tiny_site(tmp_path / "src")
    (root / "centres" / "leeds-hub.md").write_text(centre_text, "utf-8")
    path = root / "deliveries" / "2027-01-20-leeds-hub-ks2-speaking.md"
    path.write_text(delivery_text.replace("ks2-writing", "ks2-speaking"), "utf-8")
    found = load_catalog(root, load_vocabulary()).findings
    assert found == [], "\n".join(map(str, found))


def test_a_new_centre_with_a_persons_contact_says_how_to_fix_it(
    tmp_path: Path, build_day: None
) -> None:
    tiny_site(tmp_path / "src")
    made = new(tmp_path, *centre("moor", "jo.bloggs@moor.sch.uk"))
    assert made.exit_code == 1 and "got 'jo.bloggs@moor.sch.uk'). Ask the centre for" in made.output


def test_cancelled_and_past_deliveries_have_no_packs(catalog: Catalog) -> None:
    from opencpd.core.packs.delivery import packs_for

    by_slug = {d.slug: d for d in catalog.deliveries}
    assert packs_for(catalog, by_slug["2027-02-10-bristol-transition"]) == []
    assert packs_for(catalog, by_slug["2026-12-01-leeds-speaking"]) == []
    assert len(packs_for(catalog, by_slug["2027-03-31-leeds-speaking"])) == 2


def test_packs_for_a_delivery_that_has_none_say_why(tmp_path: Path, build_day: None) -> None:
    """`opencpd packs --delivery` refuses, with a message and no traceback, a cancelled, held
    or past delivery, and a name that is none (with the nearest, not every delivery's)."""
    from click.testing import CliRunner
    from opencpd.cli import main

    root = tiny_site(tmp_path / "src")
    write_delivery(root, "2027-01-06-leeds-past", {"date": "2027-01-06", "status": "confirmed"})

    def packs(name: str) -> Any:
        command = ["packs", "-f", str(root / "mkdocs.yml"), "--delivery", name]
        return CliRunner().invoke(main, [*command, "-o", str(tmp_path / "out")])

    # a refusal for the delivery's own sake is a finding in the house form, at its line
    for name, says in [
        (
            "2027-02-10-bristol-transition",
            "no-packs: no packs are made for this delivery: it is cancelled (expected status "
            "planned or confirmed, got cancelled). Packs are for an evening still to run",
        ),
        (
            "2026-12-01-leeds-speaking",
            "no-packs: no packs are made for this delivery: it has been held (expected status "
            "planned or confirmed, got held). The evening has run",
        ),
        (
            "2027-01-06-leeds-past",
            "deliveries/2027-01-06-leeds-past.md:4:1: no-packs: no packs are made for this "
            "delivery: its date has passed (expected a date from 10 January 2027 on, got 6 "
            "January 2027). Mark it 'held' if it ran",
        ),
        ("2027-03-31-leeds-speakin", "Did you mean '2027-03-31-leeds-speaking'?"),
        ("nothing-like-it", "Known: 2026-12-01-leeds-speaking, 2027-01-06-leeds-past"),
    ]:
        result = packs(name)
        assert result.exit_code == 1 and says in result.output, (name, result.output)
        assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
    # the file's path, as a shell completes it, names the delivery too: refused for its status
    result = packs("deliveries/2027-02-10-bristol-transition.md")
    assert "no packs are made for" in result.output and "it is cancelled" in result.output
    assert "deliveries/2027-02-10-bristol-transition.md:" in result.output


# ---------------------------------------------------------------- pages and calendars


def pages(catalog: Catalog) -> dict[str, str]:
    from opencpd.core.render import Renderer

    return published(Renderer(catalog, "16:00", "https://cpd.test-hub.org.uk/").pages())


@pytest.mark.parametrize(
    "uri,golden",
    [
        ("calendar/index.md", "deliveries/calendar.md"),
        ("calendar/region/south-west/index.md", "deliveries/region.md"),
        ("calendar/held/index.md", "deliveries/held.md"),
        ("centres/leeds-hub.md", "deliveries/centre.md"),
        (f"{LEEDS}.md", "deliveries/delivery.md"),
        ("deliveries/2027-02-10-bristol-transition.md", "deliveries/delivery-cancelled.md"),
        ("feeds/deliveries.xml", "deliveries/feed.xml"),
    ],
)
def test_pages_match_their_golden_files(catalog: Catalog, uri: str, golden: str) -> None:
    assert_golden(golden, pages(catalog)[uri])


def test_a_delivery_page_links_only_the_packs_that_are_made(catalog: Catalog) -> None:
    """A pack still being made while serving, or left unmade by a strict build that stops on
    a finding, has no address or size: the page links the others and does not fail."""
    from opencpd.core.render import Renderer

    made = {"label": "Facilitator edition", "edition": "facilitator", "size": "80 KB"}
    packs = {
        f"delivery-{LEEDS[11:]}": [
            {**made, "uri": f"packs/delivery-{LEEDS[11:]}-facilitator.pdf"},
            {"label": "Participant edition", "edition": "participant", "uri": "", "note": "…"},
        ]
    }
    url = "https://cpd.test-hub.org.uk/"
    page = published(Renderer(catalog, "16:00", url, packs=packs).pages())[f"{LEEDS}.md"]
    assert "Facilitator edition (PDF, 80 KB)" in page and "Participant edition" not in page


def test_module_pages_show_their_next_twilights(catalog: Catalog) -> None:
    out = pages(catalog)
    speaking = out["modules/ks2-speaking/index.md"]
    assert "## Twilights coming up" in speaking and "Leeds Languages Hub" in speaking
    assert "2026-12-01" not in speaking  # held: not coming up
    assert (
        "Twilights coming up" not in out["modules/ks3-reading/index.md"].split("---")[2]
        or "Bristol" in out["modules/ks3-reading/index.md"]
    )


def test_examples_are_labelled_everywhere(catalog: Catalog) -> None:
    out = pages(catalog)
    example = "deliveries/2027-11-03-bristol-reading"
    assert "not a real event" in out[f"{example}.md"]
    assert "Example, not a real event" in out["calendar/index.md"]
    assert "Example: " in out[f"{example}.ics"] and "CATEGORIES:Example" in out[f"{example}.ics"]
    assert "not a real event" in out["feeds/deliveries.xml"]
    from opencpd.core.metadata import delivery_json_ld

    # no event for search engines, which list it away from the page that says it is an example
    json_ld = delivery_json_ld(catalog, "https://x.org.uk/")
    assert f"{example}.md" not in json_ld and f"{LEEDS}.md" in json_ld


def events(text: str) -> list[Any]:
    return list(icalendar.Calendar.from_ical(text).walk("VEVENT"))


def test_icalendar_parses_back_with_gmt_and_bst(catalog: Catalog) -> None:
    out = pages(catalog)
    (march,) = events(out[f"{LEEDS}.ics"])  # after the clocks go forward (28 March 2027)
    (november,) = events(out["deliveries/2027-11-03-bristol-reading.ics"])  # after they go back
    start = march.decoded("dtstart")
    assert (start.hour, start.minute, start.utcoffset().total_seconds()) == (17, 5, 3600)
    assert march.decoded("dtend").strftime("%H:%M") == "19:05"
    assert str(march["dtstart"].params["TZID"]) == "Europe/London"
    # name, address, town once (the address already ends with the town)
    assert str(march["location"]) == "Leeds Languages Hub, 1 Test Street, Leeds"
    start = november.decoded("dtstart")
    assert (start.hour, start.utcoffset().total_seconds()) == (16, 0)
    feed = {str(e["uid"]): e for e in events(out["calendar/all.ics"])}
    cancelled = feed["2027-02-10-bristol-transition@cpd.test-hub.org.uk"]
    assert str(cancelled["status"]) == "CANCELLED"
    assert icalendar.Calendar.from_ical(out["calendar/all.ics"]).walk("VTIMEZONE")
    region = {str(e["uid"]) for e in events(out["calendar/region/yorkshire-humber.ics"])}
    assert region == {
        "2027-03-31-leeds-speaking@cpd.test-hub.org.uk",
        "2026-12-01-leeds-speaking@cpd.test-hub.org.uk",
    }


def test_a_changed_delivery_is_a_newer_version_for_calendars_and_feed_readers(
    catalog: Catalog,
) -> None:
    """Cancelled on 5 January, 16 days after it was announced: its event's SEQUENCE is above
    any it had before (one once changed, one a day to its last change, one more once
    cancelled), and the feed's
    entry is updated that day, so that calendars and feed readers that have it take it again."""
    out = pages(catalog)
    feed = {str(e["uid"]): e for e in events(out["calendar/all.ics"])}
    cancelled = feed["2027-02-10-bristol-transition@cpd.test-hub.org.uk"]
    assert (cancelled.decoded("sequence"), str(cancelled["status"])) == (18, "CANCELLED")
    assert cancelled.decoded("last-modified").isoformat() == "2027-01-05T00:00:00+00:00"
    unchanged = feed["2027-03-31-leeds-speaking@cpd.test-hub.org.uk"]
    assert unchanged.decoded("sequence") == 0 and "last-modified" not in unchanged
    atom = out["feeds/deliveries.xml"]
    entry = atom[atom.index("<title>Cancelled: ") :]
    assert "<updated>2027-01-05T00:00:00Z</updated>" in entry.split("</entry>")[0]
    assert atom.split("<entry>")[0].count("<updated>2027-01-05T00:00:00Z</updated>") == 1


def test_the_feed_of_new_twilights_says_its_language(catalog: Catalog) -> None:
    import xml.etree.ElementTree as ET

    feed = ET.fromstring(pages(catalog)["feeds/deliveries.xml"].encode("utf-8"))
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"


def test_a_delivery_changed_on_the_day_it_was_announced_is_a_newer_version(
    tmp_path: Path, build_day: None
) -> None:
    """Published, then its time corrected the same day: a calendar that added it takes the
    corrected event, whose SEQUENCE is above the first's."""
    from opencpd.core.calendar import sequence

    root = tiny_site(tmp_path / "src")
    write_delivery(root, "2027-05-05-first", {"announced": "2027-01-08"})
    moved = {"date": "2027-05-12", "announced": "2027-01-08", "changed": "2027-01-08"}
    write_delivery(root, "2027-05-12-moved", moved)
    loaded = load_catalog(root, load_vocabulary())
    assert loaded.findings == [], loaded.findings
    by_slug = {d.slug: d.meta for d in loaded.deliveries}
    assert sequence(by_slug["2027-05-12-moved"]) > sequence(by_slug["2027-05-05-first"]) == 0


def test_the_calendars_pages_lead_feed_readers_to_the_feed_of_new_twilights(
    catalog: Catalog,
) -> None:
    import yaml

    out = pages(catalog)
    for uri in ("calendar/index.md", "centres/leeds-hub.md", f"{LEEDS}.md"):
        meta = yaml.safe_load(out[uri].split("---\n")[1])
        assert (meta["feed"], meta["feed_title"]) == (
            "feeds/deliveries.xml",
            "OpenCPD: new twilights",
        ), uri


def test_only_twilights_still_to_come_have_a_file_to_add_to_a_calendar(catalog: Catalog) -> None:
    """Nobody adds an evening already held to their calendar: a past delivery has no file of
    its own and its page offers none, but it stays in the feeds' recent past."""
    out = pages(catalog)
    assert f"{LEEDS}.ics" in out and "Add to my calendar" in out[f"{LEEDS}.md"]
    past = "deliveries/2026-12-01-leeds-speaking"
    assert f"{past}.ics" not in out
    assert "Add to my calendar" not in out[f"{past}.md"]
    assert "This twilight has taken place" in out[f"{past}.md"]  # it says so, with no script
    assert 'href="../../calendar/held/"' in out[f"{past}.md"]
    assert "has taken place" not in out[f"{LEEDS}.md"] and "data-passed-note" in out[f"{LEEDS}.md"]
    assert "Subscribe to twilights in" in out[f"{past}.md"]
    feed = {str(e["uid"]) for e in events(out["calendar/all.ics"])}
    assert "2026-12-01-leeds-speaking@cpd.test-hub.org.uk" in feed


def test_a_cancelled_twilight_says_so_in_its_heading_and_offers_no_evening_to_add(
    catalog: Catalog,
) -> None:
    """Its file is to take the evening out of the calendars it was added to, not to add it."""
    page = pages(catalog)["deliveries/2027-02-10-bristol-transition.md"]
    assert "<h1>Cancelled: Example: " in page
    assert "Add to my calendar" not in page
    assert "download>Mark it cancelled in my calendar (download an .ics file)</a>" in page


def test_a_centres_page_lists_its_last_twilights_held(tmp_path: Path, build_day: None) -> None:
    src = tiny_site(tmp_path / "src")
    held = (src / "deliveries" / "2026-12-01-leeds-speaking.md").read_text()
    for day in range(1, 7):  # six more held at Leeds, in October 2026
        (src / "deliveries" / f"2026-10-0{day}-leeds.md").write_text(
            held.replace("2026-12-01", f"2026-10-0{day}")
        )
    page = pages(load_catalog(src, load_vocabulary()))["centres/leeds-hub.md"]
    held_part = page.split('<h2 id="held">')[1]
    shown = re.findall(r"deliveries/([\w-]+)/", held_part)
    assert shown == [  # the last five, most recent first
        "2026-12-01-leeds-speaking",
        *(f"2026-10-0{day}-leeds" for day in (6, 5, 4, 3)),
    ]
    assert "The last 5 of 7" in held_part and "calendar/held/" in held_part


def test_each_icalendar_file_is_the_librarys_whole_calendar(catalog: Catalog) -> None:
    """Each event is serialised once per build and put into every file it belongs to: every
    file is what the library writes when it serialises the whole calendar at once."""
    from opencpd.core.calendar import LONDON, PRODID, REFRESH, _london, calendars, event

    out = calendars(catalog, "https://cpd.test-hub.org.uk/")
    assert len(out) > 5
    for uri, text in out.items():
        parsed = icalendar.Calendar.from_ical(text)
        whole = icalendar.Calendar()
        whole.add("prodid", PRODID)
        whole.add("version", "2.0")
        whole.add("calscale", "GREGORIAN")
        whole.add("method", "PUBLISH")
        whole.add("x-wr-calname", str(parsed["x-wr-calname"]))
        if uri.startswith("calendar/"):
            whole.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
            whole.add("x-published-ttl", icalendar.vDuration(REFRESH))
        whole.add("x-wr-timezone", str(LONDON))
        slugs = [str(e["uid"]).split("@")[0] for e in parsed.walk("VEVENT")]
        found = [d for slug in slugs for d in catalog.deliveries if d.slug == slug]
        for delivery in found:
            whole.add_component(event(catalog, delivery, "https://cpd.test-hub.org.uk/"))
        years = [d.meta.date.year for d in found] or [catalog.today.year]
        whole.subcomponents.insert(0, _london(min(years) - 1, max(years) + 2))
        assert whole.to_ical().decode("utf-8") == text, uri


def test_the_time_zone_in_each_file_gives_gmt_and_bst_by_its_own_rules(catalog: Catalog) -> None:
    """A calendar that reads the file's VTIMEZONE rather than knowing Europe/London by name
    (Outlook builds its zone from one yearly rule; ical.js, in Thunderbird and web calendars,
    reads only the first date of an RDATE listing several) still puts each twilight at its
    hour: a yearly rule, read back on its own, gives London's offset either side of both
    changes of the clocks."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    for uri, text in pages(catalog).items():
        if not uri.endswith(".ics"):
            continue
        (zone,) = icalendar.Calendar.from_ical(text).walk("VTIMEZONE")
        assert [str(o["rrule"].to_ical(), "ascii") for o in zone.subcomponents] == [
            "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
            "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
        ], uri
        own = zone.to_tz(lookup_tzid=False)
        for moment in (
            "2027-03-28T00:59",
            "2027-03-28T01:00",
            "2027-03-31T16:05",
            "2027-10-31T00:59",
            "2027-10-31T01:00",
            "2027-11-03T16:00",
        ):
            at = dt.datetime.fromisoformat(moment).replace(tzinfo=dt.UTC)
            assert at.astimezone(own).utcoffset() == at.astimezone(london).utcoffset(), moment


def test_a_time_zone_the_rule_does_not_fit_is_one_rdate_a_line() -> None:
    """Before 1996 the clocks went back on October's fourth Sunday, not its last: the
    library's dates are kept, each on its own RDATE line, and read back they are London's."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from opencpd.core.calendar import _london

    zone = icalendar.Timezone.from_ical(_london(1993, 1996).to_ical())
    assert all("RRULE" not in o for o in zone.subcomponents)
    lines = zone.to_ical().decode("ascii").split("\r\n")
    rdates = [line for line in lines if line.startswith("RDATE")]
    assert rdates and all("," not in line for line in rdates)
    own = zone.to_tz(lookup_tzid=False)
    for moment in ("1993-10-24T00:30", "1993-10-24T01:30", "1995-06-01T12:00"):
        at = dt.datetime.fromisoformat(moment).replace(tzinfo=dt.UTC)
        assert (
            at.astimezone(own).utcoffset() == at.astimezone(ZoneInfo("Europe/London")).utcoffset()
        )


def test_feeds_are_published_and_say_how_often_to_refresh(tmp_path: Path, build_day: None) -> None:
    """Every file is METHOD:PUBLISH (read, not an invitation to answer); a subscribed feed
    says how often to look again, and one with no twilight is still a calendar with a
    component (its VTIMEZONE)."""
    from opencpd.core.calendar import REFRESH

    src = tiny_site(tmp_path / "src")  # Leeds has no twilight: its region's feed is empty
    for slug in ("2026-12-01-leeds-speaking", "2027-03-31-leeds-speaking"):
        (src / "deliveries" / f"{slug}.md").unlink()
    out = pages(load_catalog(src, load_vocabulary()))
    for uri, text in out.items():
        if uri.endswith(".ics"):
            parsed = icalendar.Calendar.from_ical(text)
            assert str(parsed["method"]) == "PUBLISH", uri
            if uri.startswith("calendar/"):
                assert parsed.decoded("refresh-interval") == REFRESH, uri
                assert "X-PUBLISHED-TTL:PT12H\r\n" in text, uri
    empty = icalendar.Calendar.from_ical(out["calendar/region/yorkshire-humber.ics"])
    assert empty.walk("VEVENT") == [] and len(empty.walk("VTIMEZONE")) == 1


def test_a_calendars_name_is_written_as_a_text(tmp_path: Path, build_day: None) -> None:
    """Its commas and semicolons escaped as in any other text (the library leaves a property
    it does not know, X-WR-CALNAME, as given): read back, the name is the centre's."""
    from opencpd.core.calendar import calendars

    root = tiny_site(tmp_path / "src")
    centre = root / "centres" / "leeds-hub.md"
    centre.write_text(
        centre.read_text("utf-8").replace("Leeds Languages Hub", "Leeds Hub; Room 2, North")
    )
    catalog = load_catalog(root, load_vocabulary())
    out = calendars(catalog, "https://cpd.test-hub.org.uk/")
    text = out[f"{LEEDS}.ics"]
    parsed = icalendar.Calendar.from_ical(text)
    summary = parsed.walk("VEVENT")[0]["summary"]
    assert str(summary) == "Speaking at KS2, Leeds Hub; Room 2, North"  # read as a text
    # the name as the library writes that text: commas and semicolons escaped, once
    assert parsed["x-wr-calname"].to_ical() == summary.to_ical()
    assert "X-WR-CALNAME:Speaking at KS2\\, Leeds Hub\\; Room 2\\, North\r\n" in text


def test_pages_stay_light_and_paginate(tmp_path: Path, build_day: None) -> None:
    root = tiny_site(tmp_path / "src")
    for n in range(45):
        write_delivery(
            root,
            f"2027-06-{n % 28 + 1:02d}-x{n}",
            {
                "date": f"2027-06-{n % 28 + 1:02d}",
                "start": f'"{14 + n // 28}:00"' if n >= 28 else '"16:00"',
                "centre": "leeds-hub" if n < 28 else "bristol-hub",
            },
        )
    catalog = load_catalog(root, load_vocabulary())
    assert not [f for f in catalog.findings if f.severity == "error"], catalog.findings[:3]
    out = pages(catalog)
    assert {"calendar/index.md", "calendar/2.md", "calendar/3.md"} <= set(out)
    # search finds the calendar once, not once a page and filter (nor the held list's pages)
    excluded = {u for u, t in out.items() if "search:\n  exclude: true" in t.split("\n---", 1)[0]}
    listed = {u for u, t in out.items() if "content_type: delivery-listing" in t}
    assert listed - excluded == {"calendar/index.md", "calendar/held/index.md"}
    assert {"calendar/2.md", "calendar/region/yorkshire-humber/2.md"} <= excluded
    # a delivery's page neither: its centre's page and its module's list it
    assert {d.page for d in catalog.deliveries} <= excluded
    assert not {c.page for c in catalog.centres.values()} & excluded
    assert max(len(t.encode()) for u, t in out.items() if u.endswith(".md")) < 60_000


# ---------------------------------------------------------------- a personalised pack


def test_a_delivery_pack_read_back_with_pdftotext(catalog: Catalog, tmp_path: Path) -> None:
    from opencpd.core.packs import PackOptions
    from opencpd.core.packs.delivery import packs_for
    from opencpd.core.packs.html import pack_html
    from opencpd.core.packs.pdf import write_pdf

    delivery = next(d for d in catalog.deliveries if d.slug == LEEDS.split("/")[1])
    facilitator, _ = packs_for(catalog, delivery)
    html = pack_html(facilitator, catalog, PackOptions(site_url="https://cpd.test-hub.org.uk/"))
    pdf = tmp_path / "pack.pdf"
    write_pdf(html, catalog.root, catalog.root, pdf, "x" * 32)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Leeds Languages Hub" in text and "Wednesday 31 March 2027" in text
    assert "Ann Lead" in text and "17:05" in text and "19:05" in text
    assert "16:00" not in text  # nothing timed from the generic start
    sign_in = re.split(r"^\s*Sign-in sheet\s*$", text, flags=re.M)[-1]  # from its heading
    sign_in = sign_in.split("Certificate of attendance")[0]
    rows = [
        line.split()[0]
        for line in sign_in.splitlines()
        if line.split() and line.split()[0].isdigit()
    ]
    assert rows == [str(n) for n in range(1, 8)]
    assert text.count("Certificate of attendance") == 7
    assert "cpd.test-hub.org.uk/deliveries/2027-03-31-leeds-speaking" in text
    # for an address the site cannot be at, no QR code or link, as on the module's packs
    placeholder = pack_html(
        facilitator, catalog, PackOptions(site_url="https://opencpd.example.org/")
    )
    assert "opencpd.example.org" not in placeholder and "<svg" not in placeholder.split("<main")[0]


def pack_pdf(catalog: Catalog, slug: str, edition: str, folder: Path) -> Path:
    """One edition of a delivery's packs, made as `opencpd packs --delivery` makes it."""
    from opencpd.core.packs import PackOptions
    from opencpd.core.packs.delivery import packs_for
    from opencpd.core.packs.html import pack_html
    from opencpd.core.packs.pdf import write_pdf

    delivery = next(d for d in catalog.deliveries if d.slug == slug)
    pack = next(p for p in packs_for(catalog, delivery) if p.edition == edition)
    html = pack_html(pack, catalog, PackOptions(site_url="https://cpd.test-hub.org.uk/"))
    pdf = folder / f"{slug}-{edition}.pdf"
    write_pdf(html, catalog.root, catalog.root, pdf, "x" * 32)
    return pdf


def pdf_pages(pdf: Path) -> list[str]:
    """Each page's text, as pdftotext reads it (a form feed ends each page)."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def test_every_page_of_a_sign_in_sheet_says_which_evening_it_is_for(
    tmp_path: Path, build_day: None
) -> None:
    """60 places take three pages of rows; each page, passed round on its own, names the
    module, centre and date at its foot."""
    root = tiny_site(tmp_path / "src")
    write_delivery(root, "2027-05-05-busy", {"places": "60"})
    catalog = load_catalog(root, load_vocabulary())
    pages = pdf_pages(pack_pdf(catalog, "2027-05-05-busy", "facilitator", tmp_path))
    rows = [re.findall(r"^\s*(\d+)\s*$", page, re.M) for page in pages]  # a row: its number
    sheet = [page for page, found in zip(pages, rows, strict=True) if found]
    assert [n for found in rows for n in found] == [str(n) for n in range(1, 61)]
    assert len(sheet) >= 2, len(sheet)
    for page in sheet:
        assert re.search(
            r"Sign-in sheet · Speaking at KS2 · Leeds Languages Hub · Wednesday 5 May 2027", page
        ), page
    assert sum(p.count("Sign-in sheet ·") for p in pages) == len(sheet)
    assert "Tick if you agree to be emailed about the follow-up sessions" in sheet[0]


def test_both_editions_say_where_the_evening_is_and_what_to_bring(
    catalog: Catalog, tmp_path: Path
) -> None:
    """The lead teacher and the participants read the centre's address and access and the
    delivery's practical notes (what to bring) in the pack, as on the delivery's page."""
    for edition in ("facilitator", "participant"):
        text = " ".join(
            " ".join(pdf_pages(pack_pdf(catalog, LEEDS.split("/")[1], edition, tmp_path))).split()
        )
        assert "On the evening Where: 1 Test Street, Leeds" in text, edition
        assert "Access: Step-free entrance from the car park." in text, edition
        assert "Bring a lesson plan you have taught this term." in text, edition


def test_one_place_is_one_place_in_lists_feed_and_pack(tmp_path: Path, build_day: None) -> None:
    root = tiny_site(tmp_path / "src")
    write_delivery(root, "2027-05-05-one", {"date": "2027-05-05", "places": "1"})
    catalog = load_catalog(root, load_vocabulary())
    out = pages(catalog)
    entry = out["calendar/index.md"].split('href="../deliveries/2027-05-05-one/"')[1]
    assert "· 1 place</small>" in entry.split("</li>")[0]
    assert "1 place (to be confirmed)." in out["feeds/deliveries.xml"]
    text = squash("".join(pdf_pages(pack_pdf(catalog, "2027-05-05-one", "facilitator", tmp_path))))
    assert "For 1 place at Leeds Languages Hub" in text and "1 places" not in text


def test_every_page_of_an_example_deliverys_packs_says_it_is_an_example(
    tmp_path: Path, build_day: None
) -> None:
    """A sign-in sheet or a certificate printed on its own must not pass for a real evening's:
    each page of both editions of an example's packs (here a delivery at an example centre)
    says that it is an example, not a real event; a real delivery's pages say nothing of it."""
    root = tiny_site(tmp_path / "src")
    fields = {"centre": "bristol-hub", "places": "2", "sessions": "[01-twilight, 02-follow-up]"}
    write_delivery(root, "2027-05-05-bristol-example", fields)
    catalog = load_catalog(root, load_vocabulary())
    assert catalog.findings == []
    for edition in ("facilitator", "participant"):
        pages = pdf_pages(pack_pdf(catalog, "2027-05-05-bristol-example", edition, tmp_path))
        assert len(pages) > (4 if edition == "facilitator" else 2), edition
        unmarked = [n for n, page in enumerate(pages, 1) if "not a real event" not in page]
        assert unmarked == [], (edition, unmarked)
        if edition == "facilitator":  # the sign-in sheet and each certificate among them
            assert sum("Sign-in sheet" in p for p in pages) >= 1
            assert sum("Certificate of attendance" in p for p in pages) == 2
        real = pdf_pages(pack_pdf(catalog, LEEDS.split("/")[1], edition, tmp_path))
        assert not [page for page in real if "not a real event" in page.lower()], edition


def test_a_certificate_names_the_sessions_run_that_evening(tmp_path: Path, build_day: None) -> None:
    """An evening of follow-ups is not "the twilight": the certificate names what was run, by
    title, with the module, centre and date; the twilight alone is still "the twilight"."""
    from opencpd.core.deliveries import sessions_of
    from opencpd.core.packs.delivery import what_ran

    root = tiny_site(tmp_path / "src")
    write_delivery(root, "2027-05-05-follow-up", {"sessions": "[02-follow-up]", "places": "1"})
    catalog = load_catalog(root, load_vocabulary())
    assert catalog.findings == []
    by_slug = {d.slug: d for d in catalog.deliveries}
    pdf = pack_pdf(catalog, "2027-05-05-follow-up", "facilitator", tmp_path)
    (certificate,) = [squash(p) for p in pdf_pages(pdf) if "This is to certify" in p]
    assert (
        "attended the follow-up session ‘Speaking at KS2 — follow-up’ of the module Speaking at "
        "KS2 at Leeds Languages Hub, on Wednesday 5 May 2027, from 16:00 to 16:45." in certificate
    ), certificate
    assert "twilight" not in certificate

    def ran(sessions: str) -> str:
        write_delivery(root, "2027-05-05-follow-up", {"sessions": sessions})
        again = load_catalog(root, load_vocabulary())
        delivery = next(d for d in again.deliveries if d.slug == "2027-05-05-follow-up")
        return what_ran(again, sessions_of(again, delivery))

    assert ran("[01-twilight, 02-follow-up]") == (
        "the twilight and the follow-up session ‘Speaking at KS2 — follow-up’"
    )
    assert ran("[]") == "the twilight"
    leeds = by_slug[LEEDS.split("/")[1]]
    assert what_ran(catalog, sessions_of(catalog, leeds)) == "the twilight"


def test_a_certificate_of_the_longest_names_and_many_sessions_keeps_to_its_page(
    tmp_path: Path, build_day: None
) -> None:
    """Names of 200 characters and a dozen sessions: each certificate is one page and still
    says the module, centre, date and times, with the signature line (the sessions' titles
    ran off the page and took those with them). Too many titles to name are counted."""
    from opencpd.core.deliveries import sessions_of
    from opencpd.core.packs.delivery import NAMED_UP_TO, what_ran

    root = tiny_site(tmp_path / "src")
    long = "Saint Bartholomew-the-Great Church of England Voluntary Aided Primary " * 3
    module = root / "modules" / "ks2-speaking"
    text = (module / "module.md").read_text(encoding="utf-8")
    (module / "module.md").write_text(
        text.replace("title: Speaking at KS2", f"title: Speaking at KS2 {long[:176]}", 1),
        encoding="utf-8",
    )
    (root / "centres" / "long-hub.md").write_text(
        f"---\nname: {long[:200].strip()}\ntown: {('Little Snoring ' * 14)[:200].strip()}\n"
        "region: yorkshire-humber\ncontact: bookings@long-hub.org.uk\n---\n",
        encoding="utf-8",
    )
    follow_up = (module / "sessions" / "02-follow-up.md").read_text(encoding="utf-8")
    for n in range(3, 14):
        (module / "sessions" / f"{n:02d}-more.md").write_text(
            follow_up.replace("title: Speaking at KS2 — follow-up", f"title: {n} {long[:166]}")
            .replace("duration: 45", "duration: 5")
            .replace("minutes: 15", "minutes: 2")
            .replace("minutes: 30", "minutes: 3"),
            encoding="utf-8",
        )
    two = {"centre": "long-hub", "places": "2", "date": "2027-05-05"}
    write_delivery(root, "named", {**two, "sessions": "[01-twilight, 03-more, 04-more]"})
    every = ", ".join(f"{n:02d}-more" for n in range(3, 14))
    write_delivery(root, "counted", {**two, "date": "2027-05-06", "sessions": f"[{every}]"})
    catalog = load_catalog(root, load_vocabulary())
    assert catalog.findings == []
    by_slug = {d.slug: d for d in catalog.deliveries}
    named = what_ran(catalog, sessions_of(catalog, by_slug["named"]))
    assert 350 < len(named) <= NAMED_UP_TO and named.startswith("the twilight and the follow-up")
    assert what_ran(catalog, sessions_of(catalog, by_slug["counted"])) == "11 follow-up sessions"
    town = ("Little Snoring " * 14)[:200].strip()
    for slug, ran, when in (
        ("named", named, "Wednesday 5 May 2027, from 16:00 to 18:10"),
        ("counted", "11 follow-up sessions", "Thursday 6 May 2027, from 16:00 to 16:55"),
    ):
        pages = pdf_pages(pack_pdf(catalog, slug, "facilitator", tmp_path))
        certificates = [squash(p) for p in pages if "This is to certify" in p]
        assert len(certificates) == 2, certificates  # one page each
        for certificate in certificates:
            assert f"attended {squash(ran)} of the module Speaking at KS2 Saint" in certificate
            assert f"{long[:176].strip()} at {long[:60]}" in certificate
            assert f"{town}, on {when}. Lead teacher's signature" in certificate, certificate


def test_a_cover_naming_many_lead_teachers_keeps_its_places_and_qr_code(
    tmp_path: Path, build_day: None
) -> None:
    """Thirty lead teachers with long names, or a module's summary of 4,000 characters, pushed
    the places, key stage and QR code off the cover, which is one page: it names as many
    teachers as fit and says how many more there are, and cuts the summary after a sentence.
    Here with the longest title too."""
    root = tiny_site(tmp_path / "src")
    module = root / "modules" / "ks2-speaking" / "module.md"
    title = ("Speaking at KS2 " + "with a title that goes on and on " * 6)[:200].strip()
    summary = ("Teachers practise question routines for every week of the year. " * 62)[:3990]
    text = module.read_text("utf-8")
    for field, value in (("title", title), ("summary", summary.strip())):
        text = re.sub(rf"^{field}: .*$", f"{field}: {value}", text, count=1, flags=re.M)
    module.write_text(text, "utf-8")
    names = [f"Teacher {n} {'Montgomery Fotheringham ' * 6}".strip() for n in range(30)]
    leads = "".join(f"\n  - {{name: {name}, consent: true}}" for name in names)
    write_delivery(root, "2027-05-05-many", {"lead_teachers": leads})
    catalog = load_catalog(root, load_vocabulary())
    assert catalog.findings == []
    cover = squash(pdf_pages(pack_pdf(catalog, "2027-05-05-many", "facilitator", tmp_path))[0])
    assert f"Lead teachers {names[0]}, {names[1]} and 28 more, named on the twilight's" in cover
    assert "Places 20 Key stage" in cover
    assert "cpd.test-hub.org.uk/deliveries/2027-05-05-many" in cover
    assert title in cover and "every week of the year. … Centre" in cover


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------- the calendar in Chromium


@pytest.fixture(scope="module")
def served_tiny_site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from opencpd.adapters.site import build_site

    source = tiny_site(tmp_path_factory.mktemp("deliveries") / "src")
    config = source / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text + "\nextra_javascript:\n  - assets/javascripts/calendar.js\n", encoding="utf-8"
    )
    (source / "docs" / "assets" / "javascripts").mkdir(parents=True, exist_ok=True)
    shutil.copy(
        TESTS.parent / "plugins" / "opencpd" / "site_assets" / "javascripts" / "calendar.js",
        source / "docs" / "assets" / "javascripts" / "calendar.js",
    )
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", BUILD_DAY)
    try:
        with mkdocs_warnings() as handler:
            build_site(str(config), source / "site")
    finally:
        mp.undo()
    assert handler.messages == [], handler.messages
    server, url = serve(source / "site")
    yield url
    server.shutdown()
    server.server_close()


def listed(page: Any) -> list[str]:
    return [
        t.strip()
        for t in page.locator(
            ".delivery-item:visible .delivery-item__what a:first-child"
        ).all_inner_texts()
    ]


# Where each link of the page outside the calendar leads, as the browser reads it.
PAGE_LINKS = (
    "() => [...document.querySelectorAll('a[href], link[rel~=icon]')]"
    ".filter(a => !a.closest('[data-calendar]') && !a.getAttribute('href').startsWith('#'))"
    ".map(a => a.href)"
)


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_calendar_filters_in_chromium(
    browser: Any, served_tiny_site: str, javascript: bool
) -> None:
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    try:
        if javascript:  # the day the site was built: nothing has passed yet
            page.clock.set_fixed_time("2027-01-10T12:00:00Z")
        page.goto(served_tiny_site + "calendar/")
        assert len(listed(page)) == 3
        if javascript:
            page.evaluate("window.notReloaded = true")
        links = page.evaluate(PAGE_LINKS)
        assert any("/calendar/" not in link for link in links), links
        page.click("[data-calendar-filters] a:text('German')")
        page.wait_for_url("**/calendar/language/de/")
        page.wait_for_function("() => document.querySelectorAll('.delivery-item').length === 1")
        assert listed(page) == ["Reading at KS3"]
        assert page.locator("[data-calendar-filters] a[aria-current=page]").inner_text() == "German"
        if javascript:  # followed in place: the same document, its address changed
            assert page.evaluate("window.notReloaded") is True
        # and the page's own links (logo, navigation, footer) still go where they went
        assert page.evaluate(PAGE_LINKS) == links
    finally:
        context.close()


def test_passed_twilights_are_hidden_by_the_script(browser: Any, served_tiny_site: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.clock.set_fixed_time("2027-03-01T12:00:00Z")  # after the cancelled one in February
        page.goto(served_tiny_site + "calendar/")
        assert len(listed(page)) == 2
        assert "1 twilight has passed" in page.locator("[data-passed-note]").inner_text()
        # Those already held on the build date are the held list: the script hides none.
        page.goto(served_tiny_site + "calendar/held/")
        assert len(listed(page)) == 1
        assert page.locator("[data-passed-note]").inner_text() == ""
        page.goto(served_tiny_site + "deliveries/2026-12-01-leeds-speaking/")
        assert "has passed since" not in page.locator("article").inner_text()
        page.goto(served_tiny_site + "deliveries/2027-02-10-bristol-transition/")  # since
        assert "has passed since this page was made" in page.locator("article").inner_text()
        page.goto(served_tiny_site + LEEDS + "/")  # still to come: book it, add it
        assert page.get_by_role("link", name="Book a place").is_visible()
        assert page.get_by_role("link", name="Add to my calendar").is_visible()
    finally:
        context.close()
    context = browser.new_context()
    page = context.new_page()
    try:  # passed since: nobody is offered a place or an entry in their calendar any more
        page.clock.set_fixed_time("2027-04-01T12:00:00Z")
        page.goto(served_tiny_site + LEEDS + "/")
        assert page.get_by_text("Booking is closed.").is_visible()
        for name in ("Book a place", "Add to my calendar"):  # there, hidden
            assert page.locator("a", has_text=name).count() == 1
            assert not page.locator("a", has_text=name).is_visible()
        assert page.get_by_role("link", name="Subscribe to twilights in").is_visible()
    finally:
        context.close()


def test_delivery_json_ld_fits_schema_org(served_tiny_site: str) -> None:
    """Each delivery page's JSON-LD, as built, checked against schema.org's vocabulary; an
    example's page has none."""
    import json
    import re
    import urllib.request

    from .schema_org import problems

    for slug, found in [
        (LEEDS.split("/")[1], 1),
        ("2027-02-10-bristol-transition", 0),
        ("2027-11-03-bristol-reading", 0),
    ]:
        with urllib.request.urlopen(f"{served_tiny_site}deliveries/{slug}/") as response:
            html = response.read().decode("utf-8")
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert len(blocks) == found, slug
        for data in map(json.loads, blocks):
            assert data["@type"] == "CourseInstance"
            assert data["eventStatus"].endswith("EventScheduled")
            assert data["location"]["address"]["addressLocality"]
            assert problems(data) == [], (slug, problems(data))


def test_a_cancelled_delivery_is_an_event_cancelled(tmp_path: Path, build_day: None) -> None:
    """Its JSON-LD (the Bristol centre no longer an example) says so, within schema.org."""
    from opencpd.core.metadata import delivery_json_ld

    from .schema_org import problems

    root = tiny_site(tmp_path / "src")
    centre = root / "centres" / "bristol-hub.md"
    centre.write_text(centre.read_text("utf-8").replace("example: true\n", ""), "utf-8")
    catalog = load_catalog(root, load_vocabulary())
    data = delivery_json_ld(catalog, "https://x.org.uk/")[
        "deliveries/2027-02-10-bristol-transition.md"
    ]
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert not data["name"].startswith("Example") and problems(data) == []


def test_the_build_makes_packs_of_confirmed_deliveries_in_the_coming_weeks(
    tmp_path: Path, build_day: None
) -> None:
    from opencpd.core.packs import PackOptions, plan

    root = tiny_site(tmp_path / "src")
    write_delivery(root, "2027-01-20-soon", {"date": "2027-01-20", "status": "confirmed"})
    write_delivery(root, "2027-01-21-planned", {"date": "2027-01-21"})
    write_delivery(root, "2027-03-03-later", {"date": "2027-03-03", "status": "confirmed"})
    catalog = load_catalog(root, load_vocabulary())
    due = sorted(p.id for p in plan(catalog, PackOptions()) if p.id.startswith("delivery-"))
    assert due == [f"delivery-2027-01-20-soon-{e}" for e in ("facilitator", "participant")]


def test_check_counts_the_centres_and_deliveries_it_checked(
    tmp_path: Path, build_day: None
) -> None:
    from click.testing import CliRunner
    from opencpd.cli import main

    root = tiny_site(tmp_path / "src")
    result = CliRunner().invoke(main, ["check", "-f", str(root / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    centres = len(list((root / "centres").glob("*.md")))
    deliveries = len(list((root / "deliveries").glob("*.md")))
    assert deliveries > 1
    assert f", {centres} centres, {deliveries} deliveries: no problems." in result.stderr


def test_the_checklist_lists_each_handout_once(catalog: Catalog) -> None:
    """The agenda names a handout by its file name ("question-cards handout") and the session
    lists it under handouts: one line, one set of copies, not two to print."""
    from opencpd.core.packs.delivery import materials

    delivery = next(d for d in catalog.deliveries if d.slug == LEEDS.split("/")[1])
    checklist = {m.name: m.copies for m in materials(catalog, delivery)}
    assert [name for name in checklist if "question" in name.lower()] == ["Handout: Question cards"]
    assert checklist["Handout: Question cards"] == 7
    assert checklist["name cards"] == 7  # one each, as before


MATERIALS_SESSION = """---
title: Speaking at KS2 — materials
kind: follow-up
duration: 60
objectives:
  - Participants can count what to prepare.
agenda:
  - minutes: 10
    activity: Warm-up
    grouping: whole group, then pairs
    materials: [mini whiteboards, pens, sticky notes, highlighters, word cards,
      slides or flip chart]
  - minutes: 20
    activity: Sorting
    grouping: small groups
    materials: [A3 paper, card sort of activities, dice, the rhyme on a slide, participants' notes]
  - minutes: 20
    activity: Observing
    grouping: groups of three (speaker, listener, observer)
    materials: [task cards, schemes of work, anonymised pupils' writing, sample anonymised writing]
  - minutes: 10
    activity: Close
    grouping: individual
    materials: [Question cards (handout), a unit plan brought by participants,
      notes from the gap task]
---
"""


def test_the_checklist_counts_copies_by_what_a_material_is_and_the_grouping(
    tmp_path: Path, build_day: None
) -> None:
    """For 10 places: what each participant uses, one each; what a pair or group shares, one
    per pair (5), group of four (3) or of three (4); what the whole group sees, one; what
    participants bring, no copies and a list of its own, on the page as in the data."""
    from opencpd.core.packs.delivery import materials

    root = tiny_site(tmp_path / "src")
    sessions = root / "modules" / "ks2-speaking" / "sessions"
    (sessions / "03-materials.md").write_text(MATERIALS_SESSION, encoding="utf-8")
    fields = {"sessions": "[03-materials]", "places": "10"}
    write_delivery(root, "2027-05-05-materials", fields)
    catalog = load_catalog(root, load_vocabulary())
    assert catalog.findings == []
    delivery = next(d for d in catalog.deliveries if d.slug == "2027-05-05-materials")
    found = {m.name: (m.copies, m.per) for m in materials(catalog, delivery)}
    each, pair, four, three = (
        (10, "participant"),
        (5, "pair"),
        (3, "group of four"),
        (4, "group of three"),
    )
    whole, brought = (1, "whole group"), (0, "")
    assert found == {
        "mini whiteboards": each,
        "pens": each,
        "sticky notes": each,
        "highlighters": each,
        "word cards": pair,
        "slides or flip chart": whole,
        "A3 paper": four,
        "card sort of activities": four,
        "dice": four,
        "the rhyme on a slide": whole,
        "participants' notes": brought,
        "task cards": three,
        "schemes of work": brought,
        "anonymised pupils' writing": brought,
        "sample anonymised writing": three,
        "Handout: Question cards": each,  # "Question cards (handout)" is the module's handout
        "a unit plan brought by participants": brought,
        "notes from the gap task": brought,
    }
    pages = pdf_pages(pack_pdf(catalog, "2027-05-05-materials", "facilitator", tmp_path))
    (page,) = [squash(p) for p in pages if "Preparation checklist" in p and "Copies" in p]
    table, bring = page.split("Participants bring")
    for row in (
        "A3 paper 3 each group of four",
        "word cards 5 each pair",
        "task cards 4 each group of three",
        "mini whiteboards 10 each participant",
        "the rhyme on a slide 1 the whole group",
        "Certificates of attendance 10 each participant",
    ):
        assert row in table, row
    for name in ("schemes of work", "notes from the gap task", "a unit plan brought by"):
        assert name not in table and name in bring, name


@pytest.mark.parametrize(
    "grouping,copies",
    [
        ("individual", 24),
        ("individual, then whole group", 24),
        ("pairs", 12),
        ("whole group, then pairs", 12),
        ("mixed-phase pairs", 12),
        ("secondary colleagues in pairs; primary colleagues as critical friends", 12),
        ("phase groups, then mixed-phase pairs", 12),
        ("groups of three (writer, reader, observer)", 8),
        ("whole group, then groups of three", 8),
        ("small groups (breakout rooms of three or four)", 8),
        ("small groups", 6),
        ("small groups by language", 6),
        ("cluster groups (a secondary school with its feeder schools)", 6),
        ("whole group, then small groups", 6),
        ("whole group", 1),
        ("", 24),  # names no unit: one each, never too few
    ],
)
def test_a_shared_material_is_counted_by_the_smallest_unit_its_grouping_names(
    grouping: str, copies: int
) -> None:
    from opencpd.core.packs.delivery import served

    assert served(grouping, 24)[0] == copies


# ---------------------------------------------------------------- on a phone, by ear, by keyboard


def test_the_pages_of_a_long_calendar_are_links_that_say_where_they_go(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read out of context (a screen reader's list of links), "2" says nothing: each number is
    "page 2", and the neighbours are "Previous page" and "Next page"."""
    from opencpd.core import delivery_pages

    monkeypatch.setattr(delivery_pages, "PAGE_SIZE", 2)
    out = pages(catalog)
    first, second = out["calendar/index.md"], out["calendar/2.md"]
    hidden = '<span class="opencpd-visually-hidden">page </span>'
    assert f'<a href="2/">{hidden}2</a>' in first
    assert f'<strong aria-current="page">{hidden}1</strong>' in first
    assert '<a href="2/" rel="next">Next page</a>' in first and "Previous page" not in first
    assert '<a href="../" rel="prev">Previous page</a>' in second and "Next page" not in second


def test_a_long_lists_pager_links_the_ends_and_the_pages_near_this_one(
    tmp_path: Path, build_day: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Years of twilights held make hundreds of pages: a pager linking every one of them grew
    with the list (38 KB of each page at 500 pages) and read out as hundreds of links."""
    from opencpd.core import delivery_pages

    root = tiny_site(tmp_path / "src")
    for n in range(1, 29):
        write_delivery(
            root,
            f"held-{n}",
            {"date": f"2026-06-{n:02d}", "status": "held", "announced": "2026-05-01"},
        )
    monkeypatch.setattr(delivery_pages, "PAGE_SIZE", 1)
    out = pages(load_catalog(root, load_vocabulary()))
    assert "calendar/held/29.md" in out  # 28 held here, and the fixture's one
    numbers = re.compile(r'opencpd-visually-hidden">page </span>(\d+)<')
    pager = out["calendar/held/15.md"].split('class="delivery-pager"')[1].split("</nav>")[0]
    assert numbers.findall(pager) == ["1", "13", "14", "15", "16", "17", "29"]
    assert pager.count("…") == 2 and 'href="../16/" rel="next"' in pager
    first = out["calendar/held/index.md"].split('class="delivery-pager"')[1]
    assert numbers.findall(first.split("</nav>")[0]) == ["1", "2", "3", "29"]


def test_the_key_stage_filters_are_named_as_the_vocabulary_names_them(catalog: Catalog) -> None:
    """A key stage's id beside "All twilights" misleads: "all" (modules for every phase) read as
    the way to clear the filter."""
    calendar = pages(catalog)["calendar/index.md"]
    assert '<a href="key-stage/ks2/">Key Stage 2 (ages 7 to 11)</a>' in calendar
    assert ">all</a>" not in calendar and ">KS2</a>" not in calendar


def test_a_filtered_calendar_says_what_it_shows_and_how_to_see_all(catalog: Catalog) -> None:
    german = pages(catalog)["calendar/language/de/index.md"]
    assert "Showing only language: <strong>German</strong>." in german
    assert '<a href="../../">Clear the filter: all twilights</a>' in german


def test_adding_to_a_calendar_says_it_downloads_a_file(catalog: Catalog) -> None:
    page = pages(catalog)[f"{LEEDS}.md"]
    assert re.search(r'<a href="[^"]+\.ics" download>Add to my calendar \(download an \.ics', page)


def test_filtering_in_place_is_announced_and_the_back_button_undoes_it(
    browser: Any, served_tiny_site: str
) -> None:
    """With JavaScript a filter is followed in place: focus goes to the new heading, a status
    says what is shown (a screen reader hears it), Back gives the list before and the address
    is the filtered page's own, to share."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    status = page.locator("[data-calendar-status]")
    try:
        page.clock.set_fixed_time("2027-01-10T12:00:00Z")
        page.goto(served_tiny_site + "calendar/")
        # on a phone the filters are folded under one line, the twilights first
        fold = page.locator("[data-calendar-fold]")
        assert fold.get_attribute("open") is None
        assert not page.get_by_role("link", name="German").is_visible()
        page.get_by_text("Filter by region, module, key stage or language").click()
        page.get_by_role("link", name="German").click()
        page.wait_for_url("**/calendar/language/de/")
        page.wait_for_function("() => document.activeElement.matches('[data-calendar] h1')")
        assert status.get_attribute("role") == "status"
        assert status.inner_text() == "Twilights: German. 1 coming up."
        assert page.get_by_role("link", name="Clear the filter").is_visible()
        page.go_back()
        page.wait_for_url("**/calendar/")
        page.wait_for_function("() => document.querySelectorAll('.delivery-item').length === 3")
        assert status.inner_text() == "Twilights near you. 3 coming up."
        page.go_forward()
        page.wait_for_function("() => document.querySelectorAll('.delivery-item').length === 1")
        shared = context.new_page()  # the address, opened afresh, is the same list
        shared.goto(page.url)
        assert listed(shared) == listed(page) == ["Reading at KS3"]
    finally:
        context.close()


def test_the_count_leaves_out_twilights_passed_since_the_build(
    browser: Any, served_tiny_site: str
) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.clock.set_fixed_time("2027-03-01T12:00:00Z")  # after the cancelled one in February
        page.goto(served_tiny_site + "calendar/")
        assert page.locator("[data-calendar-count]").inner_text() == "2 coming up"
        assert page.get_by_role("listitem").filter(has_text="10 February").count() == 0
    finally:
        context.close()


@pytest.mark.parametrize("width", [320, 390])
def test_filter_links_are_big_enough_to_tap_on_a_phone(
    browser: Any, served_tiny_site: str, width: int
) -> None:
    """WCAG 2.5.8: each filter, and the line that unfolds them, at least 24 px high, and no
    two of their boxes overlap."""
    context = browser.new_context(viewport={"width": width, "height": 700})
    page = context.new_page()
    try:
        page.goto(served_tiny_site + "calendar/language/de/")
        page.locator("[data-calendar-fold] > summary").click()  # folded on a phone
        boxes = page.evaluate(
            "() => [...document.querySelectorAll('[data-calendar-filters] a, "
            "[data-calendar-fold] > summary')]"
            ".flatMap(a => [...a.getClientRects()].map(r => [r.left, r.top, r.right, r.bottom]))"
        )
        assert boxes and all(bottom - top >= 24 for _, top, _, bottom in boxes), boxes
        for i, (l1, t1, r1, b1) in enumerate(boxes):
            for l2, t2, r2, b2 in boxes[i + 1 :]:
                assert r1 <= l2 or r2 <= l1 or b1 <= t2 or b2 <= t1, (boxes, i)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    finally:
        context.close()


@pytest.mark.parametrize(
    "written, known, meant",
    [
        ("ks2-speakin", ["ks2-speaking", "ks3-reading"], "ks2-speaking"),
        ("Leeds-Hub", ["leeds-hub", "bristol-hub"], "leeds-hub"),
        ("leeds", ["leeds-hub", "bristol-hub"], "leeds-hub"),
        ("twilight", ["01-twilight", "02-follow-up"], "01-twilight"),
        # a removed id is not another one that shares the usual parts
        ("bristol-hub", ["leeds-hub"], None),
        ("ks3-reading", ["ks2-speaking", "ks2-3-transition"], None),
        ("hub", ["leeds-hub", "bristol-hub"], None),
    ],
)
def test_did_you_mean_suggests_a_likely_id_and_no_other(
    written: str, known: list[str], meant: str | None
) -> None:
    from opencpd.core.deliveries import closest

    assert closest(written, known) == meant


def test_a_session_whose_file_has_findings_is_named_as_such(
    tmp_path: Path, build_day: None
) -> None:
    """Its own findings say what to fix; the delivery's says where, not that it is unknown."""
    root = tiny_site(tmp_path / "src")
    session = root / "modules" / "ks2-speaking" / "sessions" / "02-follow-up.md"
    session.write_text(session.read_text("utf-8").replace("duration: 45", "duration: many"))
    path = write_delivery(root, "2027-05-05-both", {"sessions": "[01-twilight, 02-follow-up]"})
    found = [f for f in load_catalog(root, load_vocabulary()).findings if f.path == path]
    assert [(f.line, f.rule) for f in found] == [(10, "unreadable-session")], found
    assert "got findings in modules/ks2-speaking/sessions/02-follow-up.md" in str(found[0])
