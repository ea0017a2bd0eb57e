"""`opencpd new site DIR`: a minimal programme of one's own (mkdocs.yml, a home page, a
vocabulary of one's own words, one module with a twilight) that builds strictly, serves and
makes packs with OpenCPD installed from its wheel."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .core.model import MAX_LINE
from .core.vocabulary import load_vocabulary
from .scaffold import ScaffoldError, new_module, write_new

CONFIG = """\
site_name: {name}
site_url: {site_url}
theme:
  name: {theme}
  language: en
  font: false  # the system's fonts: no request to another site (the pages' policy forbids it)
  features:
    - navigation.indexes
    - navigation.sections
plugins:
  - opencpd:
      vocabulary: vocabulary.yml
nav:
  - Home: index.md
"""
HOME = """\
# {name}

Continuing professional development for languages teachers: the modules are in the menu.
"""
VOCABULARY = """\
# Words of your own, added to OpenCPD's (key stages, languages, themes, resource types).
themes:
  - {id: local-network, label: Our local network}
"""

GITIGNORE = """\
# What a build makes, and keeps for the next one: never committed (the build refuses a
# committed .cache/ or .site-*/, since it trusts what it finds there).
/site/
/.site-*/
/.cache/
/.preview/
"""


def new_site(
    target: Path, name: str, site_url: str = "https://cpd.example.org/", theme: str = "material"
) -> list[Path]:
    if target.exists() and any(target.iterdir()):
        raise ScaffoldError(f"{target} is not empty (expected a new or empty folder).")
    name = name.strip()
    if not name or len(name) > MAX_LINE or re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", name):
        raise ScaffoldError(
            f"--name is not a site's name (expected one line of 1 to {MAX_LINE} characters, "
            f"got {name[:60]!r}{'…' if len(name) > 60 else ''}). Give the name on one line."
        )
    # written as a YAML string (JSON's quoting is YAML's): a quote or a colon in it stays text
    config = CONFIG.format(
        name=json.dumps(name, ensure_ascii=False), site_url=site_url, theme=theme
    )
    written = [
        write_new(target / "mkdocs.yml", config),
        write_new(target / "docs" / "index.md", HOME.format(name=name)),
        write_new(target / "vocabulary.yml", VOCABULARY),
        write_new(target / ".gitignore", GITIGNORE),
    ]
    vocabulary = load_vocabulary(target / "vocabulary.yml")
    written += new_module(target, "first-module", "Our first module", "KS2", vocabulary)
    module = target / "modules" / "first-module" / "module.md"
    module.write_text(
        module.read_text("utf-8").replace("status: draft", "status: published"), "utf-8"
    )
    return written
