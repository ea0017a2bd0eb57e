"""`opencpd new centre`, `opencpd new delivery` and `opencpd packs --delivery ID`: the
commands of centres and deliveries, registered on the `opencpd` group by cli.py."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import click

from .core.vocabulary import load_vocabulary


def _date(value: str) -> dt.date:
    try:  # written as the file will have it: not 20270120 nor 2027-W03-3
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"expected a date like 2027-01-20, got {value!r}. Write it as year-month-day.",
            param_hint="'--date'",
        ) from None


def add_commands(new: click.Group, config_option: click.Option) -> None:
    @new.command("centre")
    @config_option
    @click.argument("centre_id")
    @click.option("--name", required=True, help="The centre's name, as teachers know it.")
    @click.option("--town", required=True)
    @click.option(
        "--region", required=True, help="A region from vocabulary.yml, e.g. yorkshire-humber."
    )
    @click.option(
        "--contact",
        required=True,
        help="The centre's or hub's mailbox (bookings@…, cpd@…), never a person's address.",
    )
    def new_centre_command(
        config_file: str, centre_id: str, name: str, town: str, region: str, contact: str
    ) -> None:
        """Create centres/CENTRE_ID.md."""
        from .cli import _content
        from .scaffold import ScaffoldError
        from .scaffold_deliveries import new_centre

        root, vocab_file = _content(config_file)
        before = content_errors(config_file)
        try:
            path = new_centre(
                root, centre_id, name, town, region, contact, load_vocabulary(vocab_file, root)
            )
        except (ScaffoldError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
        refuse_unless_checked(config_file, root, path, before)  # a phone number in its name
        click.echo(f"created {path.relative_to(root)}")

    @new.command("delivery")
    @config_option
    @click.option("--module", "module_id", required=True, help="The module, e.g. ks2-writing.")
    @click.option("--centre", "centre_id", required=True, help="The centre's id (its file name).")
    @click.option("--date", "day", required=True, help="The date, e.g. 2027-01-20.")
    @click.option("--start", required=True, help="The start, e.g. 16:15.")
    @click.option("--places", default=24, show_default=True, type=click.IntRange(1, 200))
    @click.option(
        "--status",
        default="planned",
        show_default=True,
        type=click.Choice(["planned", "confirmed"]),
    )
    def new_delivery_command(
        config_file: str,
        module_id: str,
        centre_id: str,
        day: str,
        start: str,
        places: int,
        status: str,
    ) -> None:
        """Create deliveries/DATE-CENTRE-MODULE.md, planned, ready to fill in."""
        from .cli import _content
        from .scaffold import ScaffoldError
        from .scaffold_deliveries import new_delivery

        root, vocab_file = _content(config_file)
        date = _date(day)
        before = content_errors(config_file)
        try:
            path = new_delivery(
                root,
                module_id,
                centre_id,
                date,
                start,
                load_vocabulary(vocab_file, root),
                places,
                status,
            )
        except (ScaffoldError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
        refuse_unless_checked(config_file, root, path, before)
        click.echo(
            f"created {path.relative_to(root)} (status: {status}). Add lead teachers, a "
            "booking link and practical notes, then run `opencpd check`."
        )
        today = dt.date.today()  # the author's day, not the build's: a typed date to look at
        if date < today:
            click.echo(
                f"note: {date:%-d %B %Y} is before today ({today:%-d %B %Y}). If the twilight "
                "has already run, set `status: held` in the file; otherwise correct the date "
                "(the file name carries it too).",
                err=True,
            )


def content_errors(config_file: str) -> set[str]:
    """The errors `opencpd check` finds in the content, each as it is reported."""
    from .cli import _catalog, _config

    return {str(f) for f in _catalog(_config(config_file)).findings if f.severity == "error"}


def refuse_unless_checked(config_file: str, root: Path, path: Path, before: set[str]) -> None:
    """Remove the file just written, and say why, if `opencpd check` finds an error that
    was not there `before` it, in it or in another file (an evening ending after 21:00, an
    overlap at the centre with an evening that starts later, reported on that one)."""
    rel = path.relative_to(root).as_posix()
    errors = sorted(content_errors(config_file) - before)
    if errors:
        path.unlink()
        raise click.ClickException(
            f"{rel} would not pass `opencpd check`, so nothing was written:\n" + "\n".join(errors)
        )


def delivery_packs(
    config_file: str, delivery_id: str, out: str, jobs: int, site_url: str | None, places: int
) -> None:
    """`opencpd packs --delivery ID`."""
    from .adapters.delivery_packs import export_delivery_packs
    from .adapters.site import BuildFailed

    if places:
        raise click.UsageError(
            "--places is not for a delivery: its sign-in sheet has a row for each of the "
            "places in its file (places:)."
        )
    try:
        made = export_delivery_packs(config_file, delivery_id, Path(out), jobs or None, site_url)
    except (BuildFailed, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    for job in made:
        if job.result:
            click.echo(
                f"{out}/{job.pack.filename}: {job.result.pages} pages ({job.status})", err=True
            )
        else:
            click.echo(f"{job.pack.filename}: not made ({job.status}): {job.error}", err=True)
    if any(not job.result for job in made):
        sys.exit(1)
