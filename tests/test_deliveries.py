"""Centres and deliveries with real parts: findings at path:line, golden pages of a tiny site
and iCalendar files parsed back across a change of the clocks (tests/deliveries_site.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import icalendar
import pytest
from opencpd.core.catalog import Catalog
from opencpd.core.load import load_catalog
from opencpd.core.vocabulary import load_vocabulary

from .deliveries_site import LEEDS, TESTS, events, pages, tiny_site, write_delivery
from .golden import assert_golden, published


def test_the_tiny_site_loads_with_upcoming_and_held(catalog: Catalog) -> None:
    from opencpd.core.deliveries import held, upcoming

    assert [d.slug for d in upcoming(catalog)] == [
        "2027-02-10-bristol-transition",
        "2027-03-31-leeds-speaking",
        "2027-11-03-bristol-reading",
    ]
    assert [d.slug for d in held(catalog)] == ["2026-12-01-leeds-speaking"]


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
    # consent is given in so many words: true, not a word that pydantic would take for it
    (
        "consent-as-text",
        {"lead_teachers": "[{name: Bo Lead, consent: 'yes'}]"},
        10,
        "wrong-type",
        "(expected true or false, got 'yes')",
    ),
    (
        "consent-as-number",
        {"lead_teachers": "[{name: Bo Lead, consent: 1}]"},
        10,
        "wrong-type",
        "expected true or false",
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
    ("unquoted-start-said", {"start": "16:00"}, 5, "wrong-type", "got 16:00 without quotes"),
    # YAML 1.1's numbers in base 60 (1:30 for 90): YAML 1.2 has none, and neither has a delivery
    ("places-in-base-60", {"places": "1:30"}, 6, "wrong-type", "a whole number, got '1:30')"),
    ("places-true", {"places": "true"}, 6, "wrong-type", "a whole number"),
    ("places-hint", {"places": "1:30"}, 6, "wrong-type", "Write 'places' as a whole number"),
    ("date-hint", {"date": "31st March"}, 4, "wrong-type", "as a date, YYYY-MM-DD"),
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


@pytest.mark.parametrize("folder", ["modules", "handbook", "centres", "deliveries", "support"])
def test_a_file_where_a_content_folder_belongs_is_reported(
    tmp_path: Path, build_day: None, folder: str
) -> None:
    """A file (or a pipe) named deliveries, centres ... was passed over without a word, and
    what it held was left out of the site."""
    root = tiny_site(tmp_path / "src")
    shutil.rmtree(root / folder, ignore_errors=True)
    (root / folder).write_text("---\ntitle: A page\n---\nText\n", "utf-8")
    found = load_catalog(root, load_vocabulary()).findings
    assert (folder, 1, "not-a-folder") in [(f.path, f.line, f.rule) for f in found], found
    (root / folder).unlink()
    os.mkfifo(root / folder)
    found = load_catalog(root, load_vocabulary()).findings
    assert (folder, 1, "not-a-file") in [(f.path, f.line, f.rule) for f in found], found


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


def test_two_programmes_on_one_host_never_give_two_evenings_one_uid(catalog: Catalog) -> None:
    """A calendar app keeps one event of a UID: example.org/north/ and example.org/south/ each
    make their own, while a site at the root of its host keeps the UIDs its subscribers have
    (`<file>@<host>`). Without site_url, a UID is made from repo_url (or site_name): never a
    shared placeholder host, and no URL (which must be absolute) in the event."""
    from opencpd.core.calendar import calendars

    def uids(site_url: str, site_name: str = "") -> set[str]:
        made = calendars(catalog, site_url, site_name=site_name)
        return {str(e["uid"]) for e in events(made["calendar/all.ics"])}

    root = uids("https://cpd.test-hub.org.uk")
    assert "2027-03-31-leeds-speaking@cpd.test-hub.org.uk" in root
    assert root == uids("https://cpd.test-hub.org.uk/", "https://github.com/x/y")
    north, south = uids("https://example.org/north/"), uids("https://example.org/south")
    assert "2027-03-31-leeds-speaking@example.org/north" in north
    assert len(north) == len(south) == len(root) > 2 and not north & south
    bare = calendars(catalog, "", site_name="https://github.com/north-hub/cpd")
    unnamed = uids("", "https://github.com/south-hub/cpd")
    found = events(bare["calendar/all.ics"])
    assert {str(e["uid"]) for e in found} == uids("", "https://github.com/north-hub/cpd/")
    assert not {str(e["uid"]) for e in found} & unnamed
    assert all("url" not in e and "Details" not in str(e["description"]) for e in found)
    assert "SOURCE" not in bare["calendar/all.ics"]


def test_a_build_without_site_url_says_what_the_feeds_need(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from opencpd.adapters import packs

    monkeypatch.setattr(packs, "_warned", set())
    packs.warn_no_site_url("https://cpd.test-hub.org.uk/")
    assert capfd.readouterr().err == ""
    packs.warn_no_site_url("")
    packs.warn_no_site_url("")  # said once
    said = capfd.readouterr().err
    assert said.count("WARNING") == 1 and "site_url in mkdocs.yml is not set" in said
    assert "before anyone subscribes" in said


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
    from opencpd.core.site_ids import SiteIds

    site = "https://cpd.test-hub.org.uk/"
    out = calendars(catalog, site)
    assert len(out) > 5
    for uri, text in out.items():
        parsed = icalendar.Calendar.from_ical(text)
        whole = icalendar.Calendar()
        whole.add("prodid", PRODID)
        whole.add("version", "2.0")
        whole.add("calscale", "GREGORIAN")
        whole.add("method", "PUBLISH")
        for name in ("name", "x-wr-calname"):
            whole.add(name, str(parsed[name]), parameters={"VALUE": "TEXT"})
        if uri.startswith("calendar/"):
            whole.add("description", str(parsed["description"]))
            whole.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
            whole.add("x-published-ttl", icalendar.vDuration(REFRESH))
            whole.add("source", site + uri, parameters={"VALUE": "URI"})
        whole.add("x-wr-timezone", str(LONDON))
        slugs = [str(e["uid"]).split("@")[0] for e in parsed.walk("VEVENT")]
        found = [d for slug in slugs for d in catalog.deliveries if d.slug == slug]
        for delivery in found:
            whole.add_component(event(catalog, delivery, SiteIds.of(site)))
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


def test_a_calendars_name_reads_as_written_in_ical_js_too(tmp_path: Path, build_day: None) -> None:
    """A name is a text, its commas and semicolons escaped as in any other (read back by the
    library, the name is the centre's), and said to be one (VALUE=TEXT): ical.js, in
    Thunderbird and web calendars, knows neither RFC 7986's NAME nor X-WR-CALNAME and showed
    the backslashes of 'Speaking at KS2\\, Leeds Hub'. Every file's name, description and
    source read in ical.js as written, the programme's name (the site's site_name) in them too."""
    from opencpd.core.calendar import calendars, feed_names

    from .icaljs import read_with_icaljs

    root = tiny_site(tmp_path / "src")
    centre = root / "centres" / "leeds-hub.md"
    centre.write_text(
        centre.read_text("utf-8").replace("Leeds Languages Hub", "Leeds Hub; Room 2, North")
    )
    catalog = load_catalog(root, load_vocabulary())
    programme = 'Hub "North" & <Co>, Ltd; test'
    out = calendars(catalog, "https://cpd.test-hub.org.uk/", programme=programme)
    text = out[f"{LEEDS}.ics"]
    parsed = icalendar.Calendar.from_ical(text)
    summary = parsed.walk("VEVENT")[0]["summary"]
    assert str(summary) == "Speaking at KS2, Leeds Hub; Room 2, North"  # read as a text
    assert parsed["name"].to_ical() == parsed["x-wr-calname"].to_ical() == summary.to_ical()
    assert "X-WR-CALNAME;VALUE=TEXT:Speaking at KS2\\, Leeds Hub\\; Room 2\\, North\r\n" in text
    read = read_with_icaljs(out)
    assert read[f"{LEEDS}.ics"]["props"]["name"] == "Speaking at KS2, Leeds Hub; Room 2, North"
    feeds = feed_names(catalog, programme)
    for uri, found in read.items():
        props = found["props"]
        name = (
            feeds[uri][0] if uri in feeds else str(icalendar.Calendar.from_ical(out[uri])["name"])
        )
        assert props["name"] == props["x-wr-calname"] == name, uri
        assert "\\" not in name, uri
        if uri in feeds:  # subscribed: what it holds, how often to look again, and where
            assert props["description"] == feeds[uri][1], uri
            assert (props["refresh-interval"], props["source"]) == (
                "PT12H",
                f"https://cpd.test-hub.org.uk/{uri}",
            ), uri
        else:  # a file to add once
            assert props["source"] is props["refresh-interval"] is None, uri
    assert f"{programme}: twilights in South West" in {read[u]["props"]["name"] for u in feeds}


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


def test_a_deliverys_json_ld_says_only_what_the_site_knows(tmp_path: Path, build_day: None) -> None:
    """As search engines read an Event: given offline, at a Place with a PostalAddress (its
    street when the centre gives one), organised by the centre (an Organization, never a
    person), and offered only while it can be booked through a link, with no price or
    availability, which nobody gives. Without site_url, no relative address."""
    from opencpd.core.metadata import delivery_json_ld

    from .schema_org import problems

    root = tiny_site(tmp_path / "src")
    centre = root / "centres" / "bristol-hub.md"
    centre.write_text(centre.read_text("utf-8").replace("example: true\n", ""), "utf-8")
    catalog = load_catalog(root, load_vocabulary())
    made = delivery_json_ld(catalog, "https://x.org.uk/")
    leeds, cancelled = made[f"{LEEDS}.md"], made["deliveries/2027-02-10-bristol-transition.md"]
    for data in made.values():
        assert problems(data) == [], problems(data)
        assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
        assert data["organizer"]["@type"] == "Organization"
        assert data["organizer"]["name"] == data["location"]["name"]
        assert data["location"]["address"]["@type"] == "PostalAddress"
        assert "price" not in json.dumps(data) and "availability" not in json.dumps(data)
    assert leeds["offers"] == {
        "@type": "Offer",
        "url": "https://bookings.leeds-hub.org.uk/speaking",
    }
    assert leeds["location"]["address"]["streetAddress"] == "1 Test Street, Leeds"
    assert leeds["organizer"]["url"] == "https://x.org.uk/centres/leeds-hub/"
    assert "streetAddress" not in cancelled["location"]["address"]
    assert cancelled["eventStatus"] == "https://schema.org/EventCancelled"
    assert "offers" not in cancelled  # it has a booking link, but cannot be booked
    assert "offers" not in made["deliveries/2026-12-01-leeds-speaking.md"]  # held
    bare = delivery_json_ld(catalog, "")[f"{LEEDS}.md"]
    assert "url" not in bare and "url" not in bare["organizer"] and problems(bare) == []


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


def test_a_centre_whose_file_has_findings_is_named_as_such(tmp_path: Path, build_day: None) -> None:
    """centres/leeds-hub.md exists but is not valid: its own findings say what to fix, and
    the deliveries there said the centre did not exist ('expected a file
    centres/leeds-hub.md, got none'), sending the author to make a file already there."""
    root = tiny_site(tmp_path / "src")
    centre = root / "centres" / "leeds-hub.md"
    centre.write_text(centre.read_text("utf-8").replace("town: Leeds\n", ""))
    path = write_delivery(root, "2027-05-05-leeds", {})
    findings = load_catalog(root, load_vocabulary()).findings
    assert [f.rule for f in findings if f.path == "centres/leeds-hub.md"], findings
    found = [f for f in findings if f.path == path]
    assert [(f.line, f.rule) for f in found] == [(3, "unreadable-centre")], found
    assert "(expected a centre that passes `opencpd check`, got findings in " in str(found[0])
    assert "centres/leeds-hub.md). Fix the findings in centres/leeds-hub.md" in str(found[0])
    assert not any(f.rule == "unknown-centre" for f in findings), findings


def test_a_twilight_whose_file_has_findings_is_named_as_such(
    tmp_path: Path, build_day: None
) -> None:
    """The module's only twilight is not valid: the delivery that names no sessions (so runs
    the twilight) said the module had none ('expected one to run, got none')."""
    root = tiny_site(tmp_path / "src")
    twilight = root / "modules" / "ks2-speaking" / "sessions" / "01-twilight.md"
    twilight.write_text(twilight.read_text("utf-8").replace("duration: 120", "duration: long"))
    path = write_delivery(root, "2027-05-05-twilight", {})
    found = [f for f in load_catalog(root, load_vocabulary()).findings if f.path == path]
    assert [(f.line, f.rule) for f in found] == [(2, "unreadable-session")], found
    assert "has no twilight session that can be run (expected one that passes `opencpd " in str(
        found[0]
    )
    assert "got findings in modules/ks2-speaking/sessions/01-twilight.md)" in str(found[0])


def busy_catalog(root: Path, coming: int = 45, held: int = 0) -> Catalog:
    """The tiny site with `coming` more twilights at Leeds, one an evening from 1 February
    2027, and `held` more held there, one every nine days back from 20 December 2026."""
    import datetime as dt

    tiny_site(root)
    for n in range(coming):
        day = (dt.date(2027, 2, 1) + dt.timedelta(days=n)).isoformat()
        write_delivery(root, f"{day}-leeds", {"date": day})
    for n in range(held):
        day = (dt.date(2026, 12, 20) - dt.timedelta(days=9 * (n + 1))).isoformat()
        write_delivery(root, f"{day}-held", {"date": day, "status": "held", "announced": day})
    catalog = load_catalog(root, load_vocabulary())
    assert not [f for f in catalog.findings if f.severity == "error"], catalog.findings[:3]
    return catalog


def test_a_busy_centre_lists_every_twilight_to_come_a_page_at_a_time(
    tmp_path: Path, build_day: None
) -> None:
    """A hub with 46 evenings booked showed its first 20 and a link to its region: each is on
    one of its pages, 20 to a page, soonest first, with the calendar's pager."""
    catalog = busy_catalog(tmp_path / "src")
    out = pages(catalog)
    leeds = ["centres/leeds-hub.md", "centres/leeds-hub/2.md", "centres/leeds-hub/3.md"]
    assert "centres/leeds-hub/4.md" not in out and "centres/bristol-hub/2.md" not in out
    shown = [re.findall(r'href="[./]*deliveries/([\w-]+)/"', out[uri]) for uri in leeds]
    assert [len(found) for found in shown] == [20 + 1, 20, 6]  # the first, and one held there
    coming = sorted(d.slug for d in catalog.deliveries if d.meta.centre == "leeds-hub")[1:]
    assert [s for found in shown for s in found if s != "2026-12-01-leeds-speaking"] == coming
    first, second = out[leeds[0]], out[leeds[1]]
    assert "46 coming up</span> here, soonest first, 20 to a page." in first
    assert '<a href="2/" rel="next">Next page</a>' in first and "More in" not in first
    assert "<h1>Leeds Languages Hub: twilights coming up (page 2)</h1>" in second
    assert '<a href="../" rel="prev">Previous page</a>' in second
    assert '<a href="../3/" rel="next">Next page</a>' in second
    assert '<a href="../">The centre\'s page</a>' in second and "Twilights held here" not in second
    assert "search:\n  exclude: true" in second and "search:" not in first.split("\n---")[0]
    assert max(len(out[uri].encode()) for uri in leeds) < 60_000


def test_a_later_page_says_when_its_neighbours_end_for_the_script(
    tmp_path: Path, build_day: None
) -> None:
    """What the script reads to count those passed since the build on any page of a list: when
    the list's first twilight ends, the last before the page and the first after it."""
    out = pages(busy_catalog(tmp_path / "src"))
    span = re.compile(r"<span data-calendar-count ([^>]*)>")
    assert span.findall(out["calendar/2.md"]) == [
        'data-total="48" data-before="20" data-first-ends="2027-02-01T18:00:00+00:00" '
        'data-before-ends="2027-02-19T18:00:00+00:00" '
        'data-after-ends="2027-03-12T18:00:00+00:00" data-first-page="../" data-page-size="20"'
    ]
    assert span.findall(out["centres/leeds-hub.md"]) == [
        'data-total="46" data-before="0" data-after-ends="2027-02-21T18:00:00+00:00" '
        'data-first-page="./" data-page-size="20"'
    ]
    # a list of one page needs none of them: its pages are as they were
    assert span.findall(out["calendar/region/south-west/index.md"]) == [
        'data-total="2" data-before="0"'
    ]


def test_the_held_list_leads_to_each_year_and_month(tmp_path: Path, build_day: None) -> None:
    """After years of twilights held, a coordinator goes from any page of the list to the page
    where a year or a month begins: one link on each page, however many years there are."""
    out = pages(busy_catalog(tmp_path / "src", coming=0, held=130))
    years = out["calendar/held/years.md"]
    for uri in ("calendar/held/index.md", "calendar/held/3.md"):
        assert out[uri].count('href="') - out[uri].count('class="delivery-item') * 2 < 16
        assert out[uri].count("Go to a year or a month") == 1
    assert '<a href="years/">Go to a year or a month</a>' in out["calendar/held/index.md"]
    assert '<a href="../years/">Go to a year or a month</a>' in out["calendar/held/3.md"]
    # 131 held, newest first: 2026 on pages 1 and 2, 2025 from page 3 (its first on 16 December)
    assert '<li><a href="../">2026</a>: 40 twilights, from page 1.' in years
    assert '<li><a href="../3/">2025</a>: 40 twilights, from page 3.' in years
    assert '<li><a href="../7/">2023</a>: 10 twilights, from page 7.' in years
    held = out["calendar/held/6.md"]
    march = '<a href="../6/">March<span class="opencpd-visually-hidden"> 2024</span></a>'
    assert march in years and "March 2024" in held.split("<ol")[1].split("</ol>")[0]
    names = re.findall(r"<a [^>]*>(.*?)</a>", years.split("<nav")[1])
    names = [re.sub(r"<[^>]+>", "", name) for name in names]
    assert len(names) == len(set(names)) == 4 + 12 * 3 + 3  # each year and month told apart
    assert "calendar/held/years.md" not in pages(busy_catalog(tmp_path / "few", coming=0, held=3))


@pytest.mark.parametrize(
    "uri,golden",
    [
        ("centres/leeds-hub/3.md", "deliveries/centre-page-3.md"),
        ("calendar/held/years.md", "deliveries/held-years.md"),
    ],
)
def test_a_busy_programmes_pages_match_their_golden_files(
    tmp_path: Path, build_day: None, uri: str, golden: str
) -> None:
    assert_golden(golden, pages(busy_catalog(tmp_path / "src", held=130))[uri])
