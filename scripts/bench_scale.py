"""Scale benchmark: the whole programme plus N synthetic teachers' resources.

For each N it copies the real modules/, handbook/, docs/ and mkdocs.yml into a temporary folder,
adds N resources spread over the modules (300 to 800 words each, with a table, an admonition
and a small PDF), and measures, each in a fresh child process:

- ours: `build_site` (what `opencpd build` runs: strict MkDocs build with our plugins, then every
  post-build step as configured: offline zips, Pagefind, packs), with a breakdown per step;
- floor: plain MkDocs + Material building the same Markdown with our plugins off: the pages our
  Renderer generates, dumped into a docs folder, with an explicit nav equal to ours, the same
  theme and Markdown extensions, and Material's stock `search` plugin (what a plain Material site
  has). `--bare-floor` also measures it with no plugin at all.

Peak memory is the child's ru_maxrss (os.wait4), which includes the processes it waited for
(Pagefind). CPU time is user + system time of the child and its children.

    python scripts/bench_scale.py --sizes 1000,5000,10000 --write docs/performance.md
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
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ("mkdocs.yml", "docs", "modules", "handbook")
START, END = "<!-- bench_scale:start -->", "<!-- bench_scale:end -->"
GOALS = {"ratio": 1.15, "growth": 11.0, "largest_kb": 60.0, "memory_mb": 2048.0}

# A small valid one-page PDF: what a teacher's worksheet attachment looks like to the build.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
       b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
       b"4 0 obj<</Length 60>>stream\nBT /F1 18 Tf 72 760 Td (Worksheet: les animaux) Tj ET\n"
       b"endstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")

TOPICS = ["animals", "colours", "numbers to twenty", "the weather", "family", "food and drink",
          "the classroom", "hobbies", "the town", "school subjects", "clothes", "daily routine",
          "holidays", "the body", "telling the time", "festivals"]
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
HEADINGS = ["Why I made it", "How I use it in class", "What the class thought",
            "Adapting it", "Links with the module"]
REGIONS = ["North East", "North West", "Yorkshire and the Humber", "East Midlands",
           "West Midlands", "East of England", "London", "South East", "South West"]
CONTRIBUTORS = ["Alex Morgan", "Sam Patel", "Jo Williams", "Chris Evans", "Priya Shah",
                "Tom Baker", "Nadia Hussain", "Rosa Lopez", "Ewan Fraser", "Megan Jones"]
TYPES = ["lesson-plan", "worksheet", "slides", "game", "song-rhyme", "assessment",
         "scheme-of-work", "case-study"]
LICENCES = ["CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-SA-4.0"]
YEARS = {"KS2": [3, 4, 5, 6], "KS3": [7, 8, 9], "KS2-3": [6, 7], "all": [5, 6, 7]}
WORDS = {"fr": ["le chat", "le chien", "la pomme", "rouge", "bleu", "il pleut"],
         "de": ["die Katze", "der Hund", "der Apfel", "rot", "blau", "es regnet"],
         "es": ["el gato", "el perro", "la manzana", "rojo", "azul", "llueve"]}


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
        "contributor": {"name": rng.choice(CONTRIBUTORS), "school": "Example Community School",
                        "region": rng.choice(REGIONS)},
        "consent": True, "no_pupil_data": True, "key_stage": key_stage,
        "year_groups": YEARS.get(key_stage, [7]), "languages": languages,
        "themes": module["themes"][:2], "type": TYPES[number % len(TYPES)],
        "licence": LICENCES[number % len(LICENCES)],
        "submitted": dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(1000)),
        "status": "approved",
        "files": [{"path": "worksheet.pdf", "title": f"Worksheet on {topic} (PDF)"}],
    }
    budget = rng.randint(300, 800) - 60  # the table and admonition carry about 60 words
    sections = rng.sample(HEADINGS, 3)
    language = languages[0]
    rows = "\n".join(f"| {i + 1} | {w} | {rng.choice(['pairs', 'groups', 'whole class'])} "
                     f"| {rng.choice(['5', '10', '15'])} minutes |"
                     for i, w in enumerate(rng.sample(WORDS.get(language, WORDS["fr"]), 4)))
    body = [f"## {sections[0]}", "", paragraph(rng, budget // 3), "",
            "| Step | Language | Grouping | Time |", "|---|---|---|---|", rows, "",
            f"## {sections[1]}", "", paragraph(rng, budget // 3), "",
            '!!! tip "Try this"', "", "    " + paragraph(rng, 25), "",
            f"## {sections[2]}", "", paragraph(rng, budget - 2 * (budget // 3)), ""]
    import yaml
    return ("---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n"
            + "\n".join(body))


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
    steps: dict[str, float] = field(default_factory=dict)


def measure(command: list[str], cwd: Path) -> Run:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}
    with tempfile.TemporaryFile("w+") as log:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                 text=True)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode}):\n{output[-3000:]}")
    steps = {}
    for line in output.splitlines():
        if line.startswith("STEPS "):
            steps = json.loads(line.removeprefix("STEPS "))
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output, steps)


def child_ours(config_file: str, site_dir: str) -> None:
    """In the child: build_site with each post-build step timed."""
    from opencpd.adapters.site import POST_BUILD_STEPS, build_site
    timings: dict[str, float] = {}

    def timed(step: Any) -> Any:
        def run(config: Any, site: Path, catalog: Any) -> None:
            start = time.perf_counter()
            step(config, site, catalog)
            timings[step.__name__] = time.perf_counter() - start
        return run

    start = time.perf_counter()
    build_site(config_file, Path(site_dir), steps=[timed(s) for s in POST_BUILD_STEPS])
    timings["total"] = time.perf_counter() - start
    timings["mkdocs"] = timings["total"] - sum(v for k, v in timings.items() if k != "total")
    print("STEPS " + json.dumps(timings))


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
    ours: Run
    floor: Run
    bare: Run | None
    largest_kb: float
    largest_page: str
    site_mb: float

    @property
    def ratio(self) -> float:
        return self.ours.wall / self.floor.wall


def site_figures(site: Path) -> tuple[int, float, str, float]:
    pages = [p for p in site.rglob("*.html")]
    largest = max(pages, key=lambda p: p.stat().st_size)
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return (len(pages), largest.stat().st_size / 1024, largest.relative_to(site).as_posix(),
            total / 1024 / 1024)


def bench(n: int, work: Path, bare: bool) -> Result:
    python = sys.executable
    source = work / f"programme-{n}"
    print(f"[{n}] generating {n} resources in {source}", flush=True)
    words = make_programme(source, n)
    ours = measure([python, __file__, "_ours", str(source / "mkdocs.yml"),
                    str(work / f"site-{n}")], source)
    print(f"[{n}] ours: {ours.wall:.1f} s wall, {ours.cpu:.1f} s CPU, "
          f"{ours.memory_mb:.0f} MB; steps {json.dumps(ours.steps)}", flush=True)
    pages, largest_kb, largest_page, site_mb = site_figures(work / f"site-{n}")
    shutil.rmtree(work / f"site-{n}")
    runs = {}
    for name, plugins in [("floor", "search")] + ([("bare", "")] if bare else []):
        floor = work / f"{name}-{n}"
        subprocess.run([python, __file__, "_dump", str(source / "mkdocs.yml"), str(floor),
                        plugins], check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        runs[name] = measure([python, "-m", "mkdocs", "build", "-q", "-f",
                              str(floor / "mkdocs.yml"), "-d", str(floor / "site")], floor)
        print(f"[{n}] {name}: {runs[name].wall:.1f} s wall, {runs[name].cpu:.1f} s CPU, "
              f"{runs[name].memory_mb:.0f} MB", flush=True)
        shutil.rmtree(floor)
    shutil.rmtree(source)
    return Result(n, words, pages, ours, runs["floor"], runs.get("bare"), largest_kb,
                  largest_page, site_mb)


# --- report ------------------------------------------------------------------------------------

def mark(ok: bool) -> str:
    return "yes" if ok else "**no**"


def report(results: list[Result], command: str) -> str:
    load = os.getloadavg()
    lines = [
        "## Scale", "",
        f"The whole programme plus N synthetic teachers' resources (300 to 800 words, a table, "
        f"an admonition and a PDF each), built on {os.cpu_count()} CPUs "
        f"(load average {load[0]:.1f} at the end), Python {sys.version.split()[0]}. "
        "*Ours* is `opencpd build` (strict MkDocs build with our plugins, offline zips, Pagefind "
        "and packs as configured); the *floor* is plain MkDocs + Material building the same "
        "Markdown with an explicit nav equal to ours, our plugins off and Material's stock "
        "search plugin on. Times are wall-clock seconds (CPU seconds in brackets).", "",
        "| resources | pages | ours | floor | ours / floor | peak memory | largest page "
        "| site size |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(f"| {r.n:,} | {r.pages:,} | {r.ours.wall:.1f} ({r.ours.cpu:.1f}) "
                     f"| {r.floor.wall:.1f} ({r.floor.cpu:.1f}) | {r.ratio:.2f} "
                     f"| {r.ours.memory_mb:,.0f} MB | {r.largest_kb:.1f} KB "
                     f"| {r.site_mb:,.0f} MB |")
    lines += ["", "Where our time goes (seconds: the MkDocs build with our plugins, then each "
              "post-build step):", "",
              "| resources | " + " | ".join(k for k in results[0].ours.steps if k != "total")
              + " |", "|---:|" + "---:|" * (len(results[0].ours.steps) - 1)]
    for r in results:
        lines.append(f"| {r.n:,} | " + " | ".join(f"{v:.1f}" for k, v in r.ours.steps.items()
                                                 if k != "total") + " |")
    if any(r.bare for r in results):
        lines += ["", "Plain MkDocs + Material with no plugin at all (no search index): " +
                  ", ".join(f"{r.n:,}: {r.bare.wall:.1f} s" for r in results if r.bare) + "."]
    first, last = results[0], results[-1]
    growth = last.ours.wall / first.ours.wall
    lines += ["", "| goal | measured | met |", "|---|---|---|",
              f"| ours within {GOALS['ratio']} x of the floor at every N | "
              + ", ".join(f"{r.ratio:.2f}" for r in results)
              + f" | {mark(all(r.ratio <= GOALS['ratio'] for r in results))} |",
              f"| linear: {last.n:,} within {GOALS['growth']:.0f} x of {first.n:,} "
              f"| {growth:.1f} x (floor {last.floor.wall / first.floor.wall:.1f} x) "
              f"| {mark(growth <= GOALS['growth'] * last.n / first.n / 10)} |",
              f"| largest page under {GOALS['largest_kb']:.0f} KB at {last.n:,} "
              f"| {last.largest_kb:.1f} KB (`{last.largest_page}`) "
              f"| {mark(last.largest_kb < GOALS['largest_kb'])} |",
              f"| peak memory under 2 GB at {last.n:,} | {last.ours.memory_mb:,.0f} MB "
              f"| {mark(last.ours.memory_mb < GOALS['memory_mb'])} |",
              "", "Reproduce with:", "", "```sh", command, "```"]
    return "\n".join(lines) + "\n"


def write_section(path: Path, text: str) -> None:
    """Put the section between our markers, replacing an earlier run and nothing else."""
    block = f"{START}\n{text}{END}\n"
    old = path.read_text("utf-8") if path.exists() else "# Performance\n"
    if START in old and END in old:
        head, rest = old.split(START, 1)
        new = head + block + rest.split(END, 1)[1].lstrip("\n")
    else:
        new = old.rstrip("\n") + "\n\n" + block
    path.write_text(new, "utf-8")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_ours":
        return child_ours(*sys.argv[2:4])
    if len(sys.argv) > 1 and sys.argv[1] == "_dump":
        return child_dump(*sys.argv[2:5])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000,10000",
                        help="comma-separated numbers of resources (default: %(default)s)")
    parser.add_argument("--write", type=Path, help="put the results in this Markdown page")
    parser.add_argument("--bare-floor", action="store_true",
                        help="also build the floor with no plugin at all")
    parser.add_argument("--json", type=Path, help="also save the raw figures as JSON")
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    command = "python scripts/bench_scale.py --sizes " + ",".join(map(str, sizes)) + (
        " --bare-floor" if args.bare_floor else "") + (
        f" --write {args.write}" if args.write else "")
    results = []
    with tempfile.TemporaryDirectory(prefix="opencpd-bench-") as work:
        for n in sizes:
            results.append(bench(n, Path(work), args.bare_floor))
            if args.json:
                args.json.write_text(json.dumps([asdict(r) for r in results], indent=1))
    text = report(results, command)
    print("\n" + text)
    if args.write:
        write_section(args.write, text)
        print(f"written to {args.write}")


if __name__ == "__main__":
    main()
