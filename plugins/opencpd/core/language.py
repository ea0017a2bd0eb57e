"""Which language each part of a page is in (WCAG 3.1.2): two mistakes a reviewer finds by ear.

- `english-in-lang`: an English label ("Key word:", "Year 3:", "KS2:", "pencil") inside a
  passage marked as French, German or Spanish, so a screen reader speaks it in the wrong voice.
- `unmarked-foreign`: French, German or Spanish words in a title, a block title, a heading or
  an image's alt text with no `lang` marking, so they are read out with English sounds.

Both are heuristics over small word lists (language_words.py): they name the line, and the
author decides. An English word inside a passage is fine when it is marked `{lang=en-GB}`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection

from .findings import Finding
from .frontmatter import Source
from .language_words import ENGLISH, FOREIGN, LOANWORDS

BLOCK_OPEN = re.compile(r"^(/{3,})\s*([A-Za-z-]+)\s*(?:\|\s*(.*))?$")
BLOCK_CLOSE = re.compile(r"^/{3,}\s*$")
OPTION_LANG = re.compile(r"^\s+lang:\s*([A-Za-z-]+)")
# *words*{lang=fr}, **words**{lang=fr}, [words]{lang=fr}; the attribute list may hold more.
# Each part that may run to the end of the line is bounded: from each of a long line's many
# '*', '[' or '![' it would otherwise be scanned again, and a line of 100,000 '![' took a
# minute. A span's words or an alt text (TEXT), and an attribute list (ATTRS), are shorter.
TEXT, ATTRS = 300, 100
SPAN = re.compile(
    rf"(\*{{1,2}}|_{{1,2}}|\[)(?P<text>[^*_\[\]\n]{{1,{TEXT}}}?)(?:\1|\])"
    rf"\{{:?[^}}\n]{{0,{ATTRS}}}?\blang=\"?(?P<lang>[A-Za-z-]{{1,{ATTRS}}})\"?[^}}\n]{{0,{ATTRS}}}\}}"
)
IMAGE = re.compile(
    rf"!\[(?P<alt>[^\]\n]{{0,{TEXT}}})\]\([^)\n]{{0,{TEXT}}}\)(?P<attrs>\{{[^}}\n]{{0,{ATTRS}}}\}})?"
)
# A heading's line; its text is `heading_text`'s: a lazy text followed by '\s*#*\s*$' tried
# the rest of the line from each of its characters, cubic in its length (seconds for a line of
# 2,000 spaces).
HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+)$")
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
SCHOOL_LABEL = re.compile(r"\b(?:KS ?[1-5]|Year \d{1,2}|Y\d{1,2}|Years? \d{1,2}-\d{1,2})\b")
LABEL = re.compile(r"(?:^|(?<=[\s*(>|]))(?P<label>[A-Z][A-Za-z ]{0,30}?)\s?:(?=\s|$)")
ACCENTED = re.compile(r"[àâäçéèêëîïôöùûüÿœæßñáíóú¿¡]", re.IGNORECASE)
ENGLISH_VOICE = ("en",)


def language_findings(source: Source, known: Collection[str] = ()) -> list[Finding]:
    """Both checks over one file: its front matter title and every line of its body; and,
    given the vocabulary's languages (`known`), every marking with a code that is none of
    them nor English."""
    found: list[Finding] = []
    codes = Codes(source.path, known)
    title = source.data.get("title")
    if isinstance(title, str):
        line, _ = source.where(("title",))
        found += _unmarked(source.path, line, title, "the title")
    files = source.data.get("files")
    for index, file in enumerate(files if isinstance(files, list) else []):
        for key, where in (("title", "a file's title"), ("alt", "an image's alt text")):
            value = file.get(key) if isinstance(file, dict) else None
            if isinstance(value, str):
                line, _ = source.where(("files", index, key))
                found += _unmarked(source.path, line, value, where)
    block_lang: list[str | None] = []
    for index, line in enumerate(source.body.split("\n")):
        number = source.body_line + index
        opening = BLOCK_OPEN.match(line)
        if opening:
            if opening.group(3):
                found += _unmarked(source.path, number, opening.group(3), "a block title")
            block_lang.append(None)
            continue
        if BLOCK_CLOSE.match(line) and block_lang:
            block_lang.pop()
            continue
        option = OPTION_LANG.match(line)
        if option and block_lang and block_lang[-1] is None:
            block_lang[-1] = option.group(1)
            found += codes.check(number, option.start(1) + 1, option.group(1))
            continue
        found += _line_findings(source.path, number, line, _current(block_lang))
        for span in SPAN.finditer(line):
            found += codes.check(number, span.start("lang") + 1, span.group("lang"))
    return found


# ISO 639-1: the two-letter codes a BCP 47 tag may start with (a three-letter one is ISO 639-2
# or 639-3, of which there are thousands: it is taken as written).
_TWO_LETTER = (
    "aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy "
    "da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht "
    "hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky "
    "la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny "
    "oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss "
    "st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo "
    "za zh zu"
)
ISO_639_1 = frozenset(_TWO_LETTER.split())
TAG = re.compile(r"(?P<primary>[A-Za-z]{2,3})(?:-[A-Za-z0-9]{1,8})*")


class Codes:
    """Language codes as BCP 47 writes them (fr, en-GB, cy, fr-CA): a marking with anything
    else ('xx', 'klingon', 'fr_FR') gives a screen reader and the search index no language.
    The vocabulary's languages (`known`) are what is suggested instead."""

    def __init__(self, path: str, known: Collection[str]) -> None:
        self.path, self.known = path, [*sorted(known), "en-GB"]

    def check(self, line: int, column: int, code: str) -> list[Finding]:
        tag = TAG.fullmatch(code)
        if tag and (len(tag["primary"]) == 3 or tag["primary"].lower() in ISO_639_1):
            return []
        meant = difflib.get_close_matches(code, self.known, n=1, cutoff=0.5)
        return [
            Finding(
                self.path,
                line,
                column,
                "unknown-lang",
                f"the text's language marking is no language code (expected a code such as "
                f"{', '.join(self.known)}, got {code!r})",
                (f"Did you mean '{meant[0]}'? " if meant else "")
                + "A screen reader and the search index read the code: write the language's "
                "two-letter code, with a region after a hyphen if it needs one (fr-CA).",
                "warning",
            )
        ]


