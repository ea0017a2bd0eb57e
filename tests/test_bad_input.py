"""Bad input that reaches the commands rather than the content: an output folder that holds the
programme's sources, a bad SOURCE_DATE_EPOCH, wrong plugin options in mkdocs.yml. Each is told
as what is wrong, what was expected and how to fix it, exit code 1, no traceback, and no file
of the teacher's touched."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from opencpd.cli import main

from .conftest import ExpectedWarnings


def run(site: Path, *args: str, env: dict[str, str | None] | None = None) -> Result:
    return CliRunner(env={"CI": None, **(env or {})}).invoke(
        main, [*args, "-f", str(site / "mkdocs.yml")]
    )


def sources(site: Path) -> dict[str, bytes]:
    """Every file of the project but its caches, by its path: what no refused command may
    change (a failed build may have made packs for the next, into .cache/)."""
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and not p.relative_to(site).as_posix().startswith(".cache/")
    }


def assert_refused(result: Result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "fault in OpenCPD" not in result.output, result.output
    for word in words:
        assert word in result.output, result.output


def assert_config_refused(
    site: Path, command: str, said: str, warnings_log: ExpectedWarnings
) -> None:
    """`command` stops on a configuration error, says `said` (check prints it, the build logs
    it on the terminal) and changes no file of the project."""
    warnings_log.expect(re.escape(said))
    before = sources(site)
    result = run(site, command)
    assert_refused(result, "Aborted with a configuration error")
    shown = result.output if command == "check" else "\n".join(warnings_log.handler.messages)
    assert said in shown, shown
    assert sources(site) == before


@pytest.mark.parametrize("folder", [".", "modules", "docs", "modules/ks2-speaking", ".."])
def test_a_build_never_replaces_the_project_or_a_content_folder(
    site_copy: Path, folder: str
) -> None:
    before = sources(site_copy)
    result = run(site_copy, "build", "-d", str(site_copy / folder))
    assert_refused(result, "would replace", "expected a folder apart from", "Nothing was written")
    assert sources(site_copy) == before
    assert sorted(p.name for p in site_copy.parent.iterdir()) == ["site-src"]  # nor a spare


def test_site_dir_in_mkdocs_yml_naming_a_content_folder_is_refused(site_copy: Path) -> None:
    config = site_copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nsite_dir: modules\n")
    before = sources(site_copy)
    lines = config.read_text(encoding="utf-8").count("\n")
    refused = f"{config}:{lines}:11: the output would replace {site_copy / 'modules'}"
    assert_refused(run(site_copy, "build"), refused)
    assert sources(site_copy) == before


def test_a_plain_mkdocs_build_into_a_content_folder_is_refused(
    site_copy: Path, warnings_log: ExpectedWarnings
) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    config = site_copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nsite_dir: modules\n")
    before = sources(site_copy)
    lines = config.read_text(encoding="utf-8").count("\n")  # site_dir's, at its value
    said = f"{config}:{lines}:11: the output would replace {site_copy}/modules, where the"
    warnings_log.expect(f"^{re.escape(said)} programme's sources")
    with pytest.raises(Abort):  # MkDocs empties site_dir after on_config: it never gets there
        build(load_config(str(config)))
    assert any(m.startswith(said) for m in warnings_log.handler.messages)
    assert sources(site_copy) == before


def test_render_never_empties_the_project_or_a_content_folder(site_copy: Path) -> None:
    before = sources(site_copy)
    for folder in (".", "modules", "docs"):
        result = run(site_copy, "render", "--out", str(site_copy / folder))
        assert_refused(result, "would replace", "from --out")
    assert sources(site_copy) == before


@pytest.mark.parametrize("stamp", ["garbage", "-5", "1e9", "99999999999999"])
def test_a_source_date_epoch_that_is_no_date_is_named(site_copy: Path, stamp: str) -> None:
    result = run(site_copy, "check", env={"SOURCE_DATE_EPOCH": stamp})
    assert_refused(result, "SOURCE_DATE_EPOCH is not a build date (expected whole seconds")
    assert f"got {stamp!r}). Unset it" in result.output


def test_a_build_with_a_source_date_epoch_that_is_no_date_writes_nothing(
    site_copy: Path,
) -> None:
    before = sources(site_copy)
    result = run(site_copy, "build", env={"SOURCE_DATE_EPOCH": "garbage"})
    assert_refused(result, "SOURCE_DATE_EPOCH is not a build date", "got 'garbage'")
    assert sources(site_copy) == before  # no site/, and nothing else
    assert sorted(p.name for p in site_copy.parent.iterdir()) == ["site-src"]


def test_an_empty_source_date_epoch_is_as_none(site_copy: Path) -> None:
    assert run(site_copy, "check", env={"SOURCE_DATE_EPOCH": ""}).exit_code == 0


def with_options(site: Path, **options: str) -> None:
    """`site`'s mkdocs.yml with these lines added under the opencpd plugin."""
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - opencpd:\n" in text
    for key in options:  # the fixture's own start_time goes
        text = re.sub(rf"(?m)^      {key}: .*\n", "", text)
    lines = "".join(f"      {key}: {value}\n" for key, value in options.items())
    config.write_text(text.replace("  - opencpd:\n", f"  - opencpd:\n{lines}", 1))


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("start_time", '"25:99"', "expected a 24-hour time like \"16:00\", got '25:99'"),
        ("start_time", "4pm", "expected a 24-hour time like \"16:00\", got '4pm'"),
        ("max_attachment_mb", "-1", "expected a whole number of megabytes, at least 1, got -1"),
        (
            "max_attachment_mb",
            "20MB",
            "expected a whole number of megabytes, at least 1, got '20MB'",
        ),
        ("content_dir", "nowhere", "expected a folder holding modules/"),
    ],
)
@pytest.mark.parametrize("command", ["check", "build"])
def test_a_plugin_option_of_the_wrong_kind_is_named_in_mkdocs_yml(
    site_copy: Path,
    warnings_log: ExpectedWarnings,
    command: str,
    option: str,
    value: str,
    expected: str,
) -> None:
    with_options(site_copy, **{option: value})
    at = f"{site_copy / 'mkdocs.yml'}:16:{len(option) + 9}"  # the value, on the plugin's first line
    said = f"{at}: Config value 'plugins': Plugin 'opencpd' option '{option}': {expected}"
    assert_config_refused(site_copy, command, said, warnings_log)


