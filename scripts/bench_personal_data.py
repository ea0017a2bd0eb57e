"""Benchmark: the personal-data check on a megabyte shaped to make a regex backtrack.

    .venv/bin/python scripts/bench_personal_data.py [--size CHARACTERS]

Prints seconds per shape; asserts nothing about time. Before the patterns were made linear
(issue 13), 20,000 letters before an @ took 0.8 s and a megabyte would take about half an hour.
"""

from __future__ import annotations

import argparse
import time

from opencpd.core.untrusted import personal_data


def shapes(size: int) -> dict[str, str]:
    return {
        "letters then @": "a" * size + "@",
        "@ then letters": "@" + "a" * size,
        "a@ then letters": "a@" + "b" * size,
        "letters and dots then @": "a." * (size // 2) + "@",
        "plus signs then an address": "a+" * (size // 2) + "@x.y",
        "a@ repeated": "a@" * (size // 2),
        "a@b. repeated": "a@b." * (size // 4),
        "digits": "0" * size,
        "digits and spaces": "0 " * (size // 2),
        "+44 repeated": "+44 " * (size // 4),
        "+44 (0) repeated": "+44 (0)" * (size // 7),
        "nine digits spaced from a 0, repeated": "0 1 2 3 4 5 6 7 8 x " * (size // 20),
        "brackets and zeros": "(0" * (size // 2),
        "numbers in brackets, repeated": "(0113) 496 0000 " * (size // 16),
        "Pupil repeated": "Pupil " * (size // 6),
        "Pupil then spaces": "Pupil" + " " * size,
        "Pupil then a long name": "Pupil A" + "a" * size,
        "a capital and 11 digits, repeated": ("A" + "1" * 11) * (size // 12),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    size = parser.parse_args().size
    for name, text in shapes(size).items():
        start = time.perf_counter()
        found = personal_data(text)
        print(
            f"{name:36s} {len(text):>9,d} characters {time.perf_counter() - start:7.3f} s "
            f"{len(found):>7,d} found"
        )


if __name__ == "__main__":
    main()
