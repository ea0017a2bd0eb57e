"""Write the issue forms and the pull-request template from the forms in
plugins/opencpd/intake/ (the table in table.py), the vocabulary and the modules under modules/.
`opencpd intake` reads issues written with these forms using the same definitions.

    python scripts/issue_form.py            # write .github/ISSUE_TEMPLATE/<form>.yml
                                            # and .github/pull_request_template.md
    python scripts/issue_form.py --check    # exit 1 if one is out of date (for CI)
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from opencpd.intake.forms import SettingsError, settings
from opencpd.intake.template import outputs

REPOSITORY = Path(__file__).resolve().parent.parent


@click.command()
@click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=REPOSITORY,
    show_default=True,
    help="The repository to write into.",
)
@click.option("--check", is_flag=True, help="Only report whether the files are up to date.")
def main(root: Path, check: bool) -> None:
    """Write the issue forms and pull-request template generated from the model."""
    try:
        config = settings(root)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    stale = []
    for relative, text in outputs(config).items():
        path = root / relative
        current = path.read_text("utf-8") if path.is_file() else None
        if current == text:
            continue
        stale.append(relative)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            click.echo(f"wrote {relative.as_posix()}")
    if check and stale:
        for relative in stale:
            click.echo(
                f"{relative.as_posix()} is out of date: run `python "
                "scripts/issue_form.py` and commit the result.",
                err=True,
            )
        sys.exit(1)


if __name__ == "__main__":
    main()
