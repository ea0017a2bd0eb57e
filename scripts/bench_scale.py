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

`--stack material|materialx|both` measures on the chosen stacks (README, "Two stacks"), each
with its own interpreter (`.venv/` or `.venv-alt/`, `OPENCPD_STACK` set in the child), the floor
built by that stack's engine and theme (MkDocs + Material, or ProperDocs + mkdocs-materialx),
and a third build of the same content:

- render + engine + finish: `opencpd render --out R`, a plain `mkdocs build` (`properdocs
  build` on materialx) of R with no OpenCPD plugin, then `opencpd finish SITE --rendered R`
  (README, "Without the plugin"), each step in its own child process, timed as a whole and per
  step.

Its report puts the stacks side by side (section "Two stacks at scale"); without `--stack` the
script measures with the interpreter running it and writes the section "Scale", as before.

Peak memory is the largest sum of the proportional memory (PSS) of the child and of every
process under it (Pagefind indexes while MkDocs builds, and a forked helper builds half the
pages, so all count; what a helper shares with the build counts once), read from /proc at most
once a second (see PeakMemory), and never less than the child's own ru_maxrss. CPU time is user + system time of the
child and its children.

    python scripts/bench_scale.py --sizes 1000,5000,10000 --write scripts/performance.md
    python scripts/bench_scale.py --sizes 1000,5000 --stack both --write scripts/performance.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ("mkdocs.yml", "docs", "modules", "handbook")
START, END = "<!-- bench_scale:start -->", "<!-- bench_scale:end -->"
STACKS_START, STACKS_END = "<!-- bench_scale_stacks:start -->", "<!-- bench_scale_stacks:end -->"
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
    load: float = 0.0  # the machine's load average (1 minute) when the build ended


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


