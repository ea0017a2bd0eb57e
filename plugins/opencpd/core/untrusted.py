"""Teacher-submitted text is untrusted: render it to safe HTML, and look for personal data."""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator
from html import escape as html_escape
from importlib.metadata import version
from pathlib import Path

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

from .kept import code_version, keep, recall
from .urls import file_in_folder, href_of_file, link

# h1 is the page's own (its title): a contributor's Markdown headings are moved below it and
# the section they are shown in (UnderThePage), and a raw <h1> keeps its words only
TAGS = set(nh3.ALLOWED_TAGS) - {"map", "area", "center", "h1"} | {"span", "div", "p", "img"}
ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"lang", "title"},
    "img": {"src", "alt", "width", "height"},
}
# Only the classes our own Markdown blocks produce: a submission cannot dress itself up as
# the site's banners or moderation notices.
CLASSES = {
    "div": {"admonition", "note", "tip", "example", "warning", "worked-example", "example-body"},
    "p": {"admonition-title"},
}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = [
    "tables",
    "admonition",
    "attr_list",
    "sane_lists",
    "fenced_code",
    "opencpd.core.markdown_ext",
]


def _urls_as_browsers_read_them(element: str, attribute: str, value: str) -> str | None:
    """Every URL in a teacher's text, judged and written as a browser will read it (urls.py).
    A picture comes from the resource's own folder: never a request to another site (a
    tracking pixel), which the site promises readers it does not make. A link goes to a page
    of this site or to an http, https or mailto address, written as the browser reads it."""
    if element == "img" and attribute == "src":
        inside = file_in_folder(value)
        return href_of_file(inside) if inside is not None else None
    if attribute in ("href", "cite"):
        return link(value)
    return value


class UnderThePage(Treeprocessor):
    """A contributor's headings sit under the page's own: its title (h1) and, most often, the
    section the text is shown in (h2, such as "About this resource"). The text's top headings
    take level `top` and each deeper one the next level down, h6 at most, however the text
    numbered them (`##` then `####` is h3 then h4): the page keeps one h1 and an outline with
    no level skipped, which a screen reader's list of headings follows."""

    def run(self, root: etree.Element) -> None:
        top = getattr(_converters, "top", 3)  # set by _convert for the text it converts
        above: list[tuple[int, int]] = []  # the headings this one is under: (written, shown)
        for element in root.iter():
            if element.tag not in HEADINGS:
                continue
            written = int(element.tag[1])
            while above and above[-1][0] >= written:
                above.pop()
            shown = min(above[-1][1] + 1 if above else top, 6)
            above.append((written, shown))
            element.tag = f"h{shown}"


HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_converters = threading.local()


def _markdown() -> markdown.Markdown:
    """One converter per thread, reset between texts: making a new one for each of thousands
    of resources costs a quarter of the conversion time."""
    if not hasattr(_converters, "md"):
        md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
        md.treeprocessors.register(UnderThePage(md), "under-the-page", 1)
        _converters.md = md
    return _converters.md


def safe_html(text: str, *, pictures: bool = False, top: int = 3) -> str:
    """Markdown from a contributor, rendered and then reduced to a safe subset of HTML: no
    script, style, iframe, object, form, event attributes, javascript:/data: URLs or
    pictures from other sites. A text rendered before (this build, an earlier build in this
    process, or one kept by `keep_rendered`) is not rendered again.

    `pictures`: the text has a folder of its own files (a resource's), and a picture may show
    one of them. A text without one (a centre's, a delivery's, an offer's notes) shows none:
    its relative names would be read against whatever folder the output is made in (the
    project itself, for a pack's PDF), and fetch files that were never published.

    `top`: the level of the text's top headings, 3 under a section of the page (h2), 2 for a
    text shown straight under the page's title. A raw <h1> (and <h2> under a section) keeps
    its words only."""
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    key = (key if pictures else f"no-pictures:{key}") + ("" if top == 3 else f":top{top}")
    html = _rendered.get(key)
    if html is None:
        converted = (
            _convert(text, top)
            if readable_as_markdown(text)
            else _as_plain_text(text)  # too slow or too deep to read as Markdown: a finding says so
        )
        html = nh3.clean(
            converted,
            tags=(TAGS if pictures else TAGS - {"img"}) - ({"h2"} if top > 2 else set()),
            attributes=ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener nofollow",
            attribute_filter=_urls_as_browsers_read_them,
            allowed_classes=CLASSES,
        )
        _rendered[key] = html
    _used.add(key)
    return html


def _convert(text: str, top: int = 3) -> str:
    """`text` as HTML, by this thread's converter. A conversion that fails half-way leaves the
    parser's state behind (an open list, in which the next text's paragraphs lost their <p>):
    the converter goes with it, and the next text gets a new one."""
    try:
        _converters.top = top
        return _markdown().reset().convert(text)
    except BaseException:
        del _converters.md
        raise


