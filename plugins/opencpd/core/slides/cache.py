"""Cached decks, named by the hash of everything that went into them, like the packs'
(core/packs/cache.py): `<deck id>--<hash>.html|.pdf|.pptx` and a `.json` record that vouches
for all three. Storing a deck removes its older versions."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

FORMS = ("html", "pdf", "pptx")


@dataclass(frozen=True)
class CachedDeck:
    files: dict[str, Path]  # form -> file
    sizes: dict[str, int]
    slides: int


class DeckCache:
    def __init__(self, folder: Path):
        self.folder = folder

    def stem(self, deck_id: str, key: str) -> Path:
        return self.folder / f"{deck_id}--{key[:32]}"

    def get(self, deck_id: str, key: str) -> CachedDeck | None:
        stem = self.stem(deck_id, key)
        try:
            info = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
            files = {form: stem.with_suffix(f".{form}") for form in FORMS}
            sizes = {form: path.stat().st_size for form, path in files.items()}
        except (OSError, ValueError):
            return None
        if info.get("key") != key or info.get("sizes") != sizes:
            return None
        return CachedDeck(files, sizes, int(info["slides"]))

    def scratch(self, deck_id: str, key: str) -> dict[str, Path]:
        self.folder.mkdir(parents=True, exist_ok=True)
        base = f".{deck_id}--{key[:32]}.{os.getpid()}"
        return {form: self.folder / f"{base}.{form}.tmp" for form in FORMS}

    def put(self, deck_id: str, key: str, written: dict[str, Path], slides: int) -> CachedDeck:
        stem = self.stem(deck_id, key)
        files = {form: stem.with_suffix(f".{form}") for form in FORMS}
        sizes = {}
        for form, path in written.items():  # the files first, then the record: no false hit
            sizes[form] = path.stat().st_size
            os.replace(path, files[form])
        record = stem.with_suffix(".json.tmp")
        record.write_text(json.dumps({"key": key, "sizes": sizes, "slides": slides}), "utf-8")
        os.replace(record, stem.with_suffix(".json"))
        for old in self.folder.glob(f"{deck_id}--*"):
            if old.name.split(".")[0] != stem.name and old.suffix in (
                ".json",
                *[f".{f}" for f in FORMS],
            ):
                old.unlink(missing_ok=True)
        return CachedDeck(files, sizes, slides)
