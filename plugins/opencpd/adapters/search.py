"""Search: index the built site with Pagefind after MkDocs has written it.

Pagefind reads only what the theme marks `data-pagefind-body` (the article), with the filters
and metadata the theme puts in `<head>` (docs/overrides/partials/pagefind.html). The browser
then downloads only the index chunks a query needs, not one index that grows with the site.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from importlib.metadata import version
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger

from ..core.catalog import Catalog
from ..core.reproducible import stabilise_pagefind

log = get_plugin_logger(__name__)

BUNDLE = "pagefind"
# Pagefind makes one index per `<html lang>` and ignores `lang` on passages, so a French page
# would land in an index the English search page never loads. One index for every page keeps a
# French word findable from anywhere; the `language` filter narrows by example language.
INDEX_LANGUAGE = "en"
# Inside the article but not content: permalink anchors and Material's page furniture.
EXCLUDE_SELECTORS = (".headerlink", ".md-source-file", ".md-content__button", ".md-feedback")
TIMEOUT_SECONDS = 600
CACHE = Path(".cache") / "pagefind"  # beside mkdocs.yml, like the packs' cache


def failed(message: str) -> Exception:
    """The build's own error (imported here: site.py imports this module to register it)."""
    from .site import BuildFailed
    return BuildFailed(message)


def pagefind_binary() -> Path:
    """The Pagefind executable shipped by the `pagefind[bin]` wheel."""
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]
    except ImportError:
        raise failed("Pagefind is not installed, so the search index cannot be built. "
                     "Install it with `pip install 'pagefind[bin]==1.5.2'` (it is one of "
                     "opencpd's dependencies).") from None
    return Path(get_executable())


def index_site(config: MkDocsConfig, site_dir: Path, catalog: Catalog) -> None:
    """The post-build step: write the Pagefind bundle into `site_dir/pagefind/`."""
    plugin = config.plugins.get("opencpd")
    if plugin is not None and getattr(plugin.config, "preview_pending", False):
        # Lists and pages of a preview show resources awaiting moderation: none of that may
        # ever be searchable, so a preview has no search index.
        log.info("no search index for a preview that includes pending resources")
        return
    cache = Path(config.config_file_path).resolve().parent / CACHE
    key = index_key(site_dir)
    if restore_index(cache, key, site_dir / BUNDLE):
        log.info(f"search index unchanged: copied from {CACHE}/")
        return
    pages = run_pagefind(site_dir)
    stabilise_pagefind(site_dir / BUNDLE)  # byte-identical from one build to the next
    store_index(cache, key, site_dir / BUNDLE)
    log.info(f"Pagefind indexed {pages} pages into {BUNDLE}/")


def index_key(site_dir: Path) -> str:
    """A hash of everything Pagefind reads (every HTML page) and of how it is run."""
    digest = hashlib.sha256(version("pagefind_bin").encode())
    digest.update(" ".join(pagefind_command(Path(BUNDLE))).encode())
    for path in sorted(site_dir.rglob("*.html")):
        name = path.relative_to(site_dir).as_posix()
        if not name.startswith(f"{BUNDLE}/"):
            digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:32]


def restore_index(cache: Path, key: str, bundle: Path) -> bool:
    """Copy the cached index for `key` into `bundle`; False if there is none."""
    source = cache / key
    if not (source / "pagefind-entry.json").is_file():
        return False
    shutil.rmtree(bundle, ignore_errors=True)
    shutil.copytree(source, bundle)
    return True


def store_index(cache: Path, key: str, bundle: Path) -> None:
    """Keep `bundle` as the cached index for `key`, in place of any older one."""
    cache.mkdir(parents=True, exist_ok=True)
    scratch = cache / f".{key}.{os.getpid()}.tmp"
    shutil.copytree(bundle, scratch)
    try:
        os.replace(scratch, cache / key)  # whole or not at all: never a half index
    except OSError:  # another build stored the same index first
        shutil.rmtree(scratch, ignore_errors=True)
    for old in cache.iterdir():
        if old.name != key and not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)


def pagefind_command(binary: Path) -> list[str]:
    command = [str(binary), "--site", ".", "--output-subdir", BUNDLE,
               "--force-language", INDEX_LANGUAGE]
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    return command


def run_pagefind(site_dir: Path, binary: Path | None = None) -> int:
    """Index `site_dir` and return the number of pages indexed; BuildFailed if Pagefind fails."""
    command = pagefind_command(binary or pagefind_binary())
    try:
        # Run inside the site so that no stray pagefind.yml in the project changes the index.
        done = subprocess.run(command, cwd=site_dir, capture_output=True, text=True,
                              timeout=TIMEOUT_SECONDS, env={**os.environ, "NO_COLOR": "1"})
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise failed(f"Pagefind could not index the site ({exc}). The search index was not "
                     "built; check that the pagefind[bin] package is installed.") from None
    output = f"{done.stdout}\n{done.stderr}"
    if done.returncode != 0:
        raise failed(f"Pagefind could not index the site (exit code {done.returncode}): "
                     f"{last_error(output)} The search index is part of the site, so the build "
                     "stops here.")
    pages = indexed_pages(output)
    if "Did not find a data-pagefind-body element" in output:
        log.warning("no page is marked data-pagefind-body, so Pagefind indexed whole pages, "
                    "navigation included. Use the theme overrides in docs/overrides "
                    "(theme.custom_dir in mkdocs.yml).")
    return pages


def indexed_pages(output: str) -> int:
    found = re.search(r"Indexed (\d+) pages?", output)
    return int(found.group(1)) if found else 0


def last_error(output: str) -> str:
    """What Pagefind said went wrong: from its first error line on, without repeats."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    first = next((i for i, line in enumerate(lines)
                  if line.lower().startswith(("error", "thread", "called"))), len(lines) - 2)
    picked = list(dict.fromkeys(lines[max(first, 0):]))
    return " ".join(picked).rstrip(".") + "."


def serve_last_index(built_site: Path, served_site: Path) -> bool:
    """While serving, link the index of the last `opencpd build` into the served site.

    Call it from the plugin's `on_post_build` when the command is `serve`. Returns False (and the
    search page then says that search is off while serving) when there is no index yet.
    """
    bundle = built_site / BUNDLE
    target = served_site / BUNDLE
    if not (bundle / "pagefind.js").is_file():
        return False
    if target.is_symlink() or target.exists():
        return True
    try:
        target.symlink_to(bundle.resolve(), target_is_directory=True)
    except OSError:
        shutil.copytree(bundle, target)
    return True
