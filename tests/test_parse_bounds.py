"""Every parse is bounded (issue 13, cause 4) and every refusal is worded for a teacher (issues
13 and 14): hostile front matter of 10^5 levels ends as a path:line finding, never a
RecursionError, a signal or a hang; `opencpd check` says so from a real process."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from opencpd.cli import main as opencpd
from opencpd.core.frontmatter import (
    MAX_DEPTH,
    MAX_FRONT_MATTER_CHARS,
    FrontMatterError,
    depth_bound,
    parse,
)
from opencpd.core.load import load_catalog
from opencpd.core.model import Module, Resource
from opencpd.core.validate import validate
from opencpd.core.vocabulary import load_vocabulary

from .test_bad_resources import BASE, site_config

RESOURCE = "modules/ks2-demo/resources/hostile/index.md"
HEAD = (
    "title: Weather bingo\nsummary: A game.\ncontributor: {name: Ms A. Teacher}\n"
    "consent: true\nno_pupil_data: true\nkey_stage: KS2\nyear_groups: [3, 4]\n"
    "languages: [fr]\n"
)
TAIL = "type: game\nlicence: CC-BY-4.0\nsubmitted: 2026-10-01\nstatus: approved\n"


def chain(levels: int) -> str:
    """Each alias holds the one before twice: 2^levels values."""
    return "themes:\n  - &a0 [x]\n" + "".join(
        f"  - &a{i} [*a{i - 1}, *a{i - 1}]\n" for i in range(1, levels)
    )


# name -> the themes field, about 10^5 levels (or anchors) deep
HOSTILE = {
    "flow-lists": "themes: " + "[" * 100_000 + "\n",
    "block-dashes": "themes:\n  " + "- " * 100_000 + "x\n",
    "flow-mappings": "themes: " + "{a: " * 100_000 + "\n",
    "alias-chain": chain(100_000),
    "mixed": "themes:\n  " + "- " * 50_000 + "[" * 50_000 + "{a: " * 50_000 + "\n",
    "indentation": "themes:\n" + "".join(" " * i + "-\n" for i in range(1, 2_000)),
    # within the size limit: refused for their depth or size, not their length
    "flow-lists-30k": "themes: " + "[" * 30_000 + "\n",
    "flow-closed-30k": "themes: " + "[" * 15_000 + "]" * 15_000 + "\n",
    "dashes-30k": "themes:\n  " + "- " * 30_000 + "x\n",
    "mappings-15k": "themes: " + "{a: " * 15_000 + "\n",
    "alias-chain-1000": chain(1_000),
    "billion-laughs": "themes:\n  - &a0 ["
    + ", ".join(["lol"] * 10)
    + "]\n"
    + "".join(f"  - &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10)),
    "contains-itself": "themes: &t [x, *t]\n",
}


def page(themes: str) -> bytes:
    return f"---\n{HEAD}{themes}{TAIL}---\nText.\n".encode()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_nesting_is_a_finding_at_a_line(name: str) -> None:
    with pytest.raises(FrontMatterError) as caught:
        parse(RESOURCE, page(HOSTILE[name]))
    finding = caught.value.finding
    assert finding.rule in ("too-deep", "too-large", "yaml-alias"), str(finding)
    if len(HOSTILE[name]) < MAX_FRONT_MATTER_CHARS:
        assert finding.rule != "too-large" or "values" in finding.message, str(finding)
        assert finding.line >= 10, str(finding)  # at or below the themes line, not 1:1
    assert re.match(rf"^{RESOURCE}:\d+:\d+: [a-z-]+: .+\(expected .+, got .+\)\. .+", str(finding))


def test_nesting_up_to_the_limit_is_read() -> None:
    levels = MAX_DEPTH - 3  # the front matter, the field and the innermost value are levels too
    source = parse("m.md", f"---\nx: {'[' * levels}1{']' * levels}\n---\nText\n".encode())
    value = source.data["x"]
    for _ in range(levels):
        value = value[0]
    assert value == 1


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max((max(1, _depth(v)) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 1


@pytest.mark.parametrize("seed", range(30))
def test_the_depth_read_from_the_text_is_never_below_the_real_depth(seed: int) -> None:
    """libyaml is trusted only with text whose characters alone show it is shallow enough."""
    rng = random.Random(seed)

    def make(level: int) -> object:
        if level > 12 or rng.random() < 0.2:
            return rng.choice(["x", "it's", '"]]', "a [b", 3])
        if rng.random() < 0.5:
            return [make(level + 1) for _ in range(rng.randint(1, 3))]
        return {f"k{n}": make(level + 1) for n in range(rng.randint(1, 3))}

    data = {"root": make(0)}
    for flow in (True, False, None):
        text = yaml.safe_dump(data, default_flow_style=flow, width=rng.choice([20, 80, 4096]))
        assert depth_bound(text) >= _depth(data), text


def test_cr_only_line_endings_are_line_breaks() -> None:
    text = "---\rtitle: A\rsummary: B\r---\rBody one\rBody two\r"
    source = parse("m.md", text.encode())
    assert source.data == {"title": "A", "summary": "B"}
    assert source.positions[("summary",)] == (3, 10)
    assert (source.body, source.body_line) == ("Body one\nBody two\n", 5)


@pytest.mark.parametrize(
    "key, written",
    [("2026-01-01", "2026-01-01"), ("1", "1"), ("~", "~"), ("null", "null"), ("yes", "yes")],
)
def test_keys_that_are_not_names_are_reported_at_their_line(key: str, written: str) -> None:
    raw = f"---\n{HEAD}themes: [vocabulary]\n{key}: x\n{TAIL}---\nText.\n".encode()
    source = parse("r.md", raw)
    _, findings = validate(source, Resource, load_vocabulary())
    assert [(f.line, f.column, f.rule) for f in findings] == [(11, 1, "unknown-field")]
    assert f"'{written}'" in findings[0].message
    assert "datetime" not in str(findings[0]) and "None" not in str(findings[0])


@pytest.mark.parametrize(
    "yaml_text, line, words",
    [
        (
            "title: A\nlanguages: [fr, de\nthemes: [vocabulary]\n",
            3,
            "expected the closing ']', got the next field on line 4",
        ),
        ("title: A\ncontributor: {name: A\nthemes: [x]\n", 3, "expected the closing '}'"),
        ("title: A\nsummary: Warm-up: a game\n", 3, "got a second ': ' on this line"),
        ('title: "A\nkey: b\n', 2, "expected the closing quotation mark"),
        ("themes:\n\t- a\n", 3, "expected spaces, got a tab"),
        ("a: [b, c: d: e]\n", 2, "expected ',' between the items"),
        ("title: A\njust text\nx: 1\n", 3, "got a line without ': '"),
        ("a: *nope\n", 2, "expected '&nope' before '*nope'"),
        ("[a]: b\n", 2, "got a list or a set of fields"),
    ],
)
def test_yaml_errors_in_plain_words_at_the_line_to_fix(
    yaml_text: str, line: int, words: str
) -> None:
    with pytest.raises(FrontMatterError) as caught:
        parse("m.md", f"---\n{yaml_text}---\nText\n".encode())
    finding = caught.value.finding
    assert (finding.line, finding.rule) == (line, "yaml-syntax"), str(finding)
    assert words in finding.message, str(finding)
    assert "but got" not in str(finding) and "but found" not in str(finding)


def test_a_list_item_is_named_in_words_in_the_hint() -> None:
    source = parse("m.md", f"---\n{HEAD}themes: [vocabulary, [x]]\n{TAIL}---\nT\n".encode())
    (finding,) = validate(source, Resource, load_vocabulary())[1]
    assert finding.hint == "Correct item 2 of 'themes'.", str(finding)


@pytest.mark.parametrize(
    "stage, hint",
    [("ks2", "Did you mean 'KS2'?"), ("Ks3", "Did you mean 'KS3'?"), ("ks2-3", "'KS2-3'")],
)
def test_a_key_stage_in_other_capitals_is_suggested(stage: str, hint: str) -> None:
    raw = f"---\n{HEAD.replace('KS2', stage)}themes: [vocabulary]\n{TAIL}---\nT\n"
    findings = validate(parse("r.md", raw.encode()), Resource, load_vocabulary())[1]
    (finding,) = [f for f in findings if f.line == 7]  # line 8: years 3, 4 outside KS3
    assert finding.rule == "bad-value" and hint in finding.hint


def test_a_contributor_is_asked_to_request_a_new_term_not_to_edit_the_vocabulary() -> None:
    raw = f"---\n{HEAD.replace('KS2', 'KS5')}themes: [vocabulary]\n{TAIL}---\nT\n"
    (finding,) = validate(parse("r.md", raw.encode()), Resource, load_vocabulary())[1]
    assert "vocabulary.yml" not in finding.hint and "ask a moderator" in finding.hint
    module = (
        "---\nid: m\ntitle: M\nkey_stage: KS5\nthemes: [vocabulary]\nlanguages: [fr]\n"
        "audience: [trainers]\nsummary: S\noutcomes: [O]\nauthors: [A]\n"
        "licence: CC-BY-4.0\nversion: '1'\nreviewed: 2026-01-01\n---\nT\n"
    )
    (finding,) = validate(parse("module.md", module.encode()), Module, load_vocabulary())[1]
    assert "vocabulary.yml" in finding.hint  # the programme's own authors may add terms


@pytest.mark.parametrize(
    "stage, good, bad",
    [
        ("KS2", [3, 6], [2, 7]),
        ("KS3", [7, 9], [6, 10]),
        ("KS2-3", [5, 8], [4, 9]),
        ("all", [1, 13], []),
    ],
)
def test_year_groups_must_be_in_the_key_stage(stage: str, good: list[int], bad: list[int]) -> None:
    head = HEAD.replace("key_stage: KS2", f"key_stage: {stage}").replace("[3, 4]", str(good + bad))
    raw = f"---\n{head}themes: [vocabulary]\n{TAIL}---\nT\n"
    findings = validate(parse("r.md", raw.encode()), Resource, load_vocabulary())[1]
    assert [(f.line, f.column) for f in findings] == [(8, 15 + 3 * n) for n in range(2, 4)][
        : len(bad)
    ], findings
    for finding, year in zip(findings, bad, strict=False):
        assert f"year {year} is not in {stage}" in finding.message


def test_the_year_ranges_come_from_the_vocabulary(tmp_path: Path) -> None:
    extra = tmp_path / "vocabulary.yml"
    extra.write_text("key_stages:\n  - {id: KS2, label: Key Stage 2, years: [5, 6]}\n")
    raw = f"---\n{HEAD}themes: [vocabulary]\n{TAIL}---\nT\n"
    findings = validate(parse("r.md", raw.encode()), Resource, load_vocabulary(extra))[1]
    assert [f.message for f in findings] == [
        f"year {y} is not in KS2 (expected years 5 to 6, got {y})" for y in (3, 4)
    ]


# From a real process: no traceback, no signal, a finding at its line --------------------


def tree(tmp_path: Path, front: str) -> Path:
    root = Path(shutil.copytree(BASE, tmp_path / "content"))
    folder = root / Path(RESOURCE).parent
    folder.mkdir(parents=True)
    (folder / "index.md").write_bytes(page(front))
    site_config(root)
    return root


@pytest.mark.parametrize(
    "name",
    [
        "flow-lists",
        "block-dashes",
        "flow-mappings",
        "alias-chain",
        "flow-lists-30k",
        "mappings-15k",
        "billion-laughs",
    ],
)
def test_opencpd_check_ends_with_a_finding_never_a_signal(name: str, tmp_path: Path) -> None:
    root = tree(tmp_path, HOSTILE[name])
    done = subprocess.run(
        [str(Path(sys.executable).parent / "opencpd"), "check", "-f", str(root / "mkdocs.yml")],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])  # < 0: a signal
    assert "Traceback" not in done.stderr and "RecursionError" not in done.stderr
    assert re.search(
        rf"^{re.escape(RESOURCE)}:\d+:\d+: (too-deep|too-large): ", done.stdout, re.MULTILINE
    ), done.stdout
    assert "1 problem (1 error, no warnings)." in done.stderr


def test_new_module_with_an_unknown_key_stage_says_so_plainly(tmp_path: Path) -> None:
    root = tree(tmp_path, "themes: [vocabulary]\n")
    result = CliRunner().invoke(
        opencpd,
        [
            "new",
            "module",
            "-f",
            str(root / "mkdocs.yml"),
            "ks9-x",
            "--title",
            "X",
            "--key-stage",
            "KS9",
        ],
    )
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.output == (
        "Error: the module would not be valid, so nothing was written: 'key_stage' has a value "
        "that is not in the vocabulary (expected one of KS2, KS3, KS2-3, all; got 'KS9'). "
        "Did you mean 'KS3'? New terms go in vocabulary.yml.\n"
    )
    assert not (root / "modules" / "ks9-x").exists()


def bytes_read() -> int:
    """What this process has read from files so far (Linux counts it, in /proc/self/io)."""
    text = Path("/proc/self/io").read_text()
    return int(re.search(r"^rchar: (\d+)$", text, re.M)[1])  # type: ignore[index]


def test_a_file_too_large_to_publish_is_not_read(tmp_path: Path) -> None:
    """A 4 GB attachment, refused as too large for its size alone, was read whole for the
    build's cache key of its resource (17 s), and a page as large for a centre's or a
    delivery's: now only their sizes are hashed. Nor is the attachment read to be published
    (an SVG was read whole to be sanitised). The evidence is the count of bytes the process
    reads, which reading the file would raise by 4 GB."""
    from opencpd.core.kept import KeptDocs
    from opencpd.core.render import Renderer
    from opencpd.core.tree import walk

    from .test_resources import copy_fixture, write_resource

    root = copy_fixture(tmp_path / "site")
    rel, _, _ = write_resource(root, "huge", ["{path: cards.svg, title: Cards, alt: Cards}"])
    folder = (root / rel).parent
    huge = folder / "cards.svg"
    huge.write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'>")
    os.truncate(huge, 4 * 1024**3)  # sparse: no disk space taken
    limit = 20 * 1024 * 1024
    before = bytes_read()
    key = KeptDocs.key(rel, walk(folder), limit)
    delivery_key = KeptDocs.file_key("deliveries/huge.md", huge)
    catalog = load_catalog(root, load_vocabulary(), False, limit, tmp_path / "kept.json")
    published = Renderer(catalog).attachments()
    read = bytes_read() - before
    assert read < 16 * 1024 * 1024, f"{read:,} bytes read"
    assert [(f.path, f.rule) for f in catalog.findings] == [(rel, "bad-attachment")]
    assert "too large (expected at most 20.0 MB, got 4.0 GB)" in str(catalog.findings[0])
    assert not [uri for uri in published if "/huge/" in uri], published
    # the keys change with its size, as the finding does
    os.truncate(huge, 3 * 1024**3)
    assert KeptDocs.key(rel, walk(folder), limit) != key
    assert KeptDocs.file_key("deliveries/huge.md", huge) != delivery_key


def test_a_page_that_cannot_be_read_is_reported_not_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page without read permission (or on a failing disk) was passed over without a word:
    the module was missing from the site and `opencpd check` said 'no problems'."""
    from opencpd.core import loader
    from opencpd.core.load import load_catalog

    root = tmp_path / "site"
    shutil.copytree(Path(__file__).parent / "fixtures" / "site", root)
    unreadable = root / "modules" / "ks2-speaking" / "module.md"
    read = loader.read_regular

    def refuse(path: Path, limit: int = -1) -> bytes:
        if path == unreadable:
            raise PermissionError(13, "Permission denied")
        return read(path, limit)

    monkeypatch.setattr(loader, "read_regular", refuse)
    found = load_catalog(root, load_vocabulary()).findings
    assert [(f.path, f.rule) for f in found if f.rule == "unreadable"] == [
        ("modules/ks2-speaking/module.md", "unreadable")
    ], found
    assert any("(expected a file anyone may read, got Permission denied)" in str(f) for f in found)


