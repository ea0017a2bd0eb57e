"""Make Pagefind's bundle byte-identical from one build of a commit to the next.

Pagefind 1.5 writes its filter indexes from a Rust HashMap, so the order of the values inside
each `filter/*.pf_filter` file, and of the filters listed in `pagefind.*.pf_meta`, changes from
run to run; the files' content hashes, which are their names, change with it (upstream issue
CloudCannon/pagefind#638, "filter/metadata indexes" still unstable). We sort both, rename the
files by the hash of their new content, and point the meta file and `pagefind-entry.json` at the
new names. Search results are the same: the client looks filters up by name, not position.

The build does this to the bundle in memory, as Pagefind sends it (`stable_bundle`), before
any of it is written: no file is read back while something may still be writing it.
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
ENTRY = "pagefind-entry.json"

Bundle = dict[str, bytes]  # path inside the bundle ("filter/en_1a2b3c4.pf_filter"): content


def stable_bundle(files: Bundle) -> Bundle:
    """`files` with the filter indexes sorted and what that changes renamed. KeyError,
    ValueError, TypeError or IndexError if the bundle is not what Pagefind 1.5 makes."""
    stable = dict(files)
    renamed: dict[str, str] = {}
    for path in sorted(p for p in files if p.startswith("filter/") and p.endswith(".pf_filter")):
        stem = path.removeprefix("filter/").removesuffix(".pf_filter")
        name, values = parse_pf(stable.pop(path), path)
        values.sort(key=lambda value: value[0])
        renamed[stem], data = pack_pf(stem, [name, values], 7)
        stable[f"filter/{renamed[stem]}.pf_filter"] = data
    entry = json.loads(stable[ENTRY].decode("utf-8"))
    for language in entry["languages"].values():
        meta_path = f"pagefind.{language['hash']}.pf_meta"
        meta = parse_pf(stable.pop(meta_path), meta_path)
        meta[META_FILTERS] = sorted(
            [name, renamed.get(old, old)] for name, old in meta[META_FILTERS]
        )
        meta[META_SORTS] = sorted(meta[META_SORTS], key=lambda sort: sort[0])
        language["hash"], data = pack_pf(language["hash"], meta, 10)
        stable[f"pagefind.{language['hash']}.pf_meta"] = data
    stable[ENTRY] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return stable


def stabilise_pagefind(bundle: Path) -> None:
    """The same for a bundle already written into the folder `bundle`."""
    files = {
        p.relative_to(bundle).as_posix(): p.read_bytes()
        for p in sorted(bundle.rglob("*"))
        if p.is_file()
    }
    stable = stable_bundle(files)
    for gone in sorted(files.keys() - stable.keys()):
        (bundle / gone).unlink()
    for path, data in stable.items():
        if files.get(path) != data:
            (bundle / path).write_bytes(data)


def read_pf(path: Path) -> Any:
    return parse_pf(path.read_bytes(), path.name)


def parse_pf(packed: bytes, name: str) -> Any:
    """The value in a Pagefind index file (gzip of a signature and CBOR)."""
    data = gzip.decompress(packed)
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{name} is not a Pagefind index file")
    value, end = decode(data, len(SIGNATURE))
    if end != len(data):
        raise ValueError(f"{name} has data after its index")
    return value


def pack_pf(old_name: str, value: Any, length: int) -> tuple[str, bytes]:
    """`value` as an index file, and its new name: `<language>_<hash of the content>`."""
    data = SIGNATURE + encode(value)
    language = old_name.rsplit("_", 1)[0]
    return (
        f"{language}_{hashlib.sha1(data).hexdigest()[:length]}",
        gzip.compress(data, 9, mtime=0),
    )


def decode(data: bytes, i: int) -> tuple[Any, int]:
    """The CBOR value at `data[i:]` (the subset Pagefind writes) and where it ends."""
    major, info = data[i] >> 5, data[i] & 31
    i += 1
    if info < 24:
        arg = info
    elif info <= 27:
        size = 1 << (info - 24)
        arg, i = int.from_bytes(data[i : i + size], "big"), i + size
    else:
        raise ValueError(f"unsupported CBOR item 0x{data[i - 1]:02x}")
    if major == 0:
        return arg, i
    if major == 1:
        return -1 - arg, i
    if major == 2:
        return bytes(data[i : i + arg]), i + arg
    if major == 3:
        return data[i : i + arg].decode("utf-8"), i + arg
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
