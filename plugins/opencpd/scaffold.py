"""Scaffolds for `opencpd new`: files that pass `opencpd check` as they stand."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import yaml
from pydantic import ValidationError

from .core.frontmatter import FrontMatterError, parse
from .core.model import SLUG, Module, Resource, Session
from .core.vocabulary import Vocabulary


class ScaffoldError(Exception):
    pass


def _write(path: Path, meta: dict, body: str) -> Path:
    if path.exists():
        raise ScaffoldError(f"{path} already exists; refusing to overwrite it. "
                            "Choose another name or edit the file.")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(f"---\n{text}---\n{body}", encoding="utf-8")
    return path


def new_module(root: Path, module_id: str, title: str, key_stage: str,
               vocabulary: Vocabulary) -> list[Path]:
    meta = {
        "id": module_id, "title": title, "key_stage": key_stage, "strand": "core",
        "themes": ["vocabulary"], "languages": ["fr", "de", "es"],
        "audience": ["primary-teachers" if key_stage == "KS2" else "secondary-teachers"],
        "summary": f"What teachers gain from {title}, in one or two sentences.",
        "outcomes": ["By the end, teachers can ..."], "authors": ["OpenCPD project team"],
        "licence": "CC-BY-SA-4.0", "status": "draft", "version": "0.1.0",
        "reviewed": dt.date.today(),
    }
    Module.model_validate(meta, context={"vocabulary": vocabulary})
    folder = root / "modules" / module_id
    body = ("\n## Why this matters\n\nWrite the overview here.\n\n## Worked examples\n\n"
            "/// example | A first example\n    lang: fr\n\nBonjour !\n///\n\n"
            "## Using this module self-access\n\nTimings are illustrative.\n")
    written = [_write(folder / "module.md", meta, body)]
    written.append(new_session(root, module_id, f"{title}: twilight session", "twilight", 120,
                               vocabulary))
    return written


def new_session(root: Path, module_id: str, title: str, kind: str, duration: int,
                vocabulary: Vocabulary) -> Path:
    folder = root / "modules" / module_id
    if not (folder / "module.md").is_file():
        raise ScaffoldError(f"there is no module '{module_id}' (expected "
                            f"modules/{module_id}/module.md). Create it with `opencpd new module`.")
    if duration < 20:
        raise ScaffoldError(f"a session needs at least 20 minutes (got {duration}).")
    number = len(list((folder / "sessions").glob("*.md"))) + 1
    slug = "twilight" if kind == "twilight" else kind
    meta = {
        "title": title, "kind": kind, "duration": duration, "delivery": ["trainer-led"],
        "objectives": ["Participants can ..."],
        "agenda": [
            {"minutes": 10, "activity": "Welcome and aims", "grouping": "whole group",
             "materials": [], "notes": "Introduce the aims of the session."},
            {"minutes": duration - 20, "activity": "Main activity", "grouping": "pairs",
             "materials": [], "notes": "Describe what participants do."},
            {"minutes": 10, "activity": "Plenary and gap task", "grouping": "whole group",
             "materials": [], "notes": "Agree what each participant will try in class."},
        ],
        "gap_task": "What participants try in their classroom before the next session.",
    }
    Session.model_validate(meta, context={"vocabulary": vocabulary})
    return _write(folder / "sessions" / f"{number:02d}-{slug}.md", meta,
                  "\nFurther notes for the session.\n")


YEARS = {"KS2": [3, 4, 5, 6], "KS3": [7, 8, 9], "KS2-3": [6, 7], "all": [3, 4, 5, 6, 7, 8, 9]}
RESOURCE_NOTES = {
    "contributor": "your name, school and region, as the site should credit you",
    "consent": "you agree to be credited with the name, school and region above",
    "no_pupil_data": "you confirm: no pupils' names, photos, marks or identifiable work",
    "status": "a moderator changes this to approved",
    "files": "each file in this folder: - {path: name.pdf, title: What it is}",
}
RESOURCE_BODY = """
<!-- Replace each prompt with your own words, then delete this note.
Put your files in this folder and list each one under files: above, for example
  files:
    - {path: weather-bingo.pdf, title: Bingo cards}
    - {path: board.png, title: The bingo board, alt: A grid of nine weather symbols}
