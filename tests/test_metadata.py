"""Open metadata of the repository's own site: LRMI JSON-LD, sitemap, catalog export, licences."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from opencpd.cli import main
from opencpd.core.catalog import Doc

from .conftest_browser import REPO, BuiltSite
from .schema_org import problems

MODULE = "modules/ks2-phonics-early-reading/"
SESSION = MODULE + "sessions/01-twilight/"
RESOURCE = MODULE + "resources/french-sound-swat-game/"
PENDING = "modules/ks3-assessment-feedback/resources/german-writing-feedback-codes/"
SITE_URL = "https://opencpd.example.org/"
ISO_DURATION = re.compile(r"^PT(?=\d)(\d+H)?(\d+M)?$")
LRMI = (
    "name",
    "description",
    "educationalLevel",
    "inLanguage",
    "teaches",
    "keywords",
    "audience",
    "learningResourceType",
    "timeRequired",
    "license",
    "author",
    "dateModified",
    "isPartOf",
)


def json_ld(site: Path, path: str) -> dict[str, Any]:
    html = (site / path / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert len(blocks) == 1, f"{path}: expected one JSON-LD block, found {len(blocks)}"
    data: dict[str, Any] = json.loads(blocks[0])
    return data


def minutes_of(iso: str) -> int:
    """PT1H50M -> 110; fails on anything that is not an ISO 8601 duration in hours/minutes."""
    parts = ISO_DURATION.match(iso)
    assert parts, f"not an ISO 8601 duration: {iso!r}"
    return int((parts.group(1) or "0H")[:-1]) * 60 + int((parts.group(2) or "0M")[:-1])


def assert_lrmi(data: dict[str, Any], properties: tuple[str, ...] = LRMI) -> None:
    missing = [p for p in properties if not data.get(p)]
    assert not missing, f"JSON-LD lacks {missing}: {json.dumps(data, indent=1)[:1500]}"
    assert data["@context"] == "https://schema.org"
    assert data["audience"] == {"@type": "EducationalAudience", "educationalRole": "teacher"}
    assert re.match(r"^https://creativecommons\.org/licenses/", data["license"]), data["license"]
    assert re.match(r"^\d{4}-\d{2}-\d{2}$", data["dateModified"])
    # Every page is written in British English, whatever languages its examples are in
    assert data["inLanguage"][0] == "en-GB", data["inLanguage"]
    assert isinstance(data["keywords"], list) and data["keywords"]
    assert data["isPartOf"].get("name") and data["isPartOf"].get("url", "").startswith(SITE_URL)


def test_module_json_ld(built_repo_site: BuiltSite) -> None:
    data = json_ld(built_repo_site.folder, MODULE)
    assert_lrmi(data)
    assert "LearningResource" in data["@type"] and "Course" in data["@type"]
    assert data["name"] == "Phonics and early reading"
    assert data["educationalLevel"] == "Key Stage 2"
    assert set(data["inLanguage"]) == {"en-GB", "fr", "de", "es"}
    assert "Phonics" in data["teaches"]
    module = built_repo_site.catalog.module("ks2-phonics-early-reading")
    assert module is not None
    assert minutes_of(data["timeRequired"]) == sum(s.meta.duration for s in module.sessions)
    assert data["url"] == SITE_URL + MODULE
    assert data["author"] and all(a["name"] for a in data["author"])
    assert len(data["hasPart"]) == 3


def test_session_json_ld(built_repo_site: BuiltSite) -> None:
    data = json_ld(built_repo_site.folder, SESSION)
    assert_lrmi(data)
    assert data["timeRequired"] == "PT1H50M"  # duration: 110 (minutes) in its front matter
    assert data["isPartOf"] == {
        "@type": "Course",
        "name": "Phonics and early reading",
        "url": SITE_URL + MODULE,
    }


def test_resource_json_ld(built_repo_site: BuiltSite) -> None:
    data = json_ld(built_repo_site.folder, RESOURCE)
    assert_lrmi(data, tuple(p for p in LRMI if p != "timeRequired"))
    assert data["contributor"]["name"] and data["author"] == data["contributor"]
    assert data["inLanguage"] == ["en-GB", "fr"]


def test_every_module_session_and_resource_page_has_json_ld(built_repo_site: BuiltSite) -> None:
    for module in built_repo_site.catalog.modules:
        assert_lrmi(json_ld(built_repo_site.folder, module.url))
        for session in module.sessions:
            data = json_ld(built_repo_site.folder, session.url)
            assert_lrmi(data)
            assert minutes_of(data["timeRequired"]) == session.meta.duration, (
                f"{session.url}: timeRequired {data['timeRequired']} for "
                f"{session.meta.duration} minutes"
            )
        for resource in module.resources:
            assert_lrmi(
                json_ld(built_repo_site.folder, resource.url),
                tuple(p for p in LRMI if p != "timeRequired"),
            )


def json_ld_blocks(site: Path) -> dict[str, list[Any]]:
    """Each page of the built site -> the JSON-LD objects in it."""
    found = {}
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        found[str(page.relative_to(site))] = [
            json.loads(b)
            for b in re.findall(
                r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL
            )
        ]
    return found


def test_every_content_page_has_json_ld_that_fits_schema_org(built_repo_site: BuiltSite) -> None:
    """Handouts, publications and chapters too; checked against schema.org's vocabulary."""
    blocks = json_ld_blocks(built_repo_site.folder)
    missing = [
        path
        for path, _, _ in content_pages(built_repo_site)
        if len(blocks[path + "index.html"]) != 1
    ]
    assert not missing, "content pages without one JSON-LD block:\n" + "\n".join(missing)
    wrong = [
        f"{path}: {p}" for path, found in blocks.items() for data in found for p in problems(data)
    ]
    assert not wrong, "JSON-LD that does not fit schema.org:\n" + "\n".join(wrong[:40])