def test_a_start_time_written_without_quotes_is_the_time_it_says(site_copy: Path) -> None:
    from opencpd.adapters.site import load

    with_options(site_copy, start_time="16:15")  # YAML reads 16:15 as 975 (base 60)
    config = load(str(site_copy / "mkdocs.yml"))
    assert config.plugins["opencpd"].config.start_time == "16:15"


def test_a_misspelt_option_is_a_warning_that_fails_check_strict(
    site_copy: Path, warnings_log: ExpectedWarnings
) -> None:
    with_options(site_copy, vocabulery="vocabulary.yml")
    said = (
        f"{site_copy / 'mkdocs.yml'}:16:7: Config value 'plugins': Plugin 'opencpd' option "
        "'vocabulery': Unrecognised configuration name: vocabulery (expected one of content_dir"
    )
    warnings_log.expect(re.escape(said))
    result = run(site_copy, "check")
    assert result.exit_code == 0, result.output
    assert said in result.output and "Did you mean 'vocabulary'?" in result.output
    assert "1 problem (no errors, 1 warning)" in result.output
    assert_refused(run(site_copy, "check", "--strict"), said)


def test_a_link_to_no_page_is_a_finding_of_the_file_it_is_in(
    site_copy: Path, warnings_log: ExpectedWarnings
) -> None:
    """MkDocs names the page's place in the site, which for a session is a generated page:
    the finding names the teacher's file and the link's line and column instead."""
    session = site_copy / "modules" / "ks2-speaking" / "sessions" / "02-follow-up.md"
    lines = session.read_text(encoding="utf-8").count("\n")
    with session.open("a", encoding="utf-8") as file:
        file.write("\nSee [the old page](../gone/index.md) first.\n")
    with (site_copy / "docs" / "about.md").open("a", encoding="utf-8") as file:
        file.write("\n[Gone](nowhere.md)\n")
    warnings_log.expect(r"broken-link")
    before = sources(site_copy)
    assert_refused(run(site_copy, "build"), "stopped on 2 problems")
    said = sorted(warnings_log.handler.messages)
    about = (site_copy / "docs" / "about.md").read_text(encoding="utf-8").count("\n")
    assert said[0].startswith(
        f"docs/about.md:{about}:8: broken-link: the link 'nowhere.md' leads to no page of the "
        "site (expected a page or file the site has, got 'nowhere.md'"
    ), said
    assert said[1].startswith(
        f"modules/ks2-speaking/sessions/02-follow-up.md:{lines + 2}:20: broken-link: the link "
        "'../gone/index.md' leads to no page"
    ), said
    assert all("Correct the address or remove the link." in s for s in said)
    assert sources(site_copy) == before


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "themes:\n  - {id: x, label: X}\nthemez:\n  - {id: y, label: Y}\n",
            "vocabulary.yml:3:1: bad-vocabulary: 'themez' is not a list of the vocabulary "
            "(expected one of key_stages, languages, themes,",
        ),
        (
            "themes:\n  - {id: x, label: X}\n  - {id: x, label: Again}\n",
            "vocabulary.yml:3:5: bad-vocabulary: the list 'themes' has the term 'x' twice "
            "(expected each id once, got it as terms 1 and 2). Delete one of the two",
        ),
    ],
)
def test_a_vocabulary_extended_wrongly_is_named_at_its_line(
    tmp_path: Path, text: str, said: str
) -> None:
    from opencpd.core.vocabulary import VocabularyError, load_vocabulary

    (tmp_path / "vocabulary.yml").write_text(text, encoding="utf-8")
    with pytest.raises(VocabularyError) as refused:
        load_vocabulary(tmp_path / "vocabulary.yml", tmp_path)
    assert str(refused.value).startswith(said), refused.value
    if "themez" in text:
        assert str(refused.value).endswith(
            "Did you mean 'themes'? A programme's file adds terms to these lists; it cannot "
            "make new ones."
        )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["--title", "!!!"],
            "cannot make a folder name from the title (expected a title with letters or "
            "digits, got '!!!'); give one with --slug",
        ),
        (
            ["--title", "Bingo", "--slug", "../escape"],
            "--slug is not a folder name (expected lower-case words joined by hyphens, such as "
            "weather-bingo, got '../escape'). Correct --slug",
        ),
    ],
)
def test_a_resource_folder_name_that_cannot_be_is_blamed_on_what_gave_it(
    site_copy: Path, args: list[str], said: str
) -> None:
    before = sources(site_copy)
    result = run(site_copy, "new", "resource", "--module", "ks2-speaking", *args)
    assert_refused(result, said)
    assert sources(site_copy) == before


