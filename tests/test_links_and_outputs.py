"""Issue 13, causes 3 and 6: no symbolic link is ever followed (nothing read through one,
published through one or quoted from one, kept resources included), and no two inputs take
one name in the built site. The corpus cases 50-65 give each finding; these tests check what
the findings cannot show."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from opencpd.cli import main as opencpd
from opencpd.core.attachments import Outputs
from opencpd.core.catalog import Doc, field_name
from opencpd.core.load import load_catalog
from opencpd.core.render import Renderer
from opencpd.core.vocabulary import load_vocabulary

from .test_bad_resources import CASES, assemble, expected

LINKED = [case for case in CASES if expected(case).get("symlinks")]
# Text only the files outside the content tree hold.
OUTSIDE = ["OUTSIDEMARKER", "SECRETLINE", "secret answers", "root:"]
DEMO = "modules/ks2-demo/resources"


def test_the_corpus_has_links_at_every_level() -> None:
    links = [link for case in LINKED for link in expected(case)["symlinks"]]
    assert any(link.count("/") == 1 for link in links)  # a module folder
    assert any(link.count("/") == 3 for link in links)  # a resource folder
    assert any(link.endswith("/index.md") for link in links)  # a resource's page
    assert any("/sessions/" in link for link in links)  # a module's page
    assert len(LINKED) >= 6


@pytest.mark.parametrize("case", LINKED, ids=[c.name for c in LINKED])
def test_nothing_is_read_published_or_quoted_through_a_link(case: Path, tmp_path: Path) -> None:
    root = assemble([case], tmp_path)
    for kept in (None, tmp_path / "kept.json", tmp_path / "kept.json"):  # afresh, kept, reused
        catalog = load_catalog(root, load_vocabulary(), kept=kept)
        for finding in catalog.findings:
            assert not any(text in str(finding) for text in OUTSIDE), finding
        assert [m.id for m in catalog.modules] == ["ks2-demo"]
        linked = {
            link.split("/")[3] for link in expected(case)["symlinks"] if link.startswith(DEMO)
        }
        assert not [r for _, r in catalog.resources if r.slug in linked]
        for _, resource in catalog.resources:
            assert "OUTSIDEMARKER" not in resource.body + resource.meta.title
        for source in Renderer(catalog).attachments().values():
            if isinstance(source, Path):
                assert not source.is_symlink()
                assert source.resolve().is_relative_to(root.resolve())


def test_opencpd_check_quotes_nothing_from_a_system_file(tmp_path: Path) -> None:
    (case,) = [c for c in LINKED if c.name == "51-symlink-page-to-system-file"]
    root = assemble([case], tmp_path)
    result = CliRunner(env={"CI": None}).invoke(opencpd, ["check", "-f", str(root / "mkdocs.yml")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{DEMO}/page-link/index.md:1:1: symlink: " in result.output
    assert "root:" not in result.output


def test_a_kept_resource_is_not_used_once_a_link_replaces_a_file(tmp_path: Path) -> None:
    """The kept resources are hashed from the same listing the loader reads: a file swapped for
    a link to an identical copy outside is a change, and the link is refused."""
    (case,) = [c for c in CASES if c.name == "59-same-file-twice"]
    root = assemble([case], tmp_path)
    folder = root / DEMO / "same-file-twice"
    (folder / "index.md").write_text(
        (folder / "index.md")
        .read_text("utf-8")
        .replace("  - {path: ./cards.pdf, title: The same cards}\n", ""),
        "utf-8",
    )
    kept = tmp_path / "kept.json"
    first = load_catalog(root, load_vocabulary(), kept=kept)
    assert first.findings == [] and [r.slug for _, r in first.resources] == ["same-file-twice"]
    outside = tmp_path / "outside" / "cards.pdf"
    shutil.copyfile(folder / "cards.pdf", outside)
    (folder / "cards.pdf").unlink()
    (folder / "cards.pdf").symlink_to(outside)
    second = load_catalog(root, load_vocabulary(), kept=kept)
    assert [(f.line, f.rule) for f in second.findings] == [(16, "bad-attachment")]
    assert second.resources == []
    # and a whole folder swapped for a link to its copy outside
    (folder / "cards.pdf").unlink()
    shutil.copyfile(outside, folder / "cards.pdf")
    assert load_catalog(root, load_vocabulary(), kept=kept).findings == []
    shutil.move(folder, tmp_path / "outside" / "moved")
    folder.symlink_to(tmp_path / "outside" / "moved")
    third = load_catalog(root, load_vocabulary(), kept=kept)
    assert [(f.path, f.rule) for f in third.findings] == [(f"{DEMO}/same-file-twice", "symlink")]
    assert third.resources == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_is_never_opened(tmp_path: Path) -> None:
    """Opening a named pipe waits for a writer for ever: a pipe is refused, not read."""
    (case,) = [c for c in CASES if c.name == "59-same-file-twice"]
    root = assemble([case], tmp_path)
    os.mkfifo(root / DEMO / "same-file-twice" / "stray.pdf")
    os.mkfifo(root / "modules/ks2-demo/sessions/02-pipe.md")
    found = [(f.path, f.rule) for f in load_catalog(root, load_vocabulary()).findings]
    assert (f"{DEMO}/same-file-twice/stray.pdf", "not-a-file") in found
    assert ("modules/ks2-demo/sessions/02-pipe.md", "not-a-file") in found


def test_links_in_the_handbook_are_refused(tmp_path: Path) -> None:
    (case,) = [c for c in CASES if c.name == "59-same-file-twice"]
    root = assemble([case], tmp_path)
    secret = tmp_path / "outside" / "notes.md"
    secret.write_text("SECRETLINE\n", "utf-8")
    (root / "handbook" / "toolkit").mkdir(parents=True)
    (root / "handbook" / "toolkit" / "publication.md").symlink_to(secret)
    (root / "handbook" / "elsewhere").symlink_to(tmp_path / "outside")
    catalog = load_catalog(root, load_vocabulary())
    found = {(f.path, f.line, f.rule) for f in catalog.findings}
    assert ("handbook/toolkit/publication.md", 1, "symlink") in found
    assert ("handbook/elsewhere", 1, "symlink") in found
    assert catalog.publications == []
    assert not any("SECRETLINE" in str(f) for f in catalog.findings)


def test_two_resource_folders_differing_only_in_case(tmp_path: Path) -> None:
    (case,) = [c for c in CASES if c.name == "59-same-file-twice"]
    root = assemble([case], tmp_path)
    folder = root / DEMO / "same-file-twice"
    shutil.copytree(folder, root / DEMO / "Same-File-Twice")
    catalog = load_catalog(root, load_vocabulary())
    # a name with capitals is not an address at all: refused, and the other one published
    refused = [f for f in catalog.findings if f.line == 1]
    assert [(f.path, f.rule) for f in refused] == [(f"{DEMO}/Same-File-Twice", "bad-name")]
    assert [r.slug for _, r in catalog.resources] == ["same-file-twice"]


@pytest.mark.parametrize(
    "case", [c for c in CASES if "same-output" in str(expected(c))], ids=lambda c: c.name
)
def test_no_two_attachments_are_published_under_one_name(case: Path, tmp_path: Path) -> None:
    catalog = load_catalog(assemble([case], tmp_path), load_vocabulary())
    published = list(Renderer(catalog).attachments())
    taken: set[str] = set()
    for uri in published:  # as MkDocs writes them: a Markdown file also as <name>.md.txt
        for name in [uri, uri + ".txt"] if uri.lower().endswith(".md") else [uri]:
            same = name.lower()
            assert same not in taken and not same.endswith("/index.md"), (name, published)
            taken.add(same)


def test_outputs_compare_names_as_a_careless_disk_does() -> None:
    outputs = Outputs()
    assert outputs.claim("cards.pdf") is None
    assert outputs.claim("./CARDS.pdf") == ("CARDS.pdf", "'cards.pdf'")
    assert outputs.claim("notes.md") is None
    assert outputs.claim("Notes.MD.txt") == ("Notes.MD.txt", "'notes.md'")
    assert outputs.claim("index.HTML") == ("index.HTML", "the resource's own page")
    assert outputs.claim("sub/a.pdf") is None
    assert outputs.claim("sub") == ("sub", "'sub/a.pdf'")
    assert outputs.claim("cards.pdf/x.pdf") == ("cards.pdf/x.pdf", "'cards.pdf'")


def test_a_doc_knows_the_line_of_nested_values() -> None:
    assert field_name(("files", 2, "path")) == "files[2].path"
    doc: Doc[None] = Doc(
        None,
        "a.md",
        "",
        20,
        "a",
        "a.md",
        {"files": 15, "files[1]": 17, "files[1].path": 17, "files[1].alt": 18},
        {"files[1].path": 6, "files[1].alt": 5},
    )
    assert doc.where("files", 1, "alt") == (18, 5)
    assert doc.line("files", 1, "title") == 17  # not there: its entry
    assert doc.line("files", 4, "path") == 15  # no such entry: the field
    assert doc.line("title") == 1
