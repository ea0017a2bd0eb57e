"""The intake workflow's work (.github/workflows/intake.yml), as a program that runs the same on
GitHub and on a saved `issues` event in the tests:

    python -m opencpd.intake.workflow "$GITHUB_EVENT_PATH"

When a moderator labels a form's issue "accepted for review", it reads the issue's body from the
event file (never from the workflow's text), writes the pending page on a new branch, fetches the
attached files from GitHub's attachment addresses only (fetch.py), commits and pushes the branch,
opens a pull request that closes the issue, and comments on the issue with the pull request and
the findings of `opencpd check` in plain words. If the issue cannot be taken in, it comments
with what the contributor must change, and makes nothing. Nothing from the issue is run: its
text is only read, and handed to git as arguments, never to a shell.

GitHub's side is behind `GitHub` and the files' side behind `fetch.Web`, which the tests replace."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import click

from ..core.attachments import human_size
from ..core.findings import Finding, errors
from .command import read_issue, render, write
from .fetch import Fetched, Internet, Web, fetch
from .forms import Form, Plan, settings
from .table import ACCEPTED, form_for_labels

BOT = ("OpenCPD intake", "41898282+github-actions[bot]@users.noreply.github.com")
DOWNLOADS_NOTE = "\n<!--\nOpenCPD intake"  # the moderator's list of files, see resource.py


@dataclass
class PullRequest:
    number: int
    url: str


class GitHub(Protocol):
    def open_pull_request(self, title: str, body: str, head: str, base: str) -> PullRequest: ...

    def comment(self, issue: int, body: str) -> None: ...


class Api:
    """The real `GitHub`: its REST API with the workflow's token."""

    def __init__(self, repository: str, token: str, api: str = "https://api.github.com") -> None:
        self.base = f"{api.rstrip('/')}/repos/{repository}"
        self.token = token

    def _call(self, method: str, path: str, data: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.base}{path}",
            method=method,
            data=json.dumps(data).encode(),
            headers={
                "Authorization": f"Bearer {self.token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": "opencpd-intake",
            },
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            return dict(json.load(answer))

    def open_pull_request(self, title: str, body: str, head: str, base: str) -> PullRequest:
        made = self._call(
            "POST",
            "/pulls",
            {
                "title": title,
                "body": body,
                "head": head,
                "base": base,
                "maintainer_can_modify": True,
            },
        )
        return PullRequest(int(made["number"]), str(made["html_url"]))

    def comment(self, issue: int, body: str) -> None:
        self._call("POST", f"/issues/{issue}/comments", {"body": body})


@dataclass
class Outcome:
    """What the workflow did: 'skipped', 'refused' (commented only) or 'opened'."""

    action: str
    reason: str = ""
    branch: str = ""
    comment: str = ""
    pull_request: PullRequest | None = None
    pull_request_body: str = ""
    files: list[Fetched] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


# Plain words ---------------------------------------------------------------------------------


def fenced(lines: Iterable[str]) -> str:
    """Text shown as written: no Markdown, link, mention or HTML from the issue comes alive."""
    text = "\n".join(lines)
    fence = "~" * max(3, max((len(m) for m in re.findall(r"~+", text)), default=0) + 1)
    return f"{fence}text\n{text}\n{fence}"


def in_words(finding: Finding, where: str) -> str:
    """'index.md, line 12: the attachment is listed but missing (…). Add the file, …'"""
    hint = f" {finding.hint}" if finding.hint else ""
    kind = "" if finding.severity == "error" else " (a warning)"
    return f"{where}, line {finding.line}{kind}: {finding.message}.{hint}"


def counted(findings: list[Finding]) -> str:
    failed = len(errors(findings))
    warned = len(findings) - failed
    if not findings:
        return "no problems"
    return f"{failed} error{'s' * (failed != 1)} and {warned} warning{'s' * (warned != 1)}"