HAND_WRITTEN = [
    (
        "# Caf\xe9\n".encode("latin-1"),
        "docs/about.md:1:6: not-utf8: the file is not UTF-8 text (expected UTF-8, got byte 0xe9)",
    ),
    (
        b"---\n- a list\n---\n# About\n",
        "docs/about.md:2:1: wrong-type: the front matter is not a set of fields",
    ),
    (
        b"---\ntitle: [About\n---\n# About\n",
        "docs/about.md:2:14: yaml-syntax: the front matter is not valid YAML",
    ),
]


@pytest.mark.parametrize(("raw", "said"), HAND_WRITTEN)
def test_a_hand_written_page_that_cannot_be_read_is_a_finding_of_check(
    site_copy: Path, raw: bytes, said: str
) -> None:
    (site_copy / "docs" / "about.md").write_bytes(raw)
    assert_refused(run(site_copy, "check"), said)


@pytest.mark.parametrize(("raw", "said"), HAND_WRITTEN)
def test_a_hand_written_page_that_cannot_be_read_stops_the_build_at_its_line(
    site_copy: Path, warnings_log: ExpectedWarnings, raw: bytes, said: str
) -> None:
    """A page saved as Latin-1 was a UnicodeDecodeError, 'a fault in OpenCPD itself'; front
    matter MkDocs cannot read was dropped without a word."""
    (site_copy / "docs" / "about.md").write_bytes(raw)
    warnings_log.expect(re.escape(said))
    before = sources(site_copy)
    assert_refused(run(site_copy, "build"), "The build stopped on 1 problem")
    assert any(said in m for m in warnings_log.handler.messages)
    assert sources(site_copy) == before


