"""The `opencpd` command: check, build and the `new` scaffolds, run on copies of the fixture."""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from opencpd.cli import main
from opencpd.core.committed import committed_build_files

from .conftest import ExpectedWarnings, with_caches

BROKEN_LINE = "modules/ks2-speaking/module.md:4:12: bad-value:"


@pytest.fixture
def runner() -> CliRunner:
    # The suite may itself run on CI: each test says whether it wants CI=true.
    return CliRunner(env={"CI": None})


@pytest.fixture
def packs_in_cache(site_copy: Path, built_fixture: Path) -> None:
    """The packs and decks a build of the fixture made, in `site_copy`'s cache: for the tests of
    what a build says and where it writes, which then make none (test_packs.py and
    test_slides.py test making them; tests/conftest.py builds the fixture from nothing)."""
    with_caches(site_copy, built_fixture)


def run(runner: CliRunner, site: Path, *args: str, ci: bool = False) -> Result:
    command, rest = args[0], list(args[1:])
    if command == "new":
        command, rest = f"new {rest[0]}", rest[1:]
    return runner.invoke(
        main,
        [*command.split(), "-f", str(site / "mkdocs.yml"), *rest],
        env={"CI": "true"} if ci else None,
    )


def break_module(site: Path) -> None:
    path = site / "modules" / "ks2-speaking" / "module.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("key_stage: KS2\n", "key_stage: KS4\n", 1), encoding="utf-8")


def assert_clean_failure(result: Result) -> None:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_check_passes_on_the_fixture_site(runner: CliRunner, site_copy: Path) -> None:
    result = run(runner, site_copy, "check")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "no problems." in result.stderr


def test_check_names_file_line_and_rule(runner: CliRunner, site_copy: Path) -> None:
    break_module(site_copy)
    result = run(runner, site_copy, "check")
    assert_clean_failure(result)
    assert result.stdout.startswith(BROKEN_LINE)
    assert "::error" not in result.output
    assert "1 problem (1 error, no warnings)." in result.stderr


def test_check_on_ci_adds_github_annotations(runner: CliRunner, site_copy: Path) -> None:
    break_module(site_copy)
    result = run(runner, site_copy, "check", ci=True)
    assert_clean_failure(result)
    assert BROKEN_LINE in result.stdout
    assert (
        "::error file=modules/ks2-speaking/module.md,line=4,col=12,title=bad-value::"
        in result.stdout
    )


@pytest.mark.parametrize("ci", [False, True])
def test_a_file_name_cannot_add_lines_or_escapes_to_the_findings(
    runner: CliRunner, site_copy: Path, ci: bool
) -> None:
    """A file's name is the submitter's text: a line break in it would start a line of its own
    (on CI a workflow command, '::warning ...::' or worse), an escape sequence would drive the
    terminal. Each finding stays one line, its characters written as escapes."""
    name = "x\n::warning file=README.md,line=1::injected\r\x1b[2J\u2028,y:z.md"
    handout = site_copy / "modules" / "ks2-speaking" / "handouts" / name
    handout.write_text("---\ntitle: T\n---\nText\n", encoding="utf-8")
    result = run(runner, site_copy, "check", ci=ci)
    assert_clean_failure(result)
    lines = result.stdout.splitlines()
    assert len(lines) == (2 if ci else 1), result.stdout
    assert lines[0].startswith(
        "modules/ks2-speaking/handouts/x\\n::warning file=README.md,line=1::injected\\r"
        "\\x1b[2J\\u2028,y:z.md:1:1: bad-name: "
    ), lines[0]
    if ci:
        assert lines[1].startswith(
            "::error file=modules/ks2-speaking/handouts/x\\n%3A%3Awarning file=README.md%2C"
            "line=1%3A%3Ainjected\\r\\x1b[2J\\u2028%2Cy%3Az.md,line=1,col=1,title=bad-name::"
        ), lines[1]
    assert not any(c in result.output for c in "\r\x1b\u2028")