def measure(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0", **(env or {})}
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
    return Run(wall, usage.ru_utime + usage.ru_stime, memory, output, steps, os.getloadavg()[0])


def in_steps(steps: dict[str, Run]) -> Run:
    """Builds run one after another as one build: times add up, the peak is the largest."""
    runs = list(steps.values())
    return Run(
        sum(r.wall for r in runs),
        sum(r.cpu for r in runs),
        max(r.memory_mb for r in runs),
        "".join(r.output for r in runs),
        {name: [r.wall, r.cpu] for name, r in steps.items()},
        runs[-1].load,
    )


# --- the stacks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stack:
    """An engine and theme, with the interpreter that has them (README, "Two stacks")."""

    name: str  # OPENCPD_STACK, which mkdocs.yml reads for the theme's name
    python: str
    engine: str  # the engine's command and module: mkdocs or properdocs
    packages: tuple[str, ...]  # named, with their versions, in the report

    @property
    def env(self) -> dict[str, str]:
        return {"OPENCPD_STACK": self.name}

    def command(self, name: str) -> str:
        """A console script installed beside the interpreter (opencpd)."""
        return str(Path(self.python).parent / name)

    def versions(self) -> str:
        code = (
            "import sys, importlib.metadata as m; "
            "print(', '.join(f'{p} {m.version(p)}' for p in sys.argv[1:]))"
        )
        done = subprocess.run(
            [self.python, "-c", code, *self.packages], capture_output=True, text=True, check=True
        )
        return done.stdout.strip()


STACKS = {
    "material": Stack(
        "material", str(ROOT / ".venv/bin/python"), "mkdocs", ("mkdocs", "mkdocs-material")
    ),
    "materialx": Stack(
        "materialx",
        str(ROOT / ".venv-alt/bin/python"),
        "properdocs",
        ("properdocs", "mkdocs-materialx"),
    ),
}
# Without --stack: the interpreter running this script, with the stack it was given.
CURRENT = Stack(os.environ.get("OPENCPD_STACK", "material"), sys.executable, "mkdocs", ())


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
    from mkdocs.utils.yaml import yaml_load
    from opencpd.adapters.packaged import ASSETS, THEME

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
    with open(source / "mkdocs.yml", encoding="utf-8") as file:
        settings = yaml_load(file)  # with !ENV read, as MkDocs reads it
    settings["theme"]["name"] = config.theme.name  # material or materialx: OPENCPD_STACK
    settings["theme"]["custom_dir"] = str(THEME)  # our theme overrides, which the plugin adds
    shutil.copytree(ASSETS, target / "docs" / "assets", dirs_exist_ok=True)  # and our scripts
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
    # With --stack: the stack, its packages, render + engine + finish (the round with the median
    # wall time, each step in its `steps`), every round, and each build's site: pages, the
    # largest page's KB and path, by build ("ours", "floor", "render + engine + finish").
    stack: str = ""
    versions: str = ""
    neutral: Run | None = None
    neutral_walls: list[float] = field(default_factory=list)
    sites: dict[str, list[Any]] = field(default_factory=dict)
    loads: list[float] = field(default_factory=list)  # at the end of every build

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


def show(n: int | str, name: str, run: Run) -> None:
    steps = ", ".join(f"{k} {v[0]:.1f}/{v[1]:.1f}" for k, v in run.steps.items())
    print(
        f"[{n}] {name}: {run.wall:.1f} s wall, {run.cpu:.1f} s CPU, {run.memory_mb:.0f} MB"
        + (f"; wall/CPU s: {steps}" if steps else ""),
        flush=True,
    )


def bench(n: int, work: Path, bare: bool, rounds: int, stack: Stack, neutral: bool) -> Result:
    """Build ours from an empty cache once, then ours, the floor (and render + engine + finish
    if `neutral`) in turn, `rounds` times: the machine's load drifts over minutes, and all see
    the same drift."""
    python, tag = stack.python, f"{n} {stack.name}" if stack is not CURRENT else str(n)
    source = work / f"programme-{n}-{stack.name}"
    print(f"[{tag}] generating {n} resources in {source}", flush=True)
    words = make_programme(source, n)
    config = str(source / "mkdocs.yml")
    sites = {"ours": work / f"site-{n}", "render + engine + finish": work / f"neutral-{n}"}
    ours_command = [python, __file__, "_ours", config, str(sites["ours"])]
    cold = measure(ours_command, source, stack.env)
    show(tag, "ours, empty cache", cold)
    floors = {}
    for name, plugins in [("floor", "search")] + ([("bare", "")] if bare else []):
        floors[name] = work / f"{name}-{n}"
        subprocess.run(
            [python, __file__, "_dump", config, str(floors[name]), plugins],
            check=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **stack.env},
        )
        sites[name] = floors[name] / "site"
    rendered = work / f"rendered-{n}"
    neutral_steps = {
        "render": [stack.command("opencpd"), "render", "-f", config, "--out", str(rendered)],
        stack.engine: [
            *(python, "-m", stack.engine, "build", "--strict", "-q"),
            *("-f", str(rendered / "mkdocs.yml"), "-d", str(sites["render + engine + finish"])),
        ],
        "finish": [
            *(stack.command("opencpd"), "finish", "-f", config),
            *(str(sites["render + engine + finish"]), "--rendered", str(rendered)),
        ],
    }
    edited = next((source / "modules").glob("*/resources/bench-00000/index.md"))

    def edit() -> None:
        # As in every pull request, one resource has changed since the last build: the search
        # index and that module's offline zip are made again, the packs come from .cache/packs.
        edited.write_text(edited.read_text("utf-8") + "\nEdited between two builds.\n", "utf-8")

    names = ("ours", *floors, *(["render + engine + finish"] if neutral else []))
    runs: dict[str, list[Run]] = {name: [] for name in names}
    for number in range(1, rounds + 1):
        edit()
        runs["ours"].append(measure(ours_command, source, stack.env))
        show(tag, f"ours, round {number}", runs["ours"][-1])
        for name, floor in floors.items():
            shutil.rmtree(floor / "site", ignore_errors=True)
            engine = [python, "-m", stack.engine, "build", "-q", "-f", str(floor / "mkdocs.yml")]
            runs[name].append(measure([*engine, "-d", str(floor / "site")], floor, stack.env))
            show(tag, f"{name}, round {number}", runs[name][-1])
        if neutral:
            edit()
            shutil.rmtree(sites["render + engine + finish"], ignore_errors=True)
            steps = {
                step: measure(command, rendered if step == stack.engine else source, stack.env)
                for step, command in neutral_steps.items()
            }
            runs["render + engine + finish"].append(in_steps(steps))
            show(tag, f"render + engine + finish, round {number}", runs[names[-1]][-1])
    figures = site_figures(sites["ours"])
    pages = {name: list(site_figures(sites[name])[:3]) for name in runs}
    for folder in (sites["ours"], source, rendered, *floors.values(), *sites.values()):
        shutil.rmtree(folder, ignore_errors=True)
    median = {name: median_run(done) for name, done in runs.items()}
    for name, run in median.items():  # the peak of every round, not only the median's
        run.memory_mb = max(r.memory_mb for r in runs[name])
    return Result(
        n,
        words,
        figures[0],
        cold,
        median["ours"],
        median["floor"],
        median.get("bare"),
        figures[1],
        figures[2],
        figures[3],
        figures[4],
        [r.wall for r in runs["ours"]],
        [r.wall for r in runs["floor"]],
        stack=stack.name if stack is not CURRENT else "",
        versions=stack.versions() if stack.packages else "",
        neutral=median.get("render + engine + finish"),
        neutral_walls=[r.wall for r in runs.get("render + engine + finish", [])],
        sites=pages,
        loads=[r.load for r in (cold, *(r for done in runs.values() for r in done))],
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


NEUTRAL = "render + engine + finish"
BUILDS = {  # the builds of the stacks' report: its label, the site whose pages it shows
    "ours": ("`opencpd build`", "ours"),
    "cold": ("`opencpd build`, empty cache", "ours"),
    "floor": ("floor: the engine and theme alone", "floor"),
    "neutral": (f"{NEUTRAL}", NEUTRAL),
}


def seconds(run: Run | None) -> str:
    return f"{run.wall:.1f} / {run.cpu:.1f}" if run else ""


def ratio(a: Run | None, b: Run | None) -> str:
    return f"{a.wall / b.wall:.2f} / {a.cpu / b.cpu:.2f}" if a and b else "not run"


def stacks_report(results: list[Result], command: str) -> str:
    """The stacks side by side: each build's time, memory and pages at each size."""
    stacks = list(dict.fromkeys(r.stack for r in results))
    sizes = sorted({r.n for r in results})
    found = {(r.n, r.stack): r for r in results}
    loads = sorted(x for r in results for x in r.loads)
    rounds = max(len(r.ours_walls) for r in results)
    versions = "; ".join(
        f"*{s}*: {next(r.versions for r in results if r.stack == s)}" for s in stacks
    )
    lines = [
        "## Two stacks at scale",
        "",
        (
            "The programme plus N synthetic teachers' resources, as in *Scale*, built on "
            f'each stack (README, "Two stacks"; {versions}) with that stack\'s interpreter and '
            f"`OPENCPD_STACK` set, on {os.cpu_count()} CPUs shared with other work, Python "
            f"{sys.version.split()[0]}. *`opencpd build`* is measured after one resource was "
            "edited, with what the previous build kept in `.cache/`; *empty cache* is the first "
            "build. The *floor* is the stack's engine and theme alone (`mkdocs build` with "
            "Material, `properdocs build` with mkdocs-materialx) building the Markdown our "
            "Renderer makes, our plugins off (the site's `custom_dir` overrides kept) and the "
            "theme's stock search on. "
            f"*{NEUTRAL}* is `opencpd render --out R`, then the stack's engine building R "
            "strictly with no OpenCPD plugin, then `opencpd finish SITE --rendered R`, each "
            "in its own process, after the same one-resource edit and with the same `.cache/`. "
            f"Builds are made in turn, {rounds} rounds, and each is shown by its median round"
            f"{' (of two, the faster)' if rounds == 2 else ''}. "
            "Seconds of wall-clock time / CPU time (the build and every process under it); "
            "peak memory is the largest sum of the proportional memory (PSS) of the build and "
            "its processes (for "
            f"{NEUTRAL}, the largest of its three steps); pages are the HTML pages written."
        ),
        "",
        "| resources | build | "
        + " | ".join(
            f"{s}: wall / CPU s | {s}: peak memory | {s}: pages | {s}: largest page" for s in stacks
        )
        + " |",
        "|---:|---|" + "---:|---:|---:|---:|" * len(stacks),
    ]
    for n in sizes:
        for key, (label, site) in BUILDS.items():
            cells = []
            for s in stacks:
                r = found.get((n, s))
                run = getattr(r, key) if r else None
                if not run:
                    cells += ["not run", "", "", ""]
                    continue
                pages, largest_kb, _ = r.sites[site]
                cells += [
                    seconds(run),
                    f"{run.memory_mb:,.0f} MB",
                    f"{pages:,}",
                    f"{largest_kb:.1f} KB",
                ]
            lines.append(f"| {n:,} | {label} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Ratios, wall / CPU:",
        "",
        "| resources | | " + " | ".join(stacks) + " |",
        "|---:|---|" + "---:|" * len(stacks),
    ]
    for n in sizes:
        rows = {
            "`opencpd build` / floor": lambda r: ratio(r.ours, r.floor),
            f"{NEUTRAL} / `opencpd build`": lambda r: ratio(r.neutral, r.ours),
            f"{NEUTRAL} / floor": lambda r: ratio(r.neutral, r.floor),
        }
        for label, value in rows.items():
            cells = [value(found[n, s]) if (n, s) in found else "not run" for s in stacks]
            lines.append(f"| {n:,} | {label} | " + " | ".join(cells) + " |")
    if len(stacks) == 2:
        a, b = stacks
        pairs = [n for n in sizes if (n, a) in found and (n, b) in found]
        lines += [
            "",
            f"{b} over {a}, wall / CPU: "
            + "; ".join(
                f"{n:,} resources: `opencpd build` {ratio(found[n, b].ours, found[n, a].ours)}, "
                f"floor {ratio(found[n, b].floor, found[n, a].floor)}, "
                f"{NEUTRAL} {ratio(found[n, b].neutral, found[n, a].neutral)}"
                for n in pairs
            )
            + ".",
        ]
    lines += [
        "",
        f"{NEUTRAL}, step by step (wall / CPU seconds, the median round):",
        "",
        "| resources | stack | render | engine build | finish | whole | `opencpd build` |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for n in sizes:
        for s in stacks:
            r = found.get((n, s))
            if not r or not r.neutral:
                continue
            steps = list(r.neutral.steps.items())
            lines.append(
                f"| {n:,} | {s} | "
                + " | ".join(f"{wall:.1f} / {cpu:.1f}" for _, (wall, cpu) in steps)
                + f" | {seconds(r.neutral)} | {seconds(r.ours)} |"
            )
    lines += [
        "",
        f"Every round, wall-clock seconds (`opencpd build` / floor / {NEUTRAL}): "
        + "; ".join(
            f"{s} {n:,}: "
            + ", ".join(
                " / ".join(f"{x:.1f}" for x in walls)
                for walls in zip(r.ours_walls, r.floor_walls, r.neutral_walls, strict=False)
            )
            for n in sizes
            for s in stacks
            if (r := found.get((n, s)))
        )
        + ".",
        "",
        (
            f"The machine's load average (1 minute) at the end of each of the "
            f"{len(loads)} builds: {loads[0]:.1f} to {loads[-1]:.1f}, median "
            f"{loads[(len(loads) - 1) // 2]:.1f}."
        )
        if loads
        else "",
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


def publish(text: str, write: Path | None, start: str = START, end: str = END) -> None:
    """Print a benchmark's report, and put it in its section of `write` if one is given."""
    print("\n" + text)
    if write:
        write_section(write, text, start, end)
        print(f"written to {write}")


@contextmanager
def served(folder: Path, handler: type[SimpleHTTPRequestHandler]) -> Iterator[str]:
    """The folder served on a free port of 127.0.0.1 by `handler`, for Chromium to read."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder))
    )
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def load_result(saved: dict[str, Any]) -> Result:
    names = ("cold", "ours", "floor", "bare", "neutral")
    runs = {k: Run(**saved[k]) if saved.get(k) else None for k in names}
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
    parser.add_argument(
        "--stack",
        choices=["material", "materialx", "both"],
        help="measure on this stack (or both), with render + engine + finish too, and write the "
        "section 'Two stacks at scale' (default: the interpreter running this script, "
        "section 'Scale')",
    )
    parser.add_argument("--json", type=Path, help="also save the raw figures as JSON")
    parser.add_argument(
        "--from-json",
        type=Path,
        nargs="+",
        help="write the report from figures saved with --json (one file or several, merged), "
        "building nothing",
    )
    args = parser.parse_args()
    if args.from_json:
        results = [
            load_result(r) for saved in args.from_json for r in json.loads(saved.read_text("utf-8"))
        ]
        stacks = list(dict.fromkeys(r.stack for r in results if r.stack))
        sizes = list(dict.fromkeys(r.n for r in results))
        rounds = max(len(r.ours_walls) for r in results)
        stack = None if not stacks else stacks[0] if len(stacks) == 1 else "both"
        finish(results, command_line(sizes, stack, rounds, args.bare_floor, args.write), args.write)
        return
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    stacks = [CURRENT]
    if args.stack:
        stacks = list(STACKS.values()) if args.stack == "both" else [STACKS[args.stack]]
    for stack in stacks:
        if not Path(stack.python).exists():
            raise SystemExit(
                f"{stack.python} is missing: make it with "
                f"`OPENCPD_STACK={stack.name} bash scripts/test -q tests/test_site_build.py`"
            )
    command = command_line(sizes, args.stack, args.rounds, args.bare_floor, args.write)
    results = []
    with tempfile.TemporaryDirectory(prefix="opencpd-bench-") as work:
        for n in sizes:  # each size on every stack before the next size
            for stack in stacks:
                results.append(
                    bench(n, Path(work), args.bare_floor, args.rounds, stack, bool(args.stack))
                )
                if args.json:
                    args.json.write_text(json.dumps([asdict(r) for r in results], indent=1))
    finish(results, command, args.write)


def command_line(
    sizes: list[int], stack: str | None, rounds: int, bare: bool, write: Path | None
) -> str:
    return (
        "python scripts/bench_scale.py --sizes "
        + ",".join(map(str, sizes))
        + (f" --stack {stack}" if stack else "")
        + (f" --rounds {rounds}" if rounds != 3 else "")
        + (" --bare-floor" if bare else "")
        + (f" --write {write}" if write else "")
    )


def finish(results: list[Result], command: str, write: Path | None) -> None:
    """Print the report, and put it in its section of `write`."""
    if any(r.stack for r in results):
        text, markers = stacks_report(results, command), (STACKS_START, STACKS_END)
    else:
        text, markers = report(results, command), (START, END)
    publish(text, write, *markers)


if __name__ == "__main__":
    main()
