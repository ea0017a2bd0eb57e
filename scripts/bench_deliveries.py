"""Deliveries benchmark (figures, not a test): the whole programme plus N deliveries over C
centres, against the same site without deliveries.

For each size it copies modules/, handbook/, docs/ and mkdocs.yml into two temporary folders,
adds the centres and deliveries to one, and builds each with `build_site` (as `opencpd build`:
strict, Pagefind, offline zips; each build in a fresh child process). The first build of the
site without deliveries makes the session packs and slide decks; its `.cache/` is copied to the
other site, so that both build from a kept cache, as CI does. Then the two are built in turn,
`--rounds` times, and each is shown by its median round (the machine is shared): first with no
site before them, as on a CI runner, then each after an earlier build, whose site is kept as the
spare the next build takes unchanged files from (core/recycled.py), as on a coordinator's machine.

The packs of the confirmed deliveries in the coming weeks are made once and then kept in the
cache like the other packs; in the rounds they are found in the cache (what a later build does),
and what a first build adds is printed apart: how many are due, what finding them in the cache
costs, and the time to make both packs of one delivery from an empty cache.

A site a build with no site before it replaces is moved aside, not deleted: on a file system
with no journal (this machine's ext4), making a file passes over every inode freed in the last
minute or more (the kernel's `recently_deleted`), so deleting the 10,000 files of a site just
before a build made each file that build made cost up to 0.9 ms of the kernel's time, a cost a
CI runner, which starts with no site, does not pay. They are deleted at the end.

Each build starts after what the one before it wrote has gone to the disk (`sync`). It prints
the build times, the extra time in per cent (goal: under 5%), the CPU time the builds took (the
kernel's apart), the largest page (goal: none over 60 KB), the number of calendar pages, and
the load average.

    python scripts/bench_deliveries.py --sizes 300:30,3000:300
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REGIONS = [
    "north-east",
    "north-west",
    "yorkshire-humber",
    "east-midlands",
    "west-midlands",
    "east-of-england",
    "london",
    "south-east",
    "south-west",
]
BUILD_DAY = "1799582400"  # 10 January 2027


def copy_content(target: Path) -> None:
    for name in ("modules", "handbook", "docs"):
        shutil.copytree(REPO / name, target / name, symlinks=True)
    shutil.copy2(REPO / "mkdocs.yml", target / "mkdocs.yml")


def add_deliveries(target: Path, deliveries: int, centres: int, seed: int = 16) -> None:
    rng = random.Random(seed)
    modules = sorted(
        p.name
        for p in (REPO / "modules").iterdir()
        if (p / "module.md").is_file()
        and "status: draft" not in (p / "module.md").read_text(encoding="utf-8")
    )
    (target / "centres").mkdir()
    (target / "deliveries").mkdir()
    for c in range(centres):
        (target / "centres" / f"centre-{c}.md").write_text(
            f"---\nname: Centre {c}\ntown: Town {c}\nregion: {REGIONS[c % len(REGIONS)]}\n"
            f"contact: bookings@centre-{c}.org.uk\n---\nParking behind the hall.\n",
            encoding="utf-8",
        )
    first = dt.date(2026, 9, 7)  # a school year of 40 weeks: about half held, half to come
    for n in range(deliveries):
        day = first + dt.timedelta(days=7 * (n * 40 // deliveries) + rng.randrange(5))
        status = "held" if day < dt.date(2027, 1, 10) else rng.choice(["planned", "confirmed"])
        (target / "deliveries" / f"d-{n}.md").write_text(
            f"---\nmodule: {rng.choice(modules)}\ncentre: centre-{n % centres}\n"
            f'date: {day.isoformat()}\nstart: "16:00"\nplaces: {rng.randrange(12, 40)}\n'
            f"status: {status}\nlanguages: [fr]\nannounced: 2026-09-01\n---\n"
            "Bring a lesson you have taught this term.\n",
            encoding="utf-8",
        )


# The build's time, and the CPU time it took in all (its own and its helpers', Pagefind's):
# this shared machine's speed varies from minute to minute, its kernel's most of all.
CHILD = """
import json, resource, sys, time
from pathlib import Path
from opencpd.adapters.site import build_site
used = lambda: [sum(getattr(resource.getrusage(w), f) for w in (resource.RUSAGE_SELF,
    resource.RUSAGE_CHILDREN)) for f in ("ru_utime", "ru_stime")]
