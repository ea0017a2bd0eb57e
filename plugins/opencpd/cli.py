"""The `opencpd` command: check, build, serve, and scaffold content."""

from __future__ import annotations

import os
import re
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .core.catalog import Catalog
from .core.findings import errors
from .core.load import load_catalog
from .core.source_date import BuildDateError
from .core.vocabulary import VocabularyError, load_vocabulary

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


def plural(count: int, word: str, words: str = "") -> str:
    """'no errors', '1 error', '2 errors': the words check and build both use."""
    return f"{count or 'no'} {word if count == 1 else words or word + 's'}"


def problems(failed: int, warned: int) -> str:
    """'1 problem (1 error, no warnings)', or 'no problems'."""
    total = failed + warned
    if not total:
        return "no problems"
    return f"{plural(total, 'problem')} ({plural(failed, 'error')}, {plural(warned, 'warning')})"


def stopped(message: str) -> str:
    """MkDocs' "Aborted with 1 warnings in strict mode!" in check's words: every finding
    (an error or a warning) is logged as a warning by the strict build, which stops on any."""
    counts = re.match(r"Aborted with (.*) in strict mode!?$", message.strip())
    if not counts:
        return message
    total = sum(int(n) for n in re.findall(r"(\d+) \w+", counts[1]))
    return (
        f"The build stopped on {plural(total, 'problem')}, listed above (the site build "
        "is strict: an error or a warning stops it; `opencpd check` lists the content's "
        "problems with their lines)."
    )


def _on_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _config(config_file: str) -> MkDocsConfig:
    from .adapters.site import BuildFailed, load

    try:
        return load(config_file)
    except BuildFailed as exc:
        raise click.ClickException(str(exc)) from None


def _paths(config: MkDocsConfig) -> tuple[Path, Path | None]:
    """The content root and extra vocabulary file named by mkdocs.yml's opencpd plugin."""
    if "opencpd" not in config.plugins:
        raise click.ClickException(
            f"{config.config_file_path} does not use OpenCPD's plugin (expected 'opencpd' "
            "under plugins:, got none). Add `- opencpd` under `plugins:` in mkdocs.yml."
        )
    options = config.plugins["opencpd"].config
    root = (Path(config.config_file_path).resolve().parent / options.content_dir).resolve()
    return root, root / options.vocabulary if options.vocabulary else None


def _content(config_file: str) -> tuple[Path, Path | None]:
    return _paths(_config(config_file))


def _catalog(config: MkDocsConfig) -> Catalog:
    """The Catalog exactly as the site build loads it (same vocabulary, same limits)."""
    root, vocab_file = _paths(config)
    options = config.plugins["opencpd"].config
    return load_catalog(
        root,
        load_vocabulary(vocab_file, root),
        max_attachment_bytes=options.max_attachment_mb * 1024 * 1024,
    )


