"""Scale benchmark: the whole programme plus N synthetic teachers' resources.

For each N it copies the real modules/, handbook/, docs/ and mkdocs.yml into a temporary folder,
adds N resources spread over the modules (300 to 800 words each, with a table, an admonition
and a small PDF), and measures, each in a fresh child process, ours once from an empty cache,
then ours and the floor in turn for several rounds (`--rounds`), reporting each by its median
round, since the load of a shared machine drifts over minutes:

- ours: `build_site` (what `opencpd build` runs: strict MkDocs build with our plugins, then every
  post-build step as configured: offline zips, Pagefind, packs), with a breakdown per step;
- floor: plain MkDocs + Material building the same Markdown with our plugins off: the pages our
  Renderer generates, dumped into a docs folder, with an explicit nav equal to ours, the same
  theme and Markdown extensions, and Material's stock `search` plugin (what a plain Material site
  has). `--bare-floor` also measures it with no plugin at all.

Peak memory is the largest sum of the proportional memory (PSS) of the child and of every
process under it (Pagefind indexes while MkDocs builds, and a forked helper builds half the
pages, so all count; what a helper shares with the build counts once), read from /proc at most
once a second (see PeakMemory), and never less than the child's own ru_maxrss. CPU time is user + system time of the
child and its children.

    python scripts/bench_scale.py --sizes 1000,5000,10000 --write scripts/performance.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ("mkdocs.yml", "docs", "modules", "handbook")
START, END = "<!-- bench_scale:start -->", "<!-- bench_scale:end -->"
GOALS = {"ratio": 1.15, "growth": 11.0, "largest_kb": 60.0, "memory_mb": 2048.0}

# A small valid one-page PDF: what a teacher's worksheet attachment looks like to the build.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 60>>stream\nBT /F1 18 Tf 72 760 Td (Worksheet: les animaux) Tj ET\n"
    b"endstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

TOPICS = [
    "animals",
    "colours",
    "numbers to twenty",
    "the weather",
    "family",
    "food and drink",
    "the classroom",
    "hobbies",
    "the town",
    "school subjects",
    "clothes",
    "daily routine",
    "holidays",
    "the body",
    "telling the time",
    "festivals",
]
SENTENCES = [
    "I introduce the new words with actions first, then with the written form on the board.",
    "The class repeats each word in a whisper, a normal voice and a loud voice.",
    "Pairs test each other with the picture cards before the mini whiteboard quiz.",
    "We listen to the sounds first and only then look at how they are spelt.",
    "The sentence builder lets everyone say something true about themselves.",
    "I model the structure twice and then step back so that the pairs take over.",
    "A short retrieval quiz at the start of the lesson brings back last week's words.",
    "Most of the class could use the verb in the first and third person by the end.",
    "It works well as a starter, and the last activity makes a good homework task.",
    "Colleagues in our cluster adapted it for Year 3 by cutting the written part.",
    "The phonics focus is the silent final consonant, which the class found hard at first.",
    "We keep the target language going by using gestures for every instruction.",
    "The game rewards careful listening rather than speed, which the quieter ones liked.",
    "I built in a moment for the class to notice the word order in the model sentences.",
    "The worksheet has three levels, so that everyone starts with some success.",
    "Feedback is given live with a visualiser, and the class corrects one example together.",
    "We finish with a short writing task that reuses the structures from the speaking game.",
    "The song gives the rhythm of the phrase, and the class remembers it weeks later.",
    "A display of the key phrases stays up for the rest of the half term.",
    "Time it carefully: the whole sequence takes about forty minutes with a mixed class.",
]
HEADINGS = [
    "Why I made it",
    "How I use it in class",
    "What the class thought",
    "Adapting it",
    "Links with the module",
]
REGIONS = [
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
]
CONTRIBUTORS = [
    "Alex Morgan",
    "Sam Patel",
    "Jo Williams",
    "Chris Evans",
    "Priya Shah",
    "Tom Baker",
    "Nadia Hussain",
    "Rosa Lopez",
    "Ewan Fraser",
    "Megan Jones",
]
TYPES = [
    "lesson-plan",
    "worksheet",
    "slides",
    "game",
    "song-rhyme",
    "assessment",
    "scheme-of-work",
    "case-study",
]
LICENCES = ["CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-SA-4.0"]
YEARS = {"KS2": [3, 4, 5, 6], "KS3": [7, 8, 9], "KS2-3": [6, 7], "all": [5, 6, 7]}
WORDS = {
    "fr": ["le chat", "le chien", "la pomme", "rouge", "bleu", "il pleut"],
    "de": ["die Katze", "der Hund", "der Apfel", "rot", "blau", "es regnet"],
    "es": ["el gato", "el perro", "la manzana", "rojo", "azul", "llueve"],
}


# --- the synthetic programme -------------------------------------------------------------------


def copy_content(target: Path) -> None:
    target.mkdir(parents=True)
    for name in CONTENT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)


def module_facts(folder: Path) -> dict[str, Any]:
    import yaml

    text = (folder / "module.md").read_text("utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def paragraph(rng: random.Random, words: int) -> str:
    out: list[str] = []
    while sum(len(s.split()) for s in out) < words:
        out.append(rng.choice(SENTENCES))
    return " ".join(out)


def resource_markdown(rng: random.Random, number: int, module: dict[str, Any]) -> str:
    topic = rng.choice(TOPICS)
    languages = module["languages"][: rng.randint(1, len(module["languages"]))]
    key_stage = module["key_stage"]
    meta = {
        "title": f"{topic.capitalize()}: a sequence for {key_stage} (number {number})",
        "summary": f"Activities, a worksheet and a game on {topic}, tried in class and "
        "adapted for mixed groups.",
        "contributor": {
            "name": rng.choice(CONTRIBUTORS),
            "school": "Example Community School",
            "region": rng.choice(REGIONS),
        },
        "consent": True,
        "no_pupil_data": True,
        "key_stage": key_stage,
        "year_groups": YEARS.get(key_stage, [7]),
        "languages": languages,
        "themes": module["themes"][:2],
        "type": TYPES[number % len(TYPES)],
        "licence": LICENCES[number % len(LICENCES)],
        "submitted": dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(1000)),
        "status": "approved",
        "files": [{"path": "worksheet.pdf", "title": f"Worksheet on {topic} (PDF)"}],
    }
    budget = rng.randint(300, 800) - 60  # the table and admonition carry about 60 words
    sections = rng.sample(HEADINGS, 3)
    language = languages[0]
    rows = "\n".join(
        f"| {i + 1} | {w} | {rng.choice(['pairs', 'groups', 'whole class'])} "
        f"| {rng.choice(['5', '10', '15'])} minutes |"
        for i, w in enumerate(rng.sample(WORDS.get(language, WORDS["fr"]), 4))
    )
    body = [
        f"## {sections[0]}",
        "",
        paragraph(rng, budget // 3),
        "",
        "| Step | Language | Grouping | Time |",
        "|---|---|---|---|",
        rows,
        "",
        f"## {sections[1]}",
        "",
        paragraph(rng, budget // 3),
        "",
        '!!! tip "Try this"',
        "",
        "    " + paragraph(rng, 25),
        "",
        f"## {sections[2]}",
        "",
        paragraph(rng, budget - 2 * (budget // 3)),
        "",
    ]
    import yaml

    return (
        "---\n"
        + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
        + "---\n"
        + "\n".join(body)
    )


def make_programme(target: Path, n: int, seed: int = 8) -> int:
    """Copy the programme into `target` and add `n` resources; return the resources' words."""
    copy_content(target)
    rng = random.Random(seed)
    modules = sorted(p for p in (target / "modules").iterdir() if (p / "module.md").is_file())
    facts = [module_facts(m) for m in modules]
    words = 0
    for number in range(n):
        index = number % len(modules)
        folder = modules[index] / "resources" / f"bench-{number:05d}"
        folder.mkdir(parents=True)
        text = resource_markdown(rng, number, facts[index])
        words += len(text.split("---\n", 2)[2].split())
        (folder / "index.md").write_text(text, "utf-8")
        (folder / "worksheet.pdf").write_bytes(PDF)
    return words


