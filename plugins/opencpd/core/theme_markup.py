"""Valid HTML from the theme: three things Material for MkDocs writes that the HTML standard
(and the Nu HTML Checker) refuses, mended on the finished page.

- `tabindex=""` on navigation labels (the theme's value for "not in the Tab order"): an empty
  tabindex is no integer. It becomes `tabindex="-1"`, which says the same in valid HTML and
  keeps the label in the theme's `label[tabindex]` (its script updates `aria-expanded` when
  such a label is clicked).
- `autocomplete` on checkboxes (the theme's drawer and search toggles): allowed only on text-like
  inputs, and without effect on a checkbox, so it goes.
- `<label for="__toc">` when the page has no `__toc` control (a page the navigation does not
  list): a label must name a control on its page, so `for` goes and the label stays as a title.

Each fix keys on the markup, not on the theme's version, so a theme that stops writing one of
them leaves nothing to mend. Script and style elements are left alone (their hashes go into the
Content-Security-Policy, core/csp.py).
"""

from __future__ import annotations

import re

# A script or style element, whole (skipped); or the start tag of an input or label.
_TAG = re.compile(
    r"(<(script|style)\b.*?</\2\s*>)|<(input|label)\b[^<>]*>", re.IGNORECASE | re.DOTALL
)
_ID = re.compile(r"""\sid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_EMPTY_TABINDEX = re.compile(r"""\s+tabindex\s*=\s*(?:""|'')""", re.IGNORECASE)
_AUTOCOMPLETE = re.compile(
    r"""\s+autocomplete(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?""", re.IGNORECASE
)
_TYPE = re.compile(r"""\stype\s*=\s*["']?([a-z-]+)""", re.IGNORECASE)
_FOR = re.compile(r"""\s+for\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
# Input types on which HTML allows `autocomplete` (besides hidden, which the theme never writes).
_COMPLETABLE = frozenset(
    {
        "color",
        "date",
        "datetime-local",
        "email",
        "hidden",
        "month",
        "number",
        "password",
        "range",
        "search",
        "tel",
        "text",
        "time",
        "url",
        "week",
    }
)


def valid_theme_markup(html: str) -> str:
    """The page with the theme's invalid attributes on inputs and labels mended."""
    ids = {next(g for g in m.groups() if g is not None) for m in _ID.finditer(html)}

    def mend(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(1)
        tag = match.group(0)
        tag = _EMPTY_TABINDEX.sub(' tabindex="-1"', tag)
        if match.group(3).lower() == "input":
            kind = _TYPE.search(tag)
            if (kind.group(1).lower() if kind else "text") not in _COMPLETABLE:
                tag = _AUTOCOMPLETE.sub("", tag)
        else:
            target = _FOR.search(tag)
            if target and (target.group(1) or target.group(2) or "") not in ids:
                tag = tag[: target.start()] + tag[target.end() :]
        return tag

    return _TAG.sub(mend, html)