def hostile_docs(site: Path, name: str) -> str:
    """Put in docs/ what MkDocs would follow or open (it lists docs/ following links and
    reads every file in it); return the start of the finding it must be."""
    docs = site / "docs"
    if name == "link-to-a-system-file":  # was published as the page /passwd/
        (docs / "passwd.md").symlink_to("/etc/passwd")
        return "docs/passwd.md:1:1: symlink: this is a symbolic link"
    if name == "link-to-a-folder":  # /etc was copied into the site, file by file
        (docs / "etc").symlink_to("/etc")
        return "docs/etc:1:1: symlink: this is a symbolic link"
    if name == "docs-a-link":
        docs.rename(site / "elsewhere")
        docs.symlink_to(site / "elsewhere")
        return "docs:1:1: symlink: this is a symbolic link"
    os.mkfifo(docs / "pipe.md")  # held the build for ever, waiting for a writer
    return "docs/pipe.md:1:1: not-a-file: this is not an ordinary file"


DOCS_REFUSED = ["link-to-a-system-file", "link-to-a-folder", "docs-a-link", "pipe-as-a-page"]


@pytest.mark.parametrize("name", DOCS_REFUSED)
def test_a_link_or_a_pipe_in_docs_is_a_finding_of_check(site_copy: Path, name: str) -> None:
    said = hostile_docs(site_copy, name)
    assert_refused(run(site_copy, "check"), said)


@pytest.mark.parametrize("name", ["link-to-a-system-file", "link-to-a-folder"])
def test_a_link_in_docs_stops_the_build_before_it_is_followed(
    site_copy: Path, warnings_log: ExpectedWarnings, name: str
) -> None:
    said = hostile_docs(site_copy, name)
    warnings_log.expect(re.escape(said))
    assert_refused(run(site_copy, "build"), "The build stopped on 1 problem")
    assert any(said in m for m in warnings_log.handler.messages)
    assert not (site_copy / "site").exists()


def test_a_pipe_in_docs_stops_the_build_not_holds_it(site_copy: Path) -> None:
    """In a process of its own: the build that waits for a writer is ended, not waited for."""
    said = hostile_docs(site_copy, "pipe-as-a-page")
    try:
        done = subprocess.run(
            [str(Path(sys.executable).parent / "opencpd"), "build", "-f", "mkdocs.yml"],
            cwd=site_copy,
            capture_output=True,
            text=True,
            timeout=120,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": os.environ.get("PYTHONPATH", "")},
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the build waited on the pipe until it was ended")
    assert done.returncode == 1, done.stderr[-2000:]
    assert said in done.stderr and "Traceback" not in done.stderr, done.stderr[-2000:]


def test_a_file_in_the_cache_where_a_folder_goes_says_to_delete_the_cache(
    site_copy: Path,
) -> None:
    (site_copy / ".cache").mkdir()
    (site_copy / ".cache" / "slides").write_text("not a folder\n")
    result = run(site_copy, "build")
    assert_refused(
        result,
        f"({site_copy / '.cache' / 'slides'})",
        "The file is in .cache/, which holds only what builds made: delete .cache/ and build "
        "again.",
    )
    assert not (site_copy / "site").exists()


@pytest.mark.parametrize("address", ["notaurl", "javascript:alert(1)", "https://", "ftp://x.org/"])
def test_packs_for_print_refuse_a_site_url_that_is_no_web_address(
    site_copy: Path, tmp_path: Path, address: str
) -> None:
    """The packs print it as a QR code and links: one of 'notaurl' leads nowhere. A usage
    error, as --date's (exit code 2, as click gives every wrong option)."""
    out = tmp_path / "packs"
    result = run(site_copy, "packs", "ks2-speaking", "--site-url", address, "-o", str(out))
    assert result.exit_code == 2, result.output
    assert (
        f"Invalid value for '--site-url': expected the address the site is published at, such "
        f"as https://cpd.example-hub.org.uk/, got {address!r}. Write it whole, with https://."
    ) in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("marked", "code", "column"),
    [
        ("Say *bonjour*{lang=xx} now.", "xx", 20),
        ("Say *bonjour*{lang=klingon} now.", "klingon", 20),
        ("/// example | Greetings\n    lang: french\n\nBonjour.\n///", "french", 11),
    ],
)
def test_a_language_marking_that_is_no_language_code_is_a_warning(
    site_copy: Path, marked: str, code: str, column: int
) -> None:
    """'cy', 'fr-CA', 'en-GB' and a three-letter code are codes; 'xx' and 'klingon' are not,
    and a screen reader given one reads the passage in no language."""
    session = site_copy / "modules" / "ks2-speaking" / "sessions" / "02-follow-up.md"
    text = session.read_text(encoding="utf-8")
    line = text.count("\n") + 2 + (1 if marked.startswith("///") else 0)
    session.write_text(text + f"\n{marked}\n\nWelsh: *bore da*{{lang=cy}}.\n", encoding="utf-8")
    result = run(site_copy, "check")
    assert result.exit_code == 0, result.output  # a warning, as the other language checks
    said = [s for s in result.output.splitlines() if "unknown-lang" in s]
    assert said == [
        f"modules/ks2-speaking/sessions/02-follow-up.md:{line}:{column}: unknown-lang: the "
        f"text's language marking is no language code (expected a code such as "
        f"de, es, fr, en-GB, got {code!r})."
        + (" Did you mean 'fr'?" if code == "french" else "")
        + " A screen reader and the search index read the code: write the language's "
        "two-letter code, with a region after a hyphen if it needs one (fr-CA)."
    ], result.output
    assert_refused(run(site_copy, "check", "--strict"), "unknown-lang")


