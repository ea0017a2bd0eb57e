"""The controlled vocabularies, read from one data file a programme can extend."""

from __future__ import annotations

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


def load_vocabulary(extra: Path | None = None) -> Vocabulary:
    """The built-in vocabulary, with a programme's own terms added from `extra`."""
    vocab = Vocabulary()
    for path in [DEFAULT_FILE, extra] if extra else [DEFAULT_FILE]:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, terms in data.items():
            target = vocab.lists.setdefault(name, {})
            for raw in terms:
                target[str(raw["id"])] = Term(
                    str(raw["id"]),
                    str(raw["label"]),
                    raw.get("url", ""),
                    tuple(int(y) for y in raw.get("years") or ()),
                )
    return vocab
