"""The controlled vocabularies, read from one data file a programme can extend."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

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
    root, data = _parsed(path)
    if root is None:  # an empty file: nothing to add
        return []
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        raise _refused(
            path,
            root,
            "the vocabulary is not a set of named lists (expected a "
            "name and its terms, got something else)",
        )
    out = []
    for key, value in root.value:
        terms = data.get(key.value)
        if not isinstance(terms, list) or not isinstance(value, yaml.SequenceNode):
            raise _refused(
                path,
                value,
                f"the list {key.value!r} has no terms (expected a list "
                "of terms, each with an id and a label)",
            )
        found = [
            _term(path, key.value, raw, node) for raw, node in zip(terms, value.value, strict=True)
        ]
        out.append((key.value, found))
    return out


def _parsed(path: Path) -> tuple[yaml.Node | None, object]:
    """The file's YAML, read once: its nodes (which know their lines) and their values."""
    try:
        loader = yaml.SafeLoader(path.read_text(encoding="utf-8"))
        try:
            root = loader.get_single_node()
            return root, loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "text that is not UTF-8"
        raise _refused(
            path,
            None,
            f"the vocabulary file cannot be read ({reason})",
            "Check the 'vocabulary' setting in mkdocs.yml names a UTF-8 YAML file.",
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or exc
        raise VocabularyError(
            f"{path}:{mark.line + 1 if mark else 1}: the vocabulary file is not valid YAML "
            f"({problem}). Correct the line, as in: {EXAMPLE}"
        ) from None


def _term(path: Path, name: str, raw: object, node: yaml.Node) -> Term:
    if not (
        isinstance(raw, dict)
        and isinstance(raw.get("label"), str)
        and isinstance(raw.get("id"), str | int)
        and ID.fullmatch(str(raw["id"]))
    ):
        raise _refused(
            path,
            node,
            f"a term of {name!r} is not an id and a label (expected an "
            f"id of letters, digits and hyphens, and a label, got {raw!r})",
        )
    years = raw.get("years") or []
    if not isinstance(years, list) or not all(type(y) is int for y in years):
        raise _refused(
            path,
            node,
            f"the years of {raw['id']!r} are not whole numbers "
            f"(expected a list like [3, 4], got {years!r})",
            "Correct it.",
        )
    url = raw.get("url", "")
    return Term(str(raw["id"]), raw["label"], url if isinstance(url, str) else "", tuple(years))


def _refused(
    path: Path, node: yaml.Node | None, what: str, hint: str = f"Write it as: {EXAMPLE}"
) -> VocabularyError:
    line = node.start_mark.line + 1 if node is not None else 1
    return VocabularyError(f"{path}:{line}: {what}. {hint}")
