"""The GitHub workflows: what triggers them, that every command they run exists here, that they
and the issue forms are valid by GitHub's published schemas, and that no issue or pull-request
text ever reaches a shell command."""

from __future__ import annotations

import importlib.metadata as metadata
import importlib.util
import re
import shlex
import subprocess
import sys
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from opencpd.intake import ACCEPTED, FORMS, LABELS

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent  # the venv the tests run in: what scripts/test installed
# Tools of the ubuntu-24.04 runner and shell words a `run:` may use besides our own commands.
RUNNER_TOOLS = {
    "bash",
    "cat",
    "echo",
    "exit",
    "gh",
    "grep",
    "head",
    "sed",
    "set",
    "test",
    "true",
    "{",
    "}",
    "if",
    "then",
    "else",
    "fi",
    "source",
}
# The install steps scripts/install.sh defines, for a workflow that needs no tests or browser.
INSTALL_STEPS = set(
    re.findall(r"(?m)^(\w+)\(\) \{", (ROOT / "scripts/install.sh").read_text("utf-8"))
)
SEPARATORS = {"|", "||", "&&", ";", "{", "(", "then", "else"}


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_extra(extra: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    return {normal(re.split(r"[<>=!~\[; ]", r)[0]) for r in project["optional-dependencies"][extra]}


def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((WORKFLOWS / name).read_text("utf-8"))


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as the boolean True.
    found = workflow.get("on", workflow.get(True))
    return {found: None} if isinstance(found, str) else found


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def runs(workflow: dict[str, Any]) -> list[str]:
    return [step["run"] for step in steps(workflow) if "run" in step]


def uses(workflow: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in steps(workflow) if s.get("uses", "").split("@")[0] == action]


def commands(script: str) -> list[list[str]]:
    """Each simple command of a shell script, as words, without assignments or redirections."""
    found: list[list[str]] = []
    for line in script.splitlines():
        line = re.sub(r"\s\d>", " >", line.split(" #")[0])  # 2> file: a redirection
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        current: list[str] = []
        redirect = False
        for token in lexer:
            if token in SEPARATORS:
                found += [current] if current else []
                current = []
                continue
            if token in (">", ">>", "<", "&>"):
                redirect = True
                continue
            if redirect:
                redirect = False
                continue
            if not current and "=" in token and not token.startswith("-"):
                continue  # NAME=value before a command
            current.append(token)
        if current:
            found.append(current)
    return [c for c in found if c and c[0] not in ("}", ")")]


def all_commands() -> list[tuple[str, list[str]]]:
    return [
        (path.name, words)
        for path in sorted(WORKFLOWS.glob("*.yml"))
        for script in runs(load(path.name))
        for words in commands(script)
    ]


@cache
def help_text(*subcommand: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "opencpd"), *subcommand, "--help"],
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
    )


def test_there_are_four_workflows() -> None:
    assert sorted(p.name for p in WORKFLOWS.glob("*.y*ml")) == [
        "deploy.yml",
        "intake.yml",
        "labels.yml",
        "pull-request.yml",
    ]


def test_the_pull_request_workflow_runs_on_every_pull_request() -> None:
    assert "pull_request" in triggers(load("pull-request.yml"))


def test_the_deploy_workflow_runs_on_pushes_to_main() -> None:
    on = triggers(load("deploy.yml"))
    assert on["push"]["branches"] == ["main"]
    assert "pull_request" not in on


def test_the_command_parser_reads_our_shell() -> None:
    script = (
        "set +e\n.venv/bin/opencpd check > a.txt 2> b.txt\nstatus=$?\n"
        'grep -v x a.txt | head -50 | sed "s/^/- /"\n{ echo a; cat b; } > c.md'
    )
    assert commands(script) == [
        ["set", "+e"],
        [".venv/bin/opencpd", "check"],
        ["grep", "-v", "x", "a.txt"],
        ["head", "-50"],
        ["sed", "s/^/- /"],
        ["echo", "a"],
        ["cat", "b"],
    ]