@pytest.mark.parametrize("unit", ["![", "*a*{", "[a]{"])
def test_the_language_check_reads_a_long_line_in_linear_time(unit: str) -> None:
    """The language check's patterns scanned to the end of the line from each '![', '*' or
    '[': a line of 125,000 '![' (within the page size limit) took minutes, quadratic in its
    length. Linear now: a few seconds at most even on a slow machine, far within the timeout,
    which quadratic work of this size would exceed many times over."""
    program = (
        "from opencpd.core.frontmatter import parse\n"
        "from opencpd.core.language import language_findings\n"
        f"line = {unit!r} * (250_000 // {len(unit)})\n"
        "source = parse('h.md', b'---\\ntitle: T\\n---\\n' + line.encode())\n"
        "language_findings(source)\n"
    )
    subprocess.run([sys.executable, "-c", program], check=True, timeout=90)


@pytest.mark.parametrize(
    "folder",
    [
        "modules",
        "modules/ks2-speaking",
        "modules/ks2-3-transition",  # the handbook's training_module
        "modules/ks2-speaking/sessions",
        "modules/ks2-speaking/resources",
        "modules/ks2-speaking/resources/greetings-song",
        "handbook/bridge-toolkit",
    ],
)
def test_a_folder_that_cannot_be_listed_is_reported_not_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str
) -> None:
    """A folder without read permission (or on a failing disk) was passed over without a
    word: its pages were missing from the site and `opencpd check` said 'no problems'. Then
    modules/ (or the module's folder) cannot be listed was reported, and also that the
    handbook's training_module 'names a module that does not exist': only the first is true."""
    import os

    from opencpd.core.load import load_catalog

    root = tmp_path / "site"
    shutil.copytree(Path(__file__).parent / "fixtures" / "site", root)
    unreadable = str(root / folder)
    scandir = os.scandir

    def refuse(path):  # type: ignore[no-untyped-def]
        if os.fspath(path).rstrip(os.sep) == unreadable:
            raise PermissionError(13, "Permission denied")
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    found = load_catalog(root, load_vocabulary()).findings
    here = [f for f in found if f.rule == "unreadable" or f.path.startswith(folder + "/")]
    assert [(f.path, f.line, f.rule) for f in here] == [(folder, 1, "unreadable")], found
    assert "(expected a folder anyone may open, got Permission denied)" in str(here[0])
    assert "chmod a+rx" in str(here[0])
    if folder.split("/")[0] == "modules":  # nothing else said (no 'missing-file', no
        assert len(found) == 1, found  # 'unknown-module' for the handbook's training_module)


