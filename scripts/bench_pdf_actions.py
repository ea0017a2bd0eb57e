"""Benchmark: the PDF attachment check (core/pdf_actions.py) over real PDFs, and over bombs.

    PYTHONPATH=plugins .venv/bin/python scripts/bench_pdf_actions.py [PDF or FOLDER ...]

With no argument, reads the PDFs a build wrote (site/, .cache/). Prints milliseconds per MB
over all of them (the best of three runs a file, after one to warm up), the slowest file, and
every PDF refused with the reason (a real PDF refused is a false refusal, unless it does act);
then seconds for each bomb. Asserts nothing about time.
"""

from __future__ import annotations

import argparse
import time
import zlib
from pathlib import Path

from opencpd.core.pdf_actions import active_content

MB = 1024 * 1024


def pdfs(paths: list[Path]) -> list[Path]:
    found = []
    for path in paths:
        found += sorted(path.rglob("*.pdf")) if path.is_dir() else [path]
    return [path for path in found if path.is_file()]


def best_of_three(data: bytes) -> tuple[float, str | None]:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        found = active_content(data)
        times.append(time.perf_counter() - start)
    return min(times), found


def bombs() -> dict[str, bytes]:
    packed = zlib.compress(b"1 0 <<>>" + b" " * 60 * MB)
    return {
        "8 MB of <<": b"%PDF-1.7\n1 0 obj\n" + b"<<" * 4 * MB,
        "8 MB of [": b"%PDF-1.7\n1 0 obj\n" + b"[" * 8 * MB,
        "8 MB of (": b"%PDF-1.7\n1 0 obj\n<< /T " + b"(" * 8 * MB,
        "a million headers": b"1 0 obj\n" * 1_000_000,
        "headers inside a dictionary": b"".join(b"%d 0 obj <<\n" % n for n in range(300_000)),
        "a 60 MB object stream": b"1 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode"
        b" /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (len(packed), packed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[Path("site"), Path(".cache")])
    files = pdfs(parser.parse_args().paths)
    if not files:
        raise SystemExit("No PDF found: build the site first, or name PDFs or folders.")
    active_content(files[0].read_bytes())
    size = seconds = 0.0
    slowest, refused = (0.0, ""), []
    for path in files:
        data = path.read_bytes()
        took, found = best_of_three(data)
        size, seconds = size + len(data), seconds + took
        slowest = max(slowest, (took * 1000 / max(len(data) / MB, 1e-9), str(path)))
        if found is not None:
            refused.append(f"  {path}: {found}")
    print(f"{len(files)} PDFs, {size / MB:.1f} MB: {seconds * 1000 / (size / MB):.1f} ms per MB")
    print(f"slowest: {slowest[0]:.0f} ms per MB, {slowest[1]}")
    print(f"refused: {len(refused)}", *refused, sep="\n")
    for name, data in bombs().items():
        start = time.perf_counter()
        found = active_content(data)
        print(
            f"bomb, {name} ({len(data) / MB:.1f} MB): {time.perf_counter() - start:.2f} s, {found}"
        )


if __name__ == "__main__":
    main()
