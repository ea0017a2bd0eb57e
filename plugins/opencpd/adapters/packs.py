"""Session packs for the MkDocs plugin and the CLI: options from mkdocs.yml, a progress bar."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
from mkdocs.config.defaults import MkDocsConfig

from ..core.attachments import human_size
from ..core.catalog import Catalog
from ..core.packs import PackCache, PackJob, PackOptions, generate, prepare
from ..core.packs.spec import placeholder_address
from .config_lines import setting_at

CACHE = Path(".cache") / "packs"
# What a module or publication page says about a pack it cannot link yet, by the pack's status.
NOT_LINKED = {
    "making": "being made in the background while the site is served; this page reloads with "
    "its link when it is ready.",
    "missing": "not made by this build (`opencpd build` makes the session packs).",
    "blocked": "cannot be made until the problems in this content are fixed "
    "(`opencpd check` lists them).",
    "failed": "could not be made; the terminal says why.",
}


def pack_options(
    config: MkDocsConfig, start_time: str, site_url: str | None = None, places: int = 0
) -> PackOptions:
    """The packs' options from mkdocs.yml; `site_url` (the published address) when serving,
    which changes config.site_url to the address it serves on."""
    return PackOptions(
        start_time=start_time,
        site_url=config.site_url or "" if site_url is None else site_url,
        markdown_extensions=list(config.markdown_extensions),
        mdx_configs=dict(config.mdx_configs),
        places=places,
        programme=config.site_name,
    )


_warned: set[str] = set()


def warn_placeholder(site_url: str, source: str = "site_url in mkdocs.yml", at: str = "") -> None:
    """Said on the terminal, once per address, without failing a strict build: this
    repository's own mkdocs.yml names a placeholder until the site is published somewhere.
    `at`: where the address is written, `mkdocs.yml:line:column: ` (config_lines.py)."""
    if not placeholder_address(site_url) or site_url in _warned:
        return
    _warned.add(site_url)
    given = f"is {site_url!r}" if site_url else "is not set"
    click.echo(
        f"WARNING -  {at}{source} {given}, which is no published site: the session packs "
        "have no QR code or link to their pages online (their covers say so). Set "
        "site_url in mkdocs.yml to the address the site is published at; to print packs "
        "for a site published elsewhere, run `opencpd packs --site-url https://...`. "
        "(Not an error: the build goes on.)",
        err=True,
    )


def warn_no_site_url(site_url: str, at: str = "") -> None:
    """Said on the terminal, once, without failing a strict build: a feed reader or calendar
    keeps an entry or event by its id, which names the site by its address when it has one.
    `at`: where site_url goes, `mkdocs.yml:line:column: ` (config_lines.py)."""
    if site_url or "feeds" in _warned:
        return
    _warned.add("feeds")
    click.echo(
        f"WARNING -  {at}site_url in mkdocs.yml is not set: the Atom feeds' ids and the calendars' "
        "event UIDs are made from repo_url (or site_name), and the calendars' events have no "
        "link to their pages. Set site_url to the address the site is published at before "
        "anyone subscribes to its feeds or calendars: the ids change once, when it is set, "
        "and every entry and event would then show twice. (Not an error: the build goes on.)",
        err=True,
    )


def cache_dir(config: MkDocsConfig) -> Path:
    """.cache/packs/ beside mkdocs.yml."""
    return Path(config.config_file_path).resolve().parent / CACHE


def make_packs(
    catalog: Catalog,
    options: PackOptions,
    folder: Path,
    make: bool,
    only: Iterable[str] | None = None,
    workers: int | None = None,
) -> list[PackJob]:
    """Packs from the cache, and when `make` is set, the missing ones rendered (with a
    progress bar on a terminal). Without `make` a missing pack is left out, never waited for."""
    cache = PackCache(folder)
    jobs = prepare(catalog, options, cache, only)
    todo = [j for j in jobs if j.status == "pending"]
    if not make or not todo:
        for job in todo:
            job.status = "missing"
        return jobs
    label = f"Making {len(todo)} session pack{'s' if len(todo) > 1 else ''}"
    with click.progressbar(length=len(todo), label=label, file=sys.stderr, show_pos=True) as bar:
        generate(jobs, catalog, options, cache, workers, progress=lambda job: bar.update(1))
    return jobs


def pack_links(jobs: list[PackJob]) -> dict[str, list[dict[str, Any]]]:
    """What module and publication pages show: owner id -> each pack's link facts, or (with
    no uri) why it is not linked."""
    out: dict[str, list[dict[str, Any]]] = {}
    for job in jobs:
        facts = {"label": job.pack.label, "edition": job.pack.edition}
        if job.result:
            facts |= {
                "uri": f"packs/{job.pack.filename}",
                "size": human_size(job.result.size),
                "pages": job.result.pages,
            }
        else:
            facts |= {"uri": "", "note": NOT_LINKED.get(job.status, NOT_LINKED["failed"])}
        out.setdefault(job.pack.owner, []).append(facts)
    return out


def module_decks(
    config: MkDocsConfig,
    settings: Any,
    catalog: Catalog,
    site_url: str,
    only: list[str] | None,
    workers: int | None,
) -> dict[str, dict[str, dict[str, Any]]]:
    """The slide decks a build publishes (made when the cache lacks them), for the facilitator
    editions to link: the same decks, so the same packs, as `opencpd build` makes."""
    from .slides import cache_dir as slides_cache
    from .slides import deck_links, deck_options, make_decks

    options = deck_options(
        config, settings.start_time, getattr(settings, "evaluation_url", ""), site_url
    )
    return deck_links(make_decks(catalog, options, slides_cache(config), True, only, workers))


def export_packs(
    config_file: str,
    ids: Iterable[str],
    out: Path,
    workers: int | None = None,
    site_url: str | None = None,
    places: int = 0,
) -> list[PackJob]:
    """`opencpd packs`: make the packs of the named modules and publications (all when none
    are named) with the site's settings, and copy them into `out`. `site_url`, when given,
    is the address printed on them instead of mkdocs.yml's; `places`, the sign-in rows."""
    from ..core.load import load_catalog
    from ..core.vocabulary import load_vocabulary
    from .site import load

    config = load(config_file)
    settings = config.plugins["opencpd"].config
    root = (Path(config_file).resolve().parent / settings.content_dir).resolve()
    vocabulary = load_vocabulary(root / settings.vocabulary if settings.vocabulary else None, root)
    catalog = load_catalog(root, vocabulary)
    known = [m.id for m in catalog.published_modules] + [p.id for p in catalog.publications]
    unknown = sorted(set(ids) - set(known))
    if unknown:
        raise ValueError(
            f"no published module or publication is called {', '.join(unknown)} "
            f"(expected one of {', '.join(known)})"
        )
    options = pack_options(config, settings.start_time, site_url, places)
    options.decks = module_decks(
        config, settings, catalog, options.site_url, list(ids) or None, workers
    )
    if site_url is None:
        at = setting_at(config.config_file_path, "site_url", missing=True)
        warn_placeholder(options.site_url, "site_url in mkdocs.yml", at)
    else:
        warn_placeholder(options.site_url, "--site-url")
    jobs = make_packs(catalog, options, cache_dir(config), True, list(ids) or None, workers)
    out.mkdir(parents=True, exist_ok=True)
    for job in jobs:
        if job.result:
            shutil.copyfile(job.result.path, out / job.pack.filename)
    return jobs