before, start = used(), time.perf_counter()
build_site(sys.argv[1], Path(sys.argv[2]))
seconds, after = time.perf_counter() - start, used()
print(json.dumps({"seconds": seconds, "user": after[0] - before[0], "system": after[1] - before[1]}))
"""

# What a build after the first spends on the due deliveries' packs: hashing their sources to
# find each in the cache (core/packs/spec.py content_hash).
DUE = """
import json, sys, time
from pathlib import Path
from opencpd.core.load import load_catalog
from opencpd.core.vocabulary import load_vocabulary
from opencpd.core.packs import PackOptions, content_hash
from opencpd.core.packs.delivery import due_packs
catalog = load_catalog(Path(sys.argv[1]), load_vocabulary())
options = PackOptions(site_url="https://opencpd.example.org/")
start = time.perf_counter()
packs = due_packs(catalog)
keys = [content_hash(p, catalog, options) for p in packs]
print(json.dumps({"seconds": time.perf_counter() - start, "packs": len(keys)}))
"""

PACKS = """
import json, sys, time
from pathlib import Path
from opencpd.core.load import load_catalog
from opencpd.core.vocabulary import load_vocabulary
from opencpd.core.deliveries import upcoming
from opencpd.core.packs import PackCache, PackJob, PackOptions, content_hash, generate
from opencpd.core.packs.delivery import packs_for
catalog = load_catalog(Path(sys.argv[1]), load_vocabulary())
delivery = upcoming(catalog)[0]
options = PackOptions(site_url="https://cpd.bench-hub.org.uk/")
cache = PackCache(Path(sys.argv[1]) / ".bench-packs")
start = time.perf_counter()
jobs = [PackJob(p, content_hash(p, catalog, options), "pending") for p in packs_for(catalog, delivery)]
generate(jobs, catalog, options, cache, workers=1)
print(json.dumps({"seconds": time.perf_counter() - start,
                  "pages": [j.result.pages for j in jobs if j.result]}))