def test_a_command_run_outside_a_project_says_where_mkdocs_yml_should_be(
    tmp_path: Path,
) -> None:
    result = CliRunner(env={"CI": None}).invoke(main, ["check", "-f", str(tmp_path / "x.yml")])
    assert result.exit_code == 2, result.output  # a usage error, as every wrong option
    assert (
        f"there is no site configuration here (expected mkdocs.yml, got no file "
        f"{tmp_path / 'x.yml'}). Run the command in the project's folder, where mkdocs.yml "
        "is, or name it with -f path/to/mkdocs.yml"
    ) in " ".join(result.output.split())


def test_a_folder_given_as_the_configuration_means_its_mkdocs_yml(site_copy: Path) -> None:
    result = CliRunner(env={"CI": None}).invoke(main, ["check", "-f", str(site_copy)])
    assert result.exit_code == 0, result.output


def test_a_value_asked_of_a_macro_that_has_none_is_a_finding_not_text_on_the_page(
    site_copy: Path, warnings_log: ExpectedWarnings
) -> None:
    """mkdocs-macros kept it on the page as "{{ no such element: dict object['moduls'] }}"
    and the strict build passed."""
    about = site_copy / "docs" / "about.md"
    text = about.read_text(encoding="utf-8") + "\nThere are {{ figures().moduls }} modules.\n"
    about.write_text(text, encoding="utf-8")
    warnings_log.expect(r"macro-error")
    assert_refused(run(site_copy, "build"), "The build stopped on 1 problem")
    said = [m for m in warnings_log.handler.messages if "macro-error" in m]
    assert len(said) == 1, said
    assert (
        f"docs/about.md:{text.count(chr(10))}:1: macro-error: a macro on this page fails as it "
        "runs (expected a value that the value before the '.' has (a name spelt as the site "
        "has it), got 'dict object' has no attribute 'moduls')"
    ) in said[0]
    assert not (site_copy / "site").exists()


def test_a_second_twilight_in_a_module_is_a_warning_at_its_kind(tmp_path: Path) -> None:
    """A module is one twilight and its follow-ups: `new session --kind twilight` in a module
    that has one wrote a second without a word."""
    import shutil

    from opencpd.core.load import load_catalog
    from opencpd.core.vocabulary import load_vocabulary

    root = tmp_path / "site"
    shutil.copytree(Path(__file__).parent / "bad_resources" / "_base", root)
    sessions = root / "modules" / "ks2-demo" / "sessions"
    (sessions / "02-again.md").write_bytes((sessions / "01-twilight.md").read_bytes())
    catalog = load_catalog(root, load_vocabulary())
    found = [f for f in catalog.findings if f.rule == "second-twilight"]
    assert [(f.path, f.line, f.severity) for f in found] == [
        ("modules/ks2-demo/sessions/02-again.md", 3, "warning")
    ], catalog.findings
    assert "modules/ks2-demo/sessions/01-twilight.md" in str(found[0])
    assert "kind: follow-up" in found[0].hint
    (sessions / "02-again.md").write_text(
        (sessions / "01-twilight.md")
        .read_text("utf-8")
        .replace("kind: twilight", "kind: follow-up"),
        "utf-8",
    )
    assert not [
        f for f in load_catalog(root, load_vocabulary()).findings if f.rule == "second-twilight"
    ]
