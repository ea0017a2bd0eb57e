"""Search: Pagefind indexes the pages while MkDocs puts them into the theme.

Pagefind reads only what the theme marks `data-pagefind-body` (the article), with the filters
and metadata the theme puts in `<head>` (opencpd/theme/partials/pagefind.html). The browser
then downloads only the index chunks a query needs, not one index that grows with the site.
Pagefind runs as a service in its own process (indexer.py), so that it indexes on a second core
while MkDocs renders the pages; a site of more than ONE_INDEX_PAGES pages is indexed in shards,
merged again in the browser (opencpd/site_assets/javascripts/search.js reads their list from
`pagefind/shards.json`).
"""

from __future__ import annotations

import json
import re
from importlib import metadata
from pathlib import Path
from typing import Any

from jinja2 import TemplateNotFound
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files

from ..core.kept_index import KeptIndex, index_key
from .indexer import IndexingFailed, PagefindUnusable, ShardedIndex

log = get_plugin_logger(__name__)

BUNDLE = "pagefind"
SHARDS_FILE = "shards.json"
KEPT_INDEX = Path(".cache") / "search-index.json"  # what the last two builds' bundles hold
# Pagefind holds about 250 KB a page in memory until it writes its files, beside the build's
# own memory, which grows with the site too. Each shard costs a reader about 90 KB more to
# download (its own copy of Pagefind's code), so one index is kept up to ONE_INDEX_PAGES pages
# (about 1.9 GB for the whole build at 5,500 pages); a bigger site is cut into shards of at
# most SHARD_PAGES (a 10,000-resource site: three shards, the build under 2 GB).
ONE_INDEX_PAGES = 5500
SHARD_PAGES = 3500
MARK = "<div data-pagefind-body>"  # opencpd/theme/main.html; pages without it are not indexed
# Pagefind makes one index per `<html lang>` and ignores `lang` on passages, so a French page
# would land in an index the English search page never loads. One index for every page keeps a
# French word findable from anywhere; the `language` filter narrows by example language.
INDEX_LANGUAGE = "en"
# Inside the article but not content: permalink anchors and Material's page furniture.
EXCLUDE_SELECTORS = (".headerlink", ".md-source-file", ".md-content__button", ".md-feedback")


def failed(message: str) -> Exception:
    """The build's own error (imported here: site.py imports this module to register it)."""
    from .site import BuildFailed

    return BuildFailed(message)


def pagefind_binary() -> Path:
    """The Pagefind executable shipped by the `pagefind-bin` wheel."""
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]
    except ImportError:
        raise failed(
            "Pagefind is not installed, so the search index cannot be built. "
            "Install it with `pip install 'pagefind-bin>=1.5.2,<1.6'` (it is one of "
            "opencpd's dependencies)."
        ) from None
    return Path(get_executable())


def pagefind_config() -> dict[str, Any]:
    return {"force_language": INDEX_LANGUAGE, "exclude_selectors": list(EXCLUDE_SELECTORS)}


PAGEFIND_TAG = re.compile(r"<meta data-pagefind-[^>]*>")


def what_pagefind_reads(html: str) -> str:
    """The page cut down to what Pagefind uses: the filter, metadata and sort tags in <head>
    and the article (the marked block ends with it). A fifth of the page: less to send and
    for Pagefind to parse."""
    head = html.find("</head>")
    tags = "".join(PAGEFIND_TAG.findall(html, 0, head))
    start = html.find(MARK, head)
    end = html.rfind("</article>")
    return (
        f'<!doctype html><html lang="{INDEX_LANGUAGE}"><head>{tags}</head>'
        f"<body>{html[start : end if end > start else len(html)]}</body></html>"
    )


def shard_pages(pages: int) -> int:
    """The most pages one Pagefind process indexes, for a site of `pages` indexed pages."""
    return max(1, pages) if pages <= ONE_INDEX_PAGES else SHARD_PAGES


def title_key(page: Any) -> str:
    """What the theme sorts by (`data-pagefind-sort="title"`): the title in lower case."""
    return str((page.meta or {}).get("title") or page.title or "").lower()


class IndexWhileBuilding(BasePlugin):
    """Added to the build by `start_indexing`. Once MkDocs has turned every page's Markdown into
    HTML (on_env), Pagefind gets what it reads of each page, and indexes and writes its files
    on the second CPU while MkDocs puts the pages into the theme."""

    def __init__(self, site_dir: Path, binary: Path, kept: KeptIndex | None = None) -> None:
        self.site_dir, self.binary = site_dir, binary
        self.kept = kept or KeptIndex(None, None)
        self.index: ShardedIndex | None = None
        self.key = ""
        # the pages in the bundles taken as an earlier build made them, and their names
        self.taken: tuple[int, list[str]] | None = None

    @event_priority(-100)  # last: after ThemeOnTwoCPUs has forked (Pagefind's process is ours)
    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        try:
            tags = env.get_template("partials/pagefind.html")
            indexed = env.get_template("partials/pagefind-indexed.html").module.indexed
        except TemplateNotFound as exc:
            raise failed(
                f"the theme overrides have no {exc.name}, which the search index "
                "needs (the plugin adds the package's theme overrides after theme.custom_dir). "
                "Take the partials/ of opencpd/theme into your custom_dir."
            ) from None

        def record(page: Any) -> str:
            return for_pagefind(page, tags.render(page=page, config=config), config)

        records = [
            ((title_key(page), page.file.src_uri), record(page), page.file.dest_uri)
            for page in (file.page for file in files.documentation_pages())
            if indexed(page.meta or {})
        ]
        filled = getattr(config.plugins.get("opencpd"), "filled", None)
        if filled:  # centres' and deliveries' pages filled into a shell (adapters/filled.py)
            records += filled.records(indexed, record)
        records.sort(key=lambda found: found[0])
        pages = [(html, path) for _, html, path in records]
        shard = shard_pages(len(pages))
        self.key = index_key(pages, installed_pagefind(), json.dumps(pagefind_config()), str(shard))
        self.taken = self.kept.take(self.key, self.site_dir)
        if self.taken is not None:  # made of the same pages by an earlier build (kept_index.py)
            return env
        try:
            self.index = ShardedIndex(self.binary, pagefind_config(), self.site_dir, BUNDLE, shard)
        except IndexingFailed as exc:
            raise indexing_failed(exc) from None
        self.index.start(pages)
        return env

    def close(self) -> None:
        if self.index is not None:
            self.index.close()


