"""Issue forms in, pending content out: `opencpd intake ISSUE.md`.

A teacher without git fills an issue form on GitHub; the intake reads the issue's body against
the form it was written with (the table in forms.py) and writes the pending page a moderator
approves. The same code writes the forms themselves (template.py), fetches the files attached
to the issue from GitHub's own attachment addresses only (fetch.py), and, in the intake
workflow, opens the pull request and comments on the issue (workflow.py)."""

from __future__ import annotations

from .forms import Form, Plan, Settings, settings
from .table import ACCEPTED, FORMS, LABELS, detect, form_for_labels

__all__ = [
    "ACCEPTED",
    "FORMS",
    "LABELS",
    "Form",
    "Plan",
    "Settings",
    "detect",
    "form_for_labels",
    "settings",
]
