"""`opencpd new offer`: a pending offer, support/<id>.md, left for the moderator to finish:
the nomination and the colleague's consent unticked, and the fields a listed offer needs still
to fill, each a finding of `opencpd check` until it is done."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .core.support import FOLDER, PROGRAMME
from .core.support_model import Offer
from .core.validate import explain
from .core.vocabulary import Vocabulary
from .scaffold import ScaffoldError, front_matter, slugify, write_new

NOTES = {
    "colleague": "shown only once consent is true: ask the colleague",
    "nomination": "the headteacher's confirmation and its date: nominated_by_head: true",
    "status": "pending until a moderator lists it (listed), or withdrawn",
    "review": "the offer leaves the site after this date until the school confirms it",
}
PROGRAMME_EXAMPLE = """\
---
team: Our school-to-school support team
contact: school-support@our-hub.org.uk
---
How school-to-school support works: who links schools, and how a school asks.
"""
BODY = """
<!-- What the colleague offers, in a few sentences: what the school does well, what a
visiting or partner school would see or receive, and how the work usually runs. No email
addresses, phone numbers or home addresses: schools ask through the team. Delete this note. -->
"""


def new_offer(
    root: Path,
    offer_id: str,
    title: str,
    subject: str,
    phase: str,
    key_stages: list[str],
    formats: list[str],
    school: str,
    town: str,
    region: str,
    vocabulary: Vocabulary,
    today: dt.date | None = None,
) -> Path:
    today = today or dt.date.today()
    if slugify(offer_id) != offer_id or offer_id in (PROGRAMME, "index"):
        raise ScaffoldError(
            f"an offer's id is lower-case words joined by hyphens, and neither "
            f"'{PROGRAMME}' nor 'index' (got {offer_id!r}; try '{slugify(offer_id)}-offer')."
        )
    if not (root / FOLDER / f"{PROGRAMME}.md").is_file():
        # as `new session` without its module and `new delivery` without its centre: the
        # programme's settings come first, since no offer is listed without them
        raise ScaffoldError(
            f"there is no {FOLDER}/{PROGRAMME}.md, the programme's settings, so nothing was "
            f"written (expected it before the first offer, got no such file). Create "
            f"{FOLDER}/{PROGRAMME}.md first, with the coordinating team's name and its "
            "organisational mailbox, through which every request for a link goes:\n\n"
            f"{PROGRAMME_EXAMPLE}\n"
            "then run this command again (the guide “Publishing twilights and support offers” "
            "describes the file)."
        )
    meta = {
        "title": title,
        "subject": subject,
        "themes": [],
        "phase": phase,
        "key_stages": key_stages,
        "formats": formats,
        "school": {"name": school, "town": town, "region": region},
        "colleague": {"name": "The colleague's name", "role": "Their role", "consent": False},
        "nomination": {"nominated_by_head": False, "date": today},
        "availability": "",
        "capacity": 1,
        "charges": "free",
        "review": today.replace(year=today.year + 1)
        if (today.month, today.day) != (2, 29)
        else today + dt.timedelta(days=365),
        "status": "pending",
        "submitted": dt.date.fromordinal(today.toordinal()),  # no alias
    }
    problems = explain(Offer, meta, vocabulary)
    if problems:
        raise ScaffoldError(
            "the offer would not be valid, so nothing was written: " + " ".join(problems)
        )
    text = front_matter(meta, BODY, NOTES, width=4096)
    return write_new(root / "support" / f"{offer_id}.md", text)