def _current(stack: list[str | None]) -> str | None:
    return next((lang for lang in reversed(stack) if lang), None)


def _line_findings(path: str, number: int, line: str, block: str | None) -> list[Finding]:
    found: list[Finding] = []
    if block and not block.startswith(ENGLISH_VOICE):
        found += _english(path, number, _without_spans(line, keep=block), block)
    for span in SPAN.finditer(line):
        if not span.group("lang").startswith(ENGLISH_VOICE):
            found += _english(path, number, span.group("text"), span.group("lang"))
    for image in IMAGE.finditer(line):
        if "lang=" not in (image.group("attrs") or ""):
            found += _unmarked(path, number, image.group("alt"), "an image's alt text")
    heading = HEADING.match(line)
    if heading and not block:
        found += _unmarked(path, number, _without_spans(heading_text(heading)), "a heading")
    return found


def heading_text(heading: re.Match[str]) -> str:
    """A heading's text without its closing '#'s and the blank space around them (at least
    its first character), read from the end of the line once."""
    text = heading.group("text")
    return text[: max(len(text.rstrip().rstrip("#").rstrip()), 1)]


def _without_spans(text: str, keep: str | None = None) -> str:
    """The text with its marked spans taken out (all of them, or those not in `keep`)."""

    def drop(match: re.Match[str]) -> str:
        return match.group("text") if keep and match.group("lang") == keep else " "

    return SPAN.sub(drop, text)


def english_words(text: str) -> list[str]:
    """English labels and words in a passage meant to be in another language."""
    words = [m.group(0) for m in SCHOOL_LABEL.finditer(text)]
    labels = [
        m.group("label")
        for m in LABEL.finditer(text)
        if any(p in ENGLISH for p in m.group("label").lower().split())
    ]
    words += [label + ":" for label in labels]
    inside = {w for label in words for w in label.rstrip(":").split()}
    words += [w for w in WORD.findall(text) if w.lower() in ENGLISH and w not in inside]
    return list(dict.fromkeys(words))


def foreign_words(text: str) -> list[str]:
    """French, German or Spanish words in a text meant to be in English."""
    found = []
    for word in WORD.findall(text):
        low = word.lower()
        if low in LOANWORDS:
            continue
        if ACCENTED.search(word) or low in FOREIGN:
            found.append(word)
    found += [m.group(0) for m in re.finditer(r"\b(?:die|Die) [A-ZÄÖÜ][a-zäöüß]+", text)]
    found += [mark for mark in "¿¡" if mark in text]
    return list(dict.fromkeys(found))


def _english(path: str, line: int, text: str, lang: str) -> list[Finding]:
    words = english_words(text)
    if not words:
        return []
    return [
        Finding(
            path,
            line,
            1,
            "english-in-lang",
            f"English inside a passage marked lang={lang} (expected {lang} only, got "
            f"{', '.join(repr(w) for w in words)})",
            "A screen reader speaks it in the wrong voice: move the English label outside the "
            "passage, or mark it like this: *Key word:*{lang=en-GB}.",
            "warning",
        )
    ]


def _unmarked(path: str, line: int, text: str, where: str) -> list[Finding]:
    words = foreign_words(text)
    if not words:
        return []
    hint = (
        "Titles, block titles and alt text are read in English and cannot carry a "
        "language: reword them in English and give the foreign words in the text, marked "
        "like this: *avoir*{lang=fr}."
    )
    if where == "a heading":
        hint = "Mark the foreign words like this: *avoir*{lang=fr}."
    return [
        Finding(
            path,
            line,
            1,
            "unmarked-foreign",
            f"{where} has words in another language with no lang marking (expected English, got "
            f"{', '.join(repr(w) for w in words)})",
            hint,
            "warning",
        )
    ]