A picture also needs alt: one sentence saying what it shows.
Never name pupils or include their photos, marks or work that identifies them.
Run opencpd check to see anything that still needs fixing. -->

## What it is

What the resource is and what pupils do with it.

## How I used it

The class and year group, how long it took, what worked well and what you would change.

## Adapting it

How a colleague could use it with another language, year group or topic.
"""


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")


def _module_defaults(file: Path) -> dict:
    """The module's key stage, languages and themes, to start a resource from."""
    try:
        return parse(file.name, file.read_bytes()).data
    except FrontMatterError:
        return {}


def _explain(exc: ValidationError) -> str:
    problems = []
    for err in exc.errors():
        name = ".".join(str(p) for p in err["loc"])
        allowed = (err.get("ctx") or {}).get("allowed")
        problems.append(f"{name} {err['input']!r} is not allowed (expected one of {allowed})"
                        if allowed else f"{name}: {err['msg']}")
    return "the resource would not be valid, so nothing was written: " + "; ".join(problems)


def new_resource(root: Path, module_id: str, title: str, vocabulary: Vocabulary, *,
                 resource_type: str = "worksheet", languages: list[str] | None = None,
                 key_stage: str | None = None, themes: list[str] | None = None,
                 year_groups: list[int] | None = None, contributor: str = "",
                 slug: str | None = None) -> Path:
    """A pending resource, modules/<module>/resources/<slug>/index.md, with prompts to fill."""
    module = root / "modules" / module_id
    if not (module / "module.md").is_file():
        known = sorted(p.parent.name for p in (root / "modules").glob("*/module.md"))
        raise ScaffoldError(f"there is no module '{module_id}' (expected "
                            f"modules/{module_id}/module.md). Known modules: "
                            f"{', '.join(known) or 'none'}.")
    slug = slug or slugify(title)
    if not re.match(SLUG, slug):
        raise ScaffoldError(f"cannot make a folder name from the title (got {slug!r}); give one "
                            "with --slug, in lower-case words joined by hyphens.")
    folder = module / "resources" / slug
    if folder.exists():
        raise ScaffoldError(f"{folder} already exists; refusing to overwrite it. "
                            "Choose another title or --slug, or edit the existing resource.")
    defaults = _module_defaults(module / "module.md")

    def pick(name: str, given: list[str] | None, fallback: str) -> list[str]:
        value = defaults.get(name)
        found = [str(t) for t in value if str(t) in vocabulary.lists[name]] \
            if isinstance(value, list) else []
        return given or found[:1] or [fallback]

    module_stage = str(defaults.get("key_stage", ""))
    stage = key_stage or (module_stage if module_stage in vocabulary.lists["key_stages"]
                          else "KS2")
    meta = {
        "title": title,
        "summary": "What it is and who it is for, in one or two sentences.",
        "contributor": {"name": contributor or "Your name, as it should be credited",
                        "school": "", "region": ""},
        "consent": True, "no_pupil_data": True,
        "key_stage": stage, "year_groups": year_groups or YEARS.get(stage, [3]),
        "languages": pick("languages", languages, "fr"),
        "themes": pick("themes", themes, "vocabulary"),
        "type": resource_type, "licence": "CC-BY-4.0",
        "submitted": dt.date.today(), "status": "pending", "files": [],
    }
    try:
        Resource.model_validate(meta, context={"vocabulary": vocabulary})
    except ValidationError as exc:
        raise ScaffoldError(_explain(exc)) from None
    lines = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=4096,
                           default_flow_style=None).splitlines()
    text = "\n".join(f"{line}  # {RESOURCE_NOTES[line.split(':')[0]]}"
                     if line.split(":")[0] in RESOURCE_NOTES else line for line in lines)
    text = f"---\n{text}\n---\n{RESOURCE_BODY}"
    if parse("index.md", text.encode("utf-8")).data != meta:  # the notes changed nothing
        raise ScaffoldError("could not write the resource's front matter faithfully.")
    folder.mkdir(parents=True)
    path = folder / "index.md"
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
    return path
