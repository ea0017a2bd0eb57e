"""The prompts `opencpd new resource` writes for a contributor to replace. They are defined
here once: the scaffold writes them, and validation refuses any left as written, at its line,
so that an approved resource can never publish a prompt."""

from __future__ import annotations

# Front-matter fields: where, and the prompt written there.
FIELD_PROMPTS: dict[tuple[str, ...], str] = {
    ("summary",): "What it is and who it is for, in one or two sentences.",
    ("contributor", "name"): "Your name, as it should be credited",
}

# The body: headings the contributor keeps, each followed by a prompt to replace.
BODY_PROMPTS: dict[str, str] = {
    "What it is": "What the resource is and what pupils do with it.",
    "How I used it": "The class and year group, how long it took, what worked well and what "
    "you would change.",
    "Adapting it": "How a colleague could use it with another language, year group or topic.",
}

# Which content types the scaffold writes prompts for (CONTENT_TYPES names).
PROMPTED = {"resource"}


def is_prompt(text: str) -> bool:
    """Whether `text` is one of the prompts, as written (spaces around it aside)."""
    return text.strip() in _ALL


_ALL = {*FIELD_PROMPTS.values(), *BODY_PROMPTS.values()}
