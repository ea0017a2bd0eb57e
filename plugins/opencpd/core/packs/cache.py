"""Cached PDFs, named by the hash of everything that went into them."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CachedPack:
    path: Path
    pages: int
    size: int


class PackCache:
    """`<pack id>--<hash>.pdf` with a `.json` beside it holding the page count.

    Storing a new version of a pack removes its older ones, so the folder holds at most one
    file per pack besides those being written."""

    def __init__(self, folder: Path):
        self.folder = folder

    def pdf(self, pack_id: str, key: str) -> Path:
        return self.folder / f"{pack_id}--{key[:32]}.pdf"

    def get(self, pack_id: str, key: str) -> CachedPack | None:
        pdf = self.pdf(pack_id, key)
        try:
            info = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
            size = pdf.stat().st_size
        except (OSError, ValueError):
            return None
        if info.get("key") != key or info.get("size") != size:
            return None
        return CachedPack(pdf, int(info["pages"]), size)

    def scratch(self, pack_id: str, key: str) -> Path:
        """Where a worker writes the PDF before `put` moves it into place."""
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / f".{pack_id}--{key[:32]}.{os.getpid()}.tmp"

    def put(self, pack_id: str, key: str, written: Path, pages: int) -> CachedPack:
        pdf = self.pdf(pack_id, key)
        size = written.stat().st_size
        # The PDF first, then the record that vouches for it: a crash leaves no false hit.
        os.replace(written, pdf)
        record = pdf.with_suffix(".json.tmp")
        record.write_text(json.dumps({"key": key, "pages": pages, "size": size}), "utf-8")
        os.replace(record, pdf.with_suffix(".json"))
        for old in self.folder.glob(f"{pack_id}--*"):
            if old.stem != pdf.stem and old.suffix in (".pdf", ".json"):
                old.unlink(missing_ok=True)
        return CachedPack(pdf, pages, size)
