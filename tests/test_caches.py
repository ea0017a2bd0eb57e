"""What a build keeps for the next one: teachers' texts rendered to safe HTML (the offline zips'
cache is tested in test_offline_reading.py, the packs' in test_packs.py)."""

from __future__ import annotations

import json
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


def test_a_kept_text_is_not_rendered_again(
    tmp_path: Path, fresh_process: None, monkeypatch: pytest.MonkeyPatch
) -> None:
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
    kept = json.loads(cache.read_text("utf-8"))["data"]
    assert list(kept.values()) == [untrusted.safe_html(TEXT)]


@pytest.mark.parametrize("damage", ["other version", "not json"])
def test_a_stale_or_damaged_cache_is_ignored(
    tmp_path: Path, fresh_process: None, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    cache = tmp_path / "rendered.json"
    untrusted.safe_html(TEXT)
    untrusted.keep_rendered(cache)
    if damage == "other version":  # the sanitiser or a library changed since
        kept = json.loads(cache.read_text("utf-8"))
        kept["data"] = {key: "<p>what an old sanitiser let through</p>" for key in kept["data"]}
        kept["version"] = "0" * 64
        cache.write_text(json.dumps(kept), "utf-8")
    else:
        cache.write_text("{half a file", "utf-8")
    untrusted._rendered.clear()
    untrusted.recall_rendered(cache)
    assert "Frère Jacques" in untrusted.safe_html(TEXT)


def test_a_second_build_renders_only_the_edited_text(
    site_copy: Path, fresh_process: None, monkeypatch: pytest.MonkeyPatch
) -> None:
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


def catalog_facts(catalog: object) -> tuple[list[object], list[tuple[object, ...]]]:
    """Findings, and every resource as the site would use it."""
    resources = [
        (doc.source, doc.meta, doc.body, doc.body_line, doc.slug, doc.page, doc.lines)
        for module in catalog.modules
        for doc in module.resources
    ]  # type: ignore[attr-defined]
    return list(catalog.findings), resources  # type: ignore[attr-defined]


def test_kept_resources_give_the_catalog_read_afresh(tmp_path: Path) -> None:
    """Every bad submission of the moderation corpus (symlinks out, macros, personal data, huge
    files…) plus the fixture site, loaded afresh and then from what the first load kept: the
    same findings and the same resources, and the second load reads no resource again."""
    from opencpd.core.load import load_catalog
    from opencpd.core.loader import Loader
    from opencpd.core.vocabulary import load_vocabulary

    from .test_bad_resources import CASES, assemble

    root = assemble(CASES, tmp_path)
    shutil.copytree(
        Path(__file__).parent / "fixtures" / "site" / "modules",
        root / "modules",
        dirs_exist_ok=True,
    )
    kept = tmp_path / "kept.json"
    fresh = load_catalog(root, load_vocabulary(), include_pending=True)
    first = load_catalog(root, load_vocabulary(), include_pending=True, kept=kept)
    assert catalog_facts(first) == catalog_facts(fresh)
    assert any(f.rule == "personal-data" for f in fresh.findings)

    reads: list[Path] = []
    real_read = Loader.read

    def counting_read(self: object, path: Path, *args: object, **options: object) -> object:
        reads.append(path)
        return real_read(self, path, *args, **options)  # type: ignore[arg-type]

    try:
        Loader.read = counting_read  # type: ignore[method-assign]
        again = load_catalog(root, load_vocabulary(), include_pending=True, kept=kept)
    finally:
        Loader.read = real_read  # type: ignore[method-assign]
    assert catalog_facts(again) == catalog_facts(fresh)
    assert not [p for p in reads if p.parent.parent.name == "resources"], reads


def test_a_changed_attachment_is_checked_again(tmp_path: Path) -> None:
    from opencpd.core.load import load_catalog
    from opencpd.core.vocabulary import load_vocabulary

    root = tmp_path / "content"
    shutil.copytree(Path(__file__).parent / "fixtures" / "site", root)
    folder = root / "modules" / "ks2-speaking" / "resources" / "greetings-song"
    text = (folder / "index.md").read_text("utf-8")
    _, meta, body = text.split("---\n", 2)
    meta += "files:\n  - path: words.pdf\n    title: The words (PDF)\n"
    (folder / "index.md").write_text(f"---\n{meta}---\n{body}", "utf-8")
    (folder / "words.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    kept = tmp_path / "kept.json"
    before = load_catalog(root, load_vocabulary(), kept=kept)
    assert not [f for f in before.findings if f.rule == "bad-attachment"], before.findings
    (folder / "words.pdf").write_bytes(b"MZ\x90\x00 a program, not a PDF")
    after = load_catalog(root, load_vocabulary(), kept=kept)
    fresh = load_catalog(root, load_vocabulary())
    assert catalog_facts(after) == catalog_facts(fresh) != catalog_facts(before)
    assert any(f.rule == "bad-attachment" for f in after.findings)


def test_compiled_templates_are_kept_for_this_user_alone_outside_the_project(
    tmp_path: Path,
) -> None:
    """The core's templates are compiled once and kept, where no pull request can put compiled
    code, and a changed template is compiled again."""
    import os
    import stat

    from jinja2 import Environment, FileSystemLoader
    from opencpd.core.kept import compiled_templates
    from opencpd.core.render import environment

    env = environment()
    kept = Path(env.bytecode_cache.directory)  # type: ignore[union-attr]
    repository = Path(__file__).resolve().parent.parent
    assert not kept.resolve().is_relative_to(repository)
    mode = kept.lstat()
    assert mode.st_uid == os.getuid() and stat.S_IMODE(mode.st_mode) == 0o700

    (tmp_path / "page.j2").write_text("Bonjour {{ name }}", "utf-8")
    kept_for = compiled_templates("a test's")
    made = Environment(loader=FileSystemLoader(tmp_path), bytecode_cache=kept_for)
    before = set(kept.iterdir())
    assert made.get_template("page.j2").render(name="Léa") == "Bonjour Léa"
    assert len(set(kept.iterdir()) - before) == 1  # compiled, and kept
    (tmp_path / "page.j2").write_text("Guten Tag {{ name }}", "utf-8")
    again = Environment(loader=FileSystemLoader(tmp_path), bytecode_cache=kept_for)
    assert again.get_template("page.j2").render(name="Lena") == "Guten Tag Lena"
    # the same source in an environment that escapes: compiled for it, not taken from the other
    (tmp_path / "page.j2").write_text("Bonjour {{ name }}", "utf-8")
    escaping = Environment(
        loader=FileSystemLoader(tmp_path),
        autoescape=True,
        bytecode_cache=compiled_templates("another, escaping"),
    )
    assert escaping.get_template("page.j2").render(name="<b>") == "Bonjour &lt;b&gt;"


def deliveries_facts(catalog: object) -> tuple[list[object], list[object], list[object]]:
    """Findings, centres and deliveries as the site would use them."""
    docs = [*catalog.centres.values(), *catalog.deliveries]  # type: ignore[attr-defined]
    return (
        list(catalog.findings),  # type: ignore[attr-defined]
        [(d.source, d.meta, d.body, d.body_line, d.slug, d.page, d.lines) for d in docs],
        [d.columns for d in docs],
    )


def test_kept_centres_and_deliveries_give_the_catalog_read_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The delivery fixture and every bad delivery of test_deliveries, loaded afresh and from
    what a load kept: the same findings, centres and deliveries, and no file read again; a
    delivery whose file is unchanged is still checked against the centres (one removed)."""
    from opencpd.core.load import load_catalog
    from opencpd.core.loader import Loader
    from opencpd.core.vocabulary import load_vocabulary

    from .deliveries_site import BUILD_DAY, tiny_site, write_delivery
    from .test_deliveries import BAD

    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_DAY)
    root = tiny_site(tmp_path / "src")
    for name, fields, *_ in BAD:
        write_delivery(root, name, fields)
    centre = root / "centres" / "leeds-hub.md"
    centre.write_text(centre.read_text("utf-8") + "\nOr call Jo on 07700 900123.\n", "utf-8")
    kept = tmp_path / "kept.json"
    fresh = load_catalog(root, load_vocabulary())
    assert load_catalog(root, load_vocabulary(), kept=kept).findings == fresh.findings
    rules = {f.rule for f in fresh.findings}
    assert {"personal-data", "unknown-centre", "no-consent"} <= rules, rules
    assert [f for f in fresh.findings if f.path == "centres/leeds-hub.md"]

    reads: list[Path] = []
    real_read = Loader.read

    def counting_read(self: object, path: Path, *args: object, **options: object) -> object:
        reads.append(path)
        return real_read(self, path, *args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(Loader, "read", counting_read)
    again = load_catalog(root, load_vocabulary(), kept=kept)
    assert deliveries_facts(again) == deliveries_facts(fresh)
    assert not [p for p in reads if p.parent.name in ("centres", "deliveries")], reads

    centre.unlink()
    monkeypatch.setattr(Loader, "read", real_read)
    without = load_catalog(root, load_vocabulary())
    assert deliveries_facts(load_catalog(root, load_vocabulary(), kept=kept)) == deliveries_facts(
        without
    )
    assert len(without.deliveries) < len(fresh.deliveries)


def test_kept_deliveries_are_made_again_when_what_they_show_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deliveries' pages, list entries and iCalendar events kept by one build and used by
    the next: the pages are those made afresh, nothing is made again while nothing changed, and
    an edited module, centre or build day makes again exactly the deliveries it shows in."""
    from opencpd.core import calendar, placed
    from opencpd.core.delivery_pages import DeliveryPages
    from opencpd.core.kept import KeptDeliveries
    from opencpd.core.load import load_catalog
    from opencpd.core.render import Renderer
    from opencpd.core.vocabulary import load_vocabulary

    from .deliveries_site import BUILD_DAY, tiny_site

    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_DAY)
    root, kept_file = tiny_site(tmp_path / "src"), tmp_path / "deliveries.json"
    events: list[str] = []
    real_event = calendar.event

    def counted_event(catalog: object, delivery: object, *args: Any) -> object:
        events.append(delivery.slug)  # type: ignore[attr-defined]
        return real_event(catalog, delivery, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(calendar, "event", counted_event)
    pages_made: list[str] = []
    templates: list[str] = []
    kept_templates: list[str] = []  # what the last render with kept deliveries made
    real_html = DeliveryPages.html

    def counted_html(self: object, template: str, here: str, **context: object) -> str:
        templates.append(template)
        if template == "delivery.html.j2":
            pages_made.append(here.removeprefix("deliveries/").removesuffix(".md"))
        return real_html(self, template, here, **context)  # type: ignore[arg-type]

    monkeypatch.setattr(DeliveryPages, "html", counted_html)

    each_read: list[bool] = []  # whether a render read what was kept of each delivery

    def render(
        keep: bool, packs: dict | None = None, programme: str = "OpenCPD"
    ) -> tuple[object, ...]:
        if keep:  # a build of its own, as each `opencpd build` is: another key signs its
            # held fragments (core/placed.py), and the render afresh beside it shares it
            monkeypatch.setattr(placed, "_KEY", secrets.token_bytes(32))
        catalog = load_catalog(root, load_vocabulary())
        kept = KeptDeliveries(kept_file, catalog.vocabulary, "settings") if keep else None
        renderer = Renderer(
            catalog,
            site_url="https://cpd.example.org/",
            packs=packs,
            shells=True,
            kept=kept,
            programme=programme,
        )
        pages = renderer.pages()
        if kept:
            each_read.append("kept" in vars(kept))
            kept.save()
        shown = renderer.delivery_pages
        # taken whole, the articles of the pages search leaves out and the files' text are
        # read only when asked for
        apart = (shown.kept.whole_apart(shown.whole_key) if kept else None) or {}
        shelled = {u: (p.meta, p.article or apart[u]) for u, p in shown.shelled.items()}
        pages = {u: apart[u] if u in shown.unread else text for u, text in pages.items()}
        return pages, shelled

    def made_again() -> list[str]:
        events.clear()
        pages_made.clear()
        templates.clear()
        kept = render(keep=True)
        made = sorted(events)
        kept_templates[:] = templates
        assert sorted(pages_made) == made  # each delivery's page made again with its event
        assert kept == render(keep=False)
        return made

    assert render(keep=True) == render(keep=False)
    assert made_again() == []
    # nothing at all, not even the module pages' short lists: all the deliveries' pages were
    # found whole, and what was kept of each delivery was not read
    assert kept_templates == [] and each_read == [True, False], (kept_templates, each_read)
    # a pack made for one delivery since: its page links it, the others are kept
    packs = {
        "delivery-2027-03-31-leeds-speaking": [
            {"uri": "packs/x.pdf", "label": "Pack", "size": "1 MB"}
        ]
    }
    kept_pages = render(keep=True, packs=packs)
    assert kept_pages == render(keep=False, packs=packs) and each_read[-1]
    assert "packs/x.pdf" in str(kept_pages)
    assert render(keep=True, packs=packs) == render(keep=False, packs=packs)
    assert not each_read[-1]
    module = root / "modules" / "ks2-speaking" / "module.md"
    module.write_text(module.read_text("utf-8").replace("Speaking at KS2", "Talking at KS2"))
    assert made_again() == ["2026-12-01-leeds-speaking", "2027-03-31-leeds-speaking"]
    centre = root / "centres" / "bristol-hub.md"
    centre.write_text(centre.read_text("utf-8").replace("Bristol Languages Hub", "Avon Hub"))
    assert made_again() == ["2027-02-10-bristol-transition", "2027-11-03-bristol-reading"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(BUILD_DAY) + 86400))
    assert len(made_again()) == 4
    assert made_again() == []
    # the site renamed (its site_name): the events, which name it in their category, are made
    # again; the pages' articles, which do not, are kept
    events.clear()
    pages_made.clear()
    renamed = render(keep=True, programme="North Hub")
    assert len(events) == 4 and pages_made == [], (events, pages_made)
    assert renamed == render(keep=False, programme="North Hub")
    assert "CATEGORIES:North Hub twilight" in str(renamed) and "OpenCPD twilight" not in str(
        renamed
    )
