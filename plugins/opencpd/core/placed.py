"""Sanitised HTML goes into a page after the page's Markdown is converted, never before.

A generated page is Markdown, and the engine's Markdown (fences, attribute lists, HTML blocks)
would read HTML written into it a second time: a fence typed inside a teacher's code block
would come out of that second pass as a new element the sanitiser never saw. So a fragment of
clean HTML is *held* in the Markdown as an opaque HTML comment, which Markdown passes through
untouched, and *placed* into the page's HTML once the conversion is over (the MkDocs adapter
does it as the last step on each page's content). Nothing parses the fragment after that.

A held fragment carries an HMAC under a key made for this process, so text typed by a
contributor cannot pass itself off as one: an unsigned or altered placeholder is dropped.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

_KEY = secrets.token_bytes(32)  # a forked helper inherits it; nothing written to disk holds it
# (what a build keeps for the next one holds its fragments unsigned: `unheld`, `reheld`)
PLACEHOLDER = re.compile(r"<!--opencpd-html:([A-Za-z0-9+/=]*):([0-9a-f]{64})-->")


def _mac(data: bytes) -> str:
    return hmac.new(_KEY, data, hashlib.sha256).hexdigest()


def hold(html: str) -> str:
    """`html` (already sanitised or escaped) as a block of Markdown that no Markdown extension
    reads: a signed HTML comment on a line of its own."""
    return f"\n\n{_placeholder(html)}\n\n"


def _placeholder(html: str) -> str:
    data = html.encode("utf-8")
    return f"<!--opencpd-html:{base64.b64encode(data).decode('ascii')}:{_mac(data)}-->"


def unheld(text: str) -> list[str]:
    """`text` as it may be kept on disk for a later build, without this process's signatures:
    the text between the fragments held in it (even items) and those fragments (odd items). A
    placeholder this process did not sign stays text, as it was (`place` drops it)."""
    pieces: list[str] = []
    start = 0
    for match in PLACEHOLDER.finditer(text):
        fragment = _signed(match)
        if fragment is not None:
            pieces += (text[start : match.start()], fragment)
            start = match.end()
    return [*pieces, text[start:]]


def reheld(pieces: list[str]) -> str:
    """Text kept by `unheld`, each of its fragments held again, signed by this process."""
    return "".join(_placeholder(p) if n % 2 else p for n, p in enumerate(pieces))


def place(html: str) -> tuple[str, list[str]]:
    """The page's HTML with each held fragment put in place, in one pass (what is put in is
    not searched again), and the fragments placed. A placeholder that this process did not
    sign is removed."""
    placed: list[str] = []
    if "<!--opencpd-html:" not in html:
        return html, placed

    def fragment(match: re.Match[str]) -> str:
        found = _signed(match)
        if found is None:
            return ""
        placed.append(found)
        return found

    return PLACEHOLDER.sub(fragment, html), placed


def _signed(match: re.Match[str]) -> str | None:
    """The fragment a placeholder holds, if this process signed it."""
    try:
        data = base64.b64decode(match[1], validate=True)
    except ValueError:  # binascii.Error: not base64 at all
        return None
    if not hmac.compare_digest(_mac(data), match[2]):
        return None
    return data.decode("utf-8")