# --- measuring a child process -----------------------------------------------------------------


@dataclass
class Run:
    wall: float
    cpu: float
    memory_mb: float
    output: str = ""
    steps: dict[str, list[float]] = field(default_factory=dict)  # phase -> [wall, CPU]


def process_tree(pid: int) -> tuple[list[int], int]:
    """`pid` and every process under it, and the sum of their resident memory in kB (Linux
    /proc: cheap to read)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line
            )
        except OSError:
            continue  # the process ended meanwhile
        number = int(status.parent.name)
        children.setdefault(int(fields.get("PPid", "0")), []).append(number)
        rss[number] = int(fields.get("VmRSS", "0 kB").split()[0])
    tree, todo = [], [pid]
    while todo:
        tree.append(todo.pop())
        todo += children.get(tree[-1], [])
    return tree, sum(rss.get(number, 0) for number in tree)


def proportional_kb(pid: int) -> int:
    """The process's proportional set size: memory it shares with another counts half. Costly
    to read for a big process (the kernel walks its page tables)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class PeakMemory:
    """The largest sum of the proportional memory of a process tree, in MB. Resident sizes are
    read every 0.2 s; proportional ones at most once a second and only when the resident sum
    (never less than the proportional sum) is above the peak so far, so that measuring costs the
    build little CPU."""

    def __init__(self) -> None:
        self.peak_mb, self.last = 0.0, 0.0

    def sample(self, pid: int) -> None:
        tree, resident = process_tree(pid)
        if resident / 1024 <= self.peak_mb or time.perf_counter() - self.last < 1.0:
            return
        self.last = time.perf_counter()
        self.peak_mb = max(self.peak_mb, sum(proportional_kb(n) for n in tree) / 1024)


