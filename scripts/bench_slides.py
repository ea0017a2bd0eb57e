"""Figures, not a test: the time to make every session's deck (HTML, PDF, PowerPoint) of the
repository from cold, and again after editing one session (only its deck is made again).

    .venv/bin/python scripts/bench_slides.py [--jobs N]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from opencpd.core.load import load_catalog
from opencpd.core.slides import DeckCache, DeckOptions, generate, prepare
from opencpd.core.slides.build import SITE_ASSETS
from opencpd.core.vocabulary import load_vocabulary

REPO = Path(__file__).resolve().parent.parent


def run(root: Path, cache: DeckCache, jobs: int | None) -> tuple[float, dict[str, int]]:
    options = DeckOptions(site_url="https://opencpd.example.org/")
    start = time.perf_counter()
    catalog = load_catalog(root, load_vocabulary(None))
    made = generate(prepare(catalog, options, cache), catalog, options, cache, jobs)
    counts: dict[str, int] = {}
    for job in made:
        counts[job.status] = counts.get(job.status, 0) + 1
    return time.perf_counter() - start, counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "project"
        shutil.copytree(REPO / "modules", root / "modules")
        cache = DeckCache(Path(folder) / "cache")
        seconds, counts = run(root, cache, args.jobs)
        print(f"cold: {seconds:.1f} s {counts}")
        seconds, counts = run(root, cache, args.jobs)
        print(f"warm, nothing changed: {seconds:.1f} s {counts}")
        session = root / "modules" / "ks3-grammar" / "sessions" / "01-twilight.md"
        session.write_text(session.read_text() + "\nOne more sentence.\n")
        seconds, counts = run(root, cache, args.jobs)
        print(f"warm, one session edited: {seconds:.1f} s {counts}")
        sizes = [p.stat().st_size for p in cache.folder.glob("*.html")]
        print(
            f"HTML deck: {min(sizes) // 1024}-{max(sizes) // 1024} KB, "
            f"{sum(p.stat().st_size for p in SITE_ASSETS.iterdir()) // 1024}"
            " KB of script and stylesheet"
        )


if __name__ == "__main__":
    main()