def refusal(form: Form, plan: Plan) -> str:
    problems = sorted(plan.problems)
    return "\n\n".join(
        [
            f"Thank you for sharing this. Before it can become a resource for moderation, "
            f"{len(problems)} thing{'s' * (len(problems) != 1)} in the issue must change:",
            fenced(in_words(f, "In the issue") for f in problems),
            "Please edit the issue (the ··· menu at the top, then **Edit**) and put them right. "
            f"A moderator then removes the “{ACCEPTED}” label and adds it again.",
            "Nothing has been made from the issue yet.",
        ]
    )


def files_in_words(fetched: list[Fetched]) -> list[str]:
    got = [f for f in fetched if not f.refused]
    lines = [f"- {f.name} ({human_size(f.size)}): fetched from the issue" for f in got]
    lines += [f"- {f.name or 'a file'} ({f.url[:120]}): {f.refused}" for f in fetched if f.refused]
    return lines


def pull_request_body(
    form: Form,
    plan: Plan,
    issue: int,
    page: str,
    line: int,
    fetched: list[Fetched],
    findings: list[Finding],
) -> str:
    review = "\n".join(f"- [ ] {item}" for item in form.review)
    ticks = "\n".join(f"- [x] {tick.label}" for tick in form.checklist)
    files = files_in_words(fetched)
    return "\n\n".join(
        [
            f"Closes #{issue}. Made by the intake workflow from the “{form.name}” form of issue "
            f"#{issue}, which a moderator labelled “{ACCEPTED}”. Nothing is published until this "
            "pull request is approved and merged.",
            f"## What to look at\n\n{review}",
            f"The contributor ticked every box of the form:\n\n{ticks}",
            "## Approving is one change\n\n"
            f"In `{page}`, line {line}, change `{form.approve}` to `status: approved` (the "
            "pencil on the file in **Files changed**, or `Edit file`), commit it to this branch, "
            "and merge once the checks pass and the preview looks right. To refuse it, close this "
            "pull request and say why on the issue.",
            "## Files\n\n" + ("\n".join(files) if files else "The issue has no files."),
            f"## What `opencpd check` found: {counted(findings)}\n\n"
            + (
                fenced(in_words(f, page) for f in findings)
                if findings
                else "The new resource passes the checks."
            ),
            "A pull request opened by a workflow starts no other workflow (GitHub's rule), so the "
            "checks and their preview run when you commit the approval, or when you close and "
            "reopen this pull request.",
        ]
    )


def issue_comment(
    pull: PullRequest, fetched: list[Fetched], findings: list[Finding], page: str
) -> str:
    files = files_in_words(fetched)
    parts = [
        f"Thank you! A moderator has accepted this for review. Pull request #{pull.number} "
        f"holds it as a resource waiting for moderation: {pull.url}",
        "It is published on the site once a moderator approves it; until then nobody sees it "
        "there. If something needs changing, the moderator says so here or on the pull request.",
    ]
    if files:
        parts.append("**Files**\n\n" + "\n".join(files))
    parts.append(
        f"**What `opencpd check` found in the new resource: {counted(findings)}**"
        + (f"\n\n{fenced(in_words(f, page) for f in findings)}" if findings else "")
    )
    return "\n\n".join(parts)