@pytest.mark.parametrize(
    ("workflow", "words"), all_commands(), ids=lambda v: " ".join(v) if isinstance(v, list) else v
)
def test_every_command_exists(workflow: str, words: list[str]) -> None:
    program = words[0]
    if program in ("bash", "source"):
        script = ROOT / words[1]
        assert script.is_file(), f"{workflow} runs {script}, which does not exist"
        assert subprocess.run(["bash", "-n", str(script)], check=False).returncode == 0
    elif program in INSTALL_STEPS:
        pass
    elif program == ".venv/bin/python" and words[1:2] == ["-m"]:
        assert importlib.util.find_spec(words[2]) is not None, f"{workflow}: no {words[2]}"
    elif program.startswith(".venv-alt/bin/"):
        # The other stack's virtual environment (scripts/install.sh): a command its extra installs.
        name = program.removeprefix(".venv-alt/bin/")
        (script,) = metadata.entry_points(group="console_scripts", name=name)
        assert script.dist and normal(script.dist.name) in declared_extra("materialx"), (
            f"{workflow} runs {program}, which the materialx extra does not install"
        )
    elif program.startswith(".venv/bin/"):
        name = program.removeprefix(".venv/bin/")
        declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
        assert name in declared["scripts"] or name.startswith("python"), (
            f"{workflow} runs {program}, which pip install -e . does not create"
        )
        assert (BIN / name).exists()
    else:
        assert program in RUNNER_TOOLS, (
            f"{workflow} runs {program!r}: neither ours nor a known runner tool"
        )


OPENCPD_CALLS = [(w, words) for w, words in all_commands() if words[0] == ".venv/bin/opencpd"]


@pytest.mark.parametrize(
    ("workflow", "words"), OPENCPD_CALLS, ids=lambda v: " ".join(v) if isinstance(v, list) else v
)
def test_every_opencpd_subcommand_and_option_exists(workflow: str, words: list[str]) -> None:
    subcommand = words[1]
    listing = help_text().stdout
    assert f"  {subcommand} " in listing, f"`opencpd {subcommand}` is not in `opencpd --help`"
    done = help_text(subcommand)
    assert done.returncode == 0, done.stderr
    for option in (w.split("=")[0] for w in words[2:] if w.startswith("-")):
        assert option in done.stdout, f"{workflow}: `opencpd {subcommand}` has no {option}"


def test_the_workflows_install_with_the_readme_command_before_using_the_venv() -> None:
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for job in load(path.name)["jobs"].values():
            scripts = [s["run"] for s in job.get("steps", []) if "run" in s]
            uses_venv = [i for i, s in enumerate(scripts) if ".venv/" in s]
            if uses_venv:
                installs = [
                    i
                    for i, s in enumerate(scripts)
                    if "bash scripts/test" in s
                    or "bash scripts/serve" in s
                    or ("source scripts/install.sh" in s and "install_python" in s)
                ]
                assert installs and installs[0] < uses_venv[0], path.name


def test_the_pull_request_workflow_checks_tests_builds_and_uploads_a_preview() -> None:
    workflow = load("pull-request.yml")
    scripts = runs(workflow)
    order = [
        next(i for i, s in enumerate(scripts) if needle in s)
        for needle in ("bash scripts/test", "opencpd check", "opencpd build")
    ]
    assert order == sorted(order)
    build = next(
        words for _, words in all_commands() if words[:2] == [".venv/bin/opencpd", "build"]
    )
    site_dir = build[build.index("--site-dir") + 1]
    uploads = uses(workflow, "actions/upload-artifact")
    assert uploads, "no preview artifact is uploaded"
    assert uploads[0]["with"]["path"].rstrip("/") == site_dir
    assert steps(workflow).index(uploads[0]) > next(
        i for i, s in enumerate(steps(workflow)) if "opencpd build" in s.get("run", "")
    )


