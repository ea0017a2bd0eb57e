"""School-to-school support with real parts: findings at path:line, golden pages, the catalogue
export, a strict build with one withdrawn and one expired offer searched through every output
(HTML, decoded Pagefind fragments, feeds, JSON, sitemap, offline zips), both issue forms run
through the intake with good and malicious bodies, and the directory's filters in Chromium."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from opencpd.core.catalog import Catalog
from opencpd.core.load import load_catalog
from opencpd.core.vocabulary import load_vocabulary

from .conftest import FIXTURE_SITE, mkdocs_warnings
from .conftest_browser import serve
from .golden import assert_golden, published
from .test_resources import every_text
from .test_search import write_site

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURE = TESTS / "support_fixture"
BUILD_DAY = "1799582400"  # 10 January 2027, 12:00 UTC
HIDDEN = [
    "Withdrawnmarker",
    "Wilhelmina Withdrawnperson",
    "Zebedee Withdrawnschool",
    "withdrawn-offer",
    "Expiredmarker",
    "Xavier Expiredperson",
    "Quentin Expiredschool",
    "expired-offer",
    "Pendingmarker",
    "Petra Pendingperson",
    "pending-offer",
    "Requestmarker",
]
SHOWN = "Moor Lane Primary"  # the listed offer's school: on its page and its module's


@pytest.fixture
def build_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_DAY)


def tiny_site(target: Path) -> Path:
    shutil.copytree(FIXTURE_SITE, target, symlinks=True)
    shutil.copytree(FIXTURE / "support", target / "support")
    return target


@pytest.fixture
def catalog(tmp_path: Path, build_day: None) -> Catalog:
    return load_catalog(tiny_site(tmp_path / "src"), load_vocabulary())


def test_only_listed_offers_within_their_review_date_are_published(catalog: Catalog) -> None:
    assert [o.slug for o in catalog.offers] == [
        "speaking-grid",
        "phonics-routines",
        "computing-plans",
    ]
    assert [str(f) for f in catalog.findings] == [
        "support/expired-offer.md:22:1: offer-expired: the offer expired after its review "
        "date, 31 December 2026 (expected a date on or after the build date, 10 January 2027). "
        "It is not published until it is reviewed: ask the school whether it stands and set a "
        "new review date, or set status: withdrawn."
    ]
    assert catalog.findings[0].severity == "warning"


# ---------------------------------------------------------------- bad input, path:line

GOOD = {
    "title": "Phonics in Year 3",
    "subject": "languages",
    "themes": "[speaking]",
    "phase": "primary",
    "key_stages": "[KS2]",
    "formats": "[visit]",
    "school": "{name: Hill Primary, town: Derby, region: east-midlands}",
    "colleague": "{name: Sam Lead, role: Languages lead, consent: true}",
    "nomination": "{nominated_by_head: true, date: 2026-09-01}",
    "availability": "Mondays",
    "capacity": "2",
    "charges": "free",
    "review": "2027-12-31",
    "status": "listed",
    "submitted": "2026-09-10",
}
BAD = [  # name, fields changed (None: left out), line, rule, words, severity
    (
        "unknown-subject",
        {"subject": "maths"},
        3,
        "bad-value",
        "Did you mean 'mathematics'",
        "error",
    ),
    ("unknown-theme", {"themes": "[speeking]"}, 4, "bad-value", "speaking", "error"),
    ("unknown-format", {"formats": "[call]"}, 7, "bad-value", "remote-call", "error"),
    (
        "unknown-region",
        {"school": "{name: Hill, town: Derby, region: midlands}"},
        8,
        "bad-value",
        "east-midlands",
        "error",
    ),
    (
        "no-consent",
        {"colleague": "{name: Sam Lead, role: Lead, consent: false}"},
        9,
        "no-consent",
        "shown nowhere",
        "warning",
    ),
    (
        "consent-as-text",
        {"colleague": "{name: Sam Lead, role: Lead, consent: 'yes'}"},
        9,
        "wrong-type",
        "expected true or false",
        "error",
    ),
    (
        "nomination-as-text",
        {"nomination": "{nominated_by_head: 'yes', date: 2026-09-01}"},
        10,
        "wrong-type",
        "expected true or false",
        "error",
    ),
    (
        "no-nomination",
        {"nomination": "{nominated_by_head: false, date: 2026-09-01}"},
        10,
        "no-nomination",
        "headteacher",
        "error",
    ),
    ("nomination-missing", {"nomination": None}, 1, "missing-field", "nomination", "error"),
    ("listed-not-ready", {"availability": None}, 14, "not-ready", "availability", "error"),
    (
        "pending-not-ready",
        {"availability": None, "status": "pending"},
        14,
        "not-ready",
        "before listing",
        "warning",
    ),
    (
        "personal-email",
        {"availability": "Ask sam.lead@gmail.com"},
        11,
        "personal-data",
        "sam.lead@gmail.com",
        "error",
    ),
    ("postcode", {"availability": "Mondays at LS1 4AB"}, 11, "personal-data", "postcode", "error"),
    ("review-too-far", {"review": "2030-01-01"}, 14, "review-too-far", "10 January 2029", "error"),
    ("expired", {"review": "2026-12-01"}, 14, "offer-expired", "1 December 2026", "warning"),
]


def write_offer(
    root: Path, name: str, fields: dict[str, str | None], body: str = "What we offer."
) -> str:
    lines = [f"{k}: {v}" for k, v in {**GOOD, **fields}.items() if v is not None]
    path = root / "support" / f"{name}.md"
    path.write_text("---\n" + "\n".join(lines) + f"\n---\n{body}\n", encoding="utf-8")
    return f"support/{name}.md"


@pytest.mark.parametrize("name,fields,line,rule,words,severity", BAD, ids=[b[0] for b in BAD])
def test_each_bad_offer_is_a_finding_at_its_line(
    tmp_path: Path,
    build_day: None,
    name: str,
    fields: dict[str, str | None],
    line: int,
    rule: str,
    words: str,
    severity: str,
) -> None:
    root = tiny_site(tmp_path / "src")
    path = write_offer(root, name, fields)
    catalog = load_catalog(root, load_vocabulary())
    mine = [f for f in catalog.findings if f.path == path]
    assert any(
        f.line == line and f.rule == rule and words in str(f) and f.hint and f.severity == severity
        for f in mine
    ), "\n".join(map(str, mine))
    published = name in [o.slug for o in catalog.offers]
    assert published == (rule == "no-consent")  # listed, without the colleague's name


def test_a_phone_number_in_the_text_is_refused(tmp_path: Path, build_day: None) -> None:
    root = tiny_site(tmp_path / "src")
    path = write_offer(root, "phone", {}, "Plans to share.\nRing Sam on 07700 900123.")
    found = [
        (f.line, f.rule) for f in load_catalog(root, load_vocabulary()).findings if f.path == path
    ]
    assert found == [(19, "personal-data")]


def test_an_offer_named_index_is_refused(tmp_path: Path, repo: Path, build_day: None) -> None:
    """support/index.md would be published at the offers' own index page: a bad-name, and
    `new offer index` writes nothing."""
    from opencpd.cli import main

    root = tiny_site(tmp_path / "src")
    path = write_offer(root, "index", {})
    catalog = load_catalog(root, load_vocabulary())
    assert [(f.line, f.rule) for f in catalog.findings if f.path == path] == [(1, "bad-name")]
    assert "index" not in [o.slug for o in catalog.offers]
    refused = CliRunner().invoke(main, offer_args(repo, "index"))
    assert refused.exit_code == 1 and "nor 'index'" in refused.output, refused.output
    assert not (repo / "support" / "index.md").exists()


def test_programme_and_requests_are_checked(tmp_path: Path, build_day: None) -> None:
    root = tiny_site(tmp_path / "src")
    programme = root / "support" / "programme.md"
    programme.write_text(
        programme.read_text("utf-8").replace(
            "school-support@test-hub.org.uk", "jane.smith@gmail.com"
        ),
        "utf-8",
    )
    request = root / "support" / "requests" / "2027-01-05-hill-primary.md"
    request.write_text(
        request.read_text("utf-8")
        .replace("offer: phonics-routines", "offer: phonics-routine")
        .replace("Starting daily", "Call 0113 496 0000 about daily"),
        "utf-8",
    )
    found = {(f.path, f.line, f.rule) for f in load_catalog(root, load_vocabulary()).findings}
    assert ("support/programme.md", 3, "personal-contact") in found
    assert ("support/requests/2027-01-05-hill-primary.md", 2, "unknown-offer") in found
    assert ("support/requests/2027-01-05-hill-primary.md", 8, "personal-data") in found


@pytest.mark.parametrize(
    "contact",
    [
        "x?bcc=leak%40evil.example&to=school-support@test-hub.org.uk",
        "school-support?cc=leak%40evil.example@test-hub.org.uk",
        "school-support&body=Send%20it%20here@test-hub.org.uk",
        'school-support"onclick=x@test-hub.org.uk',
    ],
)
def test_the_teams_contact_is_a_mailbox_and_nothing_more(
    tmp_path: Path, build_day: None, contact: str
) -> None:
    """Every offer's "Email the team" link is `mailto:` and the contact: a `?`, `&` or `%` in
    it would add a copy or a text to every school's request, as in a centre's contact."""
    root = tiny_site(tmp_path / "src")
    programme = root / "support" / "programme.md"
    text = programme.read_text("utf-8")
    programme.write_text(text.replace("school-support@test-hub.org.uk", contact), "utf-8")
    found = {(f.path, f.line, f.rule) for f in load_catalog(root, load_vocabulary()).findings}
    assert ("support/programme.md", 3, "personal-contact") in found


# ---------------------------------------------------------------- pages and the export


def pages(catalog: Catalog) -> dict[str, str]:
    from opencpd.core.render import Renderer

    return published(Renderer(catalog, "16:00", "https://cpd.test-hub.org.uk/").pages())


@pytest.mark.parametrize(
    "uri,golden",
    [
        ("support/index.md", "support/directory.md"),
        ("support/region/south-west.md", "support/region.md"),
        ("support/offers/phonics-routines.md", "support/offer.md"),
        ("support/offers/computing-plans.md", "support/offer-example.md"),
        ("support/how-it-works.md", "support/how-it-works.md"),
        ("feeds/support.xml", "support/feed.xml"),
    ],
)
def test_pages_match_their_golden_files(catalog: Catalog, uri: str, golden: str) -> None:
    assert_golden(golden, pages(catalog)[uri])


def test_module_pages_show_the_offers_sharing_their_themes(catalog: Catalog) -> None:
    out = pages(catalog)
    speaking = out["modules/ks2-speaking/index.md"]
    assert (
        "## School-to-school support" in speaking
        and "Phonics routines in KS2 French" in speaking
        and "does not quality-assure" in speaking
    )
    assert "Assessing speaking" not in speaking  # assessment: not a theme of the module
    assert "School-to-school support" not in out["modules/ks3-reading/index.md"]


def test_examples_are_labelled_everywhere(catalog: Catalog) -> None:
    from opencpd.core.export import export

    out = pages(catalog)
    example = out["support/offers/computing-plans.md"]
    assert "title: 'Example: A computing" in example and "not a real offer" in example
    assert "Example, not a real offer" in out["support/index.md"]
    assert "Example: A computing" in out["feeds/support.xml"]
    assert "not a real offer" in out["feeds/support.xml"]
    offers = export(catalog)["support_offers"]
    assert [o["title"] for o in offers if o["example"]] == [
        "Example: A computing curriculum for mixed-age classes"
    ]


def test_every_support_page_says_the_team_links_and_does_not_quality_assure(
    catalog: Catalog,
) -> None:
    out = pages(catalog)
    support = [u for u in out if u.startswith("support/")]
    assert len(support) > 8
    assert all("does not quality-assure" in out[u] for u in support)


def test_the_export_carries_only_consented_fields(tmp_path: Path, build_day: None) -> None:
    from opencpd.core.export import export

    root = tiny_site(tmp_path / "src")
    offer = root / "support" / "speaking-grid.md"
    offer.write_text(offer.read_text("utf-8").replace("consent: true", "consent: false"), "utf-8")
    catalog = load_catalog(root, load_vocabulary())
    data = export(catalog, "https://cpd.test-hub.org.uk/")["support_offers"]
    by_ref = {o["reference"]: o for o in data}
    assert set(by_ref) == {"speaking-grid", "phonics-routines", "computing-plans"}
    assert by_ref["phonics-routines"]["colleague"] == {
        "name": "Rowan Listedname",
        "role": "Languages lead",
    }
    assert "colleague" not in by_ref["speaking-grid"]
    text = json.dumps(data)
    assert "Alex Gridname" not in text and "nomination" not in text and "source" not in text
    assert "Alex Gridname" not in "".join(pages(catalog).values())


# ---------------------------------------------------------------- a strict build, searched


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from opencpd.adapters.site import build_site

    base = tmp_path_factory.mktemp("support-site")
    content = tiny_site(base / "content")
    config = write_site(base / "config", content)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", BUILD_DAY)
        with mkdocs_warnings() as handler:
            build_site(str(config), base / "site")
    assert handler.messages == [], handler.messages
    return base / "site"


def test_withdrawn_expired_and_pending_offers_leave_every_output(built: Path) -> None:
    seen, shown_in = [], set()
    for name, text in every_text(built):
        seen.append(name)
        for marker in HIDDEN:
            assert marker not in text, f"{marker} in {name}"
        if SHOWN in text:
            shown_in.add(name.split("/")[0].split("!")[0])
    # Every kind of output was searched, and the listed offer is found in each of them.
    assert "sitemap.xml" in seen and "catalog.json" in seen and "feeds/support.xml" in seen
    assert any(n.startswith("pagefind/fragment/") for n in seen)
    assert any(n.startswith("offline/") and "!" in n for n in seen)
    assert {"support", "pagefind", "catalog.json", "offline"} <= shown_in, shown_in
    sitemap = (built / "sitemap.xml").read_text("utf-8")
    assert "support/offers/phonics-routines/" in sitemap
    assert not (built / "support" / "offers" / "expired-offer").exists()


# ---------------------------------------------------------------- the directory in Chromium


@pytest.fixture(scope="module")
def site_url(built: Path) -> Any:
    server, url = serve(built)
    yield url
    server.shutdown()
    server.server_close()


def titles(page: Any) -> list[str]:
    page.wait_for_function(
        "() => document.querySelector('.opencpd-results__status').textContent !== ''",
        timeout=10_000,
    )
    return page.locator(".opencpd-result h2").all_inner_texts()


def test_directory_filters_in_search_in_chromium(browser: Any, site_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(site_url + "browse/?type=School-to-school+support+offer", wait_until="load")
        page.wait_for_function(
            "() => /3 pages/.test(document.querySelector('.opencpd-results__status').textContent)",
            timeout=10_000,
        )
        assert sorted(titles(page)) == [
            "Assessing speaking with a grid",
            "Example: A computing curriculum for mixed-age classes",
            "Phonics routines in KS2 French",
        ]
        for group in ("Subject (school-to-school support)", "Phase", "Region", "Form of support"):
            assert page.locator(f"fieldset:has(legend:text-is('{group}'))").is_visible(), group
        page.check("input[name=region][value='Yorkshire and the Humber']")
        page.wait_for_function(
            "() => /^1 page/.test(document.querySelector('.opencpd-results__status').textContent)",
            timeout=10_000,
        )
        assert titles(page) == ["Phonics routines in KS2 French"]
        assert "region=Yorkshire+and+the+Humber" in page.url
        page.uncheck("input[name=region][value='Yorkshire and the Humber']")
        page.check("input[name=format][value='A remote call']")
        page.check("input[name=phase][value='Primary']")
        page.wait_for_function(
            "() => /^1 page/.test(document.querySelector('.opencpd-results__status').textContent)",
            timeout=10_000,
        )
        assert titles(page) == ["Example: A computing curriculum for mixed-age classes"]
    finally:
        context.close()


def test_directory_filter_links_in_chromium_without_javascript(browser: Any, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site_url + "support/")
        listed = ".support-item__what a"
        assert len(page.locator(listed).all_inner_texts()) == 3
        page.click("[data-support-filters] a:text('South West')")
        page.wait_for_url("**/support/region/south-west/")
        assert page.locator(listed).all_inner_texts() == ["Assessing speaking with a grid"]
        assert (
            page.locator("[data-support-filters] a[aria-current=page]").inner_text() == "South West"
        )
        page.click(f"{listed}:text('Assessing speaking')")
        page.wait_for_url("**/support/offers/speaking-grid/")
        mail = page.locator("a[href^='mailto:']").first.get_attribute("href")
        assert mail == (
            "mailto:school-support@test-hub.org.uk?subject=Link%20request%3A%20speaking-grid"
        )
    finally:
        context.close()


# ---------------------------------------------------------------- the forms, through intake


def issue_body(form_id: str, answers: dict[str, str], unticked: tuple[str, ...] = ()) -> str:
    from opencpd.intake import FORMS

    form = FORMS[form_id]
    parts = [f"### {q.label}\n\n{answers.get(q.id, '_No response_')}\n" for q in form.questions]
    boxes = "\n".join(f"- [{' ' if t.id in unticked else 'X'}] {t.label}" for t in form.checklist)
    parts.append(f"### {form.checklist_label}\n\n{boxes}\n")
    return "\n".join(parts)


NOMINATION = {
    "title": "Guided reading in Year 5 Spanish",
    "subject": "Languages (languages)",
    "themes": "Reading (reading)",
    "phase": "Primary (primary)",
    "key_stages": "Key Stage 2 (ages 7 to 11) (KS2)",
    "formats": "Hosting an observation (hosting), A remote call (remote-call)",
    "school_name": "Brook Street Primary",
    "school_town": "Derby",
    "school_region": "East Midlands (east-midlands)",
    "colleague_name": "Kim Reader",
    "colleague_role": "Spanish lead",
    "availability": "Thursday afternoons",
    "capacity": "2",
    "charges": "Free of charge",
    "body": "Pupils read aloud in pairs. {{ 7 * 6 }} stays as typed.\n\n<script>alert(1)</script>",
}
REQUEST = {
    "offer": "phonics-routines",
    "school_name": "Askington Primary",
    "school_town": "Derby",
    "school_region": "East Midlands (east-midlands)",
    "role": "Languages coordinator",
    "need": "Starting daily phonics routines",
    "body": "We have tried songs.",
}


def run_intake(root: Path, body: str, form: str) -> tuple[int, str]:
    from opencpd.intake.command import intake

    path = root.parent / f"{form}.md"
    path.write_text(body, encoding="utf-8")
    result = CliRunner().invoke(
        intake,
        [str(path), "-f", str(root / "mkdocs.yml"), "--form", form, "--submitted", "2027-01-08"],
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture
def repo(tmp_path: Path, build_day: None) -> Path:
    return tiny_site(tmp_path / "repo")


def test_a_nomination_becomes_a_pending_offer_published_once_listed(repo: Path) -> None:
    code, output = run_intake(
        repo, issue_body("nominate-a-colleague", NOMINATION), "nominate-a-colleague"
    )
    assert code == 0, output
    written = repo / "support" / "brook-street-primary-guided-reading-in-year-5-spanish.md"
    assert "created support/brook-street-primary-guided-reading" in output
    text = written.read_text("utf-8")
    meta = yaml.safe_load(text.split("---")[1])
    assert meta["status"] == "pending" and meta["colleague"]["consent"] is True
    assert meta["nomination"] == {
        "nominated_by_head": True,
        "date": __import__("datetime").date(2027, 1, 8),
    }
    catalog = load_catalog(repo, load_vocabulary())
    assert [f for f in catalog.findings if f.path.startswith("support/brook")] == []
    assert "brook-street-primary-guided-reading-in-year-5-spanish" not in [
        o.slug for o in catalog.offers
    ]
    written.write_text(text.replace("status: pending", "status: listed"), "utf-8")
    catalog = load_catalog(repo, load_vocabulary())
    page = pages(catalog)["support/offers/brook-street-primary-guided-reading-in-year-5-spanish.md"]
    assert "{{ 7 * 6 }} stays as typed" in page and "<script" not in page
    assert "Kim Reader, Spanish lead" in page


MALICIOUS = [
    ("markup-in-title", {"title": "<img src=x onerror=alert(1)>"}, (), "not-plain-text"),
    ("personal-email", {"body": "Write to kim.reader@gmail.com"}, (), "personal-data"),
    ("phone", {"availability": "Ring 0113 496 0000"}, (), "personal-data"),
    ("postcode", {"school_town": "Derby DE1 1AA"}, (), "personal-data"),
    ("no-head", {}, ("head",), "missing-tick"),
    ("no-consent", {}, ("consent",), "missing-tick"),
    ("unknown-subject", {"subject": "Astrology (astrology)"}, (), "bad-answer"),
]


@pytest.mark.parametrize("name,answers,unticked,rule", MALICIOUS, ids=[m[0] for m in MALICIOUS])
def test_a_bad_nomination_writes_nothing(
    repo: Path, name: str, answers: dict[str, str], unticked: tuple[str, ...], rule: str
) -> None:
    before = sorted(p.name for p in (repo / "support").iterdir())
    code, output = run_intake(
        repo,
        issue_body("nominate-a-colleague", {**NOMINATION, **answers}, unticked),
        "nominate-a-colleague",
    )
    assert code == 1 and f": {rule}: " in output, output
    assert "Nothing was written" in output
    assert sorted(p.name for p in (repo / "support").iterdir()) == before


def test_a_link_request_becomes_a_pending_request_never_published(repo: Path) -> None:
    code, output = run_intake(repo, issue_body("ask-for-a-link", REQUEST), "ask-for-a-link")
    assert code == 0, output
    written = repo / "support" / "requests" / "2027-01-08-askington-primary.md"
    meta = yaml.safe_load(written.read_text("utf-8").split("---")[1])
    assert meta["offer"] == "phonics-routines" and meta["status"] == "pending"
    catalog = load_catalog(repo, load_vocabulary())
    assert [f for f in catalog.findings if "requests/2027-01-08" in f.path] == []
    assert "Askington" not in "".join(pages(catalog).values())


@pytest.mark.parametrize(
    "answers,rule",
    [
        ({"offer": "../../mkdocs"}, "wrong-type"),
        ({"need": "Call me on 07700 900123"}, "personal-data"),
        ({"body": "My email is jo@hotmail.com"}, "personal-data"),
        ({"role": "<script>alert(1)</script>"}, "not-plain-text"),
    ],
    ids=["path-in-reference", "phone", "email", "script"],
)
def test_a_bad_link_request_writes_nothing(repo: Path, answers: dict[str, str], rule: str) -> None:
    code, output = run_intake(
        repo, issue_body("ask-for-a-link", {**REQUEST, **answers}), "ask-for-a-link"
    )
    assert code == 1 and f": {rule}: " in output, output
    assert not (repo / "support" / "requests" / "2027-01-08-askington-primary.md").exists()


def test_both_forms_are_generated_and_committed() -> None:
    from opencpd.intake import FORMS, settings
    from opencpd.intake.template import form_file, outputs

    written = outputs(settings(REPO))
    for form_id in ("nominate-a-colleague", "ask-for-a-link"):
        path = form_file(FORMS[form_id])
        assert (REPO / path).read_text("utf-8") == written[path]
        form = yaml.safe_load(written[path])
        ticks = next(i for i in form["body"] if i["type"] == "checkboxes")
        assert all(t["required"] for t in ticks["attributes"]["options"])
    nomination = yaml.safe_load(written[form_file(FORMS["nominate-a-colleague"])])
    ticks = " ".join(t["label"] for t in nomination["body"][-1]["attributes"]["options"])
    assert "headteacher" in ticks and "agrees to be listed" in ticks
    request = yaml.safe_load(written[form_file(FORMS["ask-for-a-link"])])
    assert [i["id"] for i in request["body"] if "id" in i][0] == "offer"  # prefilled by pages


def test_the_forms_cover_every_field_of_their_models() -> None:
    from opencpd.intake import FORMS

    for form_id in ("nominate-a-colleague", "ask-for-a-link"):
        form = FORMS[form_id]
        asked = {q.target.split(".")[0] for q in form.questions}
        ticked = {t.target.split(".")[0] for t in form.checklist if t.target}
        assert not set(form.model.model_fields) - asked - ticked - form.filled_by_intake


# ---------------------------------------------------------------- the scaffold


def offer_args(repo: Path, slug: str = "maths-mastery", changed: dict | None = None) -> list[str]:
    """`opencpd new offer` with a good offer's options, or those `changed`."""
    options = {
        "title": "Maths mastery in Year 5",
        "subject": "mathematics",
        "phase": "primary",
        "key-stage": "KS2",
        "format": "visit",
        "school": "Hill Primary",
        "town": "Derby",
        "region": "east-midlands",
        **(changed or {}),
    }
    given = [item for name, value in options.items() for item in (f"--{name}", value)]
    return ["new", "offer", slug, "-f", str(repo / "mkdocs.yml"), *given]


