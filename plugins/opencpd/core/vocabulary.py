"""The controlled vocabularies, read from one data file a programme can extend."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .findings import Finding
from .frontmatter import MAX_FILE_BYTES, FrontMatterError, Source, load_yaml

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "vocabulary.yml"


@dataclass(frozen=True)
class Term:
    id: str
    label: str
    url: str = ""
    years: tuple[int, ...] = ()  # key stages: the year groups they cover


@dataclass
class Vocabulary:
    lists: dict[str, dict[str, Term]] = field(default_factory=dict)

    def ids(self, name: str) -> list[str]:
        return list(self.lists[name])

    def label(self, name: str, term_id: str) -> str:
        term = self.lists.get(name, {}).get(term_id)
        return term.label if term else term_id

    def term(self, name: str, term_id: str) -> Term | None:
        return self.lists.get(name, {}).get(term_id)


class VocabularyError(ValueError):
    """A vocabulary file that cannot be read: its finding, `path:line:column: rule: what
    (expected X, got Y). How to fix.`, the path as the programme's other findings have it."""

    def __init__(self, finding: Finding):
        super().__init__(str(finding))
        self.finding = finding


ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*")  # part of a web address: no space, no slash


def load_vocabulary(extra: Path | None = None, root: Path | None = None) -> Vocabulary:
    """The built-in vocabulary, with a programme's own terms added from `extra`; a problem in
    it names the file relative to `root` (the content's folder), or to the current folder."""
    vocab = Vocabulary()
    for path in [DEFAULT_FILE, extra] if extra else [DEFAULT_FILE]:
        shown = _shown_path(path, root)
        known = list(vocab.lists)  # the built-in lists, when reading a programme's file
        for name, terms in _lists(path, shown, known):
            target = vocab.lists.setdefault(name, {})
            for term in terms:
                target[term.id] = term
    return vocab


EXAMPLE = "regions: [{id: cornwall, label: Cornwall}]"
RULE = "bad-vocabulary"


def _shown_path(path: Path, root: Path | None) -> str:
    """`path` as a finding names it: relative to `root`, else to the current folder, when it
    is in it (an absolute path named the author's home and was no use in another checkout)."""
    path = path.absolute()
    for base in (root, Path.cwd()):
        if base is not None and path.is_relative_to(base.absolute()):
            return path.relative_to(base.absolute()).as_posix()
    return path.as_posix()


def _cut(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _lists(path: Path, shown: str, known: list[str]) -> list[tuple[str, list[Term]]]:
    """Each list of `path` and its terms, checked; VocabularyError at the first problem. A
    programme's file adds to the `known` lists (none for the built-in file): a list of
    another name is read by nothing, so a misspelt one would drop its terms unremarked."""
    data, where = _parsed(path, shown)
    if not data:  # an empty file: nothing to add
        return []
    out = []
    for name, terms in data.items():
        if known and name not in known:
            meant = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
            raise _refused(
                shown,
                where((name,), key=True),
                f"{name!r} is not a list of the vocabulary (expected one of "
                f"{', '.join(known)}, got {_cut(name)})",
                (f"Did you mean '{meant[0]}'? " if meant else "")
                + "A programme's file adds terms to these lists; it cannot make new ones.",
            )
        if not isinstance(terms, list):
            raise _refused(
                shown,
                where((name,)),
                f"the list {name!r} has no terms (expected a list "
                f"of terms, each with an id and a label, got {_cut(terms)})",
            )
        found = [_term(shown, name, raw, where((name, index))) for index, raw in enumerate(terms)]
        first: dict[str, int] = {}
        for index, term in enumerate(found):
            if term.id in first:
                raise _refused(
                    shown,
                    where((name, index)),
                    f"the list {name!r} has the term {term.id!r} twice (expected each id "
                    f"once, got it as terms {first[term.id] + 1} and {index + 1})",
                    "Delete one of the two, keeping the label you mean.",
                )
            first[term.id] = index
        out.append((name, found))
    return out


def _parsed(path: Path, shown: str) -> tuple[dict[str, object], Callable[..., tuple[int, int]]]:
    """The file's YAML, read once and bounded as front matter is (size, depth, aliases,
    duplicate names), and the line of each value in it."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "text that is not UTF-8"
        raise _refused(
            shown,
            (1, 1),
            f"the vocabulary file cannot be read (expected a UTF-8 YAML file, got {reason})",
            "Check the 'vocabulary' setting in mkdocs.yml names a UTF-8 YAML file.",
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise _refused(
            shown,
            (1, 1),
            "the vocabulary file is too large (expected at most "
            f"{MAX_FILE_BYTES // 1024} KB, got more)",
            "Keep only the terms the programme adds to OpenCPD's own.",
        )
    try:
        data, positions, keys = load_yaml(shown, text, offset=0)
    except FrontMatterError as exc:
        found = exc.finding
        if found.rule == "wrong-type":
            raise _refused(
                shown,
                (found.line, found.column),
                "the vocabulary is not a set of named lists (expected a "
                "name and its terms, got something else)",
            ) from None
        what = found.message.replace("the front matter", "the vocabulary file")
        raise VocabularyError(
            Finding(shown, found.line, found.column, found.rule, what, found.hint)
        ) from None
    source = Source(shown, data, "", 1, positions, keys)
    return data, source.where


def _term(shown: str, name: str, raw: object, line: tuple[int, int]) -> Term:
    if not (
        isinstance(raw, dict)
        and isinstance(raw.get("label"), str)
        and isinstance(raw.get("id"), str | int)
        and ID.fullmatch(str(raw["id"]))
    ):
        raise _refused(
            shown,
            line,
            f"a term of {name!r} is not an id and a label (expected an "
            f"id of letters, digits and hyphens, and a label, got {_cut(raw)})",
        )
    years = raw.get("years") or []
    if not isinstance(years, list) or not all(type(y) is int for y in years):
        raise _refused(
            shown,
            line,
            f"the years of {raw['id']!r} are not whole numbers "
            f"(expected a list like [3, 4], got {_cut(years)})",
            "Write the key stage's year groups as whole numbers, e.g. years: [3, 4, 5, 6].",
        )
    url = raw.get("url", "")
    return Term(str(raw["id"]), raw["label"], url if isinstance(url, str) else "", tuple(years))


def _refused(
    shown: str, where: tuple[int, int], what: str, hint: str = f"Write it as: {EXAMPLE}"
) -> VocabularyError:
    return VocabularyError(Finding(shown, where[0], where[1], RULE, what, hint))
