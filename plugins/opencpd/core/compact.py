"""The theme's markup without its indentation: Material's templates indent the navigation so
deeply that blank space is nearly half of it, on every page, and the navigation grows with the
programme. Each run of blank space that holds a line break becomes one line break, which a
browser shows exactly as before. The article (the page's own text, with its code blocks), and
any script, style, preformatted text or text area, are left exactly as they are."""

from __future__ import annotations

import re

KEPT_ELEMENTS = ("article", "script", "style", "pre", "textarea")
OPENING = re.compile("<(?:" + "|".join(f"({name})" for name in KEPT_ELEMENTS) + r")\b", re.I)
CLOSING = {name: re.compile(f"</{name}>", re.I) for name in KEPT_ELEMENTS}
# Begun only where a run of spaces begins (where it would match first anyway): a long run of
# spaces without a line break was otherwise read to its end from each of them (quadratic).
BLANK = re.compile(r"(?<![ \t\r])[ \t\r]*\n\s*")


def kept_apart(html: str) -> list[str]:
    """`html` in parts, each kept element (from its opening to the first closing tag of its
    name) at the odd places. An element that is never closed is not kept, and is looked for
    once: a closing tag searched for from each of many unclosed `<script` read the rest of the
    text again from each (quadratic)."""
    parts, start, at, unclosed = [], 0, 0, set()
    while opening := OPENING.search(html, at):
        name = KEPT_ELEMENTS[(opening.lastindex or 1) - 1]
        closing = None if name in unclosed else CLOSING[name].search(html, opening.end())
        if closing is None:
            unclosed.add(name)  # nor is any later one: none closes after this
            at = opening.start() + 1
            continue
        parts += [html[start : opening.start()], html[opening.start() : closing.end()]]
        start = at = closing.end()
    return [*parts, html[start:]]


def compact(html: str) -> str:
    return "".join(
        part if n % 2 else BLANK.sub("\n", part) for n, part in enumerate(kept_apart(html))
    )