def measure(command: list[str], cwd: Path) -> Run:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}
    peak = PeakMemory()
    with tempfile.TemporaryFile("w+") as log:
        start = time.perf_counter()
        child = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.2):
                peak.sample(child.pid)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode}):\n{output[-3000:]}")
    steps = {}
    for line in output.splitlines():
        if line.startswith("STEPS "):
            steps = json.loads(line.removeprefix("STEPS "))
    memory = max(peak.peak_mb, usage.ru_maxrss / 1024)
    return Run(wall, usage.ru_utime + usage.ru_stime, memory, output, steps)


def clocks() -> tuple[float, float]:
    """Wall time, and CPU time of this process and of the children it has waited for."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter(), time.process_time() + children.ru_utime + children.ru_stime


def child_ours(config_file: str, site_dir: str) -> None:
    """In the child: build_site, timing our plugin, the packs, each post-build step and the
    search index's last pages and writing. The CPU time of a process under the build (the helper
    building half the pages, Pagefind) counts in the phase in which it ends."""
    from opencpd.adapters import plugin, site
    from opencpd.adapters.site import POST_BUILD_STEPS, build_site

    timings: dict[str, list[float]] = {}

    def timed(function: Any, name: str | None = None) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            start = clocks()
            try:
                return function(*args, **kwargs)
            finally:
                spent = timings.setdefault(name or function.__name__, [0.0, 0.0])
                for i, (now, then) in enumerate(zip(clocks(), start, strict=False)):
                    spent[i] += now - then

        return run

    # Our plugin's share of the MkDocs build: the Catalog and its pages, and the packs in it.
    if hasattr(plugin, "make_packs"):
        plugin.make_packs = timed(plugin.make_packs, "packs")  # type: ignore[attr-defined]
    plugin.OpenCPDPlugin.on_config = timed(plugin.OpenCPDPlugin.on_config, "our plugin")
    site.finish_indexing = timed(site.finish_indexing, "search index, after MkDocs")
    start = clocks()
    build_site(config_file, Path(site_dir), steps=[timed(s) for s in POST_BUILD_STEPS])
    total = [now - then for now, then in zip(clocks(), start, strict=False)]
    packs = timings.get("packs", [0.0, 0.0])
    timings["our plugin"] = [a - b for a, b in zip(timings["our plugin"], packs, strict=False)]
    rest = [t - sum(v[i] for v in timings.values()) for i, t in enumerate(total)]
    print("STEPS " + json.dumps({"MkDocs + Material": rest, **timings, "total": total}))


def child_dump(config_file: str, floor: str, plugins: str) -> None:
    """In the child: the Markdown our plugin generates, as a plain MkDocs project in `floor`."""
    import yaml
    from mkdocs.config import load_config

    source = Path(config_file).parent
    target = Path(floor)
    shutil.copytree(source / "docs", target / "docs")
    config = load_config(config_file)
    plugin = config.plugins["opencpd"]
    plugin.on_config(config)  # loads the Catalog and renders the pages, as in a build
    for uri, content in plugin.pages.items():
        path = target / "docs" / uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, "utf-8")
    for uri, attachment in plugin.attachments.items():
        path = target / "docs" / (uri + ".txt" if uri.endswith(".md") else uri)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(attachment, str):
            path.write_text(attachment, "utf-8")
        else:
            shutil.copyfile(attachment, path)
    settings = yaml.safe_load((source / "mkdocs.yml").read_text("utf-8"))
    settings["nav"] = config.nav
    settings["plugins"] = [p for p in plugins.split(",") if p]
    (target / "mkdocs.yml").write_text(yaml.safe_dump(settings, sort_keys=False), "utf-8")


# --- one size ----------------------------------------------------------------------------------


@dataclass
class Result:
    n: int
    words: int
    pages: int
    cold: Run  # packs made from an empty cache, as on CI today
    ours: Run  # the round with the median wall time: packs and the rest from the cache
    floor: Run  # the round with the median wall time
    bare: Run | None
    largest_kb: float
    largest_page: str
    largest_listing_kb: float
    site_mb: float
    ours_walls: list[float] = field(default_factory=list)  # every round, in order
    floor_walls: list[float] = field(default_factory=list)

    def ratio(self, run: Run | None = None, cpu: bool = False) -> float:
        run = run or self.ours
        return run.cpu / self.floor.cpu if cpu else run.wall / self.floor.wall

    def round_ratios(self) -> list[float]:
        """Ours over the floor built just after it, round by round."""
        return [a / b for a, b in zip(self.ours_walls, self.floor_walls, strict=False)]


def median_run(runs: list[Run]) -> Run:
    return sorted(runs, key=lambda run: run.wall)[(len(runs) - 1) // 2]


def site_figures(site: Path) -> tuple[int, float, str, float, float]:
    """Pages, the largest page (KB and path), the largest page listing resources, size (MB)."""
    pages = {p: p.stat().st_size for p in site.rglob("*.html")}
    largest = max(pages, key=pages.__getitem__)
    listings = [
        size
        for p, size in pages.items()
        if p.parent.parent.name == "resources"
        or p.parent.name == "resources"
        or p.parent.parent == site / "modules"
    ]
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return (
        len(pages),
        pages[largest] / 1024,
        largest.relative_to(site).as_posix(),
        max(listings) / 1024,
        total / 1024 / 1024,
    )


def show(n: int, name: str, run: Run) -> None:
    steps = ", ".join(f"{k} {v[0]:.1f}/{v[1]:.1f}" for k, v in run.steps.items())
    print(
        f"[{n}] {name}: {run.wall:.1f} s wall, {run.cpu:.1f} s CPU, {run.memory_mb:.0f} MB"
        + (f"; wall/CPU s: {steps}" if steps else ""),
        flush=True,
    )


def bench(n: int, work: Path, bare: bool, rounds: int) -> Result:
    """Build ours from an empty cache once, then ours and the floor in turn, `rounds` times:
    the machine's load drifts over minutes, and both see the same drift."""
    python = sys.executable
    source = work / f"programme-{n}"
    print(f"[{n}] generating {n} resources in {source}", flush=True)
    words = make_programme(source, n)
    site = work / f"site-{n}"
    ours_command = [python, __file__, "_ours", str(source / "mkdocs.yml"), str(site)]
    cold = measure(ours_command, source)
    show(n, "ours, empty cache", cold)
    floors = {}
    for name, plugins in [("floor", "search")] + ([("bare", "")] if bare else []):
        floors[name] = work / f"{name}-{n}"
        subprocess.run(
            [python, __file__, "_dump", str(source / "mkdocs.yml"), str(floors[name]), plugins],
            check=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
    edited = next((source / "modules").glob("*/resources/bench-00000/index.md"))
    runs: dict[str, list[Run]] = {name: [] for name in ("ours", *floors)}
    for number in range(1, rounds + 1):
        # As in every pull request, one resource has changed since the last build: the search
        # index is made again, the packs come from .cache/packs.
        edited.write_text(edited.read_text("utf-8") + "\nEdited between two builds.\n", "utf-8")
        runs["ours"].append(measure(ours_command, source))
        show(n, f"ours, round {number}", runs["ours"][-1])
        for name, floor in floors.items():
            shutil.rmtree(floor / "site", ignore_errors=True)
            runs[name].append(
                measure(
                    [
                        python,
                        "-m",
                        "mkdocs",
                        "build",
                        "-q",
                        "-f",
                        str(floor / "mkdocs.yml"),
                        "-d",
                        str(floor / "site"),
                    ],
                    floor,
                )
            )
            show(n, f"{name}, round {number}", runs[name][-1])
    figures = site_figures(site)
    for folder in (site, source, *floors.values()):
        shutil.rmtree(folder)
    ours = median_run(runs["ours"])
    ours.memory_mb = max(run.memory_mb for run in runs["ours"])
    return Result(
        n,
        words,
        figures[0],
        cold,
        ours,
        median_run(runs["floor"]),
        median_run(runs["bare"]) if bare else None,
        figures[1],
        figures[2],
        figures[3],
        figures[4],
        [r.wall for r in runs["ours"]],
        [r.wall for r in runs["floor"]],
    )


# --- report ------------------------------------------------------------------------------------


def mark(ok: bool) -> str:
    return "yes" if ok else "**no**"


def report(results: list[Result], command: str) -> str:
    load = os.getloadavg()
    first, last = results[0], results[-1]
    lines = [
        "## Scale",
        "",
        (
            f"The whole programme plus N synthetic teachers' resources (300 to 800 words, a table, "
            f"an admonition and a PDF each), built on {os.cpu_count()} CPUs shared with other work "
            f"(load average {load[0]:.1f} at the end), Python {sys.version.split()[0]}. *Ours* is "
            "`opencpd build`: the strict MkDocs build with our plugins, Pagefind indexing each page "
            "as it is written (in its own process, so on the second CPU), then the offline zips "
            "while Pagefind writes its files. It is measured after one resource was edited, with "
            "what the previous build kept in `.cache/` (session packs, offline zips, teachers' "
            "texts rendered), as on CI, whose workflows keep `.cache/`; *empty cache* is the "
            "first build, making every pack and zip. The *floor* is plain MkDocs + Material "
            "building the same Markdown (dumped from our Renderer) with an explicit nav equal to "
            "ours, the same theme and Markdown extensions, our plugins off and Material's stock "
            "search plugin on. Ours and the floor are built in turn, several rounds, and each is "
            "shown by its median round, so that both see the same drift in the machine's load. "
            "Seconds of wall-clock time (how long a build takes: the goal), then "
            "CPU time (the process and every process under it: the helper building half the "
            "pages, Pagefind, pack workers), which counts the work done on the second CPU. Peak "
            "memory is the largest sum of the proportional memory (PSS) of the build and every "
            "process under it, so that what a forked helper shares with the build counts once."
        ),
        "",
        (
            "| resources | pages | ours | ours, empty cache | floor | ours / floor "
            "| peak memory | largest page | largest page listing resources | site size |"
        ),
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.n:,} | {r.pages:,} | {r.ours.wall:.1f} / {r.ours.cpu:.1f} "
            f"| {r.cold.wall:.1f} / {r.cold.cpu:.1f} | {r.floor.wall:.1f} / {r.floor.cpu:.1f} "
            f"| {r.ratio():.2f} / {r.ratio(cpu=True):.2f} "
            f"| {max(r.ours.memory_mb, r.cold.memory_mb):,.0f} MB | {r.largest_kb:.1f} KB "
            f"| {r.largest_listing_kb:.1f} KB | {r.site_mb:,.0f} MB |"
        )
    if any(r.ours_walls for r in results):
        lines += [
            "",
            "Every round, wall-clock seconds (ours / floor): "
            + "; ".join(
                f"{r.n:,}: "
                + ", ".join(
                    f"{a:.1f} / {b:.1f}" for a, b in zip(r.ours_walls, r.floor_walls, strict=False)
                )
                for r in results
                if r.ours_walls
            )
            + ".",
        ]
    phases = [k for k in first.cold.steps if k != "total"]
    lines += [
        "",
        "Where the time goes (wall / CPU seconds):",
        "",
        "| build | " + " | ".join(phases) + " |",
        "|---|" + "---:|" * len(phases),
    ]
    for r in results:
        for label, run in ((f"{r.n:,}, empty cache", r.cold), (f"{r.n:,}", r.ours)):
            lines.append(
                f"| {label} | "
                + " | ".join("{:.1f} / {:.1f}".format(*run.steps.get(k, [0, 0])) for k in phases)
                + " |"
            )
    if any(r.bare for r in results):
        lines += [
            "",
            "Plain MkDocs + Material with no plugin at all (no search index), "
            "wall / CPU seconds: "
            + ", ".join(f"{r.n:,}: {r.bare.wall:.1f} / {r.bare.cpu:.1f}" for r in results if r.bare)
            + ".",
        ]
    growth = [last.ours.wall / first.ours.wall, last.ours.cpu / first.ours.cpu]
    allowed = GOALS["growth"] * last.n / first.n / 10
    lines += [
        "",
        "| goal | measured (wall / CPU) | met |",
        "|---|---|---|",
        f"| ours within {GOALS['ratio']} x of the floor at every N (wall clock, medians) | "
        + ", ".join(f"{r.ratio():.2f} / {r.ratio(cpu=True):.2f}" for r in results)
        + f" | {mark(all(r.ratio() <= GOALS['ratio'] for r in results))} |",
        "| the same, round by round (wall clock; ours over the floor built just after it) | "
        + "; ".join(
            f"{r.n:,}: " + ", ".join(f"{x:.2f}" for x in r.round_ratios())
            for r in results
            if r.round_ratios()
        )
        + f" | {mark(all(x <= GOALS['ratio'] for r in results for x in r.round_ratios()))}"
        " in every round |",
        "| for information: the first build, from an empty cache, which also makes the 29 PDF "
        "session packs (the floor makes none) | "
        + ", ".join(f"{r.ratio(r.cold):.2f} / {r.ratio(r.cold, True):.2f}" for r in results)
        + " | not a goal |",
        (
            f"| linear: {last.n:,} within {allowed:.0f} x of {first.n:,} "
            f"| {growth[0]:.1f} x / {growth[1]:.1f} x (floor {last.floor.wall / first.floor.wall:.1f}"
            f" x / {last.floor.cpu / first.floor.cpu:.1f} x) "
            f"| {mark(max(growth) <= allowed)} |"
        ),
        (
            f"| largest page under {GOALS['largest_kb']:.0f} KB at {last.n:,} "
            f"| {last.largest_kb:.1f} KB (`{last.largest_page}`); largest page listing resources "
            f"{last.largest_listing_kb:.1f} KB | {mark(last.largest_kb < GOALS['largest_kb'])} |"
        ),
        (
            f"| peak memory under 2 GB at {last.n:,} "
            f"| {max(last.ours.memory_mb, last.cold.memory_mb):,.0f} MB "
            f"| {mark(max(last.ours.memory_mb, last.cold.memory_mb) < GOALS['memory_mb'])} |"
        ),
        "",
        "Reproduce with:",
        "",
        "```sh",
        command,
        "```",
    ]
    return "\n".join(lines) + "\n"