def test_an_unreadable_modules_folder_is_the_one_finding_of_what_names_its_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With modules/ unreadable, each page naming a module (a handbook's training_module, a
    delivery's module, support's launch_module) also said it 'names a module that does not
    exist': at 3,000 deliveries, 3,000 findings of one problem. The site with modules/
    unreadable gives the findings it gives when modules/ can be read, less those about modules/,
    and the unreadable folder."""
    import os

    from opencpd.core.load import load_catalog

    from .deliveries_site import BUILD_DAY, tiny_site
    from .test_support import FIXTURE as SUPPORT

    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_DAY)
    root = tiny_site(tmp_path / "site")
    shutil.copytree(SUPPORT / "support", root / "support")
    readable = load_catalog(root, load_vocabulary())
    assert readable.deliveries and readable.publications, readable
    assert any(f.path.startswith("support/") for f in readable.findings)  # offers expired

    unreadable, scandir = str(root / "modules"), os.scandir

    def refuse(path):  # type: ignore[no-untyped-def]
        if os.fspath(path).rstrip(os.sep) == unreadable:
            raise PermissionError(13, "Permission denied")
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    found = load_catalog(root, load_vocabulary())
    assert not found.modules and not found.deliveries
    assert [(f.path, f.rule) for f in found.findings if f not in readable.findings] == [
        ("modules", "unreadable")
    ], found.findings


LINEAR_CASES = {
    # a page's first heading, for a hand-written page's title (serve)
    "atx-heading": (
        "from opencpd.adapters.serving import ATX_HEADING as p",
        "p.search('# a' + ' #' * (N // 2) + 'x')",
    ),
    # the images a pack embeds
    "pack-image-alt": (
        "from opencpd.core.packs.spec import IMAGE as p",
        "list(p.finditer('![' * (N // 2)))",
    ),
    "pack-image-tag": (
        "from opencpd.core.packs.spec import IMAGE as p",
        "list(p.finditer('<img ' * (N // 5)))",
    ),
    # a material named as a handout in an agenda
    "handout-note-spaces": (
        "from opencpd.core.packs.delivery import HANDOUT_NOTE as p",
        "p.sub('', 'x' + ' ' * N + 'x')",
    ),
    "handout-note-nested": (
        "from opencpd.core.packs.delivery import HANDOUT_NOTE as p",
        "p.sub('', '(handout' * (N // 2))",
    ),
    # an author's note in brackets (JSON-LD), and an issue form's option labels
    "name-note": ("from opencpd.core.metadata import plain_name as f", "f('a' + ' ' * N + 'x')"),
    "intake-label": (
        "from opencpd.intake.issue import choose as f",
        "f('a', {'a' + ' ' * N + 'x': 1}, False)",
    ),
    # an issue's body, line by line
    "intake-heading": (
        "from opencpd.intake.issue import sections as f",
        "f('### a' + ' ' * N + 'b', ['a'])",
    ),
    "intake-tick": (
        "from opencpd.intake.issue import Section, ticks as f",
        "f(Section('a', 1, [(2, '- [x] a' + ' ' * N + 'b')]))",
    ),
    "intake-link": (
        "from opencpd.intake.issue import Section, links as f",
        "f(Section('a', 1, [(2, '[' * N)]))",
    ),
    "intake-img": (
        "from opencpd.intake.issue import Section, links as f",
        "f(Section('a', 1, [(2, '<img ' * N)]))",
    ),
    # the theme's markup, without its indentation
    "compact": ("from opencpd.core.compact import compact as f", "f('<p>' + ' ' * N + 'x')"),
    "compact-unclosed": (
        "from opencpd.core.compact import compact as f",
        "f('<pre <script <style <textarea <article ' * (N // 39))",
    ),
    # a centre's or the support team's mailbox, searched for in a text
    "mailbox": (
        "from opencpd.core.delivery_model import MAILBOX as p",
        "p.search('a.' * (N // 2))",
    ),
    # the language check's headings, and a slide block's title
    "language-heading": (
        "from opencpd.core.language import language_findings as f\n"
        "from opencpd.core.frontmatter import parse",
        "f(parse('h.md', b'---\\ntitle: T\\n---\\n# a' + b' ' * (N // 2) + b'x'))",
    ),
    "slide-title": (
        "from opencpd.core.slides.source import OPEN as p",
        "p.match('/// slide | a' + ' ' * N + 'b')",
    ),
}


@pytest.mark.parametrize("case", sorted(LINEAR_CASES))
def test_each_pattern_reads_a_long_text_in_linear_time(case: str) -> None:
    """Each of these patterns read a long run of one thing (spaces, '![', '<img ', '[', ' #')
    again from each of its characters: quadratic (the language check's heading cubic) in the
    text's length, about 100 times slower for 10 times more, so that 400,000 characters took
    minutes. Linear now: under a second for the pattern, so the generous timeout (which covers
    starting Python) is met many times over, where the quadratic work exceeded it many times
    over. Their results on ordinary text are unchanged (the tests of each feature)."""
    setup, call = LINEAR_CASES[case]
    program = f"{setup}\nN = 400_000\n{call}\n"
    subprocess.run([sys.executable, "-c", program], check=True, timeout=30)


# What compact() kept apart, as the one pattern it used read it (quadratic on unclosed tags).
KEPT_BY_ONE_PATTERN = re.compile(
    r"(<article\b.*?</article>|<script\b.*?</script>|<style\b.*?</style>"
    r"|<pre\b.*?</pre>|<textarea\b.*?</textarea>)",
    re.DOTALL | re.IGNORECASE,
)


@pytest.mark.parametrize("unit", ["<script", "<pre <script <style <textarea <article "])
def test_the_theme_markup_kept_as_it_is_is_found_in_linear_steps(
    monkeypatch: pytest.MonkeyPatch, unit: str
) -> None:
    """compact() looked for the closing tag again from each unclosed `<script` (or `<pre`,
    ...), reading the rest of the text each time: 400,000 characters of them took about a
    minute and a half. Each search is now counted by the characters it reads, from where it
    starts to where it matches (or to the end): at most 7 times the text's length (6.7 for the
    five names), where the old way read the rest of it again for each tag (57,000 here)."""
    from opencpd.core import compact

    read = 0

    class Counted:
        def __init__(self, pattern: re.Pattern[str]) -> None:
            self.pattern = pattern

        def search(self, text: str, at: int = 0) -> re.Match[str] | None:
            nonlocal read
            found = self.pattern.search(text, at)
            read += (found.end() if found else len(text)) - at
            return found

    monkeypatch.setattr(compact, "OPENING", Counted(compact.OPENING))
    monkeypatch.setattr(compact, "CLOSING", {k: Counted(p) for k, p in compact.CLOSING.items()})
    html = unit * (400_000 // len(unit)) + "\n  <p>\n  </p>"
    assert compact.compact(html).endswith("\n<p>\n</p>")
    # once for the openings, once for the closings found, once for each of 5 names unclosed
    assert read <= 7 * len(html), f"{read:,} characters read for {len(html):,}"


def test_the_theme_markup_kept_as_it_is_is_what_one_pattern_kept() -> None:
    """The parts compact() keeps as they are, on many short texts of tags open and closed in
    any order and case, are those the one (quadratic) pattern it used kept."""
    from opencpd.core.compact import kept_apart

    bits = [
        *("<script", "</script>", "<SCRIPT>", "</Script>", "<scripts>", "</script >"),
        *("<pre", "<prefix>", "</pre>", "<style ", "</style>", "<article>", "</article>"),
        *("<textarea", "</textarea>", " ", "\n", "x", "<", ">", "/", "İ", "ſ"),
    ]
    rng = random.Random(13)
    for _ in range(20_000):
        text = "".join(rng.choice(bits) for _ in range(rng.randint(0, 30)))
        assert kept_apart(text) == KEPT_BY_ONE_PATTERN.split(text), text


def test_a_training_module_named_with_no_module_at_all_says_there_is_none(tmp_path: Path) -> None:
    """With no modules/ folder, the handbook's training_module was said to be 'expected one of
    ; got ...': an empty list. It now says there is no module to name."""
    from opencpd.core.load import load_catalog

    root = tmp_path / "site"
    shutil.copytree(Path(__file__).parent / "fixtures" / "site", root)
    shutil.rmtree(root / "modules")
    found = [
        f for f in load_catalog(root, load_vocabulary()).findings if f.rule == "unknown-module"
    ]
    assert found and all(f.path.startswith("handbook/") for f in found), found
    assert "expected the id of a module, and there is none; got " in str(found[0]), found
    assert "one of ;" not in str(found[0])
