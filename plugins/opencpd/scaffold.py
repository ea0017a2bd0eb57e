"""Scaffolds for `opencpd new`. A module or session passes `opencpd check` as it stands; a
resource is left for its contributor to finish: consent unticked and prompts to replace, each
a finding until it is done (the prompts are in core/prompts.py, shared with the check)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml
from yaml.representer import SafeRepresenter

from .core.feeds import names_a_site_feed
from .core.frontmatter import FrontMatterError, parse
from .core.model import DAY_MINUTES, MAX_LINE, SLUG, Module, Resource, Session, slugify
from .core.prompts import BODY_PROMPTS, FIELD_PROMPTS
from .core.validate import explain
from .core.vocabulary import Vocabulary


class ScaffoldError(Exception):
    pass


def _field_per_line(meta: dict) -> yaml.Node:
    """`meta` as YAML, each top-level field on a line of its own and short lists and mappings
    inside them on one line ([fr, es]): left to flow style, a page whose fields are all plain
    values (a centre's) was one line, {name: York Hub, town: York, ...}, unlike the guide's,
    and every finding on line 2."""
    node = SafeRepresenter(default_flow_style=None, sort_keys=False).represent_data(meta)
    node.flow_style = False
    return node


def front_matter(
    meta: dict, body: str, notes: dict[str, str] | None = None, width: int = 100
) -> str:
    """A page: `meta` as YAML front matter, a field to a line (a top-level key named in `notes`
    gets its note as a comment on its line) and `body`. Read back to be sure the notes changed
    no value."""
    lines = yaml.serialize(
        _field_per_line(meta), Dumper=yaml.SafeDumper, allow_unicode=True, width=width
    ).splitlines()
    notes = notes or {}
    text = "\n".join(
        f"{line}  # {notes[line.split(':')[0]]}" if line.split(":")[0] in notes else line
        for line in lines
    )
    text = f"---\n{text}\n---\n{body}"
    if notes and parse("index.md", text.encode("utf-8")).data != meta:
        raise ScaffoldError("could not write the front matter faithfully.")
    return text


def write_new(path: Path, text: str) -> Path:
    """Write a file that must not exist yet (never overwrite), making its folders."""
    if path.exists():
        raise ScaffoldError(
            f"{path} already exists; refusing to overwrite it. "
            "Choose another name or edit the file."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
    return path


def _write(path: Path, meta: dict, body: str) -> Path:
    return write_new(path, front_matter(meta, body))


def new_module(
    root: Path, module_id: str, title: str, key_stage: str, vocabulary: Vocabulary
) -> list[Path]:
    meta = {
        "id": module_id,
        "title": title,
        "key_stage": key_stage,
        "strand": "core",
        "themes": ["vocabulary"],
        "languages": ["fr", "de", "es"],
        "audience": ["primary-teachers" if key_stage == "KS2" else "secondary-teachers"],
        "summary": f"What teachers gain from {title}, in one or two sentences.",
        "outcomes": ["By the end, teachers can ..."],
        "authors": ["OpenCPD project team"],
        "licence": "CC-BY-SA-4.0",
        "status": "draft",
        "version": "0.1.0",
        "reviewed": dt.date.today(),
    }
    _refuse_invalid("module", Module, meta, vocabulary)
    if names_a_site_feed(module_id):  # as the check refuses it (modules.takes_a_site_feed)
        raise ScaffoldError(
            f"a module may not be called {module_id!r}: its feed would take the name of the "
            f"site's own feeds/{module_id}.xml (try 'ks3-{module_id}')."
        )
    twilight = f"{title}: twilight session"
    if len(twilight) > MAX_LINE:  # a title just short enough for the module
        twilight = "Twilight session"
    # the twilight is checked before anything is written, so that nothing is left half-made
    _refuse_invalid(
        "twilight session", Session, _session_meta(twilight, "twilight", 120), vocabulary
    )
    folder = root / "modules" / module_id
    body = (
        "\n## Why this matters\n\nWrite the overview here.\n\n## Worked examples\n\n"
        "/// example | A first example\n    lang: fr\n\nBonjour !\n///\n\n"
        "## Using this module self-access\n\nTimings are illustrative.\n"
    )
    written = [_write(folder / "module.md", meta, body)]
    written.append(new_session(root, module_id, twilight, "twilight", 120, vocabulary))
    return written


def new_session(
    root: Path, module_id: str, title: str, kind: str, duration: int, vocabulary: Vocabulary
) -> Path:
    folder = root / "modules" / module_id
    if not (folder / "module.md").is_file():
        raise ScaffoldError(
            f"there is no module '{module_id}' (expected "
            f"modules/{module_id}/module.md). Create it with `opencpd new module`."
        )
    if not 20 < duration <= DAY_MINUTES:  # 10 minutes to welcome, 10 to close, some between
        raise ScaffoldError(
            f"a session lasts more than 20 minutes and at most a day (expected 21 to "
            f"{DAY_MINUTES} minutes, got {duration})."
        )
    number = len(list((folder / "sessions").glob("*.md"))) + 1
    slug = "twilight" if kind == "twilight" else kind
    meta = _session_meta(title, kind, duration)
    _refuse_invalid("session", Session, meta, vocabulary)
    return _write(
        folder / "sessions" / f"{number:02d}-{slug}.md", meta, "\nFurther notes for the session.\n"
    )


def _session_meta(title: str, kind: str, duration: int) -> dict:
    return {
        "title": title,
        "kind": kind,
        "duration": duration,
        "delivery": ["trainer-led"],
        "objectives": ["Participants can ..."],
        "agenda": [
            {
                "minutes": 10,
                "activity": "Welcome and aims",
                "grouping": "whole group",
                "materials": [],
                "notes": "Introduce the aims of the session.",
            },
            {
                "minutes": duration - 20,
                "activity": "Main activity",
                "grouping": "pairs",
                "materials": [],
                "notes": "Describe what participants do.",
            },
            {
                "minutes": 10,
                "activity": "Plenary and gap task",
                "grouping": "whole group",
                "materials": [],
                "notes": "Agree what each participant will try in class.",
            },
        ],
        "gap_task": "What participants try in their classroom before the next session.",
    }


RESOURCE_NOTES = {
    "contributor": "your name, school and region, as the site should credit you",
    "consent": "change to true if you agree to be credited with the name, school and region above",
    "no_pupil_data": "change to true to confirm: no pupils' names, photos, marks or "
    "identifiable work",
    "status": "a moderator changes this to approved",
    "files": "each file in this folder: - {path: name.pdf, title: What it is}",
}
RESOURCE_BODY = """
<!-- Replace each prompt with your own words, then delete this note.
Change consent and no_pupil_data to true once you agree and have checked.
Put your files in this folder and list each one under files: above, for example
  files:
    - {path: weather-bingo.pdf, title: Bingo cards}
    - {path: board.png, title: The bingo board, alt: A grid of nine weather symbols}
A picture also needs alt: one sentence saying what it shows.
Never name pupils or include their photos, marks or work that identifies them.
Run opencpd check to see anything that still needs fixing. -->
""" + "".join(f"\n## {heading}\n\n{prompt}\n" for heading, prompt in BODY_PROMPTS.items())


def _years(vocabulary: Vocabulary, stage: str) -> tuple[int, ...]:
    term = vocabulary.term("key_stages", stage)
    return (term.years if term else ()) or (3,)


def _module_defaults(file: Path) -> dict:
    """The module's key stage, languages and themes, to start a resource from."""
    try:
        return parse(file.name, file.read_bytes()).data
    except FrontMatterError:
        return {}


def _refuse_invalid(
    what: str, model: type[Module | Session | Resource], meta: dict, vocabulary: Vocabulary
) -> None:
    """A ScaffoldError in the check's own words if `meta` is not valid."""
    problems = explain(model, meta, vocabulary)
    if problems:
        raise ScaffoldError(
            f"the {what} would not be valid, so nothing was written: " + " ".join(problems)
        )


def new_resource(
    root: Path,
    module_id: str,
    title: str,
    vocabulary: Vocabulary,
    *,
    resource_type: str = "worksheet",
    languages: list[str] | None = None,
    key_stage: str | None = None,
    themes: list[str] | None = None,
    year_groups: list[int] | None = None,
    contributor: str = "",
    slug: str | None = None,
) -> Path:
    """A pending resource, modules/<module>/resources/<slug>/index.md, with prompts to fill."""
    module = root / "modules" / module_id
    if not (module / "module.md").is_file():
        known = sorted(p.parent.name for p in (root / "modules").glob("*/module.md"))
        raise ScaffoldError(
            f"there is no module '{module_id}' (expected "
            f"modules/{module_id}/module.md). Known modules: "
            f"{', '.join(known) or 'none'}."
        )
    given = slug
    slug = slug or slugify(title)
    if not re.match(SLUG, slug):
        raise ScaffoldError(
            f"--slug is not a folder name (expected lower-case words joined by hyphens, "
            f"such as weather-bingo, got {given!r}). Correct --slug, or leave it out to make "
            "one from the title."
            if given
            else f"cannot make a folder name from the title (expected a title with letters "
            f"or digits, got {title!r}); give one with --slug, in lower-case words joined "
            "by hyphens, such as weather-bingo."
        )
    folder = module / "resources" / slug
    if folder.exists():
        raise ScaffoldError(
            f"{folder} already exists; refusing to overwrite it. "
            "Choose another title or --slug, or edit the existing resource."
        )
    defaults = _module_defaults(module / "module.md")

    def pick(name: str, given: list[str] | None, fallback: str) -> list[str]:
        value = defaults.get(name)
        found = (
            [str(t) for t in value if str(t) in vocabulary.lists[name]]
            if isinstance(value, list)
            else []
        )
        return given or found[:1] or [fallback]

    module_stage = str(defaults.get("key_stage", ""))
    stage = key_stage or (module_stage if module_stage in vocabulary.lists["key_stages"] else "KS2")
    meta = {
        "title": title,
        "summary": FIELD_PROMPTS[("summary",)],
        "contributor": {
            "name": contributor or FIELD_PROMPTS[("contributor", "name")],
            "school": "",
            "region": "",
        },
        "consent": False,
        "no_pupil_data": False,  # for the contributor to tick
        "key_stage": stage,
        "year_groups": year_groups or list(_years(vocabulary, stage)),
        "languages": pick("languages", languages, "fr"),
        "themes": pick("themes", themes, "vocabulary"),
        "type": resource_type,
        "licence": "CC-BY-4.0",
        "submitted": dt.date.today(),
        "status": "pending",
        "files": [],
    }
    _refuse_invalid("resource", Resource, meta, vocabulary)
    text = front_matter(meta, RESOURCE_BODY, RESOURCE_NOTES, width=4096)
    return write_new(folder / "index.md", text)