def readable_as_markdown(text: str) -> bool:
    """Whether `text` can be read as Markdown in bounded time and stack (the loader reports
    a text that cannot, at its line, and `safe_html` shows it as plain text)."""
    return markdown_work(text)[0] <= MAX_MARKDOWN_WORK and markdown_depth(text)[0] <= MAX_NESTING


# Python-Markdown reads on from each "[" (a link or a picture) and each "<" (a tag, an
# address) to the end of its paragraph, so its time grows with their number times the
# paragraph's length: 100 of them in a paragraph of 400,000 characters took 5 seconds, and a
# 1 MB page of them hours. Real pages stay far below this bound (a 100 KB page with 500 links
# in paragraphs of 1,000 characters: 500,000); a text above it is a finding, and is shown as
# plain text rather than read as Markdown.
MAX_MARKDOWN_WORK = 4_000_000
_PARAGRAPH_BREAK = re.compile(r"\n(?:[ \t]*+\n)++")


def markdown_work(text: str) -> tuple[int, int]:
    """How much reading `text` as Markdown costs (each paragraph's "[" and "<", times its
    length), and the line (from 1) where the dearest paragraph starts."""
    work, worst, worst_line, line, start = 0, 0, 1, 1, 0
    for found in (*_PARAGRAPH_BREAK.finditer(text), None):
        end = found.start() if found else len(text)
        paragraph = text[start:end]
        cost = (paragraph.count("[") + paragraph.count("<")) * len(paragraph)
        work += cost
        if cost > worst:
            worst, worst_line = cost, line
        if found:
            line += text.count("\n", start, found.end())
            start = found.end()
    return work, worst_line


# Python-Markdown reads a list, a quote or an indented block inside another by calling itself,
# a few calls a level: about 250 levels (each line indented 4 spaces further, an admonition in
# an admonition) or 500 markers on one line ("- - - … x") use up Python's stack, and the build
# stopped on a RecursionError from a text that `opencpd check` had passed. Real pages nest
# lists three or four deep, and a code example's comments line up a few levels further; a text
# deeper than this is a finding, and is shown as plain text.
MAX_NESTING = 32
# A line's indentation and the quote and list markers it opens with, each followed by space
_OPENING = re.compile(r"([ \t]*+)((?:(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]))[ \t]*+)*+)")
_MARKER = re.compile(r">|[-*+]|\d++[.)]")


def markdown_depth(text: str) -> tuple[int, int]:
    """How deep the text's lists, quotes and indented blocks nest, counted as Markdown may
    read them (every 4 columns of indentation and every marker a level), and the line (from
    1) of the deepest."""
    deepest, deepest_line = 0, 1
    for number, line in enumerate(text.split("\n"), 1):
        opening = _OPENING.match(line)
        assert opening is not None  # every part of the pattern may be empty
        indent, markers = opening.groups()
        depth = len(indent.expandtabs(4)) // 4 + len(_MARKER.findall(markers))
        if depth > deepest:
            deepest, deepest_line = depth, number
    return deepest, deepest_line


def _as_plain_text(text: str) -> str:
    return "".join(
        f"<p>{html_escape(part.strip())}</p>\n"
        for part in _PARAGRAPH_BREAK.split(text)
        if part.strip()
    )


# Teachers' texts rendered to safe HTML, by the SHA-256 of the text. Rendering is most of the
# time our plugin spends on a resource; most resources do not change from one build to the next.
_rendered: dict[str, str] = {}
_used: set[str] = set()


def _renderer_version() -> str:
    """What the rendered HTML depends on besides the text: this code and the libraries."""
    here = Path(__file__)
    return code_version(
        [here, here.with_name("markdown_ext.py"), here.with_name("urls.py")],
        markdown.__version__,
        version("nh3"),
    )


def recall_rendered(path: Path) -> None:
    """Take the texts rendered by an earlier build from `path` (written by `keep_rendered`),
    unless this process has rendered some already (serving: they are in memory)."""
    if not _rendered:
        _rendered.update(recall(path, _renderer_version()))


def keep_rendered(path: Path) -> None:
    """Save the texts this build rendered to `path`; drop the others."""
    html = {key: _rendered[key] for key in sorted(_used) if key in _rendered}
    keep(path, _renderer_version(), html)
    _rendered.clear()
    _rendered.update(html)
    _used.clear()


