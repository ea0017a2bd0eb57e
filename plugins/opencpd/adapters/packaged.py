"""What OpenCPD's pages need from the site, shipped inside the package and added by the plugin,
so that another programme's mkdocs.yml names only the plugin and the theme:

- the theme overrides (opencpd/theme: the article marked for Pagefind, the search page, the
  header), after the site's own `custom_dir`, which still wins;
- the scripts and stylesheets (opencpd/site_assets), each added unless the site has a file of
  that name, and listed in extra_javascript / extra_css unless listed already;
- the Markdown extensions the generated pages are written for.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

PACKAGE = Path(__file__).resolve().parent.parent
THEME = PACKAGE / "theme"
ASSETS = PACKAGE / "site_assets"
SCRIPTS = (
    "assets/resources.js",
    "assets/javascripts/searchbox.js",
    "assets/javascripts/scroll-regions.js",
    "assets/javascripts/print-links.js",
    "assets/javascripts/calendar.js",
    "assets/javascripts/drawer.js",
)
STYLESHEETS = (
    "assets/stylesheets/opencpd.css",
    "assets/stylesheets/search.css",
    "assets/print.css",
    "assets/stylesheets/calendar.css",
    "assets/stylesheets/support.css",
)
EXTENSIONS = (
    "admonition",
    "attr_list",
    "md_in_html",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.superfences",
    "opencpd.core.markdown_ext",
)


def add_to_config(config: MkDocsConfig) -> None:
    theme_dirs = config.theme.dirs
    if THEME.is_dir() and not any(Path(d).resolve() == THEME for d in theme_dirs):
        at = 1 if config.theme.custom_dir else 0
        theme_dirs.insert(at, str(THEME))
    scripts = {str(s) for s in config.extra_javascript}
    for uri in SCRIPTS:
        if uri not in scripts:
            config.extra_javascript.append(ExtraScriptValue(uri))
    for uri in STYLESHEETS:
        if uri not in config.extra_css:
            config.extra_css.append(uri)
    for name in EXTENSIONS:
        if name not in config.markdown_extensions:
            config.markdown_extensions.append(name)
    config.mdx_configs.setdefault("toc", {"permalink": True})


def add_assets(files: Files, config: MkDocsConfig) -> None:
    if not ASSETS.is_dir():
        return
    for path in sorted(p for p in ASSETS.rglob("*") if p.is_file()):
        uri = "assets/" + path.relative_to(ASSETS).as_posix()
        if files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, abs_src_path=str(path)))


# Pages the generated ones link to. The plugin provides each one the site does not have itself.
PAGES = {
    "search.md": """---
title: Search
template: search.html
search:
  exclude: true
hide:
  - navigation
  - toc
---

# Search

Search every module, session, handout, publication and teachers' resource.
""",
    "browse.md": """---
title: Find resources and modules
template: search.html
search_mode: browse
search:
  exclude: true
hide:
  - navigation
  - toc
---

# Find resources and modules

Everything on the site, listed by filters. Looking for a word? [Search](search.md) instead.
""",
    "contribute/share-a-resource.md": """---
title: Share a resource
---

# Share a resource

Teachers' resources are added to a module's `resources/` folder by pull request, under an
open licence, and published once a moderator has approved them. `opencpd new resource` writes
one that passes `opencpd check`.
""",
}


def add_pages(files: Files, config: MkDocsConfig) -> None:
    for uri, text in PAGES.items():
        if files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, content=text))