@contextmanager
def _config_warnings(config_file: str) -> Iterator[list[str]]:
    """The warnings MkDocs logs reading mkdocs.yml (an unknown option, a deprecated one), which
    would print itself: a strict build stops on them, so `check --strict` fails on them too."""
    import logging

    class Kept(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()  # at its line when found (adapters/config_lines.py)
            message = message if getattr(record, "located", False) else f"{config_file}: {message}"
            if record.levelno >= logging.ERROR:  # an error stops the reading: say it now,
                for warning in found:  # with the warnings MkDocs logged before it
                    click.echo(warning, err=True)
                found.clear()
                click.echo(message, err=True)
            else:
                found.append(message)

    found: list[str] = []
    handler, logger = Kept(logging.WARNING), logging.getLogger("mkdocs.config")
    logger.addHandler(handler)
    try:
        yield found
    finally:
        logger.removeHandler(handler)


def _config_file(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """mkdocs.yml, which every command but `new site` reads first: named with how to fix it
    when it is not there (run outside the project, or -f naming another file)."""
    path = Path(value)
    if path.is_dir():
        path = path / "mkdocs.yml"
    if not path.is_file():
        raise click.BadParameter(
            f"there is no site configuration here (expected mkdocs.yml, got no file "
            f"{path.absolute()}). Run the command in the project's folder, where mkdocs.yml "
            "is, or name it with -f path/to/mkdocs.yml; `opencpd new site FOLDER` makes a "
            "project.",
            param_hint="'-f' / '--config-file'",
        )
    return str(path)


config_option = click.option(
    "-f",
    "--config-file",
    default="mkdocs.yml",
    show_default=True,
    type=click.Path(),
    callback=_config_file,
    help="The site's MkDocs configuration.",
)


class Commands(click.Group):
    """The commands, each stopped by a fault of OpenCPD's own with a few lines saying so, not a
    traceback: a teacher is told what happened and that their files are not the cause
    (`OPENCPD_TRACEBACK=1` shows where it happened, for the report)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except (VocabularyError, BuildDateError) as exc:  # the programme's file; the setting
            raise click.ClickException(str(exc)) from None
        except Exception as exc:  # everything else is a fault of ours
            if os.environ.get("OPENCPD_TRACEBACK"):
                raise
            name = ctx.invoked_subcommand or "opencpd"
            if isinstance(exc, OSError):  # the disk, a folder's permissions, a port in use
                cache = f"{os.sep}.cache{os.sep}" in str(exc.filename or "")
                raise click.ClickException(
                    f"`opencpd {name}` stopped: {exc.strerror or exc}"
                    + (f" ({exc.filename})" if exc.filename else "")
                    + ". Check that the folder can be written and the disk is not full (or, "
                    "for serve, that nothing else uses the address). The site you had is as "
                    "it was."
                    + (  # a file where a folder goes, or the other way round
                        " The file is in .cache/, which holds only what builds made: delete "
                        ".cache/ and build again."
                        if cache
                        else ""
                    )
                ) from None
            raise click.ClickException(
                f"`opencpd {name}` stopped on a fault in OpenCPD itself: "
                f"{type(exc).__name__}: {exc}. The site you had is as it was. Please report "
                "it with the command you ran and this message; run it again with "
                "OPENCPD_TRACEBACK=1 to add where it happened."
            ) from None


@click.group(cls=Commands)
@click.version_option(package_name="opencpd")
def main() -> None:
    """OpenCPD: compile languages-teaching CPD into a website and session packs."""
    from .adapters import engine

    engine.choose()  # ProperDocs on the materialx stack, before anything imports MkDocs


@main.command()
@config_option
@click.option(
    "--strict", is_flag=True, help="Fail on warnings too, as the (always strict) site build does."
)
def check(config_file: str, strict: bool) -> None:
    """Check all content and list every problem with its file and line.

    The macros of hand-written pages are checked as far as their text shows (their syntax,
    the arguments given to the site's macros); one that fails only with the build's values
    (a filter given a value of the wrong kind) is reported by `opencpd build`."""
    from .adapters.packs import pack_options
    from .core.packs import findings as pack_findings

    with _config_warnings(config_file) as config_warnings:  # as the strict build counts them
        config = _config(config_file)
    catalog = _catalog(config)
    options = pack_options(config, config.plugins["opencpd"].config.start_time)
    from .adapters.startup import macros_environment, project, site_macros
    from .core.committed import committed_build_files
    from .core.hand_written import docs_page_findings
    from .core.macro_syntax import docs_findings
    from .core.slides import findings as slide_findings

    env = macros_environment(config)
    docs = (
        docs_findings(project(config), Path(config.docs_dir), env, site_macros(config))
        if env
        else []
    ) + docs_page_findings(project(config), Path(config.docs_dir))
    found = sorted(
        set(catalog.findings)
        | set(pack_findings(catalog, options))
        | set(slide_findings(catalog))
        | set(committed_build_files(project(config)))
        | set(docs)
    )
    for warning in config_warnings:
        click.echo(warning)
    for finding in found:
        click.echo(str(finding))
        if _on_ci():
            click.echo(finding.github())
    failed = errors(found)
    warned = len(found) - len(failed) + len(config_warnings)
    figures = catalog.figures()
    counted = ", ".join(
        [
            plural(figures[name], name.removesuffix("s"))
            for name in ("modules", "sessions", "resources", "publications")
        ]
        + [plural(len(catalog.centres), "centre")] * bool(catalog.centres)
        + [plural(len(catalog.deliveries), "delivery", "deliveries")] * bool(catalog.deliveries)
    )
    click.echo(f"Checked {counted}: {problems(len(failed), warned)}.", err=True)
    if failed or (strict and warned):
        sys.exit(1)


PREVIEW_DIR = ".preview"  # beside mkdocs.yml; holds a .gitignore of its own


@main.command()
@config_option
@click.option(
    "-d",
    "--site-dir",
    type=click.Path(),
    help="Where to build (default: site/; .preview/ with --preview-pending).",
)
@click.option(
    "--preview-pending",
    is_flag=True,
    help="Include resources awaiting moderation, bannered, in .preview/ (never the "
    "published folder; refused on CI).",
)
@click.option(
    "-v", "--verbose", is_flag=True, help="Show each step of the build, not only the warnings."
)
def build(config_file: str, site_dir: str | None, preview_pending: bool, verbose: bool) -> None:
    """Build the whole site strictly; the old site stays unless the build succeeds."""
    from .adapters.site import BuildFailed, SourcesFolder, build_site, log_to_terminal

    if preview_pending and _on_ci():
        raise click.ClickException(
            "--preview-pending is refused on CI (CI=true): pending "
            "resources must never be published."
        )
    project = Path(config_file).resolve().parent
    target = (  # by default the site_dir of mkdocs.yml (site/ beside it), wherever one runs it
        Path(site_dir)
        if site_dir
        else project / PREVIEW_DIR
        if preview_pending
        else Path(_config(config_file).site_dir)
    )
    if preview_pending:
        _refuse_published_folder(target, project / _config(config_file).site_dir)
    log_to_terminal(verbose)
    before = target.is_dir()
    try:
        catalog = build_site(config_file, target, preview_pending)
    except SourcesFolder as exc:
        raise click.ClickException(str(exc)) from None
    except BuildFailed as exc:
        raise click.ClickException(
            stopped(str(exc))
            + (
                f" The previous site in {target}/ is unchanged."
                if before
                else f" No site was written: {target}/ does not exist."
            )
        ) from None
    if preview_pending:
        # whatever folder it is in, `git add .` never takes a preview
        (target / ".gitignore").write_text("# A moderator's preview: never commit it\n*\n")
        click.echo(
            f"Preview with resources awaiting moderation written to {target}/ (not the "
            f"published site). Open {target / 'index.html'} in a browser; delete the "
            "folder when you are done.",
            err=True,
        )
        return
    click.echo(f"Built {plural(catalog.figures()['modules'], 'module')} into {target}/", err=True)


def _refuse_published_folder(preview: Path, published: Path) -> None:
    preview, published = preview.resolve(), published.resolve()
    if (
        preview == published
        or preview.is_relative_to(published)
        or published.is_relative_to(preview)
    ):
        raise click.ClickException(
            f"a preview never writes where the site is published (expected a folder apart "
            f"from {published}, got {preview}). Leave out -d to use {PREVIEW_DIR}/, or name "
            "another folder."
        )


@main.command()
@config_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True)
def serve(config_file: str, dev_addr: str) -> None:
    """Serve the site with live reload, also for modules/ and handbook/.

    It shows what `opencpd build` publishes, built into a temporary folder: session packs come
    from the cache and the missing ones are made in the background, and the offline zips are
    made. Each rebuild renders only the pages an edit changed (every page when the navigation
    or the set of pages changes). Search finds the served pages: their index is made again
    in the background after each build."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    from .adapters.served import show_progress
    from .adapters.site import (
        log_to_terminal,
        quiet_end_of_life_notice,
        serve_reads_config_plainly,
    )

    quiet_end_of_life_notice()
    serve_reads_config_plainly(sys.modules[mkdocs_serve.__module__])
    log_to_terminal(verbose=False)
    show_progress()  # the address it serves on, each rebuild, the packs being made
    root, _ = _content(config_file)
    watch = [str(root / d) for d in ("modules", "handbook") if (root / d).is_dir()]

    def stop(signum: int, frame: object) -> None:  # as Ctrl-C: the temporary folders go too
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    mkdocs_serve(
        config_file=config_file, livereload=True, watch=watch, dev_addr=dev_addr, build_type="dirty"
    )


@main.command("export")
@config_option
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    type=click.File("w"),
    help="Where to write the JSON ('-' for standard output).",
)
def export_command(config_file: str, output: click.utils.LazyFile) -> None:
    """Write the whole Catalog as one JSON document (open data)."""
    import json

    from .core.export import export

    config = _config(config_file)
    catalog = _catalog(config)
    if errors(catalog.findings):
        raise click.ClickException("the content has errors; run `opencpd check` to see them.")
    json.dump(export(catalog, config.site_url or ""), output, indent=1, ensure_ascii=False)
    output.write("\n")


@main.command("render")
@config_option
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder to write docs/, nav.yml, SUMMARY.md and a plain mkdocs.yml into.",
)
def render_command(config_file: str, out: str) -> None:
    """Write the programme's pages as plain Markdown, for any engine (then `opencpd finish`)."""
    from .adapters.finish import render
    from .adapters.site import BuildFailed, log_to_terminal

    log_to_terminal()
    try:
        pages = render(config_file, Path(out))
    except BuildFailed as exc:
        raise click.ClickException(stopped(str(exc))) from None
    click.echo(
        f"Rendered {plural(pages, 'page')} into {out}/ (build {out}/mkdocs.yml with any "
        f"engine, then run `opencpd finish SITE --rendered {out}`).",
        err=True,
    )


@main.command("finish")
@config_option
@click.argument("site", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--rendered",
    required=True,
    type=click.Path(exists=True, file_okay=False),
    help="The folder `opencpd render --out` wrote.",
)
def finish_command(config_file: str, site: str, rendered: str) -> None:
    """Add search, metadata, the held HTML and offline zips to a site built from `render`."""
    from .adapters.finish import finish, offline_cache
    from .adapters.site import BuildFailed

    try:
        indexed = finish(
            Path(site), Path(rendered), _catalog(_config(config_file)), offline_cache(config_file)
        )
    except BuildFailed as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Finished {site}/: {plural(indexed, 'page')} indexed for search.", err=True)


@main.command("packs")
@config_option
@click.argument("ids", nargs=-1, metavar="[MODULE]...")
@click.option(
    "--delivery",
    "delivery_id",
    help="Make the packs of one delivery (its file "
    "name in deliveries/) for its evening, in place of modules' packs.",
)
@click.option(
    "-o",
    "--out",
    default="site/packs",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder to write the PDFs into.",
)
@click.option(
    "-j",
    "--jobs",
    default=0,
    type=click.IntRange(min=0),
    help="Processes that render packs (default: one per core, at most 4).",
)
@click.option(
    "--site-url",
    callback=lambda ctx, param, value: _web_address(value),
    help="The address the site is published at, for the QR code and "
    "links on the packs (default: site_url in mkdocs.yml).",
)
@click.option(
    "--places",
    default=0,
    type=click.IntRange(min=0, max=200),  # as a delivery's places
    help="Rows the sign-in sheet needs (default: as many as fill one page).",
)
def packs_command(
    config_file: str,
    ids: tuple[str, ...],
    out: str,
    jobs: int,
    site_url: str | None,
    places: int,
    delivery_id: str | None = None,
) -> None:
    """Make the session packs (PDF) of the named modules and publications, or of all."""
    if delivery_id is not None:
        from .cli_deliveries import delivery_packs

        return delivery_packs(config_file, delivery_id, out, jobs, site_url, places)
    from .adapters.packs import export_packs
    from .adapters.site import BuildFailed

    try:
        made = export_packs(config_file, ids, Path(out), jobs or None, site_url, places)
    except (BuildFailed, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    problems = sorted(
        {f for job in made for f in job.pack.findings} | {job.error for job in made if job.error}
    )
    for finding in problems:
        click.echo(str(finding))
        if _on_ci():
            click.echo(finding.github())
    for job in made:
        if job.result:
            click.echo(
                f"{out}/{job.pack.filename}: {job.result.pages} pages ({job.status})", err=True
            )
        else:
            click.echo(
                f"{job.pack.filename}: not made ({job.status}), see the problems above", err=True
            )
    if any(not job.result for job in made):
        sys.exit(1)


def _web_address(value: str | None) -> str | None:
    """--site-url as mkdocs.yml's site_url must be: an http(s) address with a host, which the
    packs print as a QR code and links (a QR code of 'notaurl' leads nowhere)."""
    from urllib.parse import urlsplit

    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or value != value.strip():
        raise click.BadParameter(
            f"expected the address the site is published at, such as "
            f"https://cpd.example-hub.org.uk/, got {value!r}. Write it whole, with https://.",
            param_hint="'--site-url'",
        )
    return value


@main.command("slides")
@config_option
@click.argument("ids", nargs=-1, metavar="[MODULE]...")
@click.option(
    "-o",
    "--out",
    default="site/slides",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder to write the decks into.",
)
@click.option(
    "-j",
    "--jobs",
    default=0,
    type=click.IntRange(min=0),
    help="Processes that make decks (default: one per core, at most 4).",
)
def slides_command(config_file: str, ids: tuple[str, ...], out: str, jobs: int) -> None:
    """Make the slide decks (HTML, 16:9 PDF, PowerPoint) of every session of the named modules,
    or of all, into OUT/MODULE/SESSION.html|pdf|pptx."""
    from .adapters.site import BuildFailed
    from .adapters.slides import export_decks

    try:
        made = export_decks(config_file, ids, Path(out), jobs or None)
    except (BuildFailed, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    for job in made:
        if job.error:
            click.echo(str(job.error))
            if _on_ci():
                click.echo(job.error.github())
        elif job.result:
            click.echo(
                f"{out}/{job.module}/{job.session}: {job.result.slides} slides ({job.status})",
                err=True,
            )
    if any(not job.result for job in made):
        sys.exit(1)


@main.group()
def new() -> None:
    """Create a module, session, resource, centre, delivery, offer or site that passes
    `opencpd check`."""


@new.command("site")
@click.argument("target", type=click.Path(file_okay=False))
@click.option("--name", default="Our CPD programme", show_default=True)
@click.option(
    "--theme",
    default="material",
    show_default=True,
    type=click.Choice(["material", "materialx"]),
    help="The stack's theme.",
)
def new_site_command(target: str, name: str, theme: str) -> None:
    """Create a minimal programme of your own: mkdocs.yml, a home page, one module."""
    from .scaffold import ScaffoldError
    from .scaffold_site import new_site

    try:
        paths = new_site(Path(target), name, theme=theme)
    except (ScaffoldError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    for path in paths:
        click.echo(f"created {path}")


@new.command("module")
@config_option
@click.argument("module_id")
@click.option("--title", required=True)
@click.option("--key-stage", default="KS2", show_default=True)
def new_module_command(config_file: str, module_id: str, title: str, key_stage: str) -> None:
    """Create modules/MODULE_ID with module.md and a twilight session."""
    from .scaffold import ScaffoldError, new_module

    root, vocab_file = _content(config_file)
    try:
        paths = new_module(root, module_id, title, key_stage, load_vocabulary(vocab_file, root))
    except (ScaffoldError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    for path in paths:
        click.echo(f"created {path.relative_to(root)}")


@new.command("session")
@config_option
@click.argument("module_id")
@click.option("--title", required=True)
@click.option(
    "--kind",
    default="follow-up",
    show_default=True,
    type=click.Choice(["twilight", "follow-up", "induction"]),
)
@click.option("--duration", default=45, show_default=True, type=int)
def new_session_command(
    config_file: str, module_id: str, title: str, kind: str, duration: int
) -> None:
    """Add the next numbered session to a module."""
    from .scaffold import ScaffoldError, new_session

    root, vocab_file = _content(config_file)
    try:
        path = new_session(
            root, module_id, title, kind, duration, load_vocabulary(vocab_file, root)
        )
    except (ScaffoldError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created {path.relative_to(root)}")


def _items(value: str | None) -> list[str] | None:
    return ([v.strip() for v in value.split(",") if v.strip()] or None) if value else None


@new.command("resource")
@config_option
@click.option(
    "--module", "module_id", required=True, help="The module it goes with, e.g. ks2-writing."
)
@click.option("--title", required=True, help="A short name for the resource.")
@click.option(
    "--type",
    "resource_type",
    default="worksheet",
    show_default=True,
    help="lesson-plan, worksheet, slides, game, song-rhyme, case-study, ...",
)
@click.option("--languages", help="Language codes, e.g. fr,de (default: the module's first).")
@click.option("--key-stage", help="KS2, KS3, KS2-3 or all (default: the module's).")
@click.option("--themes", help="Themes, e.g. phonics,vocabulary (default: the module's first).")
@click.option("--year-groups", help="Year groups, e.g. 3,4 (default: the key stage's).")
@click.option("--name", "contributor", default="", help="Your name, as it should be credited.")
@click.option("--slug", help="The folder's name (default: made from the title).")
def new_resource_command(
    config_file: str,
    module_id: str,
    title: str,
    resource_type: str,
    languages: str | None,
    key_stage: str | None,
    themes: str | None,
    year_groups: str | None,
    contributor: str,
    slug: str | None,
) -> None:
    """Create a pending resource in modules/MODULE/resources/, ready to fill in."""
    from .scaffold import ScaffoldError, new_resource

    root, vocab_file = _content(config_file)
    years = _items(year_groups)
    if years and not all(y.isdigit() for y in years):
        raise click.ClickException(
            f"--year-groups takes numbers such as 3,4 (got {year_groups!r})."
        )
    try:
        path = new_resource(
            root,
            module_id,
            title,
            load_vocabulary(vocab_file, root),
            resource_type=resource_type,
            languages=_items(languages),
            key_stage=key_stage,
            themes=_items(themes),
            year_groups=[int(y) for y in years] if years else None,
            contributor=contributor,
            slug=slug,
        )
    except (ScaffoldError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"created {path.relative_to(root)} (status: pending). Fill in the prompts, add "
        "your files to its folder and list them under files:, then run `opencpd check`."
    )


def _add_intake() -> None:
    from .intake.command import intake

    main.add_command(intake)


_add_intake()


def _add_deliveries() -> None:
    from .cli_deliveries import add_commands

    add_commands(new, config_option)


_add_deliveries()


def _add_support() -> None:
    from .cli_support import add_commands

    add_commands(new, config_option)


_add_support()


if __name__ == "__main__":  # `python -m opencpd.cli`, as well as the `opencpd` command
    main()
