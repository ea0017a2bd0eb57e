"""Two builds of the same sources produce byte-identical sites.

Each build runs in its own process, from its own copy of the sources, into a differently named
folder, with a different hash seed and time zone: what a second CI run of the same commit
would change. The build date comes from SOURCE_DATE_EPOCH (set from git, or a fixed date
outside git), never from the clock.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from opencpd.core.reproducible import SIGNATURE, encode, read_pf, stabilise_pagefind

from .conftest import FIXTURE_SITE

ROOT = Path(__file__).resolve().parent.parent
REPOSITORY_CONTENT = ("mkdocs.yml", "docs", "modules", "handbook")
BUILD = (
    "import sys; from pathlib import Path; from opencpd.adapters.site import build_site; "
    "build_site(sys.argv[1], Path(sys.argv[2]), parallel=sys.argv[3] == 'two CPUs')"
)


def copy_repository(target: Path) -> None:
    target.mkdir(parents=True)
    for name in REPOSITORY_CONTENT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)


def start_build(
    source: Path, site_dir: Path, seed: str, tz: str, cpus: str = "two CPUs"
) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update(PYTHONHASHSEED=seed, TZ=tz)
    return subprocess.Popen(
        [sys.executable, "-c", BUILD, str(source / "mkdocs.yml"), str(site_dir), cpus],
        cwd=source,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def tree(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def differences(first: dict[str, bytes], second: dict[str, bytes]) -> list[str]:
    only = sorted(set(first) ^ set(second))
    changed = sorted(k for k in set(first) & set(second) if first[k] != second[k])
    return [f"only in one build: {k}" for k in only] + [f"differs: {k}" for k in changed]


@pytest.mark.parametrize("content", ["fixture", "repository"])
def test_two_builds_are_byte_identical(
    tmp_path: Path, content: str, request: pytest.FixtureRequest
) -> None:
    """Two checkouts built with other hash seeds and time zones, one on two CPUs (a forked
    helper converts and writes part of the pages: adapters/parallel.py) and one on one CPU.
    The fixture's packs and decks are made by both builds; the repository's (some seventy PDF,
    PowerPoint and HTML files) are taken from the cache of the repository's own build, as a
    second CI run finds them, so that this test does not make them twice more."""
    sources = [tmp_path / "one" / "src", tmp_path / "two" / "checkout"]
    if content == "repository":
        request.getfixturevalue("built_repo_site")  # fills the repository's .cache/
    for source in sources:
        if content == "fixture":
            shutil.copytree(FIXTURE_SITE, source)
        else:
            copy_repository(source)
            for kept in ("packs", "slides"):
                shutil.copytree(ROOT / ".cache" / kept, source / ".cache" / kept)
    sites = [sources[0] / "site", sources[1].parent / "public"]
    builds = [
        start_build(sources[0], sites[0], "1", "UTC", "two CPUs"),
        start_build(sources[1], sites[1], "2", "Pacific/Auckland", "one CPU"),
    ]
    for build in builds:
        output, _ = build.communicate(timeout=900)
        assert build.returncode == 0, output
    first, second = tree(sites[0]), tree(sites[1])
    assert len(first) > 20 and any(k.startswith("pagefind/filter/") for k in first)
    assert content == "fixture" or any(k.startswith("resources/") for k in first)
    assert differences(first, second) == []


def test_the_sitemap_is_dated_from_the_build_date_not_the_clock(built_site: Path) -> None:
    from opencpd.adapters.site import build_date

    stamp = int(build_date(built_site.parent))  # the last commit's time, or the files' time
    stamp -= stamp % 86400  # MkDocs dates the sitemap by the day
    assert "SOURCE_DATE_EPOCH" not in os.environ  # the build does not leak its date
    with gzip.open(built_site / "sitemap.xml.gz") as packed:
        assert packed.read() == (built_site / "sitemap.xml").read_bytes()
    # gzip header bytes 4-8: the modification time, the build date rather than now.
    assert int.from_bytes((built_site / "sitemap.xml.gz").read_bytes()[4:8], "little") == stamp


def write_filter(folder: Path, name: str, filter_name: str, values: list) -> None:
    (folder / f"{name}.pf_filter").write_bytes(
        gzip.compress(SIGNATURE + encode([filter_name, values]), mtime=0)
    )


def fake_bundle(bundle: Path, shuffled: bool) -> None:
    """A Pagefind bundle whose filter values and filters are listed in HashMap order."""
    (bundle / "filter").mkdir(parents=True)
    values = [["French", [0, 2]], ["German", [1]], ["Spanish", [3]]]
    write_filter(
        bundle / "filter",
        "en_aaaaaaa" if shuffled else "en_bbbbbbb",
        "language",
        values[::-1] if shuffled else values,
    )
    write_filter(bundle / "filter", "en_ccccccc", "key stage", [["KS2", [0, 1, 2, 3]]])
    filters = [
        ["language", "en_aaaaaaa" if shuffled else "en_bbbbbbb"],
        ["key stage", "en_ccccccc"],
    ]
    meta = [
        "1.5.2",
        [["en_1234567", 10]],
        [],
        filters[::-1] if shuffled else filters,
        [["title", [0, 1]]],
        ["title"],
    ]
    meta_hash = "en_1111111111" if shuffled else "en_2222222222"
    (bundle / f"pagefind.{meta_hash}.pf_meta").write_bytes(
        gzip.compress(SIGNATURE + encode(meta), mtime=0)
    )
    entry = {
        "version": "1.5.2",
        "languages": {"en": {"hash": meta_hash, "wasm": "en", "page_count": 4}},
    }
    (bundle / "pagefind-entry.json").write_text(json.dumps(entry, separators=(",", ":")))


def test_pagefind_filters_are_sorted_and_renamed_by_their_content(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    fake_bundle(one, shuffled=True)
    fake_bundle(two, shuffled=False)
    stabilise_pagefind(one)
    stabilise_pagefind(two)
    assert tree(one) == tree(two)
    filters = {read_pf(p)[0]: read_pf(p)[1] for p in (one / "filter").iterdir()}
    assert [value for value, _ in filters["language"]] == ["French", "German", "Spanish"]
    meta = read_pf(next(one.glob("pagefind.*.pf_meta")))
    assert [name for name, _ in meta[3]] == ["key stage", "language"]
    assert {f"{h}.pf_filter" for _, h in meta[3]} == {p.name for p in (one / "filter").iterdir()}


def test_a_project_outside_git_is_dated_by_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Downloaded as an archive (no .git/), the project was dated 1 January 2026 whatever its
    files said: the example offer's review date was then 'too far ahead' and the build failed.
    An archive keeps the commit's time on each file, and the newest of them now dates it."""
    from opencpd.core.deliveries import build_day
    from opencpd.core.source_date import last_change

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    project = tmp_path / "downloaded"
    (project / "deliveries").mkdir(parents=True)
    (project / "mkdocs.yml").write_text("site_name: x\n")
    (project / "deliveries" / "a.md").write_text("---\n---\n")
    commit = int(dt.datetime(2027, 3, 5, 12, tzinfo=dt.UTC).timestamp())
    for path in (project / "mkdocs.yml", project / "deliveries" / "a.md", project / "deliveries"):
        os.utime(path, (commit - 3600, commit - 3600))
    os.utime(project / "deliveries" / "a.md", (commit, commit))  # the newest
    assert last_change(project) == commit
    assert build_day(project) == dt.date(2027, 3, 5)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(commit + 40 * 86400))  # a date set wins
    assert build_day(project) == dt.date(2027, 4, 14)