def _emails(text: str) -> Iterator[str]:
    r"""What `[\w.+-]+@[\w-]+\.[\w.-]+` finds, in linear time. A regex search tries every start
    in a long run of letters, each start reading to the run's end: quadratic, and a hang on a
    megabyte. Here each run of address characters is read once and cut at its @s."""
    for run in _ADDRESS_RUN.finditer(text):
        parts = run.group().split("@")
        local = parts[0]
        for part in parts[1:]:
            domain = _DOMAIN.match(part)
            if local and domain:
                yield f"{local}@{domain.group()}"
                local = part[domain.end() :]  # what follows the address ('+…') starts the next
            else:
                local = part


_ADDRESS_RUN = re.compile(r"[\w.+@-]++")
_DOMAIN = re.compile(r"[\w-]++\.[\w.-]++")  # anchored (match): one start, read once


_PHONE = re.compile(r"(?<!\d)(?:\+44\s?\d{2,4}|0\d{2,4})[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d)")
# A UK number however it is written: 10 or 11 digits from a 0 (or +44, with or without "(0)"),
# with a space, tab, dot, hyphen or dash (spaced or not) or brackets between any two:
# "(0113) 496 0000", "+44 (0)113 496 0000", "0113 – 496 – 0000", "0 1 1 3 4 9 6 0 0 0 0".
# Not from inside a date (2027-05-10 2027-05-12). Each start reads at most about 40
# characters, and a separator is never a digit, so nothing is tried twice.
_SEPARATOR = r"(?:[ \t]?[.\u2013-][ \t]?|[ \t]|\)[ \t]?)"
_PHONE_WRITTEN = re.compile(
    rf"(?<![\d+])(?<!\d[-./])(?:\+44[ \t]?(?:\(0\)[ \t]?)?[1-9]|\(?0[ \t.\u2013-]?[1-9])"
    rf"(?:{_SEPARATOR}?\d){{8,9}}(?!\d)"
)


def _phones(text: str) -> Iterator[str]:
    """Phone numbers: those `_PHONE` finds (grouped as numbers are usually written), and
    those written otherwise that `_PHONE_WRITTEN` finds where `_PHONE` found none."""
    usual = [(m.start(), m.end(), m.group()) for m in _PHONE.finditer(text)]
    found, at = list(usual), 0
    for match in _PHONE_WRITTEN.finditer(text):  # both in order: each list is read once
        while at < len(usual) and usual[at][1] <= match.start():
            at += 1
        if at < len(usual) and usual[at][0] < match.end():
            continue  # the same number, or part of it, found already
        found.append((match.start(), match.end(), match.group()))
    return (text for _, _, text in sorted(found))


def _matches(pattern: str) -> Callable[[str], Iterator[str]]:
    compiled = re.compile(pattern)
    return lambda text: (match.group() for match in compiled.finditer(text))


# Each finder runs in time linear in the text: a start either fails at once (a look-behind, a
# fixed word) or reads a bounded number of characters ({2,4}), or its quantifiers are possessive
# (++), so that no part gives back characters for the next part to try again.
PERSONAL_DATA: list[tuple[Callable[[str], Iterator[str]], str]] = [
    (_emails, "an email address"),
    (_phones, "a phone number"),
    (
        _matches(r"\b(?:[Pp]upil|[Ss]tudent|[Cc]hild)\s++[A-Z][a-z]++(?:\s++[A-Z][a-z]++)?+"),
        "a pupil's name",
    ),
    (_matches(r"\b[A-Z]\d{11}[0-9A-Z]\b"), "a unique pupil number (UPN)"),
]


# Cheap tests that rule a pattern out for most texts: an address needs an @, a phone number three
# digits in a row or a 0 (its digits spaced), a UPN three digits in a row, a pupil's name one of
# three words.
MIGHT_HAVE = {
    "an email address": lambda text: "@" in text,
    "a phone number": lambda text: (
        _DIGITS.search(text) is not None
        or ("0" in text and _PHONE_WRITTEN.search(text) is not None)
    ),
    "a pupil's name": lambda text: "upil" in text or "tudent" in text or "hild" in text,
    "a unique pupil number (UPN)": lambda text: _DIGITS.search(text) is not None,
}
_DIGITS = re.compile(r"[0-9][0-9][0-9]")  # spelt out: three times as fast as \d{3}


def personal_data(text: str) -> list[tuple[int, str, str]]:
    """(line number from 1, what it looks like, the matched text) for likely personal data,
    looked for in the text as its compatibility forms read (full-width digits as digits)."""
    found: list[tuple[int, str, str]] = []
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    finders = [
        (find, what)
        for find, what in PERSONAL_DATA
        if MIGHT_HAVE[what](text) and next(find(text), None) is not None
    ]
    if not finders:  # a match in one line is a match in the whole text: most texts stop here
        return found
    for number, line in enumerate(text.split("\n"), 1):
        for find, what in finders:
            found += [(number, what, match) for match in find(line)]
    return found