def test_the_pull_request_workflow_annotates_and_comments_with_the_findings() -> None:
    workflow = load("pull-request.yml")
    job = next(iter(workflow["jobs"].values()))
    # `opencpd check` prints ::error annotations when CI is true.
    assert str(job.get("env", {}).get("CI", "")).lower() == "true"
    comment = next(s for s in steps(workflow) if "gh pr comment" in s.get("run", ""))
    assert comment.get("if") == "always() && matrix.stack == 'material'"
    assert workflow["permissions"]["pull-requests"] == "write"
    # The findings still fail the run after the preview and the comment.
    last = steps(workflow)[-1]
    assert "steps.check.outputs.status != '0'" in last.get("if", "") and "exit 1" in last["run"]


def test_the_deploy_workflow_publishes_the_build_on_pages() -> None:
    workflow = load("deploy.yml")
    assert "opencpd build" in "\n".join(runs(workflow))
    upload = uses(workflow, "actions/upload-pages-artifact")
    deploy = uses(workflow, "actions/deploy-pages")
    assert upload and deploy
    jobs = workflow["jobs"]
    deploy_job = next(name for name, job in jobs.items() if deploy[0] in job["steps"])
    build_job = next(name for name, job in jobs.items() if upload[0] in job["steps"])
    assert build_job in [jobs[deploy_job].get("needs")] + list(jobs[deploy_job].get("needs", []))
    assert workflow["permissions"]["pages"] == "write"
    assert workflow["permissions"]["id-token"] == "write"
    assert str(jobs[build_job].get("env", {}).get("CI", "")).lower() == "true"


@pytest.mark.parametrize("name", ["pull-request.yml", "deploy.yml"])
def test_builds_keep_their_cache(name: str) -> None:
    """Packs, offline zips and rendered texts come from the previous build on main: a pull
    request that adds one resource remakes that resource's work only."""
    workflow = load(name)
    cached = uses(workflow, "actions/cache")
    assert len(cached) == 1 and cached[0]["with"]["path"] == ".cache", cached
    assert cached[0]["with"]["restore-keys"].startswith("opencpd-build-")
    order = [s.get("uses", "").split("@")[0] or s.get("run", "") for s in steps(workflow)]
    build = next(i for i, s in enumerate(order) if "opencpd build" in s)
    assert order.index("actions/cache") < build


# GitHub's published schemas (SchemaStore's, as the pinned check-jsonschema package ships them)


