"""OpenCPD's own stylesheets, and its scripts, served as one file of each kind.

A reader on a slow network pays a round trip for every file a page asks for, and asks again
whether each has changed once the host's caching time has passed (GitHub Pages: ten minutes).
The sources stay separate files; the build joins them, in a fixed order, each headed by a
comment naming it, and names the result after a hash of its content, as Material names its own
(`main.57a0d79d.min.css`): a host may keep it for good, and a changed file is a new name that
every page links at once. Nothing is rewritten or minified: the parts are joined as they are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

# A script's statements end at the end of its part, whatever its last line lacks.
ENDS = {".css": "\n", ".js": "\n;\n"}


def joined(parts: Sequence[tuple[str, bytes]], suffix: str) -> bytes:
    """The parts (name, content) one after another, in the order given, each headed by a comment
    that names it; `suffix` is ".css" or ".js"."""
    out = bytearray()
    for name, content in parts:
        out += f"/* {name.replace('*/', '* /')} */\n".encode()
        out += content.rstrip() + ENDS[suffix].encode()
    return bytes(out)


def hashed_name(stem: str, suffix: str, content: bytes) -> str:
    """`stem.<first 8 hex digits of the SHA-256 of content><suffix>`: a new name for new content."""
    return f"{stem}.{hashlib.sha256(content).hexdigest()[:8]}{suffix}"
