"""Make Pagefind's bundle byte-identical from one build of a commit to the next.

Pagefind 1.5 writes its filter indexes from a Rust HashMap, so the order of the values inside
each `filter/*.pf_filter` file, and of the filters listed in `pagefind.*.pf_meta`, changes from
run to run; the files' content hashes, which are their names, change with it (upstream issue
CloudCannon/pagefind#638, "filter/metadata indexes" still unstable). We sort both, rename the
files by the hash of their new content, and point the meta file and `pagefind-entry.json` at the
new names. Search results are the same: the client looks filters up by name, not position.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

SIGNATURE = b"pagefind_dcd"
# pf_meta: [version, pages, index_chunks, filters, sorts, meta_fields]
META_FILTERS, META_SORTS = 3, 4


def stabilise_pagefind(bundle: Path) -> None:
    """Sort the filter indexes of the Pagefind bundle in `bundle` and rename what they change."""
    renamed: dict[str, str] = {}
    for path in sorted((bundle / "filter").glob("*.pf_filter")):
        name, values = read_pf(path)
        values.sort(key=lambda value: value[0])
        renamed[path.stem] = write_pf(path.parent, path.stem, [name, values], ".pf_filter", 7)
        path.unlink()
    entry_file = bundle / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text("utf-8"))
    for language in entry["languages"].values():
        meta_file = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = read_pf(meta_file)
        meta[META_FILTERS] = sorted([name, renamed.get(old, old)]
                                    for name, old in meta[META_FILTERS])
        meta[META_SORTS] = sorted(meta[META_SORTS], key=lambda sort: sort[0])
        new = write_pf(bundle, language["hash"], meta, ".pf_meta", 10, prefix="pagefind.")
        if new != language["hash"]:
            meta_file.unlink()
        language["hash"] = new
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), "utf-8")


def read_pf(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path.name} is not a Pagefind index file")
    value, end = decode(data, len(SIGNATURE))
    if end != len(data):
        raise ValueError(f"{path.name} has data after its index")
    return value


def write_pf(folder: Path, old_name: str, value: Any, suffix: str, length: int,
             prefix: str = "") -> str:
    """Write `value` as `<prefix><language>_<hash><suffix>`; return the new name."""
    data = SIGNATURE + encode(value)
    language = old_name.rsplit("_", 1)[0]
    name = f"{language}_{hashlib.sha1(data).hexdigest()[:length]}"
    (folder / f"{prefix}{name}{suffix}").write_bytes(gzip.compress(data, 9, mtime=0))
    return name


def decode(data: bytes, i: int) -> tuple[Any, int]:
    """The CBOR value at `data[i:]` (the subset Pagefind writes) and where it ends."""
    major, info = data[i] >> 5, data[i] & 31
    i += 1
    if info < 24:
        arg = info
    elif info <= 27:
        size = 1 << (info - 24)
        arg, i = int.from_bytes(data[i:i + size], "big"), i + size
    else:
        raise ValueError(f"unsupported CBOR item 0x{data[i - 1]:02x}")
    if major == 0:
        return arg, i
    if major == 1:
        return -1 - arg, i
    if major == 2:
        return bytes(data[i:i + arg]), i + arg
    if major == 3:
        return data[i:i + arg].decode("utf-8"), i + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, i = decode(data, i)
            items.append(item)
        return items, i
    raise ValueError(f"unsupported CBOR major type {major}")


def encode(value: Any) -> bytes:
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(encode(item) for item in value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def _head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise ValueError("integer too large for CBOR")
