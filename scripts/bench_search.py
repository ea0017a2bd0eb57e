"""Search benchmark: Pagefind (ours) against Material's lunr search, on N synthetic resources.

For each N it makes the whole programme plus N teachers' resources (the corpus of
scripts/bench_scale.py: real modules and handbooks, synthetic approved resources), builds it
twice, and serves each build on 127.0.0.1 with gzip, as a static host would:

- pagefind: our site as `opencpd build` makes it (MkDocs, then the Pagefind step);
- lunr: the same site with Material's `search` plugin and Material's own header search box.

Then, in headless Chromium (the Debian package, through Playwright), a reader opens the home page,
types a typical query into the header search box and waits for the first result. We count the
bytes transferred (compressed, as on the wire) from opening the home page to the first result,
and the time from typing the query to the first result: on the local machine, and with the
network throttled to a slow school or phone connection. Figures, not tests.

    python scripts/bench_search.py --sizes 1000,5000 --write scripts/performance.md
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("OPENCPD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
QUERY = "weather"  # a topic word: in about one resource in sixteen
RUNS = 5
# A slow connection: a phone on a congested school network (Chrome's "Slow 4G"-like figures).
SLOW = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
START, END = "<!-- bench_search:start -->", "<!-- bench_search:end -->"
GOALS = {"kb": 300.0, "seconds": 1.0}
COMPRESSIBLE = {".html", ".js", ".css", ".json", ".svg", ".xml", ".txt"}


def bench_scale() -> Any:
    """scripts/bench_scale.py, for its corpus: one synthetic programme for every benchmark."""
    spec = importlib.util.spec_from_file_location(
        "bench_scale", ROOT / "scripts" / "bench_scale.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_scale"] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


# --- building ------------------------------------------------------------------------------------


def lunr_config(project: Path) -> Path:
    """The same site with Material's lunr search: its plugin and its stock header search box."""
    config = yaml.safe_load((project / "mkdocs.yml").read_text("utf-8"))
    from material import templates  # Material's own header, with its search box, over ours

    overrides = shutil.copytree(ROOT / "plugins" / "opencpd" / "theme", project / "overrides-lunr")
    stock = Path(templates.__file__).parent / "partials" / "header.html"
    shutil.copyfile(stock, overrides / "partials" / "header.html")
    config["theme"]["custom_dir"] = "overrides-lunr"
    config["plugins"].insert(0, "search")
    path = project / "mkdocs-lunr.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
    return path


def build(config_file: Path, site_dir: Path, pagefind: bool) -> float:
    """Build strictly with MkDocs; for Pagefind then index the site. Seconds spent indexing."""
    sys.path.insert(0, str(ROOT / "plugins"))
    from opencpd.adapters.search import run_pagefind
    from opencpd.adapters.site import build_site

    build_site(str(config_file), site_dir, steps=[], search=False)
    if not pagefind:
        return 0.0
    started = time.perf_counter()
    run_pagefind(site_dir)
    return time.perf_counter() - started


# --- serving with gzip ---------------------------------------------------------------------------