"""


def run(code: str, *args: str) -> dict:
    # What the last build wrote goes to the disk first, untimed, or the next build may pay for
    # it: in a run of 11 rounds at 3,000 deliveries, the builds after an earlier one took 0.89 s
    # of the kernel's time (0.52 s in a run of 5), with a third more wall time.
    os.sync()
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_DAY}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env
    )
    if done.returncode:
        sys.exit(f"{' '.join(args)}: the child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def largest_page(site: Path) -> tuple[int, str]:
    return max((p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob("*.html"))


NO_DUE_PACKS = CHILD.replace(
    "start = time",
    "import opencpd.core.packs.delivery as d; d.due_packs = lambda c: []\nstart = time",
)


def bench(deliveries: int, centres: int, work: Path, rounds: int) -> None:
    plain, with_them = work / f"plain-{deliveries}", work / f"deliveries-{deliveries}"
    for folder in (plain, with_them):
        copy_content(folder)
    add_deliveries(with_them, deliveries, centres)
    first = run(CHILD, str(plain / "mkdocs.yml"), str(plain / "site"))["seconds"]
    shutil.copytree(plain / ".cache", with_them / ".cache")

    aside = work / "aside"  # the sites builds with no site before them replaced

    def build(folder: Path, code: str, afresh: bool) -> dict[str, float]:
        if afresh:  # no site before it, and so no spare: moved aside, deleted at the end
            for name in ("site", ".site-spare"):
                if (folder / name).exists():
                    aside.mkdir(exist_ok=True)
                    (folder / name).rename(aside / f"{len(list(aside.iterdir()))}")
        return run(code, str(folder / "mkdocs.yml"), str(folder / "site"))

    fresh: tuple[list[dict], list[dict]] = ([], [])
    for _ in range(rounds):
        fresh[0].append(build(plain, CHILD, afresh=True))
        fresh[1].append(build(with_them, NO_DUE_PACKS, afresh=True))
    for folder, code in ((plain, CHILD), (with_them, NO_DUE_PACKS)):
        build(folder, code, afresh=False)  # a site to replace, which becomes the spare
    later: tuple[list[dict], list[dict]] = ([], [])
    for _ in range(rounds):
        later[0].append(build(plain, CHILD, afresh=False))
        later[1].append(build(with_them, NO_DUE_PACKS, afresh=False))
    plain_size = largest_page(plain / "site")
    size, page = largest_page(with_them / "site")
    calendar = len(list((with_them / "site" / "calendar").rglob("index.html")))
    ours_size = max(
        (p.stat().st_size, p.relative_to(with_them / "site").as_posix())
        for folder in ("calendar", "deliveries", "centres")
        for p in (with_them / "site" / folder).rglob("*.html")
    )
    pages = [len(list(f.rglob("*.html"))) for f in (plain / "site", with_them / "site")]
    due = run(DUE, str(with_them))
    packs = run(PACKS, str(with_them))
    print(
        f"{deliveries} deliveries over {centres} centres ({pages[1]} HTML pages against "
        f"{pages[0]}): build after an earlier one {compared(*later)}; with no site before it "
        f"{compared(*fresh)}; "
        f"the first build without deliveries, making packs and decks, took {first:.1f} s; "
        f"largest page {size / 1024:.1f} KB ({page}; "
        f"without deliveries {plain_size[0] / 1024:.1f} KB; the largest calendar, delivery or "
        f"centre page {ours_size[0] / 1024:.1f} KB, {ours_size[1]}); {calendar} calendar pages; "
        f"{due['packs']} delivery packs due, found in the cache in {due['seconds']:.2f} s; "
        f"packs of one delivery made in {packs['seconds']:.1f} s ({packs['pages']} pages); "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}",
        flush=True,
    )


def compared(base: list[dict], ours: list[dict]) -> str:
    """Medians with and without deliveries, the extra in per cent, and each round."""

    def median(runs: list[dict], *keys: str) -> float:
        return statistics.median(sum(run[k] for k in keys) for run in runs)

    b, o = median(base, "seconds"), median(ours, "seconds")
    cb, co = median(base, "user", "system"), median(ours, "user", "system")
    sb, so = median(base, "system"), median(ours, "system")
    rounds = ", ".join(
        f"{x['seconds']:.2f} / {y['seconds']:.2f}" for x, y in zip(ours, base, strict=True)
    )
    # each round's two builds ran one after the other: the median of their ratios is less
    # swayed by a minute of this shared machine being slow than the ratio of the medians
    paired = statistics.median(
        x["seconds"] / y["seconds"] - 1 for x, y in zip(ours, base, strict=True)
    )
    return (
        f"{o:.2f} s against {b:.2f} s without ({(o / b - 1) * 100:+.1f}%; the median of each "
        f"round's extra {paired * 100:+.1f}%; CPU time {co:.2f} s "
        f"against {cb:.2f} s, {(co / cb - 1) * 100:+.1f}%, of which the kernel's {so:.2f} s "
        f"against {sb:.2f} s; rounds, with / without: {rounds})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="300:30,3000:300", help="deliveries:centres, comma-separated"
    )
    parser.add_argument("--rounds", type=int, default=2, help="builds of each site, in turn")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="opencpd-bench-deliveries-") as folder:
        for size in args.sizes.split(","):
            deliveries, centres = (int(x) for x in size.split(":"))
            bench(deliveries, centres, Path(folder), args.rounds)


if __name__ == "__main__":
    main()