# The work ------------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    done = subprocess.run(
        ["git", "-c", f"user.name={BOT[0]}", "-c", f"user.email={BOT[1]}", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if done.returncode != 0:
        raise click.ClickException(f"git {args[0]} failed: {done.stderr.strip()}")
    return done.stdout


def skip(reason: str) -> Outcome:
    return Outcome("skipped", reason)


def run(
    event: dict[str, Any], repo: Path, github: GitHub, web: Web, remote: str = "origin"
) -> Outcome:
    """Everything the workflow does for one `issues` event."""
    if event.get("action") != "labeled" or (event.get("label") or {}).get("name") != ACCEPTED:
        return skip(f"not the “{ACCEPTED}” label being added")
    issue = event.get("issue") or {}
    if "pull_request" in issue:
        return skip("a pull request, not an issue")
    form = form_for_labels(str(label.get("name", "")) for label in issue.get("labels", []))
    if form is None:
        return skip("the issue was not written with one of the forms")
    number = int(issue["number"])
    body = str(issue.get("body") or "")
    created = str(issue.get("created_at") or "")[:10]
    submitted = (
        dt.date.fromisoformat(created) if re.fullmatch(r"\d{4}-\d\d-\d\d", created) else None
    )
    config = settings(repo)
    plan = read_issue(
        config, f"issue #{number}", body.encode("utf-8"), form.id, submitted=submitted, issue=number
    )
    if plan.problems:
        text = refusal(form, plan)
        github.comment(number, text)
        return Outcome("refused", "the issue has problems", comment=text)
    assert plan.path is not None
    branch = f"intake/issue-{number}"
    base = str((event.get("repository") or {}).get("default_branch") or "main")
    git(repo, "switch", "--force-create", branch)
    write(plan)
    fetched = [
        fetch(web, d.url, d.name, plan.folder, config.max_attachment_bytes)
        if d.name
        else Fetched(
            "",
            d.url,
            refused="not fetched: its type is unknown; download "
            "it, name it with its real extension and list it under files:",
        )
        for d in plan.downloads
    ]
    pictures = [
        {"path": got.name, **d.entry}
        for d, got in zip(plan.downloads, fetched, strict=True)
        if d.entry is not None and not got.refused
    ]
    if pictures:  # named by their content: now they can be listed
        plan.meta["files"] = [*plan.meta.get("files", []), *pictures]
    if fetched and not any(f.refused for f in fetched) and DOWNLOADS_NOTE in plan.body:
        plan.body = plan.body.split(DOWNLOADS_NOTE)[0].rstrip("\n") + "\n"  # all there
    if pictures or DOWNLOADS_NOTE not in plan.body:
        plan.path.write_text(render(plan), encoding="utf-8")
    findings = form.check(config, plan)
    page = (
        plan.path.relative_to(repo.resolve()).as_posix()
        if plan.path.is_relative_to(repo.resolve())
        else plan.path.as_posix()
    )
    line = next(
        (
            n
            for n, text in enumerate(plan.path.read_text("utf-8").splitlines(), 1)
            if text.strip() == form.approve
        ),
        1,
    )
    title = str(plan.meta.get("title", ""))[:120]
    git(repo, "add", "--", plan.folder.as_posix())
    git(repo, "commit", "-q", "-m", f"{form.title}{title} (from issue #{number}, pending)")
    git(repo, "push", "--force", remote, f"{branch}:refs/heads/{branch}")
    pr_body = pull_request_body(form, plan, number, page, line, fetched, findings)
    pull = github.open_pull_request(f"{form.title}{title}", pr_body, branch, base)
    text = issue_comment(pull, fetched, findings, page)
    github.comment(number, text)
    return Outcome(
        "opened",
        branch=branch,
        comment=text,
        pull_request=pull,
        pull_request_body=pr_body,
        files=fetched,
        findings=findings,
    )


@click.command()
@click.argument("event_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--repository",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The checked-out repository.",
)
def main(event_file: Path, repository: Path) -> None:
    """Turn the issue of a saved `issues` event into a pull request (see the module's text)."""
    event = json.loads(event_file.read_text("utf-8"))
    token = os.environ.get("GH_TOKEN") or os.environ.get("GITHUB_TOKEN") or ""
    if not token:
        raise click.ClickException("no token: set GH_TOKEN to the workflow's github.token.")
    github = Api(
        os.environ.get("GITHUB_REPOSITORY", ""),
        token,
        os.environ.get("GITHUB_API_URL", "https://api.github.com"),
    )
    outcome = run(event, repository.resolve(), github, Internet())
    click.echo(f"{outcome.action}: {outcome.reason or outcome.branch}")
    if outcome.pull_request:
        click.echo(f"pull request #{outcome.pull_request.number}: {outcome.pull_request.url}")


if __name__ == "__main__":
    main(sys.argv[1:])