def for_pagefind(page: Any, tags: str, config: MkDocsConfig) -> str:
    """What Pagefind reads of a page, as the theme will write it: the filter, metadata and sort
    tags of its <head> (partials/pagefind.html) and its article (Material's partials/content.html
    less what EXCLUDE_SELECTORS leaves out: a title if the text has none, then the text)."""
    content = page.content or ""
    title = "" if "<h1" in content else f"<h1>{page.title or config.site_name}</h1>"
    return (
        f'<!doctype html><html lang="{INDEX_LANGUAGE}"><head>{tags}</head><body>{MARK}'
        f"{title}{content}</div></body></html>"
    )


def installed_pagefind() -> str:
    try:
        return f"pagefind-bin {metadata.version('pagefind-bin')}"
    except metadata.PackageNotFoundError:
        return "pagefind-bin"


def start_indexing(
    config: MkDocsConfig, site_dir: Path, spare: Path | None = None
) -> IndexWhileBuilding | None:
    """Index the pages of the coming build; None for a preview with pending resources. With
    the `spare` of the build (core/recycled.py), bundles made of the same pages are taken from
    it rather than made again (core/kept_index.py)."""
    plugin = config.plugins.get("opencpd")
    if plugin is not None and getattr(plugin.config, "preview_pending", False):
        # Lists and pages of a preview show resources awaiting moderation: none of that may
        # ever be searchable, so a preview has no search index.
        log.info("no search index for a preview that includes pending resources")
        return None
    record = Path(config.config_file_path).parent / KEPT_INDEX
    indexing = IndexWhileBuilding(site_dir, pagefind_binary(), KeptIndex(record, spare))
    config.plugins["opencpd-search"] = indexing
    return indexing


def finish_indexing(indexing: IndexWhileBuilding) -> int:
    """Write the bundles into the site; the number of pages indexed. BuildFailed on errors."""
    if indexing.taken is not None:
        pages, names = indexing.taken
        log.info(f"The search index of {pages} pages is made of the same pages: kept as it was")
    else:
        if indexing.index is None:
            raise failed("Pagefind could not index the site: the build gave it no page.")
        try:
            bundles = indexing.index.write()
            finish_bundles(indexing.site_dir, bundles)
        except IndexingFailed as exc:
            raise indexing_failed(exc) from None
        pages, names = indexing.index.pages, [b.name for b in bundles]
        log.info(f"Pagefind indexed {pages} pages into " + ", ".join(f"{n}/" for n in names))
    indexing.kept.remember(indexing.key, indexing.site_dir, names, pages)
    return pages


def finish_bundles(site_dir: Path, bundles: list[Path]) -> None:
    """List the shards in the first bundle (each was written whole and made byte-identical
    from one build to the next as it came from Pagefind)."""
    others = [f"{b.relative_to(site_dir).as_posix()}/" for b in bundles[1:]]
    (bundles[0] / SHARDS_FILE).write_text(json.dumps(others), "utf-8")


def indexing_failed(exc: IndexingFailed) -> Exception:
    """The build's error. Only a Pagefind that cannot be used sends the reader to the install."""
    fix = (
        "check that the pagefind-bin package is installed, at the version opencpd "
        "requires (pip install 'pagefind-bin>=1.5.2,<1.6')."
        if isinstance(exc, PagefindUnusable)
        else "if the message names nothing you can fix, report it with the build's output."
    )
    return failed(
        f"Pagefind could not index the site: {str(exc).rstrip('.')}. The search "
        f"index is part of the site, so the build stops here; {fix}"
    )


def run_pagefind(site_dir: Path, binary: Path | None = None) -> int:
    """Index an already built site from its files (benchmarks, tests); the pages indexed."""
    paths = sorted(
        p
        for p in site_dir.rglob("*.html")
        if not p.relative_to(site_dir).as_posix().startswith(BUNDLE)
    )
    pages = [
        (what_pagefind_reads(html), path.relative_to(site_dir).as_posix())
        for path in paths
        if MARK in (html := path.read_text("utf-8"))
    ]
    index = None
    try:
        index = ShardedIndex(
            binary or pagefind_binary(),
            pagefind_config(),
            site_dir,
            BUNDLE,
            shard_pages(len(pages)),
        )
        index.start(pages)
        bundles = index.write()
        finish_bundles(site_dir, bundles)
    except IndexingFailed as exc:
        raise indexing_failed(exc) from None
    finally:
        if index:
            index.close()
    return index.pages
