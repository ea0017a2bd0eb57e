"""Search (issue 5): a tiny site built with the project's theme, search pages and assets, indexed
by the real Pagefind binary, served on 127.0.0.1 and searched in headless Chromium.

The content is tests/search_fixture (see its README for the words the tests look for).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from opencpd.adapters import search
from opencpd.adapters.search import run_pagefind
from opencpd.adapters.served_search import ServedSearch
from opencpd.adapters.site import BuildFailed, build_site

from .conftest import mkdocs_warnings, repository_config, with_caches
from .conftest_browser import serve

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "search_fixture"
HIDDEN_WORDS = ["quokkafacilitator", "zanzibarnotes", "platypus"]
KS2_LABEL = "Key Stage 2 (ages 7 to 11)"
KS3 = "Key Stage 3 (ages 11 to 14)"


def write_site(target: Path, content: Path = FIXTURE) -> Path:
    """The repository's mkdocs.yml and docs (search and browse pages; the plugin adds the theme
    overrides and assets from the package), pointed at `content` (the search fixture unless
    told); returns the config file."""
    config = repository_config()
    docs = shutil.copytree(REPO / "docs", target / "docs")
    config["docs_dir"] = str(docs)
    config["nav"] = [
        {"Home": "index.md"},
        {"Find resources and modules": "browse.md"},
        {"Search": "search.md"},
    ]
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "opencpd" in plugin:
            plugin["opencpd"] = {**(plugin["opencpd"] or {}), "content_dir": str(content)}
    config_file = target / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    return config_file


@pytest.fixture(scope="module")
def search_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture built strictly and indexed, with no post-build step; the site folder. Its
    packs and decks, in .cache/ beside the site, are taken from there by the other builds of the
    same content here (`with_caches`): these tests are about search."""
    source = tmp_path_factory.mktemp("search-site")
    config_file = write_site(source)
    with mkdocs_warnings() as handler:
        build_site(str(config_file), source / "site", steps=[])
    assert handler.messages == [], handler.messages
    return source / "site"


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory: pytest.TempPathFactory, search_site: Path) -> Path:
    """The same site indexed in three shards, as a site of over ONE_INDEX_PAGES pages is."""
    source = with_caches(tmp_path_factory.mktemp("sharded-site"), search_site.parent)
    config_file = write_site(source)
    pages = len(fragments(search_site))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "ONE_INDEX_PAGES", pages - 1)
        patch.setattr(search, "SHARD_PAGES", -(-pages // 3))
        build_site(str(config_file), source / "site", steps=[])
    return source / "site"


def served(site: Path) -> Iterator[str]:
    server, url = serve(site)
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def sharded_url(sharded_site: Path) -> Iterator[str]:
    yield from served(sharded_site)


@pytest.fixture(scope="module")
def site_url(search_site: Path) -> Iterator[str]:
    yield from served(search_site)


def fragments(site: Path, bundle: str = "pagefind") -> dict[str, str]:
    """Every page Pagefind indexed in one bundle: URL -> the text it indexed."""
    found = {}
    for path in (site / bundle / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd")
        fragment = json.loads(data)
        found[fragment["url"]] = fragment["content"]
    return found


# -- the index --------------------------------------------------------------------------------


def test_build_indexes_the_site_in_one_bundle(search_site: Path) -> None:
    assert len(fragments(search_site)) > 10
    assert json.loads((search_site / "pagefind" / "shards.json").read_text("utf-8")) == []
    assert not list(search_site.glob("pagefind-*"))


def test_shards_only_past_one_index_worth_of_pages() -> None:
    assert search.shard_pages(search.ONE_INDEX_PAGES) == search.ONE_INDEX_PAGES
    assert search.shard_pages(search.ONE_INDEX_PAGES + 1) == search.SHARD_PAGES
    assert search.SHARD_PAGES < search.ONE_INDEX_PAGES


def test_a_big_site_is_indexed_in_shards_of_title_ranges(
    search_site: Path, sharded_site: Path
) -> None:
    others = json.loads((sharded_site / "pagefind" / "shards.json").read_text("utf-8"))
    assert others == ["pagefind-2/", "pagefind-3/"]
    shards = [fragments(sharded_site, name) for name in ("pagefind", "pagefind-2", "pagefind-3")]
    assert all(shards)
    assert sorted(url for shard in shards for url in shard) == sorted(fragments(search_site))
    titles = [sorted(title_of(sharded_site, url) for url in shard) for shard in shards]
    for first, second in zip(titles, titles[1:], strict=False):
        assert first[-1] <= second[0], "shards are not ranges of titles"


def title_of(site: Path, url: str) -> str:
    html = (site / url.strip("/") / "index.html").read_text("utf-8")
    found = re.search(r'data-pagefind-sort="title\[content\]" content="([^"]*)"', html)
    assert found, url
    return found.group(1)


def test_the_index_made_while_building_matches_the_pages_written(
    search_site: Path, tmp_path: Path
) -> None:
    """Pagefind gets each page before the theme wraps it; indexing the written pages instead
    must give the same index: the same text, filters, metadata and anchors for every URL."""
    written = shutil.copytree(
        search_site, tmp_path / "site", ignore=shutil.ignore_patterns("pagefind*")
    )
    run_pagefind(written)
    assert raw_fragments(written) == raw_fragments(search_site)


def raw_fragments(site: Path) -> dict[str, dict[str, Any]]:
    found = {}
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        fragment = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        found[fragment["url"]] = fragment
    return found


def test_no_lunr_index(search_site: Path) -> None:
    assert not (search_site / "search" / "search_index.json").exists()
    plugins = repository_config()["plugins"]
    names = [next(iter(p)) if isinstance(p, dict) else p for p in plugins]
    assert "search" not in names and "material/search" not in names


def test_one_index_for_every_language(search_site: Path) -> None:
    entry = json.loads((search_site / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert list(entry["languages"]) == ["en"]


def test_only_articles_are_indexed(search_site: Path) -> None:
    pages = fragments(search_site)
    assert "/modules/ks2-sounds/" in pages
    assert "/search/" not in pages and "/browse/" not in pages
    for url, text in pages.items():
        assert "Made with" not in text, f"{url}: the footer was indexed"
        assert "Table of contents" not in text, f"{url}: the table of contents was indexed"
        if url != "/":  # the home page's own text links to it by that name
            assert "Find resources and modules" not in text, f"{url}: the navigation was indexed"


def test_hidden_text_is_never_indexed(search_site: Path) -> None:
    session = (
        search_site / "modules" / "ks2-sounds" / "sessions" / "01-twilight" / "index.html"
    ).read_text("utf-8")
    assert "quokkafacilitator" in session and "zanzibarnotes" in session  # shown, not indexed
    assert not (
        search_site / "modules" / "ks2-sounds" / "resources" / "pending-platypus-quiz"
    ).exists()
    for url, text in fragments(search_site).items():
        for word in HIDDEN_WORDS:
            assert word not in text.lower(), f"{url}: '{word}' was indexed"


def test_pages_carry_filters_and_metadata(search_site: Path) -> None:
    html = (
        search_site
        / "modules"
        / "ks2-sounds"
        / "resources"
        / "spanish-lighthouse-game"
        / "index.html"
    ).read_text("utf-8")
    tags = re.findall(
        r'<meta data-pagefind-(filter|meta)="([^"\[]+)\[content\]" '
        r'content="([^"]*)"[^>]*>',
        html,
    )
    assert set(tags) >= {
        ("filter", "key stage", "Key Stage 2 (ages 7 to 11)"),
        ("filter", "language", "Spanish"),
        ("filter", "theme", "Vocabulary"),
        ("filter", "content type", "Teachers&#39; resource"),
        ("filter", "resource type", "Game"),
        ("meta", "title", "The lighthouse: a Spanish counting game"),
        ("meta", "module", "Sounds and spelling at KS2"),
        ("meta", "key_stage", "KS2"),
    }, tags


def test_preview_of_pending_resources_has_no_index(tmp_path: Path, search_site: Path) -> None:
    config_file = write_site(with_caches(tmp_path, search_site.parent))
    build_site(str(config_file), tmp_path / "site", preview_pending=True, steps=[])
    assert not (tmp_path / "site" / "pagefind").exists()


def test_pagefind_failing_while_building_fails_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, search_site: Path
) -> None:
    fake = tmp_path / "fake-pagefind"
    fake.write_text("#!/bin/sh\necho 'Error: out of memory' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_binary", lambda: fake)
    config_file = write_site(with_caches(tmp_path, search_site.parent))
    with pytest.raises(BuildFailed, match="Pagefind could not index the site: .*out of memory"):
        build_site(str(config_file), tmp_path / "site", steps=[])
    assert not (tmp_path / "site").exists()
    assert not list(tmp_path.glob(".site-*")), "the staging folder was left behind"


def test_indexing_failure_fails_the_build(tmp_path: Path) -> None:
    with pytest.raises(BuildFailed, match="Pagefind could not index the site: there was no page"):
        run_pagefind(tmp_path)  # no HTML at all
    with pytest.raises(BuildFailed, match="Pagefind could not index the site"):
        run_pagefind(tmp_path, binary=tmp_path / "no-such-pagefind")


def bundle_bytes(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in site.rglob("pagefind*/**/*")
        if p.is_file()
    }


def test_an_index_of_the_same_pages_is_taken_from_the_spare_not_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, search_site: Path
) -> None:
    content = shutil.copytree(FIXTURE, tmp_path / "content")
    with_caches(tmp_path, search_site.parent)
    config_file, site = write_site(tmp_path, content), tmp_path / "site"
    build_site(str(config_file), site, steps=[])
    first = bundle_bytes(site)
    entry = (site / "pagefind" / "pagefind-entry.json").stat().st_ino
    build_site(str(config_file), site, steps=[])  # the first site is now the spare

    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("Pagefind ran although the pages are the same")

    with monkeypatch.context() as patch:
        patch.setattr(search, "ShardedIndex", never)
        build_site(str(config_file), site, steps=[])
    assert (site / "pagefind" / "pagefind-entry.json").stat().st_ino == entry  # taken whole
    assert bundle_bytes(site) == first
    # the spare's bundle (the second build's) edited since: not taken, made again
    spare = tmp_path / ".site-spare" / "pagefind"
    victim = next(spare.glob("fragment/*.pf_fragment"))
    victim.write_bytes(b"not what Pagefind wrote")
    build_site(str(config_file), site, steps=[])
    assert bundle_bytes(site) == first
    # a link, or a second name, in the spare's bundle: never taken, never written through
    outside = tmp_path / "outside.txt"
    outside.write_text("not the site's")
    fragment, entry = next(spare.glob("fragment/*.pf_fragment")), spare / "pagefind-entry.json"
    fragment.unlink()
    fragment.symlink_to(outside)
    entry.unlink()
    os.link(outside, entry)
    build_site(str(config_file), site, steps=[])
    assert bundle_bytes(site) == first and outside.read_text() == "not the site's"
    assert not any(p.is_symlink() for p in site.rglob("*"))
    # a page edited: indexed again, with its new word
    page = next(content.glob("modules/ks2-sounds/**/*.md"))
    page.write_text(page.read_text("utf-8") + "\nWombatcheese.\n", "utf-8")
    build_site(str(config_file), site, steps=[])
    assert any("Wombatcheese" in text for text in fragments(site).values())


def test_serve_indexes_the_pages_it_serves_not_the_published_ones(
    tmp_path: Path, search_site: Path
) -> None:
    """`opencpd serve` linked the published index: a page removed while serving (a resource
    rejected) was still found. Its own index follows the served pages, and the published
    index, linked there by an earlier version, is left as it was."""
    served = shutil.copytree(
        search_site, tmp_path / "served", ignore=shutil.ignore_patterns("pagefind*")
    )
    (served / "pagefind").symlink_to(search_site / "pagefind", target_is_directory=True)
    published = bundle_bytes(search_site)
    search = ServedSearch(tmp_path / "scratch")
    try:
        search.after_build(served)
        search.wait()
        indexed = fragments(served)
        assert indexed.keys() == fragments(search_site).keys()
        gone = next(url for url in indexed if "/resources/" in url)
        shutil.rmtree(served / gone.strip("/"))
        search.after_build(served)
        search.wait()
        assert gone not in fragments(served)
        assert fragments(served).keys() == indexed.keys() - {gone}
    finally:
        search.close()
    assert not (served / "pagefind").is_symlink()
    assert bundle_bytes(search_site) == published
    assert not list((tmp_path / "scratch").iterdir())


# -- in the browser ---------------------------------------------------------------------------


def results(page: Any) -> list[str]:
    page.wait_for_function(
        "() => document.querySelector('.opencpd-results__status').textContent !== ''",
        timeout=10_000,
    )
    return page.locator(".opencpd-result h2").all_inner_texts()


def wait_for_status(page: Any, pattern: str) -> str:
    page.wait_for_function(
        "p => new RegExp(p).test(document.querySelector('.opencpd-results__status').textContent)",
        arg=pattern,
        timeout=10_000,
    )
    return str(page.locator(".opencpd-results__status").inner_text())


def test_header_box_query_then_filter(site_url: str, page: Any) -> None:
    page.goto(site_url, wait_until="load")
    page.fill("#opencpd-searchbox-q", "lighthouse")
    page.press("#opencpd-searchbox-q", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q=lighthouse$"))
    wait_for_status(page, "found for “lighthouse”")
    found = results(page)
    assert {"Sounds and spelling at KS2", "Word order at KS3"} <= set(found), found
    marks = page.locator(".opencpd-result__excerpt mark").all_inner_texts()
    assert marks and all(m.lower().startswith("lighthouse") for m in marks), marks

    # Tick "Key Stage 3" with the keyboard alone: Tab from the query box, then Space.
    page.focus("#opencpd-q")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.value") == KS3:
            break
    else:
        pytest.fail("Tab from the search box never reached the Key Stage 3 checkbox")
    page.keyboard.press("Space")
    wait_for_status(page, "with the ticked filters")
    assert results(page) == ["Word order at KS3"]
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"q": ["lighthouse"], "key-stage": [KS3]}
    count = page.locator("label", has=page.locator(f'input[value="{KS2_LABEL}"]'))
    assert re.search(r"\(\d+\)", count.inner_text())

    # Back undoes the filter, Forward redoes it.
    page.go_back()
    wait_for_status(page, "found for “lighthouse”.$")
    assert not page.locator(f'input[value="{KS3}"]').is_checked()
    assert len(results(page)) >= 2
    page.go_forward()
    wait_for_status(page, "with the ticked filters")
    assert results(page) == ["Word order at KS3"]

    # The URL is the search: opened afresh it shows the same results and ticks.
    shared = page.url
    page.goto(site_url, wait_until="load")
    page.goto(shared, wait_until="load")
    wait_for_status(page, "with the ticked filters")
    assert results(page) == ["Word order at KS3"]
    assert page.locator(f'input[value="{KS3}"]').is_checked()


def test_filters_combine(site_url: str, page: Any) -> None:
    page.goto(site_url + "search/?q=lighthouse&language=French&language=German", wait_until="load")
    wait_for_status(page, "with the ticked filters")
    assert {"Sounds and spelling at KS2", "Word order at KS3"} <= set(results(page))
    page.check(f'input[value="{KS2_LABEL}"]')
    wait_for_status(page, r"^\d+ pages? found .*with the ticked filters")
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.opencpd-result h2')]"
        ".some(h => h.textContent.includes('KS3'))"
    )
    assert "Sounds and spelling at KS2" in results(page)


def test_french_word_finds_the_french_example(site_url: str, page: Any) -> None:
    page.goto(site_url + "search/", wait_until="load")
    page.fill("#opencpd-q", "grenouilles")
    page.press("#opencpd-q", "Enter")
    wait_for_status(page, "found for “grenouilles”")
    assert results(page) == ["Sound cards"]
    assert (
        page.locator(".opencpd-result__excerpt mark").first.inner_text().startswith("grenouilles")
    )


def test_accents_are_optional(served_site: Any, page: Any) -> None:
    """As the search page says: "frere" finds "frère" (the repository's own site)."""
    page.goto(served_site.page("search/?q=frere"), wait_until="load")
    wait_for_status(page, r"found for “frere”")
    marks = page.locator(".opencpd-result__excerpt mark").all_inner_texts()
    assert "frère" in [m.lower() for m in marks], marks


def test_german_typed_without_sharp_s_is_found(site_url: str, page: Any) -> None:
    """Pagefind matches "ß" only to "ß": a query with "ss" that finds nothing is tried with "ß",
    and the page says so."""
    page.goto(site_url + "search/?q=fussball", wait_until="load")
    wait_for_status(page, "found for “fußball”")
    assert "Nothing has “fussball”." in page.inner_text(".opencpd-results__status")
    assert results(page) == ["Word order at KS3"]
    page.goto(site_url + "search/?q=lesson", wait_until="load")  # "ss" found as it is
    wait_for_status(page, "found for “lesson”")
    assert "Nothing has" not in page.inner_text(".opencpd-results__status")


@pytest.mark.parametrize("word", HIDDEN_WORDS)
def test_hidden_text_is_never_found(site_url: str, page: Any, word: str) -> None:
    """Pagefind also offers pages with a word the query starts with (the "Z" of "A to Z" for
    "zanzibarnotes"), so a result may come; never the page that hides the word."""
    page.goto(site_url + f"search/?q={word}", wait_until="load")
    wait_for_status(page, f"(Nothing found|found) for “{word}”")
    found = results(page)
    assert not [title for title in found if "twilight session" in title or "quiz" in title]
    for shown in page.locator(".opencpd-result").all_inner_texts():
        assert word not in shown.lower(), shown


def test_browse_lists_by_filters_without_a_query(site_url: str, page: Any) -> None:
    page.goto(site_url + "browse/", wait_until="load")
    wait_for_status(page, "A to Z")
    listed = results(page)
    assert "Sounds and spelling at KS2" in listed and "Search" not in listed
    page.check('input[value="Teachers\' resource"]')
    wait_for_status(page, "^1 page match")
    assert results(page) == ["The lighthouse: a Spanish counting game"]
    assert "type=Teachers%27+resource" in page.url


def test_shards_search_like_one_index(site_url: str, sharded_url: str, page: Any) -> None:
    seen = {}
    for url in (site_url, sharded_url):
        page.goto(url + "browse/", wait_until="load")
        wait_for_status(page, "A to Z")
        a_to_z = results(page)
        page.goto(url + "search/?q=lighthouse", wait_until="load")
        wait_for_status(page, "found for")
        found = sorted(results(page))
        counts = page.locator(".opencpd-filters label").all_inner_texts()
        seen[url] = (a_to_z, found, counts)
    assert seen[sharded_url] == seen[site_url]
    assert seen[site_url][0] == sorted(seen[site_url][0], key=str.lower)


def test_readable_on_a_360_px_phone(browser: Any, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        phone = context.new_page()
        phone.goto(site_url + "search/?q=lighthouse", wait_until="load")
        wait_for_status(phone, "found for")
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= 360
        assert phone.locator(".opencpd-result").first.is_visible()
        assert phone.locator("#opencpd-searchbox-q").is_hidden()  # the header keeps a button
        assert phone.locator(".opencpd-searchbox__button").is_visible()
    finally:
        context.close()


def test_search_downloads_no_lunr_index(site_url: str, page: Any) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(site_url + "search/?q=lighthouse", wait_until="load")
    wait_for_status(page, "found for")
    assert any("/pagefind/" in url for url in requested)
    assert not [url for url in requested if "search_index" in url or "workers/search" in url]
    assert all(url.startswith(site_url) for url in requested), "a request left the site"


def test_says_search_is_off_without_an_index(tmp_path: Path, search_site: Path, page: Any) -> None:
    served = shutil.copytree(
        search_site, tmp_path / "served", ignore=shutil.ignore_patterns("pagefind")
    )
    server, url = serve(served)
    try:
        page.goto(url + "search/?q=lighthouse", wait_until="load")
        status = wait_for_status(page, "Search is off")
        assert "While serving, it is made again a few seconds after each save" in status
    finally:
        server.shutdown()
        server.server_close()
