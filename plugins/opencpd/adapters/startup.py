"""The plugin's start-up, in the steps `OpenCPDPlugin.on_config` takes them: refuse to start
when the build would harm the project, read the site's macros as mkdocs-macros does, find the
content, tell what the Catalog found, name the site. Each is a plain function of mkdocs.yml's
settings; the plugin keeps what they return (plugin.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from ..core.catalog import Catalog
from ..core.committed import BUILD_OWN, committed_build_files
from ..core.source_date import BuildDateError, given_date
from ..core.support import blocks_build
from .config_lines import setting_at
from .options import OpenCPDConfig
from .packs import warn_no_site_url

log = get_plugin_logger(__name__)


def project(config: MkDocsConfig) -> Path:
    """The folder of mkdocs.yml."""
    return Path(config.config_file_path).resolve().parent


def refuse_to_start(config: MkDocsConfig) -> None:
    """Stop before anything is read or written: site_dir naming a folder of the sources
    (`mkdocs build` empties site_dir after this event), a SOURCE_DATE_EPOCH that is no date
    (`mkdocs build` and `opencpd serve` read it too, later), the build's own files committed."""
    from .site import folder_clash

    refused = folder_clash(config, Path(config.site_dir))  # told at site_dir's line
    if refused:
        raise PluginError(refused)
    try:
        given_date()
    except BuildDateError as exc:
        raise PluginError(str(exc)) from None
    refuse_committed_build_files(project(config))  # before anything is read from them


def refuse_committed_build_files(folder: Path) -> None:
    """Stop, naming each, if git tracks files in the build's own folders (core/committed.py)."""
    found = committed_build_files(folder)
    for finding in found:
        log.error(str(finding))
    if found:
        raise PluginError(
            f"{len(found)} file{'s' if len(found) > 1 else ''} the build keeps for itself "
            f"{'are' if len(found) > 1 else 'is'} committed to the repository (listed above, "
            f"first {found[0].path}). The build reads none of them: delete them with "
            f"`git rm -r -- {' '.join(BUILD_OWN)}`, commit, and build again; the build makes "
            "them anew from the content."
        )


def content_paths(config: MkDocsConfig, options: OpenCPDConfig) -> tuple[Path, Path | None]:
    """The content's folder and the programme's own vocabulary file, if it names one."""
    root = (Path(config.config_file_path).parent / options.content_dir).resolve()
    return root, root / options.vocabulary if options.vocabulary else None


def macros_environment(config: MkDocsConfig) -> Any:
    """A Jinja environment that reads templates as mkdocs-macros does (its `j2_` settings:
    delimiters, extensions), or None without the macros plugin."""
    from jinja2 import Environment

    macros = config.plugins.get("macros")
    if macros is None:
        return None
    settings = {
        name.removeprefix("j2_"): value
        for name, value in macros.config.items()
        if name.startswith("j2_") and value
    }
    return Environment(**settings)


def site_macros(config: MkDocsConfig) -> dict[str, Any]:
    """The macros the site defines (its mkdocs-macros modules, read as the build reads them),
    or none if there is no such plugin or it cannot be set up (the build says why)."""
    macros = config.plugins.get("macros")
    if macros is None:
        return {}
    try:
        macros.on_config(config)
        return dict(macros.macros)
    except Exception:  # the site's own modules: whatever they raise, the build reports
        return {}


def log_findings(catalog: Catalog) -> None:
    """The Catalog's findings as warnings (a strict build stops on them); one that does not
    stop a build, as information (an expired offer leaves the site, unstopped)."""
    for finding in catalog.findings:
        (log.warning if blocks_build(finding) else log.info)(str(finding))


@dataclass(frozen=True)
class SiteNames:
    """How the site names itself in what it says of itself (calendars, feeds, JSON-LD)."""

    url: str  # the published address; "" when mkdocs.yml gives none
    name: str  # repo_url, else site_name: names the site without site_url
    programme: str  # site_name, which the deliveries' pages and events show


def site_names(config: MkDocsConfig, site_url: str) -> SiteNames:
    """The site's names, said once when it has no address (packs.py)."""
    warn_no_site_url(site_url, setting_at(config.config_file_path, "site_url", missing=True))
    return SiteNames(site_url, config.repo_url or config.site_name, config.site_name)


def kept_settings(names: SiteNames, options: OpenCPDConfig, shells: bool) -> str:
    """What, beside a delivery itself, its kept pages are made of (core/kept.py): they are
    made again when one changes."""
    return (
        f"{names.url} {names.name} {names.programme} {options.start_time} "
        f"{options.edit_url} {shells}"
    )


__all__ = [
    "SiteNames",
    "content_paths",
    "kept_settings",
    "log_findings",
    "macros_environment",
    "project",
    "refuse_committed_build_files",
    "refuse_to_start",
    "site_macros",
    "site_names",
]
