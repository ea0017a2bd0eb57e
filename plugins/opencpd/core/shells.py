"""Pages filled into a shell: a centre's or a delivery's page without a pass through the engine.

Every delivery's page sits at one depth (`deliveries/<id>/`), as does every centre's, and as do
the calendar's pages of one list (`calendar/<n>/`, `calendar/region/<region>/`,
`calendar/region/london/<n>/`); none of those is in the navigation, so what the engine and its
theme write around one differs from another of its folder only in the page's own parts: its
title, description, address, article and JSON-LD. The
adapter builds ONE page of each kind through the engine, with tokens for those parts (no
content can hold them: they are not what any part is made of), and hands over the HTML; the
core puts each page's parts in place of the tokens with plain string operations, in one pass,
so nothing put in is read again. The article is sanitised HTML already (core/placed.py), put
where the engine would have put it after its last parse.

Where the theme prints a part it may change it first; the changes Material for MkDocs makes
(escaping, `striptags`, `lower`) are worked out here from the part as the engine would. A token
the theme changed in any other way, or printed inside a script or style, leaves the shell
unusable (`ShellUnusable`) rather than a page filled wrongly.

The Content-Security-Policy of such a page is its shell's: the policy hashes the inline
scripts and styles of the page less its article (core/csp.py), and the other parts are escaped
text outside any script or style (JSON-LD is data, not script).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from .csp import _Inline, with_policy
from .kept import hashed, package_code
from .placed import hold

MARK = "opencpd-shell"  # in every token, in any case: a token left over is found by it
TITLE = "OpenCPD-Shell  Title"  # the capitals and the double spaces show what the theme did
DESCRIPTION = "OpenCPD-Shell  Description"
SLUG = "opencpd-shell-page"
FOLDER = "opencpd-shell-folder"  # with its level: `opencpd-shell-folder2/opencpd-shell-folder3`
_FOLDER = re.compile(rf"{FOLDER}[1-9](?:/{FOLDER}[1-9])*")
ARTICLE = "<h1>OpenCPD-Shell Article</h1>"  # with a heading, as every article put in has
JSON_LD = "OpenCPD-Shell-JSON-LD"


class ShellUnusable(Exception):
    """The engine's page cannot serve as a shell; the message says why."""


@dataclass(frozen=True)
class Parts:
    """What one page says of its own: its source (`<folder>/<slug>.md`), front matter and
    article (sanitised HTML, with its own `<h1>`)."""

    uri: str
    meta: dict[str, Any]
    article: str

    @property
    def index(self) -> bool:
        """Whether the source is a folder's `index.md` (`calendar/region/london/index.md`)
        rather than `<folder>/<slug>.md`: both give the page the address `<folder>/<slug>/`."""
        return self.uri.endswith("/index.md")

    @property
    def _path(self) -> str:
        return self.uri.removesuffix("/index.md") if self.index else self.uri.removesuffix(".md")

    @property
    def folder(self) -> str:
        return self._path.rsplit("/", 1)[0]

    @property
    def slug(self) -> str:
        return self._path.rsplit("/", 1)[1]

    def kind(self, real: int) -> tuple[str, ...]:
        """Pages of one kind share a shell: a folder as deep whose first `real` levels are the
        same, the same form of source, and the same front matter but for the title and
        description. The engine's links between pages that share the start of their address
        are shorter, so `real` is as many levels as any page of the site's navigation shares
        with the folder (the adapter knows them): the rest are tokens. Thus
        `calendar/region/london/2` and `calendar/module/ks3-reading/2` share one."""
        same = {k: v for k, v in self.meta.items() if k not in ("title", "description")}
        return (folder_token(self.folder, real), str(self.index), repr(sorted(same.items())))

    def at_address(self, text: str) -> str:
        """`text` (a shell's address, or its sitemap entry) with this page's folder and slug in
        place of the tokens."""
        return _FOLDER.sub(lambda found: self.levels(found[0]), text).replace(SLUG, self.slug)

    def levels(self, token: str) -> str:
        """The levels of this page's folder that a folder token stands for."""
        first = int(token[len(FOLDER)]) - 1
        return "/".join(self.folder.split("/")[first : first + token.count("/") + 1])

    def markdown(self, front_matter: Callable[[dict[str, Any]], str]) -> str:
        """The page as the engine reads it: front matter, then the article held."""
        return front_matter(self.meta) + hold(self.article)

    def shell(self, real: int) -> Parts:
        """The parts of the shell of this page's kind: tokens in place of its own."""
        meta = dict(self.meta)
        for name, token in (("title", TITLE), ("description", DESCRIPTION)):
            if name in meta:
                meta[name] = token
        folder = folder_token(self.folder, real)
        uri = f"{folder}/{SLUG}/index.md" if self.index else f"{folder}/{SLUG}.md"
        return Parts(uri, meta, ARTICLE)


def folder_token(folder: str, real: int) -> str:
    """`folder` with its levels after the first `real` as tokens: `calendar/FOLDER2/FOLDER3`
    for `calendar/region/london` with one real level."""
    levels = folder.split("/")
    if len(levels) > 9:
        raise ShellUnusable(f"the folder {folder} is more than 9 levels deep")
    return "/".join(levels[:real] + [f"{FOLDER}{n}" for n in range(real + 1, len(levels) + 1)])


