"""Scaffolds for `opencpd new centre` and `opencpd new delivery`: files that pass
`opencpd check` as they stand (the coordinator then adds notes, lead teachers, a booking link)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .core.deliveries import closest, organisation_mailbox
from .core.delivery_model import Centre, Delivery
from .core.frontmatter import FrontMatterError, parse
from .core.validate import explain
from .core.vocabulary import Vocabulary
from .scaffold import ScaffoldError, front_matter, slugify, write_new

CENTRE_BODY = """
Directions, parking and the room: what a teacher needs to find the twilight.
"""
DELIVERY_BODY = """
Practical notes for this evening: parking, what to bring, where to find the room.
"""


def _refuse(what: str, model: type[Centre | Delivery], meta: dict, vocabulary: Vocabulary) -> None:
    problems = explain(model, meta, vocabulary)
    if problems:
        raise ScaffoldError(
            f"the {what} would not be valid, so nothing was written: " + " ".join(problems)
        )


def _known(folder: Path, pattern: str) -> list[str]:
    return (
        sorted(p.stem if p.suffix == ".md" else p.name for p in folder.glob(pattern))
        if folder.is_dir()
        else []
    )


def _unknown(what: str, name: str, known: list[str], how: str) -> ScaffoldError:
    close = closest(name, known)
    hint = f" Did you mean '{close}'?" if close else f" {how}"
    return ScaffoldError(
        f"there is no {what} '{name}' (expected one of {', '.join(known) or 'none yet'}).{hint}"
    )


def new_centre(
    root: Path,
    centre_id: str,
    name: str,
    town: str,
    region: str,
    contact: str,
    vocabulary: Vocabulary,
) -> Path:
    meta = {"name": name, "town": town, "region": region, "contact": contact}
    _refuse("centre", Centre, meta, vocabulary)
    if not organisation_mailbox(contact):
        raise ScaffoldError(
            f"the contact looks like a person's address (expected an "
            f"organisation's mailbox such as bookings@ or cpd@, got {contact!r}). Ask the "
            "centre for its bookings or CPD mailbox: a person's address is never published."
        )
    if not centre_id or slugify(centre_id) != centre_id or centre_id == "index":
        raise ScaffoldError(
            f"a centre's id is lower-case words joined by hyphens, other than index (got "
            f"{centre_id!r}; try '{slugify(centre_id) or 'leeds-hub'}')."
        )
    return write_new(root / "centres" / f"{centre_id}.md", front_matter(meta, CENTRE_BODY))


def new_delivery(
    root: Path,
    module_id: str,
    centre_id: str,
    date: dt.date,
    start: str,
    vocabulary: Vocabulary,
    places: int = 24,
    status: str = "planned",
) -> Path:
    module_file = root / "modules" / module_id / "module.md"
    if not module_file.is_file():
        raise _unknown(
            "module",
            module_id,
            _known(root / "modules", "*"),
            "Create it with `opencpd new module`.",
        )
    if not (root / "centres" / f"{centre_id}.md").is_file():
        raise _unknown(
            "centre",
            centre_id,
            _known(root / "centres", "*.md"),
            "Create it with `opencpd new centre`.",
        )
    try:
        languages = parse(module_file.name, module_file.read_bytes()).data.get("languages")
    except FrontMatterError:
        languages = None
    meta = {
        "module": module_id,
        "centre": centre_id,
        "date": date,
        "start": start,
        "places": places,
        "status": status,
        "languages": languages if isinstance(languages, list) and languages else ["fr"],
        # a past evening recorded is announced on its day (a copy: the same date is an alias)
        "announced": dt.date.fromordinal(min(dt.date.today(), date).toordinal()),
    }
    _refuse("delivery", Delivery, meta, vocabulary)
    name = f"{date.isoformat()}-{centre_id}-{module_id}"
    return write_new(root / "deliveries" / f"{name}.md", front_matter(meta, DELIVERY_BODY))
