"""The controlled vocabularies, read from one data file a programme can extend."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

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
    """A vocabulary file that cannot be read: the message is `path:line: what. How to fix.`"""


ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*")  # part of a web address: no space, no slash


def load_vocabulary(extra: Path | None = None) -> Vocabulary:
    """The built-in vocabulary, with a programme's own terms added from `extra`."""
    vocab = Vocabulary()
    for path in [DEFAULT_FILE, extra] if extra else [DEFAULT_FILE]:
        for name, terms in _lists(path):
            target = vocab.lists.setdefault(name, {})
            for term in terms:
                target[term.id] = term
    return vocab


EXAMPLE = "regions: [{id: cornwall, label: Cornwall}]"


def _lists(path: Path) -> list[tuple[str, list[Term]]]:
    """Each list of `path` and its terms, checked; VocabularyError at the first problem."""
    data, where = _parsed(path)
    if not data:  # an empty file: nothing to add
        return []
    out = []
    for name, terms in data.items():
        if not isinstance(terms, list):
            raise _refused(
                path,
                where((name,)),
                f"the list {name!r} has no terms (expected a list "
                "of terms, each with an id and a label)",
            )
        found = [_term(path, name, raw, where((name, index))) for index, raw in enumerate(terms)]
        out.append((name, found))
    return out


def _parsed(path: Path) -> tuple[dict[str, object], Callable[[tuple[str | int, ...]], int]]:
    """The file's YAML, read once and bounded as front matter is (size, depth, aliases,
    duplicate names), and the line of each value in it."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "text that is not UTF-8"
        raise _refused(
            path,
            1,
            f"the vocabulary file cannot be read ({reason})",
            "Check the 'vocabulary' setting in mkdocs.yml names a UTF-8 YAML file.",
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise _refused(
            path,
            1,
            "the vocabulary file is too large (expected at most "
            f"{MAX_FILE_BYTES // 1024} KB, got more)",
            "Keep only the terms the programme adds to OpenCPD's own.",
        )
    try:
        data, positions, _ = load_yaml(str(path), text, offset=0)
    except FrontMatterError as exc:
        found = exc.finding
        if found.rule == "wrong-type":
            raise _refused(
                path,
                found.line,
                "the vocabulary is not a set of named lists (expected a "
                "name and its terms, got something else)",
            ) from None
        what = found.message.replace("the front matter", "the vocabulary file")
        raise VocabularyError(f"{path}:{found.line}: {what}. {found.hint}") from None
    source = Source(str(path), data, "", 1, positions)
    return data, lambda loc: source.where(loc)[0]


def _term(path: Path, name: str, raw: object, line: int) -> Term:
    if not (
        isinstance(raw, dict)
        and isinstance(raw.get("label"), str)
        and isinstance(raw.get("id"), str | int)
        and ID.fullmatch(str(raw["id"]))
    ):
        raise _refused(
            path,
            line,
            f"a term of {name!r} is not an id and a label (expected an "
            f"id of letters, digits and hyphens, and a label, got {raw!r})",
        )
    years = raw.get("years") or []
    if not isinstance(years, list) or not all(type(y) is int for y in years):
        raise _refused(
            path,
            line,
            f"the years of {raw['id']!r} are not whole numbers "
            f"(expected a list like [3, 4], got {years!r})",
            "Correct it.",
        )
    url = raw.get("url", "")
    return Term(str(raw["id"]), raw["label"], url if isinstance(url, str) else "", tuple(years))


def _refused(
    path: Path, line: int, what: str, hint: str = f"Write it as: {EXAMPLE}"
) -> VocabularyError:
    return VocabularyError(f"{path}:{line}: {what}. {hint}")