_UNFILLABLE = re.compile(r"</article|<(?:input|label)\b")  # in the article in lower case


def fillable(article: str) -> bool:
    """Whether an article reads the same in a shell as in a page of its own: it has its own
    heading (else the theme writes one from the title), closes no `<article>` (the compaction
    keeps the article whole up to the first), holds no form control or label (the markup
    mending reads those across the page) and no id the theme's labels may point at."""
    return "<h1" in article and ' id="__' not in article and not _UNFILLABLE.search(article.lower())


def _text(value: Any) -> str:
    return str(value or "")


def _plain(value: Any) -> str:
    """`striptags` on the escaped value, as the theme's templates apply it."""
    return Markup(escape(_text(value))).striptags()


def _fillers(parts: Parts, json_ld: str) -> dict[str, str]:
    title, description = parts.meta.get("title"), parts.meta.get("description")
    plain_title, plain_description = _plain(title), _plain(description)
    return {
        TITLE: str(escape(_text(title))),
        " ".join(TITLE.split()): str(escape(plain_title)),
        " ".join(TITLE.split()).lower(): str(escape(plain_title.lower())),
        DESCRIPTION: str(escape(_text(description))),
        " ".join(DESCRIPTION.split()): str(escape(plain_description)),
        " ".join(DESCRIPTION.split()).lower(): str(escape(plain_description.lower())),
        SLUG: parts.slug,
        ARTICLE: parts.article,
        JSON_LD: json_ld,
    }


_TOKENS = sorted(_fillers(Parts("x/y.md", {}, ""), ""), key=len, reverse=True)
_TOKEN = re.compile("|".join([_FOLDER.pattern, *(re.escape(t) for t in _TOKENS)]))


class Shell:
    """A page of one kind as the engine wrote it, cut at its tokens."""

    def __init__(self, html: str) -> None:
        self.pieces = _TOKEN.split(html)
        self.tokens = _TOKEN.findall(html)
        left = [p for p in self.pieces if MARK in p.lower()]
        if len({t for t in self.tokens if t.startswith(FOLDER)}) > 1:
            left = left or [next(t for t in self.tokens if t.startswith(FOLDER))]
        if left:
            at = left[0].lower().find(MARK)
            raise ShellUnusable(
                "the theme writes a part of the page in a way OpenCPD cannot fill in "
                f"(…{left[0][max(0, at - 60) : at + 40]}…)"
            )

    @functools.cached_property
    def _digest(self) -> Any:
        return hashed(hashlib.blake2b(digest_size=16), package_code(), *self.pieces, *self.tokens)

    @property
    def digest(self) -> str:
        """A hash of this shell and the code filling it."""
        return self._digest.hexdigest()

    def made_of(self, parts: Parts, json_ld: str = "") -> str:
        """A hash of all that `fill` makes a page of: this shell (and the code filling it),
        the page's parts and its JSON-LD."""
        return hashed(
            self._digest.copy(), parts.uri, repr(parts.meta), parts.article, json_ld
        ).hexdigest()

    def fill(self, parts: Parts, json_ld: str = "") -> str:
        return "".join(self._in_order(parts, json_ld, self.pieces, str))

    def filled(self, parts: Parts, json_ld: str = "") -> bytes:
        """`fill`'s page in UTF-8 (a character UTF-8 cannot carry, a lone surrogate, as a
        character reference), the shell's pieces encoded once: at 3,000 deliveries, encoding
        every whole page again was a tenth of the pages' filling."""
        return b"".join(self._in_order(parts, json_ld, self._encoded, _utf8))

    @functools.cached_property
    def _encoded(self) -> list[bytes]:
        return [_utf8(piece) for piece in self.pieces]

    def _in_order(
        self, parts: Parts, json_ld: str, pieces: list[Any], put: Callable[[str], Any]
    ) -> Iterator[Any]:
        """The shell's `pieces` with the page's parts between them, each given to `put`."""
        fillers = _fillers(parts, json_ld)
        yield pieces[0]
        for token, piece in zip(self.tokens, pieces[1:], strict=True):
            yield put(fillers[token] if token in fillers else parts.levels(token))
            yield piece


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", errors="xmlcharrefreplace")


def page_shell(html: str) -> Shell:
    """The shell of a page from the engine's finished HTML of its shell page (the theme's markup
    mended and compacted, no JSON-LD or policy yet): JSON-LD goes last in `<head>` and the
    policy first, as the adapter puts them into every page."""
    inline = _Inline()
    inline.feed(html)
    inline.close()
    for text in inline.scripts + inline.styles + inline.style_attributes:
        if MARK in text.lower():
            raise ShellUnusable("the theme writes a part of the page inside a script or style")
    if "</head>" not in html or html.count(ARTICLE) != 1:
        raise ShellUnusable("the page has no head, or its article is not there once")
    html = html.replace("</head>", f"{JSON_LD}</head>", 1)
    # the article token holds no inline code: the page's is what was parsed above
    return Shell(with_policy(html, [ARTICLE], inline))