class GzipHandler(SimpleHTTPRequestHandler):
    """Static files, text gzipped when the browser asks (Pagefind's files are gzipped already)."""

    cache: dict[str, bytes] = {}

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")  # what GitHub Pages sends
        super().end_headers()

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (
            path.suffix not in COMPRESSIBLE
            or not path.is_file()
            or "gzip" not in self.headers.get("Accept-Encoding", "")
        ):
            return super().send_head()  # end_headers() adds Cache-Control
        key = str(path)
        if key not in self.cache:
            self.cache[key] = gzip.compress(path.read_bytes(), 6)
        body = self.cache[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


# --- measuring in Chromium -----------------------------------------------------------------------


@dataclass
class Trip:
    """One reader's search: bytes from opening the home page to the first result."""

    total_bytes: int
    index_bytes: int  # the search index and its code: /pagefind/, or search_index.json + worker
    settled_bytes: int  # a moment later: with the filters' counts (Pagefind loads them after)
    requests: int
    seconds: float  # from typing the query to the first result shown
    results: int
    parts: dict[str, int]  # bytes to the first results by kind of file (see `kind`)


def kind(url: str) -> str:
    """What a request is for, in the breakdown of bytes."""
    for mark, name in (
        ("/pagefind/fragment/", "result excerpts"),
        ("/pagefind/index/", "index chunks"),
        ("/pagefind/filter/", "filter indexes"),
        (".pf_meta", "index metadata"),
        ("pagefind-entry", "index metadata"),
        ("/pagefind/", "Pagefind code"),
        ("search_index.json", "lunr index"),
        ("workers/search", "lunr code"),
    ):
        if mark in url:
            return name
    return "pages, theme and scripts"


def search_once(browser: Any, url: str, engine: str, slow: bool) -> Trip:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    if slow:
        cdp.send("Network.emulateNetworkConditions", SLOW)
    urls: dict[str, str] = {}
    asked: dict[str, float] = {}  # when each request was made (epoch seconds)
    sizes: dict[str, int] = {}
    cdp.on(
        "Network.requestWillBeSent",
        lambda e: (
            urls.__setitem__(e["requestId"], e["request"]["url"]),
            asked.__setitem__(e["requestId"], e["wallTime"]),
        ),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    try:
        page.goto(url, wait_until="load")
        if engine == "pagefind":
            page.fill("#opencpd-searchbox-q", QUERY)
            started = time.perf_counter()
            page.press("#opencpd-searchbox-q", "Enter")
            page.wait_for_selector(".opencpd-result", timeout=120_000)
            seconds = time.perf_counter() - started
            shown = page.locator(".opencpd-results__status").inner_text()
            results = int(shown.split()[0]) if shown[:1].isdigit() else 0
            # The search page marks the moment its first results are on screen.
            page.wait_for_function(
                "() => performance.getEntriesByName('opencpd-search-results').length"
            )
            first_shown = page.evaluate(
                "() => (performance.timeOrigin + performance"
                ".getEntriesByName('opencpd-search-results')[0]"
                ".startTime) / 1000"
            )
            page.wait_for_function(
                "() => document.querySelector('.opencpd-filter__count').textContent !== ''",
                timeout=120_000,
            )
        else:
            started = time.perf_counter()
            page.fill(".md-search__input", QUERY)
            page.wait_for_selector(".md-search-result__item", timeout=120_000)
            seconds = time.perf_counter() - started
            first_shown = time.time()
            meta = page.locator(".md-search-result__meta").inner_text()
            results = int(meta.split()[0]) if meta[:1].isdigit() else 0
        page.wait_for_timeout(1000)  # let the last loadingFinished events arrive
    finally:
        context.close()
    first = {rid: size for rid, size in sizes.items() if asked.get(rid, 0) <= first_shown}
    index = sum(
        size
        for rid, size in first.items()
        if any(
            mark in urls.get(rid, "")
            for mark in ("/pagefind/", "search_index.json", "workers/search")
        )
    )
    parts: dict[str, int] = {}
    for rid, size in first.items():
        parts[kind(urls.get(rid, ""))] = parts.get(kind(urls.get(rid, "")), 0) + size
    return Trip(
        sum(first.values()), index, sum(sizes.values()), len(first), seconds, results, parts
    )


def measure(site: Path, engine: str, slow: bool) -> Trip:
    """The median time of RUNS cold searches (bytes are the same every time)."""
    from playwright.sync_api import sync_playwright

    GzipHandler.cache = {}
    with bench_scale().served(site, GzipHandler) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            trips = [search_once(browser, url, engine, slow) for _ in range(RUNS)]
        finally:
            browser.close()
    middle = statistics.median(t.seconds for t in trips)
    return Trip(
        trips[0].total_bytes,
        trips[0].index_bytes,
        trips[0].settled_bytes,
        trips[0].requests,
        middle,
        trips[0].results,
        trips[0].parts,
    )


@dataclass
class Result:
    n: int
    pages: int
    index_seconds: float  # Pagefind indexing the built site
    lunr_index_bytes: int  # search/search_index.json, before compression
    local: dict[str, Trip]
    slow: dict[str, Trip]


def bench(n: int, work: Path) -> Result:
    project = work / f"n{n}"
    print(f"[{n:,} resources] making the corpus", flush=True)
    bench_scale().make_programme(project, n)
    packs = ROOT / ".cache" / "packs"  # session packs do not change with N: reuse ours
    if packs.is_dir():
        shutil.copytree(packs, project / ".cache" / "packs")
    configs = {"pagefind": project / "mkdocs.yml", "lunr": lunr_config(project)}
    sites = {engine: work / f"site-{engine}-{n}" for engine in configs}
    seconds = 0.0
    for engine, config_file in configs.items():
        print(f"[{n:,} resources] building with {engine}", flush=True)
        seconds += build(config_file, sites[engine], engine == "pagefind")
    pages = sum(1 for _ in sites["pagefind"].rglob("*.html"))
    lunr_bytes = (sites["lunr"] / "search" / "search_index.json").stat().st_size
    local, slow = {}, {}
    for engine, site in sites.items():
        print(f"[{n:,} resources] searching with {engine}", flush=True)
        local[engine] = measure(site, engine, slow=False)
        slow[engine] = measure(site, engine, slow=True)
    shutil.rmtree(project, ignore_errors=True)
    for site in sites.values():
        shutil.rmtree(site, ignore_errors=True)
    return Result(n, pages, seconds, lunr_bytes, local, slow)


# --- reporting -----------------------------------------------------------------------------------


def kb(size: int) -> str:
    return f"{size / 1024:,.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:,.1f} MB"


def report(results: list[Result], command: str) -> str:
    lines = [
        "## Search: Pagefind against Material's lunr search",
        "",
        f"A reader opens the home page, types *{QUERY}* in the header search box and waits for "
        "the first result, in headless Chromium with a cold cache; the site is served on "
        "127.0.0.1 with gzip. *Bytes* are everything transferred from opening the home page to "
        "the first result (compressed, as on the wire); *index* is the part that is the search "
        "index and its code; *with filter counts* adds what Pagefind loads just after the first "
        "results to count each filter value. *Time* is from typing the query to the first "
        f"result shown (median of {RUNS}), on this machine and with the network throttled to "
        "1.6 Mbit/s and 150 ms round trips (a phone or a busy school network). Times vary "
        "with the machine's load from run to run; bytes do not.",
        "",
        "| Resources | Pages | Search | Bytes | Index | With filter counts | Time, local "
        "| Time, slow network | Results |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for engine, name in (("pagefind", "Pagefind (ours)"), ("lunr", "Material lunr")):
            local, slow = r.local[engine], r.slow[engine]
            lines.append(
                f"| {r.n:,} | {r.pages:,} | {name} | {kb(local.total_bytes)} "
                f"| {kb(local.index_bytes)} | {kb(local.settled_bytes)} "
                f"| {local.seconds:.2f} s "
                f"| {slow.seconds:.1f} s | {local.results:,} |"
            )
    last = results[-1]
    ours = last.local["pagefind"]
    met = ours.total_bytes <= GOALS["kb"] * 1024 and ours.seconds < GOALS["seconds"]
    parts = ", ".join(
        f"{name} {kb(size)}" for name, size in sorted(ours.parts.items(), key=lambda item: -item[1])
    )
    lines += [
        "",
        f"Where Pagefind's bytes go at {last.n:,} resources, to the first results: {parts}.",
        "",
        f"Goal at {last.n:,} resources: first results with at most "
        f"{GOALS['kb']:.0f} KB transferred and in under {GOALS['seconds']:.0f} s on the local "
        f"machine. Measured: {kb(ours.total_bytes)} and {ours.seconds:.2f} s "
        f"({'met' if met else 'not met'}).",
        "",
        "Indexing: Pagefind indexing the written site in one go (`opencpd build` does the same "
        "work on a second CPU while MkDocs renders, so its build waits for almost none of it) "
        "(lunr's index is written by MkDocs itself, as one file):",
        "",
        "| Resources | Pagefind indexing | lunr's search_index.json |",
        "|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.n:,} | {r.index_seconds:.1f} s | {kb(r.lunr_index_bytes)} uncompressed |"
        )
    lines += ["", "Reproduce with:", "", "```sh", command, "```"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000,5000",
        help="comma-separated numbers of resources (default: %(default)s)",
    )
    parser.add_argument("--write", type=Path, help="put the results in this Markdown page")
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    command = (
        "python scripts/bench_search.py --sizes "
        + ",".join(map(str, sizes))
        + (f" --write {args.write}" if args.write else "")
    )
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    with tempfile.TemporaryDirectory(prefix="opencpd-bench-search-") as work:
        results = [bench(n, Path(work)) for n in sizes]
    text = report(results, command)
    bench_scale().publish(text, args.write, START, END)


if __name__ == "__main__":
    main()
