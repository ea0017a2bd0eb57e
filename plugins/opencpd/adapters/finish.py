"""The engine-neutral build: `opencpd render` and `opencpd finish`.

`render` runs the programme's build up to the point where every page is Markdown (the Catalog's
pages, the hand-written ones with their macros expanded, front matter put back) and writes them,
with every other file of the site (attachments, packs, decks, feeds, stylesheets), into
`OUT/docs/`; the navigation into `OUT/nav.yml` (MkDocs' `nav:`) and `OUT/SUMMARY.md` (a nested
list of links, as literate-nav, mdBook and GitBook read it); and `OUT/mkdocs.yml`, a plain
configuration without the OpenCPD plugin that any engine with MkDocs' configuration reads, with
the theme overrides it names in `OUT/theme/`.

Sanitised HTML stays out of the Markdown (core/placed.py, issue 13): each fragment is written
as an HTML comment naming its SHA-256, `<!--opencpd-html:DIGEST-->`, on a line of its own (an
HTML comment passes untouched through Python-Markdown and any CommonMark engine), and the
fragments go into `OUT/opencpd.json`, outside the pages. `finish` puts them in place in the
built HTML, once and last. A comment typed by a contributor cannot smuggle HTML in: only a
fragment the renderer made is ever placed (a digest not in `opencpd.json` is dropped).

`finish SITE` then adds what comes after HTML, to a site built by any engine: the fragments,
the pages' JSON-LD, `lang="en-GB"`, the theme's markup mended and its indentation collapsed (as
the plugin does), the Content-Security-Policy, the Pagefind search index and the offline zips;
and it gives a teacher's Markdown attachment, which `render` hands the engine as
`<name>.md.txt` so that no engine makes a page of it, its own name back. Session packs, decks,
feeds and catalog.json are made by `render` (the pages link them and give their sizes) and
copied by the engine as ordinary files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from mkdocs.commands.build import build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files

from ..core.catalog import Catalog
from ..core.compact import compact
from ..core.csp import with_policy
from ..core.offline import write_offline_zips
from ..core.placed import PLACEHOLDER, place
from ..core.theme_markup import valid_theme_markup
from .packaged import THEME
from .plugin import british, escape_for_theme, json_in_html
from .site import OFFLINE_CACHE, BuildFailed, build_date_from_git, load, source_clash

MANIFEST = "opencpd.json"
HELD = re.compile(r"<!--opencpd-html:([0-9a-f]{64})-->")


class Rendered(Exception):
    """Every page is Markdown: the build stops before the theme."""


class Capture(BasePlugin):
    """Added to the build by `render`: keeps each page's final Markdown and every other file."""

    def __init__(self) -> None:
        self.markdown: dict[str, tuple[dict[str, Any], str]] = {}
        self.files: Files | None = None

    @event_priority(-100)  # after the OpenCPD plugin has added its files
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self.files = files
        return files

    @event_priority(-100)  # after the macros are expanded
    def on_page_markdown(
        self, markdown: str, *, page: Any, config: MkDocsConfig, files: Files
    ) -> str:
        self.markdown[page.file.src_uri] = (dict(page.meta or {}), markdown)
        return markdown

    @event_priority(100)
    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        raise Rendered


