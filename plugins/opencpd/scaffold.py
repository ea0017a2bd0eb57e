"""Scaffolds for `opencpd new`: files that pass `opencpd check` as they stand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from .core.model import Module, Session
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
