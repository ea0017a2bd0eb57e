"""Build one site many times with nothing changed, and count what goes wrong.

    .venv/bin/python scripts/build_loop.py [--builds 100] [--site fixture|repository|DIR]
                                           [--jobs 1]

Each build is `opencpd build -d <folder>` in its own process, as a user runs it, over the site
the previous build left (so every build also swaps a site out). A build counts as

- failed: it exited non-zero (its message is printed);
- broken: it passed, but a file of its search bundle is empty or unreadable, or the entry file
  names a meta file that is not there (a search page that fails in the browser);
- different: its site is not byte-identical to the first build's (builds of unchanged sources
  must be);
- untidy: it left a `.site-building-*` or `.site-old-*` folder behind.

`--jobs 2` runs two builds at a time, each into its own folder: a loaded machine, as on CI. The
code is whichever `opencpd` Python imports: set PYTHONPATH to the `plugins/` folder of another
checkout (`git archive <commit> plugins | tar -x -C DIR`) to measure that commit instead.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "site"
REPOSITORY_CONTENT = ("mkdocs.yml", "docs", "modules", "handbook")


@dataclass
class Build:
    number: int
    seconds: float
    code: int
    message: str = ""
    broken: list[str] = field(default_factory=list)
    different: list[str] = field(default_factory=list)
    untidy: list[str] = field(default_factory=list)


def copy_sources(site: str, target: Path) -> None:
    """The sources of the site to build, copied (symbolic links followed, as the tests do)."""
    if site == "fixture":
        shutil.copytree(FIXTURE, target)
        return
    source = ROOT if site == "repository" else Path(site).resolve()
    target.mkdir(parents=True)
    for name in REPOSITORY_CONTENT:
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name)
        elif (source / name).is_file():
            shutil.copy2(source / name, target / name)


def opencpd() -> list[str]:
    return [sys.executable, "-c", "import sys; from opencpd.cli import main; sys.exit(main())"]


def fingerprint(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def broken_bundle(site: Path) -> list[str]:
    """What is wrong with the search bundles of `site`: empty or unreadable files."""
    problems = []
    bundles = sorted(site.glob("pagefind*/"))
    if not bundles:
        return ["no pagefind/ folder"]
    for bundle in bundles:
        for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
            name = path.relative_to(site).as_posix()
            data = path.read_bytes()
            if not data:
                problems.append(f"{name} is empty")
            elif path.suffix.startswith(".pf_"):
                try:
                    gzip.decompress(data)
                except (OSError, EOFError) as exc:
                    problems.append(f"{name}: {exc}")
        try:
            entry = json.loads((bundle / "pagefind-entry.json").read_text("utf-8"))
            for language in entry["languages"].values():
                meta = bundle / f"pagefind.{language['hash']}.pf_meta"
                if not meta.is_file():
                    problems.append(f"{meta.relative_to(site)} is named but missing")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problems.append(f"{bundle.name}/pagefind-entry.json: {type(exc).__name__}: {exc}")
    return problems


def leftovers(folder: Path) -> list[str]:
    return sorted(
        p.name for p in folder.iterdir() if p.name.startswith((".site-building-", ".site-old-"))
    )


def build(number: int, sources: Path, slot: Path, first: dict[str, str] | None) -> Build:
    site = slot / "site"
    started = time.perf_counter()
    done = subprocess.run(
        [*opencpd(), "build", "-d", str(site)], cwd=sources, text=True, capture_output=True
    )
    result = Build(number, time.perf_counter() - started, done.returncode)
    if done.returncode != 0:
        result.message = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
    else:
        result.broken = broken_bundle(site)
        if first is not None:
            now = fingerprint(site)
            result.different = sorted(
                name for name in first.keys() | now.keys() if first.get(name) != now.get(name)
            )
    result.untidy = leftovers(slot)
    return result


def progress(result: Build, done: int) -> None:
    if result.code or result.broken or result.different or result.untidy:
        print(
            f"  build {result.number}: exit {result.code} {result.message} "
            f"{result.broken[:2]} {result.different[:2]} {result.untidy}",
            flush=True,
        )
    elif done % 10 == 0:
        print(f"  {done} builds done", flush=True)


def report(builds: list[Build], label: str) -> None:
    failed = [b for b in builds if b.code != 0]
    broken = [b for b in builds if b.broken]
    different = [b for b in builds if b.different]
    untidy = [b for b in builds if b.untidy]
    seconds = [b.seconds for b in builds]
    print(f"\n{label}")
    print(
        f"  builds:    {len(builds)}  (median {statistics.median(seconds):.1f} s, "
        f"longest {max(seconds):.1f} s)"
    )
    print(f"  failed:    {len(failed)}")
    print(f"  broken:    {len(broken)}  (passed, with a bundle file empty or unreadable)")
    print(f"  different: {len(different)}  (site not byte-identical to the first build's)")
    print(f"  untidy:    {len(untidy)}  (a staging or old folder left behind)")
    for b in failed:
        print(f"  build {b.number} failed (exit {b.code}): {b.message}")
    for b in broken:
        print(f"  build {b.number} broken: {'; '.join(b.broken[:5])}")
    for b in different:
        print(
            f"  build {b.number} differs in {len(b.different)} files: {', '.join(b.different[:5])}"
        )
    for b in untidy:
        print(f"  build {b.number} left {', '.join(b.untidy)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builds", type=int, default=100)
    parser.add_argument(
        "--site",
        default="fixture",
        help="fixture (tests/fixtures/site), repository, or a folder with mkdocs.yml",
    )
    parser.add_argument("--jobs", type=int, default=1, help="builds at a time")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="build-loop-"))
    try:
        sources = work / "src"
        copy_sources(args.site, sources)
        slots = [work / f"out-{i + 1}" for i in range(args.jobs)]
        for slot in slots:
            slot.mkdir()
        first = build(0, sources, slots[0], None)
        if first.code != 0:
            report([first], "the first build failed; nothing to compare with")
            return
        reference = fingerprint(slots[0] / "site")
        print(
            f"first build: {first.seconds:.1f} s, {len(reference)} files; "
            f"{args.builds} more, {args.jobs} at a time",
            flush=True,
        )
        builds: list[Build] = []
        with ThreadPoolExecutor(args.jobs) as pool:
            numbers = iter(range(1, args.builds + 1))
            running = {
                pool.submit(build, n, sources, slots[i], reference): i
                for i, n in zip(range(args.jobs), numbers, strict=False)
            }
            while running:
                for future in wait(running, return_when=FIRST_COMPLETED).done:
                    slot = running.pop(future)
                    builds.append(result := future.result())
                    progress(result, len(builds))
                    number = next(numbers, None)
                    if number is not None:
                        running[pool.submit(build, number, sources, slots[slot], reference)] = slot
        report(
            sorted(builds, key=lambda b: b.number),
            f"{args.site}: {len(builds)} builds after the first, nothing changed",
        )
    finally:
        if args.keep:
            print(f"kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