def test_json_ld_without_a_site_url_gives_no_address(built_repo_site: BuiltSite) -> None:
    """Without site_url no page's JSON-LD names an address: a root-relative one would be wrong
    for a site below its host's root, and schema.org's are absolute. With it, every one is."""
    from opencpd.core.metadata import Metadata

    def urls(found: object) -> list[str]:
        if isinstance(found, dict):
            return [v for k, v in found.items() if k == "url"] + urls(list(found.values()))
        return [u for item in found for u in urls(item)] if isinstance(found, list) else []

    catalog = built_repo_site.catalog
    without = Metadata(catalog, "", "Hub").all()
    assert len(without) > 100 and urls(list(without.values())) == []
    module = catalog.module(MODULE.split("/")[1])
    assert module is not None
    assert without[module.page]["isPartOf"] == {"@type": "CreativeWorkSeries", "name": "Hub"}
    given = urls(list(Metadata(catalog, "https://x.org/hub", "Hub").all().values()))
    assert len(given) > 300 and all(u.startswith("https://x.org/hub/") for u in given)


def test_publication_and_chapter_json_ld(built_repo_site: BuiltSite) -> None:
    publication = built_repo_site.catalog.publication("peer-mentoring")
    assert publication is not None
    data = json_ld(built_repo_site.folder, publication.url)
    assert "Book" in data["@type"] and data["name"] == publication.meta.title
    assert [part["url"] for part in data["hasPart"]] == [
        SITE_URL + c.url for c in publication.chapters
    ]
    chapter = json_ld(built_repo_site.folder, publication.chapters[0].url)
    assert "Chapter" in chapter["@type"]
    assert chapter["isPartOf"] == {
        "@type": "Book",
        "name": publication.meta.title,
        "url": SITE_URL + publication.url,
    }
    assert chapter["inLanguage"] == "en-GB" and chapter["license"].startswith("https://")