def test_check_as_a_command_prints_no_traceback(site_copy: Path) -> None:
    break_module(site_copy)
    opencpd = Path(sys.executable).parent / "opencpd"
    done = subprocess.run(
        [str(opencpd), "check"],
        cwd=site_copy,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 1
    assert done.stdout.startswith(BROKEN_LINE)
    assert "Traceback" not in done.stderr


def test_python_m_opencpd_cli_runs_the_command(site_copy: Path) -> None:
    """`python -m opencpd.cli check` checks (it once exited 0 having done nothing at all)."""
    break_module(site_copy)
    done = subprocess.run(
        [sys.executable, "-m", "opencpd.cli", "check"],
        cwd=site_copy,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and done.stdout.startswith(BROKEN_LINE), done


def test_new_says_all_it_makes(runner: CliRunner) -> None:
    shown = runner.invoke(main, ["new", "--help"]).output
    assert "module, session, resource, centre, delivery, offer or site" in shown, shown


def test_every_option_of_build_says_what_it_does(runner: CliRunner) -> None:
    shown = runner.invoke(main, ["build", "--help"]).output
    assert re.search(r"--verbose\s+Show each step", shown), shown


@pytest.mark.parametrize(
    "fault, says",
    [
        (AssertionError("a library's own check"), "stopped on a fault in OpenCPD itself"),
        (PermissionError(13, "Permission denied", "site"), "Permission denied (site)"),
    ],
)
def test_a_fault_of_ours_or_of_the_disk_is_a_few_lines_not_a_traceback(
    runner: CliRunner, site_copy: Path, monkeypatch: pytest.MonkeyPatch, fault: Exception, says: str
) -> None:
    import opencpd.cli

    def fails(*args: object, **kwargs: object) -> None:
        raise fault

    monkeypatch.setattr(opencpd.cli, "load_catalog", fails)
    result = run(runner, site_copy, "check")
    assert_clean_failure(result)
    assert says in result.output and "as it was" in result.output
    # a developer asks for the traceback
    monkeypatch.setenv("OPENCPD_TRACEBACK", "1")
    assert run(runner, site_copy, "check").exception is fault


def test_check_reports_an_empty_front_matter(runner: CliRunner, site_copy: Path) -> None:
    (site_copy / "modules" / "ks2-speaking" / "handouts" / "question-cards.md").write_text(
        "---\n---\nThe cards.\n", encoding="utf-8"
    )
    result = run(runner, site_copy, "check")
    assert_clean_failure(result)
    assert "question-cards.md:1:1: missing-field:" in result.stdout


def test_failed_build_leaves_the_old_site_untouched(
    runner: CliRunner, site_copy: Path, warnings_log: ExpectedWarnings
) -> None:
    warnings_log.expect(r"bad-value")
    old = site_copy / "site"
    (old / "assets").mkdir(parents=True)
    (old / "index.html").write_text("<p>the old site</p>\n", encoding="utf-8")
    (old / "assets" / "marker.txt").write_bytes(b"marker \x00\x01")
    before = snapshot(old)
    break_module(site_copy)
    result = run(runner, site_copy, "build", "-d", str(old))
    assert_clean_failure(result)
    assert "is unchanged" in result.stderr
    assert snapshot(old) == before
    assert [p.name for p in site_copy.iterdir() if p.name.startswith(".site-")] == []


@pytest.mark.usefixtures("packs_in_cache")
def test_successful_build_replaces_the_old_site(runner: CliRunner, site_copy: Path) -> None:
    old = site_copy / "site"
    old.mkdir()
    (old / "marker.txt").write_text("old", encoding="utf-8")
    result = run(runner, site_copy, "build", "-d", str(old))
    assert result.exit_code == 0, result.output
    assert not (old / "marker.txt").exists()
    assert (old / "index.html").is_file()
    assert (old / "modules" / "ks2-speaking" / "index.html").is_file()
    # readable by a web server running as another user, as any folder the user makes
    umask = os.umask(0o022)
    os.umask(umask)
    assert old.stat().st_mode & 0o777 == 0o777 & ~umask, oct(old.stat().st_mode)


@pytest.mark.parametrize(("modules", "says"), [(1, "Built 1 module into"), (3, "Built 3 modules")])
def test_build_counts_its_modules_in_words(
    runner: CliRunner,
    site_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
    modules: int,
    says: str,
) -> None:
    """It said "Built 1 modules" (the build itself is stood in for: only the words count)."""
    from opencpd.adapters import site

    class Built:
        def figures(self) -> dict[str, int]:
            return {"modules": modules}

    monkeypatch.setattr(site, "build_site", lambda *args: Built())
    result = run(runner, site_copy, "build", "-d", str(site_copy / "out"))
    assert result.exit_code == 0, result.output
    assert says in result.stderr, result.stderr


@pytest.mark.usefixtures("packs_in_cache")
def test_build_writes_the_site_dir_of_mkdocs_yml_wherever_it_is_run(
    runner: CliRunner, site_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = site_copy / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + "\nsite_dir: public\n", encoding="utf-8")
    result = run(runner, site_copy, "build")
    assert result.exit_code == 0, result.output
    assert (site_copy / "public" / "index.html").is_file() and list(elsewhere.iterdir()) == []


def test_check_and_build_agree_on_a_tree_with_only_warnings(
    runner: CliRunner, site_copy: Path, warnings_log: ExpectedWarnings
) -> None:
    warnings_log.expect(r"example-no-lang")
    with (site_copy / "modules" / "ks3-reading" / "module.md").open("a", encoding="utf-8") as f:
        f.write("\n/// example | Colours\n\nRouge.\n///\n")
    checked = run(runner, site_copy, "check")
    assert "1 problem (no errors, 1 warning)." in checked.stderr
    assert checked.exit_code == 0
    strict = run(runner, site_copy, "check", "--strict")
    built = run(runner, site_copy, "build", "-d", str(site_copy / "site"))
    assert strict.exit_code == built.exit_code == 1, built.output
    assert "The build stopped on 1 problem, listed above" in built.stderr
    assert "warnings" not in built.stderr.splitlines()[-1], built.stderr


def test_preview_pending_is_refused_on_ci(runner: CliRunner, site_copy: Path) -> None:
    result = run(
        runner, site_copy, "build", "-d", str(site_copy / "site"), "--preview-pending", ci=True
    )
    assert_clean_failure(result)
    assert "--preview-pending is refused on CI" in result.stderr
    assert not (site_copy / "site").exists()


@pytest.mark.usefixtures("packs_in_cache")
def test_a_preview_never_writes_into_the_published_folder(
    runner: CliRunner, site_copy: Path
) -> None:
    published = site_copy / "site"
    published.mkdir()
    (published / "marker.txt").write_text("published", encoding="utf-8")
    for where in [published, published / "preview", site_copy]:  # the folder, in it, around it
        refused = run(runner, site_copy, "build", "--preview-pending", "-d", str(where))
        assert_clean_failure(refused)
        assert "a preview never writes where the site is published" in refused.stderr
    assert [p.name for p in published.iterdir()] == ["marker.txt"]
    made = run(runner, site_copy, "build", "--preview-pending")  # no -d: .preview/
    assert made.exit_code == 0, made.output
    preview = site_copy / ".preview"
    assert f"written to {preview}/" in made.stderr and "not the published site" in made.stderr
    assert (preview / "index.html").is_file() and [p.name for p in published.iterdir()] == [
        "marker.txt"
    ]
    other = site_copy / "preview"  # a folder the moderator named: git still never takes it
    assert run(runner, site_copy, "build", "--preview-pending", "-d", str(other)).exit_code == 0
    assert (other / ".gitignore").read_text("utf-8").splitlines()[-1] == "*"


def test_new_module_and_session_pass_check(runner: CliRunner, site_copy: Path) -> None:
    made = run(
        runner,
        site_copy,
        "new",
        "module",
        "ks3-grammar",
        "--title",
        "Grammar at KS3",
        "--key-stage",
        "KS3",
    )
    assert made.exit_code == 0, made.output
    assert "created modules/ks3-grammar/module.md" in made.stdout
    added = run(
        runner,
        site_copy,
        "new",
        "session",
        "ks3-grammar",
        "--title",
        "Grammar at KS3: follow-up",
        "--kind",
        "follow-up",
        "--duration",
        "45",
    )
    assert added.exit_code == 0, added.output
    assert "created modules/ks3-grammar/sessions/02-follow-up.md" in added.stdout
    checked = run(runner, site_copy, "check")
    assert checked.exit_code == 0, checked.output
    assert checked.stdout == ""
    assert "no problems." in checked.stderr


def test_new_module_refuses_to_overwrite(runner: CliRunner, site_copy: Path) -> None:
    args = ("new", "module", "ks3-grammar", "--title", "Grammar at KS3", "--key-stage", "KS3")
    assert run(runner, site_copy, *args).exit_code == 0
    module = site_copy / "modules" / "ks3-grammar" / "module.md"
    module.write_text(module.read_text(encoding="utf-8") + "\nMy own overview.\n", encoding="utf-8")
    before = snapshot(module.parent)
    again = run(runner, site_copy, "new", "module", "ks3-grammar", "--title", "Another title")
    assert again.exit_code != 0
    assert isinstance(again.exception, SystemExit)
    assert "already exists" in again.stderr
    assert snapshot(module.parent) == before


@pytest.mark.parametrize(
    ("command", "title", "says"),
    [
        (("module", "ks3-long"), "Grammar " * 30, "'title' is too long (expected at most 200"),
        (("module", "ks3-lines"), "Grammar\nat KS3", "'title' is on more than one line"),
        (("module", "ks3-bidi"), "Grammar \u202e3SK ta", "control U+202E (right-to-left"),
        (("session", "ks2-speaking"), "Speaking\u2066 again", "control U+2066 (left-to-right"),
        (("session", "ks2-speaking"), "Speaking " * 30, "'title' is too long"),
        (("resource", "--module", "ks2-speaking"), "Song\nbook", "on more than one line"),
        (("resource", "--module", "ks2-speaking"), "Song " * 50, "'title' is too long"),
        (("centre", "york-hub"), "York Hub\u202e", "control U+202E"),
    ],
)
def test_new_refuses_a_long_broken_or_turned_title_and_writes_nothing(
    runner: CliRunner, site_copy: Path, command: tuple[str, ...], title: str, says: str
) -> None:
    """A title (or a centre's name) is one line of at most 200 characters, without the
    controls that turn the order text is shown in: `new` refused none of them, and a
    module's title of two lines passed `check`."""
    before = snapshot(site_copy)
    option = "--name" if command[0] == "centre" else "--title"
    rest = (
        ["--town", "York", "--region", "yorkshire-humber", "--contact", "bookings@york.org.uk"]
        if command[0] == "centre"
        else []
    )
    result = run(runner, site_copy, "new", *command, option, title, *rest)
    assert_clean_failure(result)
    assert "nothing was written" in result.stderr, result.output
    assert says in result.stderr, result.output
    assert snapshot(site_copy) == before


def test_new_module_names_the_twilight_of_a_long_title_within_the_limit(
    runner: CliRunner, site_copy: Path
) -> None:
    """A title just short enough for a module: its twilight's title (the title and
    ': twilight session') fits too, so that both files are written or neither."""
    title = "Grammar " * 24  # 191 characters as written, 192 with the space stripped
    made = run(runner, site_copy, "new", "module", "ks3-long", "--title", title.strip())
    assert made.exit_code == 0, made.output
    session = site_copy / "modules" / "ks3-long" / "sessions" / "01-twilight.md"
    assert "title: Twilight session\n" in session.read_text(encoding="utf-8")


def test_new_session_needs_an_existing_module(runner: CliRunner, site_copy: Path) -> None:
    result = run(runner, site_copy, "new", "session", "no-such-module", "--title", "A session")
    assert_clean_failure(result)
    assert "there is no module 'no-such-module'" in result.stderr


def test_a_session_longer_than_a_day_is_a_finding_not_a_fault(
    runner: CliRunner, site_copy: Path
) -> None:
    """Minutes past what a clock time can hold (a timedelta's C int) are refused at their
    line, by `check` and by `new session`; they used to end `check` on an OverflowError."""
    huge = "1" + "0" * 22
    session = site_copy / "modules" / "ks2-speaking" / "sessions" / "09-long.md"
    session.write_text(
        f"---\ntitle: Long\nkind: follow-up\nduration: {huge}\nobjectives: [Plan.]\n"
        f"agenda:\n  - {{minutes: {huge}, activity: Work}}\n---\nNotes.\n",
        encoding="utf-8",
    )
    checked = run(runner, site_copy, "check")
    assert_clean_failure(checked)
    assert "fault" not in checked.output
    for line, field in ((4, "'duration'"), (7, "'agenda[0].minutes'")):
        assert f"sessions/09-long.md:{line}:" in checked.stdout, checked.output
        assert f"{field} is too large (expected at most 1440, got 1" in checked.stdout
    session.unlink()
    for duration in ("20", huge):
        refused = run(
            runner,
            site_copy,
            "new",
            "session",
            "ks2-speaking",
            "--title",
            "A",
            *("--kind", "follow-up", "--duration", duration),
        )
        assert_clean_failure(refused)
        assert f"expected 21 to 1440 minutes, got {duration}" in refused.stderr


def test_each_command_says_its_warnings_on_the_stderr_of_its_time(
    monkeypatch: pytest.MonkeyPatch, warnings_log: ExpectedWarnings
) -> None:
    """A programme (or a test runner) calling the commands in one process replaces stderr for
    each: the terminal handler the first one added writes to the stderr of the moment, not to
    the first one's (whose output then missed every later command's findings)."""
    from opencpd.adapters.site import log_to_terminal

    warnings_log.expect(r"^said [01]$")
    for n in range(2):
        stream = io.StringIO()
        monkeypatch.setattr(sys, "stderr", stream)
        log_to_terminal()
        logging.getLogger("mkdocs.plugins.opencpd").warning("said %d", n)
        assert stream.getvalue() == f"WARNING -  said {n}\n"


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def test_a_build_cache_from_the_repository_is_refused(
    runner: CliRunner, site_copy: Path, warnings_log: ExpectedWarnings
) -> None:
    """The build trusts `.cache/` (core/committed.py): one committed to the repository, as a
    pull request could, stops check and build before anything reads it."""
    assert committed_build_files(site_copy) == []  # not a git work tree
    git(site_copy, "init", "-q")
    cache = site_copy / ".cache"
    cache.mkdir()
    (cache / "kept-by-the-build.json").write_text("{}", encoding="utf-8")  # ignored, untracked
    (site_copy / ".gitignore").write_text(".cache/\n/site/\n", encoding="utf-8")
    git(site_copy, "add", "-A")
    git(site_copy, "commit", "-qm", "content")
    assert committed_build_files(site_copy) == []
    poisoned = cache / "rendered.json"  # a teacher's text mapped to finished HTML
    poisoned.write_text('{"data": {"x": "<script>alert(1)</script>"}}', encoding="utf-8")
    git(site_copy, "add", "-f", ".cache/rendered.json")
    git(site_copy, "commit", "-qm", "a pull request's cache")
    result = run(runner, site_copy, "check")
    assert_clean_failure(result)
    assert ".cache/rendered.json:1:1: build-cache-committed:" in result.stdout
    assert "git rm -r -- .cache/rendered.json" in result.stdout
    warnings_log.expect(r"build-cache-committed|keeps for itself is committed")
    result = run(runner, site_copy, "build", "-d", str(site_copy / "site"))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "committed to the repository" in result.output
    assert ".cache/rendered.json" in result.output
    assert not (site_copy / "site").exists()
    git(site_copy, "rm", "-q", "-r", "--", ".cache/rendered.json")  # as the hint says
    git(site_copy, "commit", "-qm", "no cache")
    result = run(runner, site_copy, "check")
    assert result.exit_code == 0, result.output


def test_new_site_writes_its_name_as_text_and_refuses_one_on_two_lines(tmp_path: Path) -> None:
    """A quote, a colon or a hash in the name stays the site's name, not YAML of its own."""
    from mkdocs.utils.yaml import yaml_load

    name = 'Our "CPD": languages # KS2 & KS3 – Año'
    result = CliRunner().invoke(main, ["new", "site", str(tmp_path / "ok"), "--name", name])
    assert result.exit_code == 0, result.output
    with open(tmp_path / "ok" / "mkdocs.yml", "rb") as file:
        config = yaml_load(file)
    assert config["site_name"] == name and set(config) >= {"site_url", "theme", "plugins"}
    for bad in ("Ours\nsite_url: https://elsewhere.example/", "", "x" * 201):
        result = CliRunner().invoke(main, ["new", "site", str(tmp_path / "no"), "--name", bad])
        assert result.exit_code == 1 and "expected one line of 1 to 200" in result.output
        assert "Traceback" not in result.output and not (tmp_path / "no").exists()


@pytest.mark.usefixtures("packs_in_cache")
def test_a_macro_that_cannot_be_read_is_a_finding_not_the_end_of_the_build(
    runner: CliRunner, site_copy: Path, warnings_log: ExpectedWarnings
) -> None:
    """mkdocs-macros, set to fail on an error, ends the process (exit code 100, its message
    naming no folder) at a hand-written page's unreadable macro. `check` names the page and
    line; the build fails on the same finding, with no site written."""
    warnings_log.expect(r"macro-syntax")
    page = site_copy / "docs" / "about.md"
    lines = page.read_text(encoding="utf-8").split("\n")
    page.write_text("\n".join([*lines, "", "{% if %}", ""]), encoding="utf-8")
    line = len(lines) + 2
    checked = run(runner, site_copy, "check")
    assert_clean_failure(checked)
    assert f"docs/about.md:{line}:1: macro-syntax: a macro on this page cannot be read" in (
        checked.output
    )
    built = run(runner, site_copy, "build")
    assert_clean_failure(built)  # exit code 1, not the macros plugin's 100
    assert f"docs/about.md:{line}:1: macro-syntax" in built.output
    assert "[macros]" not in built.output and not (site_copy / "site").exists()
    page.write_text("\n".join([*lines, "", "{{ '{{' }} as text", ""]), encoding="utf-8")
    assert run(runner, site_copy, "check").exit_code == 0


def test_a_macro_that_fails_as_it_runs_is_a_finding_not_a_traceback(
    runner: CliRunner, site_copy: Path, built_site: Path, warnings_log: ExpectedWarnings
) -> None:
    """mkdocs-macros printed its own report of a macro that fails as it runs, with a Python
    traceback, then ended the process (exit code 100). The build names each page and line,
    fails with the site it would replace untouched; `check` finds, without building, a macro
    given arguments it does not take (a value of the wrong kind needs the build)."""
    warnings_log.expect(r"macro-error")
    config = site_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("on_error_fail: true", "on_error_fail: true\n      on_undefined: strict"),
        encoding="utf-8",
    )
    lines = {}
    for name, macro in [
        ("about.md", "{{ modules_table(1, 2, 3) }}"),
        ("index.md", "{{ 'KS2' | round }}"),
        ("contribute/share-a-resource.md", "{{ modules_tabel() }}"),
    ]:
        page = site_copy / "docs" / name
        written = page.read_text(encoding="utf-8").rstrip("\n").split("\n")
        page.write_text("\n".join([*written, "", macro, "", "The end."]), encoding="utf-8")
        lines[name] = len(written) + 2
    shutil.copytree(built_site, site_copy / "site")
    before = snapshot(site_copy / "site")

    checked = run(runner, site_copy, "check")
    assert_clean_failure(checked)
    assert (
        f"docs/about.md:{lines['about.md']}:1: macro-error: a macro on this page fails as it "
        "runs (expected modules_table(key_stage=None), got modules_table called with 3 "
        "arguments: too many positional arguments). Correct the macro"
    ) in checked.output
    assert "docs/index.md" not in checked.output and "share-a-resource" not in checked.output

    built = run(runner, site_copy, "build")
    assert_clean_failure(built)
    failed = {
        "about.md": "expected modules_table(key_stage=None), got modules_table() takes from 0 "
        "to 1 positional arguments but 3 were given",
        "index.md": "expected values of the kind each macro and filter takes, got type str "
        "doesn't define __round__ method",
        "contribute/share-a-resource.md": "expected a name the site defines, such as context, "
        "figures, fix_url, home, macros_info, modules_table, now, got 'modules_tabel' is "
        "undefined",
    }
    for name, said in failed.items():
        assert (
            f"docs/{name}:{lines[name]}:1: macro-error: a macro on this page fails as it "
            f"runs ({said}). Correct" in built.output
        ), built.output
    assert "[macros]" not in built.output and "a plugin stopped the build" not in built.output
    assert snapshot(site_copy / "site") == before


def test_a_failing_macro_is_kept_with_its_line_and_raised_outside_a_page() -> None:
    """The template class given to mkdocs-macros' environment keeps what fails while a page is
    rendered (and renders nothing, for the page to be put back as written); outside a page it
    raises as Jinja does."""
    from jinja2 import Environment, StrictUndefined
    from opencpd.core.macro_errors import Failures, failed_finding

    def modules_table(key_stage: str | None = None) -> str:
        return str(key_stage)

    def lookup(key: str) -> str:
        return {"a": "b"}[key]

    macros = {"modules_table": modules_table, "lookup": lookup}
    env = Environment(undefined=StrictUndefined)
    env.globals.update(macros)
    failures = Failures()
    failures.guard(env)
    failures.guard(env)  # once only
    cases = {
        "{{ modules_table(1, 2) }}": "expected modules_table(key_stage=None), got modules_table"
        "() takes from 0 to 1 positional arguments but 2 were given",
        "{{ lookup('x') }}": "expected macros that run on the values given, got KeyError: 'x'",
        "{{ 3 | first }}": "expected values of the kind each macro and filter takes, got 'int' "
        "object is not iterable",
        "{{ nowhere }}": "expected a name the site defines, such as lookup, modules_table, got "
        "'nowhere' is undefined",
    }
    for macro, said in cases.items():
        failures.start()
        assert env.from_string(f"Line 1\n\n{{{{ modules_table() }}}}\n{macro}\n").render() == ""
        failed = failures.stop()
        assert len(failed) == 1
        finding = failed_finding("docs/x.md", 3, failed[0], macros)
        assert str(finding).startswith(
            f"docs/x.md:6:1: macro-error: a macro on this page fails as it runs ({said}). "
        ), str(finding)
    with pytest.raises(TypeError):
        env.from_string("{{ modules_table(1, 2) }}").render()
