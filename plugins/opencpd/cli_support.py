"""`opencpd new offer`: the command of school-to-school support, registered on the `opencpd`
group by cli.py."""

from __future__ import annotations

import click

from .core.vocabulary import load_vocabulary


def add_commands(new: click.Group, config_option: click.Option) -> None:
    @new.command("offer")
    @config_option
    @click.argument("offer_id")
    @click.option("--title", required=True, help="What is offered, in a line.")
    @click.option(
        "--subject",
        required=True,
        help="A subject from vocabulary.yml, e.g. languages or computing.",
    )
    @click.option("--phase", required=True, help="primary, secondary or all-through.")
    @click.option(
        "--key-stage",
        "key_stages",
        multiple=True,
        required=True,
        help="A key stage (repeat for more), e.g. KS2.",
    )
    @click.option(
        "--format",
        "formats",
        multiple=True,
        required=True,
        help="visit, hosting, remote-call or sharing (repeat for more).",
    )
    @click.option("--school", required=True, help="The school's name.")
    @click.option("--town", required=True)
    @click.option(
        "--region", required=True, help="A region from vocabulary.yml, e.g. yorkshire-humber."
    )
    def new_offer_command(
        config_file: str,
        offer_id: str,
        title: str,
        subject: str,
        phase: str,
        key_stages: tuple[str, ...],
        formats: tuple[str, ...],
        school: str,
        town: str,
        region: str,
    ) -> None:
        """Create support/OFFER_ID.md, pending, for a moderator to finish and list."""
        from .cli import _content
        from .scaffold import ScaffoldError
        from .scaffold_support import new_offer

        root, vocab_file = _content(config_file)
        try:
            path = new_offer(
                root,
                offer_id,
                title,
                subject,
                phase,
                list(key_stages),
                list(formats),
                school,
                town,
                region,
                load_vocabulary(vocab_file, root),
            )
        except (ScaffoldError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(
            f"created {path.relative_to(root)} (status: pending). Record the "
            "headteacher's nomination and the colleague's consent, fill in availability "
            "and themes, then run `opencpd check`; change status to listed to publish it."
        )
