"""URLs and paths judged as a browser reads them, not as Python's string methods see them.

A browser parses every link by the WHATWG URL standard: it drops leading and trailing control
characters and spaces, removes tabs and line breaks anywhere, reads a backslash as a slash and
resolves dots and percent escapes. `'\\x01//elsewhere.example/x.png'` is a relative name to
`str.strip()` and a picture from another site to the browser. So the questions asked here
("does this stay in the resource's folder?", "which site does this link to?") are answered by a
WHATWG parser (ada), and what reaches a page is written the way that parser read it.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import quote, unquote

from ada_url import URL

SITE = "site.invalid"  # stands for the site's own host; never requested
FOLDER = f"https://{SITE}/modules/m/resources/r/"  # stands for a resource's folder
LINK_SCHEMES = {"http:", "https:", "mailto:"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")


def read(reference: str, base: str | None = FOLDER) -> URL | None:
    """`reference`, written in a page at `base` (None: on its own), as the browser resolves it;
    None if it cannot."""
    try:
        return URL(reference, base)
    except ValueError:
        return None


MAX_NAME = 150  # characters: a file name a teacher can read, and any disk can hold


def file_in_folder(name: str) -> str | None:
    """The path, relative to its folder, of the file a browser fetches for `name` written in
    a page of that folder, when it is the file the disk holds under `name`; otherwise None
    (the name leaves the folder, names another site, or the browser would fetch another file:
    control characters, backslashes, `%` escapes, `?` or `#`)."""
    if not name or len(name) > MAX_NAME or _CONTROL.search(name) or "\\" in name:
        return None
    url = read(name)
    if url is None or url.host != SITE or url.search or url.hash:
        return None
    base = FOLDER.removeprefix(f"https://{SITE}")
    path = unquote(url.pathname)
    if not path.startswith(base) or path == base:
        return None
    inside = path[len(base) :]
    return inside if inside == posixpath.normpath(name) else None


def href_of_file(inside: str) -> str:
    """A relative link to a file of the folder, percent-encoded as the browser would."""
    return quote(inside, safe="/")


def link(reference: str, base: str = FOLDER) -> str | None:
    """What a teacher's link may say on the page: another page of this site (relative, as
    written less what the browser ignores), or an absolute http, https or mailto address (as
    the browser reads it). None for anything else (javascript:, data:, file:, ...)."""
    url = read(reference, base)
    if url is None:
        return None
    if url.host == SITE and url.protocol == "https:":
        written = as_read(reference)
        same = read(written, base)
        return written if same is not None and same.href == url.href else None
    return url.href if url.protocol in LINK_SCHEMES else None


def as_read(reference: str) -> str:
    """`reference` less what the parser ignores (control characters and spaces around it, tabs
    and line breaks in it), a backslash written as the slash it is read as, and any other
    control character or space percent-encoded, as the parser encodes it."""
    text = reference.strip("".join(map(chr, range(33))))
    text = text.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    return _CONTROL_OR_SPACE.sub(lambda m: quote(m[0]), text)
