"""`opencpd intake ISSUE.md`: a filled issue form -> a pending page, or every problem with the
issue at its line and nothing written."""

from __future__ import annotations

import datetime as dt
import shlex
import sys
from pathlib import Path
from typing import Any

import click

from ..core.findings import errors
from ..core.frontmatter import FrontMatterError, decode
from ..scaffold import ScaffoldError, front_matter, write_new
from .forms import Plan, Settings, SettingsError, settings
from .table import FORMS, detect


def read_issue(
    config: Settings,
    path: str,
    raw: bytes,
    form_id: str | None,
    slug: str | None = None,
    submitted: dt.date | None = None,
    issue: int | None = None,
) -> Plan:
    """The plan for one issue body (bytes as saved), with the form named or found."""
    from ..core.findings import Finding

    try:
        text = decode(path, raw).removeprefix("\ufeff")  # as Notepad saves UTF-8
    except FrontMatterError as exc:
        spec = FORMS[form_id] if form_id else next(iter(FORMS.values()))
        plan = Plan(spec)
        plan.problems.append(exc.finding)
        return plan
    spec = FORMS[form_id] if form_id else detect(text) or next(iter(FORMS.values()))
    plan = spec.reader(spec, config, path).plan(text, slug, submitted, issue)
    if plan.path is None and not plan.problems:  # a form must say where its page goes
        plan.problems.append(
            Finding(
                path,
                1,
                1,
                "not-placed",
                "the answers do not say where the page goes",
                "Check the form's answers.",
            )
        )
    return plan


def render(plan: Plan) -> str:
    return front_matter(plan.meta, plan.body)


def write(plan: Plan) -> Path:
    assert plan.path is not None
    return write_new(plan.path, render(plan))


@click.command("intake")
@click.argument("issue_body", type=click.File("rb"))
@click.option(
    "-f",
    "--config-file",
    default="mkdocs.yml",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The site's MkDocs configuration (the repository's root without one).",
)
@click.option(
    "--form",
    "form_id",
    type=click.Choice(sorted(FORMS)),
    help="The form the issue was written with (default: the one it answers).",
)
@click.option("--slug", help="The page's folder name (default: made from its title).")
@click.option(
    "--submitted", type=click.DateTime(["%Y-%m-%d"]), help="The submission date (default: today)."
)
@click.option("--issue", type=int, help="The issue's number, noted for the moderator.")
@click.option("--dry-run", is_flag=True, help="Print the page instead of writing it.")
def intake(
    issue_body: Any,
    config_file: Path,
    form_id: str | None,
    slug: str | None,
    submitted: dt.datetime | None,
    issue: int | None,
    dry_run: bool,
) -> None:
    """Make a pending page from an issue written with a form (a file, or - for standard
    input): a resource from "Share a teaching resource"."""
    name = str(getattr(issue_body, "name", "-"))
    path = "<stdin>" if name in ("-", "<stdin>") or name.isdigit() else name
    try:
        config = settings(config_file.resolve().parent, config_file)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    plan = read_issue(
        config,
        path,
        issue_body.read(),
        form_id,
        slug,
        submitted.date() if submitted else None,
        issue,
    )
    for finding in sorted([*plan.problems, *plan.notes]):
        click.echo(str(finding))
    if plan.problems:
        click.echo(
            f"Nothing was written: {len(plan.problems)} problem"
            f"{'s' if len(plan.problems) != 1 else ''} in the issue stop this "
            "submission. Ask the contributor to edit the issue, then run the intake "
            "again.",
            err=True,
        )
        sys.exit(1)
    assert plan.path is not None
    where = plan.folder.relative_to(config.root).as_posix()
    if dry_run:
        click.echo(f"Would write {plan.path.relative_to(config.root).as_posix()}:\n")
        click.echo(render(plan), nl=False)
        return
    try:
        write(plan)
    except (ScaffoldError, FileExistsError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created {plan.path.relative_to(config.root).as_posix()} (status: pending)")
    if plan.downloads:
        click.echo(f"Files to download into {where}/ (or let the intake workflow fetch them):")
        for download in plan.downloads:
            named = download.name.replace(".*", ".EXT") or "NAME.EXT"
            target = shlex.quote(f"{where}/{named}")
            click.echo(
                f"  curl -fL -o {target} {shlex.quote(download.url)}"
                + (f"   # {download.note}" if download.note else "")
            )
    findings = plan.form.check(config, plan)
    for finding in findings:
        click.echo(str(finding))
    missing = sum("listed but missing" in f.message for f in findings)
    named = sum(1 for d in plan.downloads if d.name)
    click.echo(
        f"{len(errors(findings))} errors, {len(findings) - len(errors(findings))} "
        f"warnings in the new page"
        + (f" ({missing} until the {named} file(s) above are downloaded)" if missing else "")
        + f". Check it, preview it with `opencpd build --preview-pending`, and change "
        f"{plan.form.approve} to approved to publish it.",
        err=True,
    )
