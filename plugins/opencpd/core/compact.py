"""The theme's markup without its indentation: Material's templates indent the navigation so
deeply that blank space is nearly half of it, on every page, and the navigation grows with the
programme. Each run of blank space that holds a line break becomes one line break, which a
browser shows exactly as before. The article (the page's own text, with its code blocks), and
any script, style, preformatted text or text area, are left exactly as they are."""

from __future__ import annotations

import re

KEPT = re.compile(
    r"(<article\b.*?</article>|<script\b.*?</script>|<style\b.*?</style>"
    r"|<pre\b.*?</pre>|<textarea\b.*?</textarea>)",
    re.DOTALL | re.IGNORECASE,
)
# Begun only where a run of spaces begins (where it would match first anyway): a long run of
# spaces without a line break was otherwise read to its end from each of them (quadratic).
BLANK = re.compile(r"(?<![ \t\r])[ \t\r]*\n\s*")


def compact(html: str) -> str:
    parts = KEPT.split(html)
    # split() puts the kept parts at the odd places
    return "".join(part if n % 2 else BLANK.sub("\n", part) for n, part in enumerate(parts))
