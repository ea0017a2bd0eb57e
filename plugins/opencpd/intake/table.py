"""The forms the intake reads. A new form (school-to-school support, say) is one more `Form`
here, with its own module like resource.py: the command, the generated issue form, the labels
and the workflow take it from this table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .forms import Form
from .issue import sections
from .resource import SHARE_A_RESOURCE
from .support import ASK_FOR_A_LINK, NOMINATE

FORMS: dict[str, Form] = {form.id: form for form in (SHARE_A_RESOURCE, NOMINATE, ASK_FOR_A_LINK)}

# The label a moderator adds to a form's issue to have the intake workflow open a pull request.
ACCEPTED = "accepted for review"


@dataclass(frozen=True)
class Label:
    name: str
    colour: str  # six hex digits, as GitHub takes them
    description: str


LABELS: tuple[Label, ...] = (
    Label("resource", "1d76db", "A teacher's resource shared with the form"),
    Label("needs-moderation", "fbca04", "Waiting for a moderator to read it"),
    Label(ACCEPTED, "0e8a16", "A moderator read it: the intake workflow opens a pull request"),
    Label("support-offer", "5319e7", "A headteacher's nomination for school-to-school support"),
    Label("link-request", "c5def5", "A school asking for a link to a school-to-school offer"),
)


def form_for_labels(labels: Iterable[str]) -> Form | None:
    """The form an issue was written with, known by the form's own label."""
    names = set(labels)
    return next((form for form in FORMS.values() if form.labels[0] in names), None)


def detect(text: str) -> Form | None:
    """The form whose questions the body answers most of (None if it answers none)."""
    scores = {
        form.id: len(sections(text.replace("\r\n", "\n"), form.labels_in_order))
        for form in FORMS.values()
    }
    best = max(scores, key=lambda key: scores[key], default=None)
    return FORMS[best] if best is not None and scores[best] else None
