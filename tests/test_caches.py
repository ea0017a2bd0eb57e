"""What a build keeps for the next one: teachers' texts rendered to safe HTML (the offline zips'
cache is tested in test_offline_reading.py, the packs' in test_packs.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from opencpd.core import untrusted

TEXT = "## Our song\n\nWe sing *Frère Jacques* in a round.\n\n<script>alert(1)</script>\n"


@pytest.fixture
def fresh_process() -> Iterator[None]:
    """As in a new `opencpd build`: nothing rendered in memory yet."""
    saved = dict(untrusted._rendered), set(untrusted._used)
    untrusted._rendered.clear()
    untrusted._used.clear()
    yield
    untrusted._rendered.clear()
    untrusted._rendered.update(saved[0])
    untrusted._used.clear()
    untrusted._used.update(saved[1])


def no_rendering() -> None:
    raise AssertionError("the text was rendered again")


def test_a_kept_text_is_not_rendered_again(tmp_path: Path, fresh_process: None,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "rendered.json"
    html = untrusted.safe_html(TEXT)
    assert "<script" not in html and "<em>Frère Jacques</em>" in html
    untrusted.keep_rendered(cache)

    untrusted._rendered.clear()  # a new process
    untrusted.recall_rendered(cache)
    monkeypatch.setattr(untrusted, "_markdown", no_rendering)
    assert untrusted.safe_html(TEXT) == html


def test_texts_no_longer_used_are_dropped(tmp_path: Path, fresh_process: None) -> None:
    cache = tmp_path / "rendered.json"
    untrusted.safe_html("An old text.")
    untrusted.keep_rendered(cache)
    untrusted.safe_html(TEXT)
    untrusted.keep_rendered(cache)
    kept = json.loads(cache.read_text("utf-8"))["html"]
    assert list(kept.values()) == [untrusted.safe_html(TEXT)]


@pytest.mark.parametrize("damage", ["other version", "not json"])
def test_a_stale_or_damaged_cache_is_ignored(tmp_path: Path, fresh_process: None,
                                             monkeypatch: pytest.MonkeyPatch,
                                             damage: str) -> None:
    cache = tmp_path / "rendered.json"
    untrusted.safe_html(TEXT)
    untrusted.keep_rendered(cache)
    if damage == "other version":  # the sanitiser or a library changed since
        kept = json.loads(cache.read_text("utf-8"))
        kept["html"] = {key: "<p>what an old sanitiser let through</p>" for key in kept["html"]}
        kept["version"] = "0" * 64
        cache.write_text(json.dumps(kept), "utf-8")
    else:
        cache.write_text("{half a file", "utf-8")
    untrusted._rendered.clear()
    untrusted.recall_rendered(cache)
    assert "Frère Jacques" in untrusted.safe_html(TEXT)


def test_a_second_build_renders_only_the_edited_text(site_copy: Path, fresh_process: None,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Two real builds of the fixture site, as two `opencpd build` runs: the second renders the
    one resource edited in between, and its page shows the edit."""
    from opencpd.adapters.site import build_site

    build_site(str(site_copy / "mkdocs.yml"), site_copy / "site", search=False)
    assert (site_copy / ".cache" / "rendered.json").is_file()
    untrusted._rendered.clear()  # a new process: only the cache file is left

    edited = site_copy / "modules" / "ks2-speaking" / "resources" / "greetings-song" / "index.md"
    edited.write_text(edited.read_text("utf-8") + "\nSung in a round: *zorbling*.\n", "utf-8")
    converted: list[str] = []
    converter = untrusted._markdown()

    class Counting:
        def reset(self) -> Counting:
            converter.reset()
            return self

        def convert(self, text: str) -> str:
            converted.append(text)
            return converter.convert(text)

    monkeypatch.setattr(untrusted, "_markdown", Counting)
    build_site(str(site_copy / "mkdocs.yml"), site_copy / "site", search=False)
    assert len(converted) == 1 and "zorbling" in converted[0], converted
    page = site_copy / "site" / "modules" / "ks2-speaking" / "resources" / "greetings-song"
    assert "<em>zorbling</em>" in (page / "index.html").read_text("utf-8")
