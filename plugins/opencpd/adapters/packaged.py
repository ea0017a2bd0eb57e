"""What OpenCPD's pages need from the site, shipped inside the package and added by the plugin,
so that another programme's mkdocs.yml names only the plugin and the theme:

- the theme overrides (opencpd/theme: the article marked for Pagefind, the search page, the
  header), after the site's own `custom_dir`, which still wins;
- the scripts and stylesheets (opencpd/site_assets): the stylesheets served as one file and the
  scripts as one (core/joined.py), each part the site's own file of that name if it has one,
  linked where extra_css / extra_javascript list the first of them (or at the end); a site whose
  mkdocs.yml lists the parts by name gets the joined file in their place;
- the Markdown extensions the generated pages are written for.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from ..core.joined import hashed_name, joined

PACKAGE = Path(__file__).resolve().parent.parent
THEME = PACKAGE / "theme"
ASSETS = PACKAGE / "site_assets"
# Joined in this order into one script and one stylesheet (their names: JOINED).
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
JOINED = {".js": "assets/javascripts/opencpd", ".css": "assets/stylesheets/opencpd"}
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
    for name in EXTENSIONS:
        if name not in config.markdown_extensions:
            config.markdown_extensions.append(name)
    config.mdx_configs.setdefault("toc", {"permalink": True})


def add_assets(files: Files, config: MkDocsConfig) -> tuple[str, str]:
    """The package's assets the site has no file of its own for, and the joined stylesheet and
    script in place of their parts; the names of those two."""
    if ASSETS.is_dir():
        for path in sorted(p for p in ASSETS.rglob("*") if p.is_file()):
            uri = "assets/" + path.relative_to(ASSETS).as_posix()
            if uri not in SCRIPTS + STYLESHEETS and files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, abs_src_path=str(path)))
    css = add_joined(files, config, STYLESHEETS, ".css")
    js = add_joined(files, config, SCRIPTS, ".js")
    config.extra_css[:] = linked(config.extra_css, STYLESHEETS, css)
    listed = {str(s): s for s in config.extra_javascript}  # the site's, with their attributes
    config.extra_javascript[:] = [
        listed[uri] if uri in listed else ExtraScriptValue(uri)
        for uri in linked(list(listed), SCRIPTS, js)
    ]
    return css, js


def add_joined(files: Files, config: MkDocsConfig, parts: tuple[str, ...], suffix: str) -> str:
    """The parts joined into one file of the site: each the site's own file of that name if it
    has one, else the package's."""
    sources = []
    for uri in parts:
        own = files.get_file_from_path(uri)
        content = own.content_bytes if own else (ASSETS / uri.removeprefix("assets/")).read_bytes()
        sources.append((uri, content))
    content = joined(sources, suffix)
    uri = hashed_name(JOINED[suffix], suffix, content)
    files.append(File.generated(config, uri, content=content))
    return uri


def linked(listed: list[str], parts: tuple[str, ...], uri: str) -> list[str]:
    """`listed` with the joined file `uri` where the first of its parts (or an earlier joined
    file) was, and none of them; at the end when none was listed."""
    suffix = Path(uri).suffix
    earlier = re.compile(re.escape(JOINED[suffix]) + r"\.[0-9a-f]{8}" + re.escape(suffix))

    def ours(item: str) -> bool:
        return item in parts or earlier.fullmatch(item) is not None

    at = next((i for i, item in enumerate(listed) if ours(item)), len(listed))
    kept = [item for item in listed if not ours(item)]
    return kept[:at] + [uri] + kept[at:]


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