def test_handout_json_ld(built_repo_site: BuiltSite) -> None:
    data = json_ld(built_repo_site.folder, MODULE + "handouts/key-sounds/")
    assert_lrmi(data, tuple(p for p in LRMI if p != "timeRequired"))
    assert data["learningResourceType"] == "handout"


def people_and_organisations(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [found for item in data for found in people_and_organisations(item)]
    if not isinstance(data, dict):
        return []
    here = [data] if data.get("@type") in ("Person", "Organization") else []
    return here + people_and_organisations(list(data.values()))


def test_names_are_names_and_the_project_team_is_an_organisation(
    built_repo_site: BuiltSite,
) -> None:
    blocks = json_ld_blocks(built_repo_site.folder)
    agents = [
        (path, agent) for path, found in blocks.items() for agent in people_and_organisations(found)
    ]
    assert agents
    wrong = [
        f"{path}: {agent}"
        for path, agent in agents
        if "(" in agent["name"]
        or ")" in agent["name"]
        or ("team" in agent["name"].lower() and agent["@type"] != "Organization")
    ]
    assert not wrong, "\n".join(wrong)
    summary = "modules/ks2-writing/resources/film-into-writing-case-study/index.html"
    assert blocks[summary][0]["author"] == {"@type": "Organization", "name": "OpenCPD project team"}


def test_session_descriptions_read_as_sentences(built_repo_site: BuiltSite) -> None:
    blocks = json_ld_blocks(built_repo_site.folder)
    descriptions = [
        (path, data["description"])
        for path, found in blocks.items()
        for data in found
        if "description" in data
    ]
    wrong = [
        f"{path}: {text}" for path, text in descriptions if re.search(r"[.!?][;,]|;\s*$|\.\.", text)
    ]
    assert not wrong, "\n".join(wrong[:10])
    session = json_ld(built_repo_site.folder, SESSION)["description"]
    assert session.endswith(".") and ". " in session


def test_the_schema_org_check_finds_what_does_not_fit() -> None:
    """The checker itself: schema.org's vocabulary, not a list of our own."""
    good = {
        "@context": "https://schema.org",
        "@type": "LearningResource",
        "name": "A",
        "timeRequired": "PT1H50M",
        "dateModified": "2026-09-01",
        "author": {"@type": "Organization", "name": "B"},
    }
    assert problems(good) == []
    assert problems({**good, "@type": "LearningThing"})
    assert problems({**good, "authorName": "B"})  # no such property
    assert problems({**good, "recipeYield": "4"})  # a property of another type
    assert problems({**good, "author": {"@type": "Course", "name": "B"}})  # wrong range
    assert problems({**good, "timeRequired": "110 minutes"})
    assert problems({**good, "dateModified": "1 September 2026"})


def test_sitemap_lists_modules_and_not_pending_resources(built_repo_site: BuiltSite) -> None:
    tree = ElementTree.parse(built_repo_site.folder / "sitemap.xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = {loc.text for loc in tree.iterfind("s:url/s:loc", namespace)}
    for module in built_repo_site.catalog.modules:
        assert SITE_URL + module.url in urls
    assert SITE_URL + RESOURCE in urls
    assert not [u for u in urls if PENDING in (u or "")], "a pending resource is in sitemap.xml"
    assert not (built_repo_site.folder / PENDING).exists(), "a pending resource was published"


def test_catalog_json_lists_14_modules(built_repo_site: BuiltSite) -> None:
    data = json.loads((built_repo_site.folder / "catalog.json").read_text(encoding="utf-8"))
    assert len(data["modules"]) == 14
    assert data["figures"]["modules"] == 14
    resources = [r["url"] for m in data["modules"] for r in m["resources"]]
    assert SITE_URL + RESOURCE in resources
    assert not [u for u in resources if PENDING in u], "a pending resource is in catalog.json"


def test_catalog_urls_without_a_site_url_are_relative_to_the_catalog(
    built_repo_site: BuiltSite,
) -> None:
    """A site served below its host's root (a folder of a school's server) has no site_url to
    give: each url is then relative to catalog.json, and leads to a page the build wrote."""
    from opencpd.core.export import export

    data = export(built_repo_site.catalog)
    urls = [
        doc["url"]
        for group in ("modules", "publications")
        for top in data[group]
        for doc in [
            top,
            *top.get("sessions", []),
            *top.get("resources", []),
            *top.get("chapters", []),
        ]
    ] + [offer["url"] for offer in data.get("support_offers", [])]
    assert len(urls) > 50
    for url in urls:
        assert not url.startswith(("/", "http")), url
        assert (built_repo_site.folder / url / "index.html").is_file() or (
            built_repo_site.folder / url
        ).is_file(), url


def test_opencpd_export_prints_the_published_catalog(built_repo_site: BuiltSite) -> None:
    result = CliRunner().invoke(main, ["export", "-f", str(REPO / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    published = json.loads((built_repo_site.folder / "catalog.json").read_text(encoding="utf-8"))
    assert json.loads(result.output) == published


LICENCE_LINK = re.compile(r'<a href="(https://creativecommons\.org/licenses/[^"]+)"')


def article(html: str) -> str:
    start = html.index('<article class="md-content__inner')
    return html[start : html.index("</article>", start)]


def content_pages(site: BuiltSite) -> list[tuple[str, str, list[str]]]:
    """Each content page of the Catalog: its URL, its licence URL and whom to credit."""
    vocab = site.catalog.vocabulary

    def url(licence: str) -> str:
        term = vocab.term("licences", licence)
        return term.url if term and term.url else licence

    pages = []
    for module in site.catalog.modules:
        credit = module.meta.authors
        pages.append((module.url, url(module.meta.licence), credit))
        parts: list[Doc[Any]] = [*module.sessions, *module.handouts.values()]
        for doc in parts:
            pages.append((doc.url, url(module.meta.licence), credit))
        for resource in module.resources:
            pages.append(
                (resource.url, url(resource.meta.licence), [resource.meta.contributor.name])
            )
    for publication in site.catalog.publications:
        credit = publication.meta.authors
        docs: list[Doc[Any]] = [publication, *publication.chapters]
        for doc in docs:
            pages.append((doc.url, url(publication.meta.licence), credit))
    return pages


def test_every_content_page_shows_its_licence_and_whom_to_credit(
    built_repo_site: BuiltSite,
) -> None:
    pages = content_pages(built_repo_site)
    assert len(pages) > 100
    problems = []
    for path, licence, credit in pages:
        text = article((built_repo_site.folder / path / "index.html").read_text(encoding="utf-8"))
        if licence not in LICENCE_LINK.findall(text):
            problems.append(f"{path}: no link to its licence {licence}")
        if not any(name in text for name in credit):
            problems.append(f"{path}: does not name {credit} to credit")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", ["", "modules/", "key-stages/ks2/", "about/", "search/", MODULE])
def test_the_footer_says_how_content_may_be_reused(built_repo_site: BuiltSite, path: str) -> None:
    html = (built_repo_site.folder / path / "index.html").read_text(encoding="utf-8")
    footer = html[html.index('<div class="md-copyright">') :]
    footer = footer[: footer.index("</footer>")]
    assert "reuse" in footer and "credit" in footer
    assert LICENCE_LINK.search(footer), "the footer does not link to the default licence"


def test_every_page_shows_a_licence(built_repo_site: BuiltSite) -> None:
    # a slide deck is a presentation opened from its session page, not a page of the site
    pages = sorted(p for p in built_repo_site.folder.rglob("*.html") if p.parent.name != "slides")
    missing = [
        str(p.relative_to(built_repo_site.folder))
        for p in pages
        if 'rel="license"' not in p.read_text(encoding="utf-8")
    ]
    assert not missing, "pages that link to no licence:\n" + "\n".join(missing)