def schema_check(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", f"vendor.{schema}", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_workflows_are_valid_by_githubs_schema() -> None:
    done = schema_check("github-workflows", *sorted(WORKFLOWS.glob("*.yml")))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_issue_forms_and_chooser_are_valid_by_githubs_schemas() -> None:
    templates = ROOT / ".github" / "ISSUE_TEMPLATE"
    forms = [templates / f"{form_id}.yml" for form_id in FORMS]
    done = schema_check("github-issue-forms", *forms)
    assert done.returncode == 0, done.stdout + done.stderr
    done = schema_check("github-issue-config", templates / "config.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_schema_check_refuses_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "name: x\non: issues\njobs:\n  a:\n    runs-on: ubuntu-24.04\n"
        "    steps:\n      - run: true\n        uses: actions/checkout@v4\n"
    )
    assert schema_check("github-workflows", broken).returncode != 0


# No text from an issue or pull request in a shell command -----------------------------------


def interpolations(workflow: dict[str, Any]) -> list[str]:
    """Every `${{ }}` written inside a `run:` script or a github-script `script:`: GitHub pastes
    it into the script before the shell reads it, so text from an issue would become code."""
    found = []
    for step in steps(workflow):
        scripts = [step.get("run", ""), (step.get("with") or {}).get("script", "")]
        for script in scripts:
            found += re.findall(r"\$\{\{.*?\}\}", str(script), re.DOTALL)
    return found


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_no_workflow_interpolates_into_a_shell_command(name: str) -> None:
    assert interpolations(load(name)) == []


def test_the_interpolation_check_catches_issue_text() -> None:
    hostile = yaml.safe_load("""
jobs:
  a:
    steps:
      - run: echo "${{ github.event.issue.title }}"
      - uses: actions/github-script@v7
        with:
          script: console.log("${{ github.event.issue.body }}")
      - env:
          BODY: ${{ github.event.issue.body }}
        run: printf '%s' "$BODY" > body.md
""")
    assert interpolations(hostile) == [
        "${{ github.event.issue.title }}",
        "${{ github.event.issue.body }}",
    ]


# The intake and labels workflows ---------------------------------------------------------------


def test_the_intake_workflow_runs_on_the_accepted_label_with_least_permissions() -> None:
    workflow = load("intake.yml")
    assert triggers(workflow) == {"issues": {"types": ["labeled"]}}
    assert workflow["permissions"] == {
        "contents": "write",
        "pull-requests": "write",
        "issues": "write",
    }
    (job,) = workflow["jobs"].values()
    assert f"github.event.label.name == '{ACCEPTED}'" in job["if"]
    assert "!github.event.issue.pull_request" in job["if"]
    (intake,) = [s for s in job["steps"] if "opencpd.intake.workflow" in s.get("run", "")]
    # The issue reaches the program as the event file GitHub writes, never as text in the step.
    assert (
        intake["run"].strip() == '.venv/bin/python -m opencpd.intake.workflow "$GITHUB_EVENT_PATH"'
    )
    assert set(intake["env"]) == {"GH_TOKEN"}
    assert "github.event" not in yaml.safe_dump(intake)
    # The checkout is of the repository's own branch, never the issue's or a fork's.
    checkout = uses(workflow, "actions/checkout")[0]
    assert "ref" not in (checkout.get("with") or {})
    assert "timeout-minutes" in job


def test_the_labels_workflow_creates_every_label_the_forms_and_workflows_use() -> None:
    workflow = load("labels.yml")
    assert "workflow_dispatch" in triggers(workflow)
    assert workflow["permissions"] == {"issues": "write"}
    created = [words for _, words in all_commands() if words[:3] == ["gh", "label", "create"]]
    table = [
        [label.name, "--color", label.colour, "--description", label.description, "--force"]
        for label in LABELS
    ]
    assert [words[3:] for words in created] == table
    used = {label for form in FORMS.values() for label in form.labels} | {ACCEPTED}
    assert used == {label.name for label in LABELS}


# Actions pinned to commit SHAs -------------------------------------------------------------------

PINNED = re.compile(
    r"^(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40}) # (?P<version>v\d+(\.\d+){0,2})$"
)


def pins(text: str) -> list[str]:
    """Every `uses:` of a workflow as written, its trailing comment included (YAML drops it)."""
    return [m.group(1).strip() for m in re.finditer(r"(?m)^\s*(?:-\s+)?uses:\s*(.+)$", text)]


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_every_action_is_pinned_to_a_commit_with_its_version(name: str) -> None:
    """A tag can be moved to other code; a commit cannot. The comment is the release the commit
    is, for readers and for Dependabot, which updates both."""
    text = (WORKFLOWS / name).read_text("utf-8")
    written = pins(text)
    assert len(written) == len(uses_anywhere(load(name)))
    for use in written:
        if use.startswith("./"):
            continue  # an action of this repository, at the same commit
        assert PINNED.match(use), f"{name}: {use!r} is not action@<40-hex commit> # vX.Y.Z"


def uses_anywhere(workflow: dict[str, Any]) -> list[str]:
    return [s["uses"] for s in steps(workflow) if "uses" in s] + [
        job["uses"] for job in workflow["jobs"].values() if "uses" in job
    ]


def test_each_action_is_pinned_to_one_commit_in_every_workflow() -> None:
    seen: dict[str, set[str]] = {}
    for path in WORKFLOWS.glob("*.yml"):
        for use in pins(path.read_text("utf-8")):
            if found := PINNED.match(use):
                seen.setdefault(found["action"], set()).add(use)
    assert seen and all(len(variants) == 1 for variants in seen.values()), seen


def test_the_pin_check_refuses_tags_short_shas_and_missing_versions() -> None:
    text = (
        "    steps:\n      - uses: actions/checkout@v4\n"
        "      - uses: actions/cache@0057852 # v4.3.0\n"
        "      - uses: actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065\n"
        "      - name: x\n"
        "        uses: actions/cache@0057852bfaa89a56745cba8c7296529d2fc39830 # v4\n"
    )
    assert [bool(PINNED.match(use)) for use in pins(text)] == [False, False, False, True]


# Both stacks in the pull-request workflow's matrix --------------------------------------------

STACK_ONLY = re.compile(r"matrix\.stack == '(\w+)'")


def stack_of(step: dict[str, Any]) -> str | None:
    """The stack a step is limited to by its `if:`, or None when it runs on both."""
    found = set(STACK_ONLY.findall(str(step.get("if", ""))))
    assert len(found) <= 1, step
    return found.pop() if found else None


def ci_run_other_stack_tests() -> list[str]:
    """The test files .ci/run runs on the other stack, after `export OPENCPD_STACK=materialx`."""
    script = (ROOT / ".ci" / "run").read_text("utf-8").replace("\\\n", " ")
    after = script.split("export OPENCPD_STACK=materialx", 1)[1]
    line = next(line for line in after.splitlines() if line.startswith("bash scripts/test"))
    return [word for word in line.split() if word.startswith("tests/")]


def test_the_pull_request_workflow_runs_on_both_stacks() -> None:
    workflow = load("pull-request.yml")
    (job,) = workflow["jobs"].values()
    assert job["strategy"]["matrix"] == {"stack": ["material", "materialx"]}
    assert job["strategy"]["fail-fast"] is False
    assert job["env"]["OPENCPD_STACK"] == "${{ matrix.stack }}"
    by_stack: dict[str | None, list[str]] = {}
    for step in job["steps"]:
        by_stack.setdefault(stack_of(step), []).append(step.get("run", step.get("uses", "")))
    # Each stack uses its own virtual environment (scripts/install.sh's stack_venv).
    assert not any(".venv" in s for s in by_stack.get(None, []))
    assert not any(".venv-alt/" in s for s in by_stack["material"])
    assert not any(".venv/" in s for s in by_stack["materialx"])
    # The default stack: the whole suite (no test named, so all of them).
    assert "bash scripts/test -q" in by_stack["material"]
    # The other stack: what .ci/run runs there, and a strict build by ProperDocs.
    (tests,) = [s for s in by_stack["materialx"] if s.startswith("bash scripts/test")]
    assert [w for w in tests.split() if w.startswith("tests/")] == ci_run_other_stack_tests()
    (build,) = [s for s in by_stack["materialx"] if "properdocs build" in s]
    assert "--strict" in build.split()


def test_the_preview_and_the_comment_are_made_once() -> None:
    workflow = load("pull-request.yml")
    once = [
        step
        for step in steps(workflow)
        if any(
            needle in yaml.safe_dump(step)
            for needle in ("opencpd check", "opencpd build", "gh pr comment", "ruff", "exit 1")
        )
        or step.get("uses", "").split("@")[0] in ("actions/upload-artifact", "actions/cache")
    ]
    assert len(once) == 7
    assert {stack_of(step) for step in once} == {"material"}


def test_the_other_stacks_tests_include_the_site_packs_and_new_site() -> None:
    tests = ci_run_other_stack_tests()
    for name in ("test_site_build.py", "test_packs.py", "test_engine_neutral.py"):
        assert f"tests/{name}" in tests
    assert all((ROOT / test).is_file() for test in tests)
