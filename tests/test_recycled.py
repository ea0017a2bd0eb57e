"""The site a build replaces is the next build's spare (core/recycled.py, adapters/site.py): the
folders the plugin writes itself are taken from it, an unchanged file is kept as it is, and the
site is still the one a build from nothing makes, byte for byte."""

from __future__ import annotations

import json
import os
import secrets
import shutil
from pathlib import Path

import pytest
from opencpd.adapters import reading as reading_module
from opencpd.adapters.site import BuildFailed, build_site
from opencpd.core import placed
from opencpd.core.kept import KeptDeliveries
from opencpd.core.recycled import Recycled, keep_made, recall_made
from opencpd.core.shells import Parts, Shell

from .conftest import ExpectedWarnings, with_caches
from .deliveries_site import BUILD_DAY, LEEDS, tiny_site, write_delivery
from .test_filled_pages import contents


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".site-"))


@pytest.fixture
def caches(built_fixture: Path) -> Path:
    """The fixture site built once for the run, whose packs and decks these sites take from the
    cache (what is recycled here is the site's pages and files, not the packs: the builds of
    each test, and the fresh build each compares with, all take them from the cache)."""
    return built_fixture


def site_with_deliveries(
    folder: Path, count: int, monkeypatch: pytest.MonkeyPatch, caches: Path
) -> Path:
    """A tiny site with `count` deliveries in May 2027, built on the benchmarks' build day."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_DAY)
    root = with_caches(tiny_site(folder), caches)
    for n in range(count):
        write_delivery(root, f"2027-05-1{n}-x{n}", {"date": f"2027-05-1{n}"})
    return root


def test_a_rebuilt_site_keeps_what_is_unchanged_and_is_the_site_built_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caches: Path
) -> None:
    root = site_with_deliveries(tmp_path / "src", 6, monkeypatch, caches)
    site, spare = root / "site", root / ".site-spare"
    build_site(str(root / "mkdocs.yml"), site, search=False)
    assert leftovers(root) == []  # nothing was replaced
    made = json.loads((root / ".cache" / "deliveries.json").read_text("utf-8"))["data"]
    first = contents(site)
    # the next build is another process, whose key signs the fragments held in its pages
    monkeypatch.setattr(placed, "_KEY", secrets.token_bytes(32))
    build_site(str(root / "mkdocs.yml"), site, search=False)
    assert leftovers(root) == [".site-spare"]  # the first site, for the next build
    assert contents(site) == first  # taken whole from what the first build kept
    # what was made of each delivery is kept whole from one build to the next
    kept = json.loads((root / ".cache" / "deliveries.json").read_text("utf-8"))["data"]
    assert kept == made and any("BEGIN:VEVENT" in text for text in kept.values())
    unchanged = spare / "deliveries" / "2027-05-11-x1" / "index.html"
    inode = unchanged.stat().st_ino
    # a link and a second name in the spare's folders: removed, never written through
    outside = tmp_path / "outside.html"
    outside.write_text("not the site's")
    os.symlink(outside, spare / "deliveries" / "2027-05-12-x2" / "index.html.tmp")
    (spare / "deliveries" / "2027-05-13-x3" / "index.html").unlink()
    os.symlink(outside, spare / "deliveries" / "2027-05-13-x3" / "index.html")
    (spare / "deliveries" / "2027-05-14-x4.ics").unlink()
    os.link(outside, spare / "deliveries" / "2027-05-14-x4.ics")
    (spare / "deliveries" / "stale.html").write_text("from an older build")
    # and where MkDocs writes its own pages into a taken folder (the calendar's first pages)
    (spare / "calendar" / "index.html").unlink()
    os.link(outside, spare / "calendar" / "index.html")
    shutil.rmtree(spare / "calendar" / "held")
    (tmp_path / "outside").mkdir()
    os.symlink(tmp_path / "outside", spare / "calendar" / "held")
    # what changed since: one delivery gone, another edited
    (root / "deliveries" / "2027-05-10-x0.md").unlink()
    write_delivery(root, "2027-05-15-x5", {"date": "2027-05-15"}, body="Park at the back.")

    build_site(str(root / "mkdocs.yml"), site, search=False)
    assert leftovers(root) == [".site-spare"]
    assert (site / "deliveries" / "2027-05-11-x1" / "index.html").stat().st_ino == inode
    assert outside.read_text() == "not the site's" and outside.stat().st_nlink == 1
    assert list((tmp_path / "outside").iterdir()) == []
    assert not (site / "deliveries" / "2027-05-10-x0").exists()
    assert not (site / "deliveries" / "2027-05-10-x0.ics").exists()
    assert "Park at the back." in (site / "deliveries" / "2027-05-15-x5" / "index.html").read_text()
    assert not any(p.is_symlink() for p in site.rglob("*"))
    assert (site / LEEDS / "index.html").is_file()
    fresh = tmp_path / "fresh"
    build_site(str(root / "mkdocs.yml"), fresh, search=False)
    built, afresh = contents(site), contents(fresh)
    assert built.keys() == afresh.keys()
    assert [uri for uri in built if built[uri] != afresh[uri]] == []


def test_a_failed_build_removes_the_spare_it_took(tmp_path: Path) -> None:
    root = tmp_path / "src"
    (root / "site").mkdir(parents=True)
    (root / ".site-spare" / "calendar").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: [\n")
    with pytest.raises(Exception, match="mkdocs.yml"):
        build_site(str(root / "mkdocs.yml"), root / "site")
    assert leftovers(root) == []
    assert (root / "site").is_dir()


def test_files_are_kept_written_over_or_swept(tmp_path: Path) -> None:
    spare, site = tmp_path / "spare", tmp_path / "site"
    (spare / "calendar" / "2").mkdir(parents=True)
    (spare / "calendar" / "old" / "deep").mkdir(parents=True)
    (spare / "calendar" / "2" / "index.html").write_bytes(b"same")
    (spare / "calendar" / "all.ics").write_bytes(b"before")
    (spare / "calendar" / "region").write_bytes(b"a file where a folder goes")
    (spare / "calendar" / "old" / "deep" / "gone.html").write_bytes(b"gone")
    (spare / "elsewhere").mkdir()
    os.symlink(spare / "elsewhere", spare / "centres")
    site.mkdir()
    recycled = Recycled(site, spare)
    for folder in ("calendar", "centres", "deliveries", "../x", "a/b"):
        recycled.take(folder)
    assert recycled.taken == ["calendar"]  # a link and a missing folder are not taken
    same = (site / "calendar" / "2" / "index.html").stat()
    recycled.write("calendar/2/index.html", b"same")
    recycled.write("calendar/all.ics", b"after")
    recycled.write("calendar/region/london/index.html", b"london")
    recycled.write("centres/leeds/index.html", b"leeds")
    assert (site / "calendar" / "2" / "index.html").stat().st_mtime_ns == same.st_mtime_ns
    assert (site / "calendar" / "all.ics").read_bytes() == b"after"
    assert (site / "calendar" / "region" / "london" / "index.html").read_bytes() == b"london"
    recycled.sweep(
        {
            "calendar/2/index.html",
            "calendar/all.ics",
            "calendar/region/london/index.html",
            "centres/leeds/index.html",
        }
    )
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == [
        "calendar",
        "calendar/2",
        "calendar/2/index.html",
        "calendar/all.ics",
        "calendar/region",
        "calendar/region/london",
        "calendar/region/london/index.html",
        "centres",
        "centres/leeds",
        "centres/leeds/index.html",
    ]
    assert (spare / "elsewhere").is_dir() and not (site / "centres").is_symlink()


def test_a_file_recorded_as_made_of_the_same_things_is_kept_without_being_made(
    tmp_path: Path,
) -> None:
    first, second, third = tmp_path / "first", tmp_path / "second", tmp_path / "third"
    first.mkdir()
    recycled = Recycled(first)
    for n in range(3):
        recycled.write(f"deliveries/d{n}.ics", f"event {n}".encode(), f"key {n}")
    recycled.write("deliveries/unrecorded.ics", b"no key")
    assert sorted(recycled.made) == [f"deliveries/d{n}.ics" for n in range(3)]
    before = [{"files": recycled.made, "groups": {}}]

    def never() -> bytes:
        raise AssertionError("made again although nothing it is made of changed")

    second.mkdir()
    recycled = Recycled(second, first, before)
    recycled.take("deliveries")
    # an edit since the record (here: same size, its time set as an editor would)
    edited = second / "deliveries" / "d1.ics"
    edited.write_bytes(b"EDITED 1")
    os.utime(edited, ns=(edited.stat().st_atime_ns, edited.stat().st_mtime_ns + 10**9))
    recycled.write("deliveries/d0.ics", never, "key 0")
    recycled.write("deliveries/d1.ics", lambda: b"event 1", "key 1")
    recycled.write("deliveries/d2.ics", lambda: b"changed", "key 2b")
    assert edited.read_bytes() == b"event 1"  # made again, not kept
    assert (second / "deliveries" / "d2.ics").read_bytes() == b"changed"
    assert sorted(recycled.made) == [f"deliveries/d{n}.ics" for n in range(3)]
    assert recycled.made["deliveries/d0.ics"] == before[0]["files"]["deliveries/d0.ics"]

    # a record from another site, or a file replaced by one with another inode: made again
    third.mkdir()
    (second / "deliveries" / "d0.ics").unlink()
    (second / "deliveries" / "d0.ics").write_bytes(b"event 0")
    recycled = Recycled(third, second, [*before, {"files": recycled.made, "groups": {}}])
    recycled.take("deliveries")
    made = []
    recycled.write("deliveries/d0.ics", lambda: made.append(1) or b"event 0", "key 0")
    assert made == [1]  # compared instead: the same bytes, so the file is kept
    assert (third / "deliveries" / "d0.ics").read_bytes() == b"event 0"


def test_what_a_group_of_files_was_made_of_is_taken_from_the_build_that_recorded_it(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "site-files.json"
    recycled = Recycled(tmp_path / "first")
    (tmp_path / "first").mkdir()
    assert recycled.recorded("filled pages", "shells A") == {}  # no build recorded it yet
    recycled.write("centres/a/index.html", b"<p>A</p>", "page a")
    keep_made(cache, recycled)
    recycled = Recycled(tmp_path / "second", tmp_path / "first", recall_made(cache))
    assert recycled.recorded("filled pages", "shells B") == {}  # made of other things
    found = recycled.recorded("filled pages", "shells A")
    assert found["centres/a/index.html"][0] == "page a"
    keep_made(cache, recycled)
    assert [b["groups"] for b in recall_made(cache)] == [
        {"filled pages": "shells A"},
        {"filled pages": "shells A"},
    ]
    cache.write_text('{"version": "site files 2", "data": {"builds": [{"files": 1}, []]}}')
    assert recall_made(cache) == []  # damaged: nothing recorded, everything made


def test_filled_pages_made_of_the_same_are_kept_without_hashing_them_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caches: Path
) -> None:
    root = site_with_deliveries(tmp_path / "src", 3, monkeypatch, caches)
    site = root / "site"
    hashed: list[str] = []
    made_of = Shell.made_of

    def counted(shell: Shell, parts: Parts, json_ld: str = "") -> str:
        hashed.append(parts.uri)
        return made_of(shell, parts, json_ld)

    monkeypatch.setattr(Shell, "made_of", counted)
    # on one CPU: the pages are hashed in this process, not in a forked copy
    for _ in range(3):  # the third build's spare is the first build's site
        monkeypatch.setattr(placed, "_KEY", secrets.token_bytes(32))
        hashed.clear()
        build_site(str(root / "mkdocs.yml"), site, search=False, parallel=False)
    assert hashed == []  # every filled page's record taken as the earlier build wrote it
    assert (site / "deliveries" / "2027-05-10-x0" / "index.html").is_file()
    kept = contents(site)
    write_delivery(root, "2027-05-11-x1", {"date": "2027-05-11"}, body="Park at the back.")
    build_site(str(root / "mkdocs.yml"), site, search=False, parallel=False)
    assert "deliveries/2027-05-11-x1.md" in hashed  # something changed: each page hashed
    assert "Park at the back." in (site / "deliveries" / "2027-05-11-x1" / "index.html").read_text()
    fresh = tmp_path / "fresh"
    build_site(str(root / "mkdocs.yml"), fresh, search=False)
    assert contents(site) == contents(fresh) != kept


def test_the_texts_of_pages_and_files_kept_whole_are_read_only_to_make_one_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caches: Path
) -> None:
    root = site_with_deliveries(tmp_path / "src", 3, monkeypatch, caches)
    site, spare = root / "site", root / ".site-spare"
    apart = root / ".cache" / "deliveries-whole-apart.json"
    read: list[str] = []
    whole_apart = KeptDeliveries.whole_apart

    def counted(kept: KeptDeliveries, key: str) -> dict[str, str] | None:
        read.append(key)
        return whole_apart(kept, key)

    monkeypatch.setattr(KeptDeliveries, "whole_apart", counted)
    for _ in range(3):  # on one CPU, so that what is read is read in this process
        monkeypatch.setattr(placed, "_KEY", secrets.token_bytes(32))
        read.clear()  # the second build, with no spare, fills every page
        build_site(str(root / "mkdocs.yml"), site, search=False, parallel=False)
    assert read == [] and apart.is_file()  # the third: every page taken, no article needed
    fresh = tmp_path / "fresh"
    build_site(str(root / "mkdocs.yml"), fresh, search=False)
    assert len(read) == 1  # with no spare, every page and file is made: the texts read once
    read.clear()
    # a page and an iCalendar file gone from the spare are made again, with the page's article
    # and the file's text read from the cache ...
    (spare / "deliveries" / "2027-05-11-x1" / "index.html").unlink()
    (spare / "deliveries" / "2027-05-10-x0.ics").unlink()
    build_site(str(root / "mkdocs.yml"), site, search=False, parallel=False)
    assert len(read) == 1 and contents(site) == contents(fresh)
    # ... or, with the articles damaged, made again
    apart.write_text("{damaged")
    (spare / "deliveries" / "2027-05-12-x2" / "index.html").write_text("tampered")
    build_site(str(root / "mkdocs.yml"), site, search=False, parallel=False)
    assert len(read) == 2 and contents(site) == contents(fresh)
    # with the articles gone, no page is taken whole: all are made, and kept again
    apart.unlink()
    build_site(str(root / "mkdocs.yml"), site, search=False, parallel=False)
    assert len(read) == 2 and apart.is_file() and contents(site) == contents(fresh)


def test_centres_and_deliveries_read_by_a_forked_copy_make_the_same_site_and_findings(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    warnings_log: ExpectedWarnings,
    caches: Path,
) -> None:
    root = site_with_deliveries(tmp_path / "src", 3, monkeypatch, caches)
    readers = tmp_path / "readers"  # the process that read them, one line each time
    read_apart = reading_module.read_apart

    def recorded(*args: object) -> object:
        with readers.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return read_apart(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(reading_module, "read_apart", recorded)
    sites = {}
    for at_least in (1, 10**9):  # a copy reads them, then this process does
        monkeypatch.setattr(reading_module, "READ_APART", at_least)
        sites[at_least] = tmp_path / f"site-{at_least}"
        build_site(str(root / "mkdocs.yml"), sites[at_least], search=False)
    assert readers.read_text().split() != [str(os.getpid())] * 2
    assert readers.read_text().split()[1] == str(os.getpid())
    assert contents(sites[1]) == contents(sites[10**9])
    # what reading them finds is reported the same, with its path and line
    write_delivery(root, "2027-05-19-bad", {"date": "2027-05-19", "centre": "nowhere-hub"})
    warnings_log.expect(r"2027-05-19-bad\.md:3:1: unknown-centre")
    found = []
    for at_least in (1, 10**9):
        monkeypatch.setattr(reading_module, "READ_APART", at_least)
        caplog.clear()
        with pytest.raises(BuildFailed):
            build_site(str(root / "mkdocs.yml"), tmp_path / "failed", search=False)
        found.append(
            sorted(r.getMessage() for r in caplog.records if "nowhere-hub" in r.getMessage())
        )
    assert found[0] == found[1] and "deliveries/2027-05-19-bad.md:" in found[0][0]
