"""A Content-Security-Policy for every page: the second wall behind the sanitiser.

The site is static, so the policy travels in a `<meta http-equiv>` tag, the first thing in
`<head>`. It lets a page run only the site's own script files, the inline scripts the theme
writes (allowed one by one by their SHA-256, computed from the page as built) and Pagefind's
WebAssembly; styles, pictures, fonts and fetches come from the site alone. The hashes are taken
from the page *less* the fragments made from teachers' text (core/placed.py), so a script that
slipped past the sanitiser is never allowed, only blocked.
"""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser

JS_TYPES = {"", "text/javascript", "application/javascript", "module"}
FIXED = {
    "default-src": "'self'",
    "img-src": "'self' data:",  # the theme's icons are data: pictures inside its CSS
    "font-src": "'self'",
    "connect-src": "'self'",
    "media-src": "'self'",
    "object-src": "'none'",
    "frame-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "worker-src": "'self'",
}


class _Inline(HTMLParser):
    """The text of each inline script and style element, and each style attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.style_attributes: list[str] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("style"):
            self.style_attributes.append(values["style"] or "")
        if (
            tag == "script"
            and "src" not in values
            and (values.get("type") or "").lower() in JS_TYPES
        ):
            self._open = self.scripts
        elif tag == "style":
            self._open = self.styles
        if self._open is not None:
            self._open.append("")

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._open = None


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def policy(trusted_html: str, found: _Inline | None = None) -> str:
    """The policy for a page whose HTML, less teachers' fragments, is `trusted_html`
    (`found`: its inline code, if the caller has parsed it already)."""
    if found is None:
        found = _Inline()
        found.feed(trusted_html)
        found.close()
    scripts = " ".join(sorted({_hash(s) for s in found.scripts}))
    styles = " ".join(sorted({_hash(s) for s in found.styles}))
    attributes = " ".join(sorted({_hash(s) for s in found.style_attributes}))
    directives = {
        "default-src": FIXED["default-src"],
        "script-src": f"'self' 'wasm-unsafe-eval' {scripts}".strip(),
        "style-src": f"'self' {styles}".strip(),
        **({"style-src-attr": f"'unsafe-hashes' {attributes}"} if attributes else {}),
        **{k: v for k, v in FIXED.items() if k != "default-src"},
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def with_policy(html: str, untrusted: list[str], found: _Inline | None = None) -> str:
    """`html` with its policy as the first element of `<head>`; `untrusted`: the fragments of
    it made from teachers' text, whose inline code is never allowed; `found`: the inline code
    of `html` less those, if the caller has parsed it already."""
    head = html.find("<head>")
    if head < 0 or 'http-equiv="Content-Security-Policy"' in html[: html.find("</head>")]:
        return html
    trusted = html
    for fragment in untrusted:
        trusted = trusted.replace(fragment, "", 1)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(trusted, found)}">'
    at = head + len("<head>")
    return html[:at] + meta + html[at:]
