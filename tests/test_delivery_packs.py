"""The packs made for an evening, read back with pdftotext: cover, running order in clock times,
checklist, sign-in sheet and certificates (the tiny site of tests/deliveries_site.py)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from opencpd.core.catalog import Catalog
from opencpd.core.load import load_catalog
from opencpd.core.vocabulary import load_vocabulary

from .deliveries_site import LEEDS, pack_pdf, pages, pdf_pages, squash, tiny_site, write_delivery

TESTS = Path(__file__).resolve().parent
PNG = (
    TESTS / "resources_fixture/modules/ks2-speaking/resources/weather-bingo/board.png"
).read_bytes()


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


def test_notes_without_a_folder_of_their_own_show_no_picture_in_pack_or_page(
    tmp_path: Path, build_day: None
) -> None:
    """A delivery's or a centre's notes have no folder of files: a picture named in them would
    be read against whatever folder the output is made in, and the pack's PDF is made in the
    project itself, so it took a pending resource's photo into every printed copy."""
    from opencpd.core.packs import PackOptions
    from opencpd.core.packs.delivery import packs_for
    from opencpd.core.packs.html import pack_html

    root = tiny_site(tmp_path / "src")
    photo = "modules/ks2-speaking/resources/pending-photos/photo.png"
    (root / photo).parent.mkdir(parents=True)
    song = (root / "modules/ks2-speaking/resources/greetings-song/index.md").read_text()
    pending = song.replace(
        "status: approved", "status: pending\nfiles: [{path: photo.png, title: Photo, alt: A book}]"
    )
    (root / photo).with_name("index.md").write_text(pending)
    (root / photo).write_bytes(PNG)
    (root / "centres/leeds-hub.md").write_text(
        (root / "centres/leeds-hub.md").read_text() + f"\n![The hall]({photo})\n"
    )
    notes = f'Bring a plan.\n\n![Pupils\' books]({photo})\n\n<img src="{photo}" alt="b">\n'
    write_delivery(root, "2027-05-05-photos", {"status": "confirmed"}, notes)
    catalog = load_catalog(root, load_vocabulary())
    assert catalog.findings == []
    delivery = next(d for d in catalog.deliveries if d.slug == "2027-05-05-photos")
    for pack in packs_for(catalog, delivery):
        html = pack_html(pack, catalog, PackOptions(site_url="https://cpd.test-hub.org.uk/"))
        assert "Bring a plan." in html and "pending-photos" not in html, pack.edition
    shown = pages(catalog)
    for page in ["deliveries/2027-05-05-photos.md", "centres/leeds-hub.md"]:
        assert "Bring a plan." in shown[page] or "Park behind" in shown[page], page
        assert "pending-photos" not in shown[page], page