class Counted(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render(config_file: str, out: Path) -> int:
    """Write the programme as Markdown into `out` (see the module's docstring); the number of
    pages. BuildFailed on any warning, as the strict build."""
    config = load(config_file, strict=True)
    refused = source_clash(config, out, "--out")
    if refused:
        raise BuildFailed(refused)
    plugin = config.plugins["opencpd"]
    plugin.config.packs = True  # type: ignore[attr-defined]
    plugin.shells = False  # type: ignore[attr-defined]  (every page is Markdown for the engine)
    capture = Capture()
    config.plugins["opencpd-render"] = capture
    counted = Counted()
    logging.getLogger("mkdocs").addHandler(counted)
    # The engine empties its output folder before the plugin stops it: an empty one of its own,
    # never the published site/, which rendering has no business touching.
    unused = tempfile.TemporaryDirectory(prefix="opencpd-render-")
    config.site_dir = unused.name
    try:
        with build_date_from_git(Path(config_file).resolve().parent), contextlib.suppress(Rendered):
            build(config)
    finally:
        unused.cleanup()
        logging.getLogger("mkdocs").removeHandler(counted)
        del plugin.shells  # MkDocs keeps one plugin object for the process: the next build fills
    if counted.messages:
        raise BuildFailed(f"Aborted with {len(counted.messages)} warnings in strict mode!")
    assert capture.files is not None
    docs = out / "docs"
    if out.exists():
        shutil.rmtree(out)
    docs.mkdir(parents=True)
    fragments: dict[str, str] = {}
    pages: dict[str, str] = {}  # src_uri -> dest_uri
    renamed: dict[str, str] = {}  # a file the engine copies by one name, published by another
    for file in capture.files:
        if file.inclusion.is_excluded():
            continue
        target = docs / file.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        if file.src_uri in capture.markdown:
            meta, markdown = capture.markdown[file.src_uri]
            # the engine's theme prints the title and description as the front matter says
            # them, as it does in a build with the plugin: escaped as that build escapes them
            escaped = escape_for_theme(dict(meta))  # Markup: written as the text it is
            meta = {k: str(v) if isinstance(v, str) else v for k, v in escaped.items()}
            target.write_text(front_matter(meta) + unheld(markdown, fragments), "utf-8")
            pages[file.src_uri] = file.dest_uri
        else:
            target.write_bytes(file.content_bytes)
            if file.dest_uri != file.src_uri:  # a Markdown attachment, never made a page
                renamed[file.src_uri] = file.dest_uri
    json_ld = {
        pages[src]: data
        for src, data in plugin.json_ld.items()  # type: ignore[attr-defined]
        if src in pages
    }
    manifest = {"fragments": fragments, "json_ld": json_ld, "pages": pages, "renamed": renamed}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), "utf-8")
    (out / "nav.yml").write_text(
        yaml.safe_dump(config.nav, allow_unicode=True, sort_keys=False), "utf-8"
    )
    (out / "SUMMARY.md").write_text(summary(config.nav, capture.markdown), "utf-8")
    write_theme(config, out / "theme")
    (out / "mkdocs.yml").write_text(plain_config(config), "utf-8")
    return len(pages)


def write_theme(config: MkDocsConfig, target: Path) -> None:
    """The theme overrides the engine needs beside the pages: the package's, with the site's own
    custom_dir over them (a plain configuration names one folder, where the plugin adds two)."""
    shutil.copytree(THEME, target)
    if config.theme.custom_dir:
        shutil.copytree(config.theme.custom_dir, target, dirs_exist_ok=True)


def front_matter(meta: dict[str, Any]) -> str:
    if not meta:
        return ""
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n"


def unheld(markdown: str, fragments: dict[str, str]) -> str:
    """The page's held fragments as `<!--opencpd-html:DIGEST-->`, each fragment kept aside;
    a placeholder this process did not sign is dropped, as `place` would."""

    def keep(match: re.Match[str]) -> str:
        _, placed = place(match[0])
        if not placed:
            return ""
        digest = hashlib.sha256(placed[0].encode("utf-8")).hexdigest()
        fragments[digest] = placed[0]
        return f"<!--opencpd-html:{digest}-->"

    return PLACEHOLDER.sub(keep, markdown)