def test_new_offer_writes_a_pending_offer_left_for_the_moderator(repo: Path) -> None:
    from opencpd.cli import main

    result = CliRunner().invoke(main, offer_args(repo))
    assert result.exit_code == 0, result.output
    catalog = load_catalog(repo, load_vocabulary())
    rules = {f.rule for f in catalog.findings if f.path == "support/maths-mastery.md"}
    assert rules == {"no-nomination", "no-consent", "not-ready"}
    assert "maths-mastery" not in [o.slug for o in catalog.offers]
    bad = CliRunner().invoke(
        main,
        offer_args(repo, "x", {"title": "T", "subject": "maths", "school": "H", "town": "D"}),
    )
    assert bad.exit_code == 1 and "Did you mean 'mathematics'" in bad.output


def test_new_offer_without_the_programme_says_what_to_create_first(repo: Path) -> None:
    """In a site with no support/programme.md, `new offer` wrote an offer no moderator could
    list (offers are listed only with the programme's settings): it now writes nothing and
    says what to create, with a programme.md that passes the check."""
    from opencpd.cli import main
    from opencpd.scaffold_support import PROGRAMME_EXAMPLE

    shutil.rmtree(repo / "support")
    args = offer_args(repo)
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 1, refused.output
    assert isinstance(refused.exception, SystemExit)
    assert "there is no support/programme.md" in refused.output
    assert "nothing was written" in refused.output
    assert PROGRAMME_EXAMPLE in refused.output
    assert not (repo / "support").exists()
    (repo / "support").mkdir()
    (repo / "support" / "programme.md").write_text(PROGRAMME_EXAMPLE, "utf-8")
    made = CliRunner().invoke(main, args)
    assert made.exit_code == 0, made.output
    found = load_catalog(repo, load_vocabulary()).findings
    assert not [f for f in found if f.path == "support/programme.md"], found
    rules = {f.rule for f in found if f.path == "support/maths-mastery.md"}
    assert rules == {"no-nomination", "no-consent", "not-ready"}