def write_section(path: Path, text: str, start: str = START, end: str = END) -> None:
    """Put the section between its markers, replacing an earlier run and nothing else."""
    block = f"{start}\n{text}{end}\n"
    old = path.read_text("utf-8") if path.exists() else "# Performance\n"
    if start in old and end in old:
        head, rest = old.split(start, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        new = head + block + ("\n" + after if after else "")  # a blank line: Markdown again
    else:
        new = old.rstrip("\n") + "\n\n" + block
    path.write_text(new, "utf-8")


def load_result(saved: dict[str, Any]) -> Result:
    runs = {k: Run(**saved[k]) if saved.get(k) else None for k in ("cold", "ours", "floor", "bare")}
    return Result(**{**saved, **runs})


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_ours":
        return child_ours(*sys.argv[2:4])
    if len(sys.argv) > 1 and sys.argv[1] == "_dump":
        return child_dump(*sys.argv[2:5])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000,5000,10000",
        help="comma-separated numbers of resources (default: %(default)s)",
    )
    parser.add_argument("--write", type=Path, help="put the results in this Markdown page")
    parser.add_argument(
        "--bare-floor", action="store_true", help="also build the floor with no plugin at all"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="builds of ours and of the floor, in turn (default: %(default)s)",
    )
    parser.add_argument("--json", type=Path, help="also save the raw figures as JSON")
    parser.add_argument(
        "--from-json",
        type=Path,
        help="write the report from figures saved with --json, building nothing",
    )
    args = parser.parse_args()
    if args.from_json:
        results = [load_result(r) for r in json.loads(args.from_json.read_text("utf-8"))]
        command = (
            "python scripts/bench_scale.py --sizes "
            + ",".join(str(r.n) for r in results)
            + (f" --write {args.write}" if args.write else "")
        )
        text = report(results, command)
        print(text)
        if args.write:
            write_section(args.write, text)
        return
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    command = (
        "python scripts/bench_scale.py --sizes "
        + ",".join(map(str, sizes))
        + (f" --rounds {args.rounds}" if args.rounds != 3 else "")
        + (" --bare-floor" if args.bare_floor else "")
        + (f" --write {args.write}" if args.write else "")
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="opencpd-bench-") as work:
        for n in sizes:
            results.append(bench(n, Path(work), args.bare_floor, args.rounds))
            if args.json:
                args.json.write_text(json.dumps([asdict(r) for r in results], indent=1))
    text = report(results, command)
    print("\n" + text)
    if args.write:
        write_section(args.write, text)
        print(f"written to {args.write}")


if __name__ == "__main__":
    main()