def summary(nav: list[Any], pages: dict[str, tuple[dict[str, Any], str]]) -> str:
    """The navigation as a nested Markdown list of links."""
    lines = ["# Summary", ""]

    def title_of(uri: str) -> str:
        return str(pages.get(uri, ({}, ""))[0].get("title") or uri)

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            pad = "    " * depth
            if isinstance(item, str):
                lines.append(f"{pad}- [{title_of(item)}]({item})")
            elif isinstance(item, dict):
                for title, value in item.items():
                    if isinstance(value, str):
                        lines.append(f"{pad}- [{title}]({value})")
                    else:
                        lines.append(f"{pad}- {title}")
                        walk(value, depth + 1)

    walk(nav or [], 0)
    return "\n".join(lines) + "\n"


def plain_config(config: MkDocsConfig) -> str:
    """A configuration for the rendered tree with no OpenCPD plugin (and no macros): the site's
    name, address, theme and Markdown extensions, docs/ and nav.yml's navigation."""
    theme: dict[str, Any] = {"name": config.theme.name}
    for key in ("language", "features", "palette", "font"):
        if key in config.theme:
            theme[key] = config.theme[key]
    theme["custom_dir"] = "theme"  # written by write_theme
    plain: dict[str, Any] = {
        "site_name": config.site_name,
        "site_url": config.site_url or "",
        "site_description": config.site_description or "",
        "docs_dir": "docs",
        "theme": theme,
        "markdown_extensions": list(config.markdown_extensions),
        "mdx_configs": None,
        "extra_javascript": [str(s) for s in config.extra_javascript],
        "extra_css": list(config.extra_css),
        "plugins": [],
        "nav": config.nav,
    }
    extensions = []
    for name in plain["markdown_extensions"]:
        options = config.mdx_configs.get(name)
        extensions.append({name: options} if options else name)
    plain["markdown_extensions"] = extensions
    del plain["mdx_configs"]
    return yaml.safe_dump(plain, allow_unicode=True, sort_keys=False)


def finish(site: Path, rendered: Path, catalog: Catalog, cache: Path | None = None) -> int:
    """Add what comes after HTML to `site`, built by any engine from `rendered`; the number
    of pages Pagefind indexed."""
    from .search import run_pagefind

    manifest = json.loads((rendered / MANIFEST).read_text("utf-8"))
    fragments: dict[str, str] = manifest["fragments"]
    json_ld: dict[str, Any] = manifest["json_ld"]
    _publish_renamed(site, manifest.get("renamed", {}))
    for path in sorted(site.rglob("*.html")):
        uri = path.relative_to(site).as_posix()
        if uri.startswith("pagefind"):
            continue
        html = path.read_text("utf-8")
        placed: list[str] = []

        def put(match: re.Match[str], placed: list[str] = placed) -> str:
            fragment = fragments.get(match[1], "")
            if fragment:
                placed.append(fragment)
            return fragment

        html = compact(valid_theme_markup(british(HELD.sub(put, html))))  # as the plugin does
        if uri in json_ld:
            html = html.replace(
                "</head>",
                '<script type="application/ld+json">'
                f"{json_in_html(json_ld[uri])}</script>\n</head>",
                1,
            )
        path.write_text(with_policy(html, placed), "utf-8")
    indexed = run_pagefind(site)
    write_offline_zips(site, catalog, cache)
    return indexed


def _publish_renamed(site: Path, renamed: dict[str, str]) -> None:
    """Each file the engine copied by the name `render` gave it (notes.md.txt, so that no
    engine makes a page of a teacher's Markdown attachment) moved to the name its page links
    (notes.md), as the plugin's own build publishes it; never out of `site`."""
    root = site.resolve()
    for copied, published in sorted(renamed.items()):
        source, target = (site / copied).resolve(), (site / published).resolve()
        if not (source.is_relative_to(root) and target.is_relative_to(root)):
            continue
        if source.is_file() and not source.is_symlink() and not target.exists():
            source.rename(target)


def offline_cache(config_file: str) -> Path:
    return Path(config_file).resolve().parent / OFFLINE_CACHE


def finish_config(config_file: str) -> MkDocsConfig:
    return load(config_file)
