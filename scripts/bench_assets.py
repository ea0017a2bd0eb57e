"""Page-load benchmark: what a reader on a slow network asks for to see a page of the site.

Serves a built site on 127.0.0.1 as a static host does (gzip, ETag, conditional requests
answered 304) and opens, in headless Chromium (the Debian package, through Playwright) with the
network throttled to 1.6 Mbit/s and 150 ms round trips, the home page, a session page and the
twilights calendar:

- cold: a new browser profile each time; the requests, the bytes on the wire (compressed, with
  headers) and the time to first contentful paint (median of RUNS);
- warm: the home page opened, then a second page (the session page) in the same profile; the
  requests that reach the server for that second page, under two caching policies of the host:
  *revalidate* (every file `Cache-Control: no-cache`: what GitHub Pages' `max-age=600` comes to
  once ten minutes have passed) and *hashed kept* (a file whose name carries a hash of its
  content, `main.57a0d79d.min.css`, is `max-age=31536000, immutable`; others no-cache).

    python scripts/bench_assets.py                     # builds this repository's site first
    python scripts/bench_assets.py --site site         # an already built site
    python scripts/bench_assets.py --site before=/tmp/old/site --site after=site \
        --write scripts/performance.md

Figures, not tests: times vary with the machine's load; requests and bytes do not.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import os
import re
import statistics
import sys
import tempfile
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

from bench_scale import publish, served

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("OPENCPD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
SLOW = {  # as scripts/bench_search.py: a phone on a congested school network
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
PAGES = {
    "home": "",
    "session": "modules/ks2-phonics-early-reading/sessions/01-twilight/",
    "calendar": "calendar/",
}
RUNS = 5
COMPRESSIBLE = {".html", ".js", ".css", ".json", ".svg", ".xml", ".txt"}
START, END = "<!-- bench_assets:start -->", "<!-- bench_assets:end -->"
HASHED = re.compile(r"\.[0-9a-f]{8,}(\.min)?\.(css|js)$")  # main.57a0d79d.min.css


class Host(SimpleHTTPRequestHandler):
    """Static files as a host serves them: gzip, an ETag, 304 to a matching If-None-Match."""

    policy = "revalidate"  # or "hashed kept"
    asked: list[str] = []  # every request that reached the server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            return super().send_head()
        Host.asked.append(self.path)
        body = path.read_bytes()
        tag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        kept = self.policy == "hashed kept" and HASHED.search(path.name)
        cache = "max-age=31536000, immutable" if kept else "no-cache"
        if self.headers.get("If-None-Match") == tag:
            self.send_response(304)
            self.send_header("ETag", tag)
            self.send_header("Cache-Control", cache)
            self.end_headers()
            return None
        zipped = path.suffix in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", "")
        if zipped:
            body = gzip.compress(body, 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        if zipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", tag)
        self.send_header("Cache-Control", cache)
        self.end_headers()
        return io.BytesIO(body)


@dataclass
class Cold:
    requests: int
    kilobytes: float
    paint: float  # seconds to first contentful paint
    loaded: float  # seconds to the load event: every stylesheet and script in
    ours: int  # requests for our own stylesheets and scripts


def open_page(context: Any, url: str) -> tuple[Any, dict[str, int]]:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW)
    sizes: dict[str, int] = {}
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    page.goto(url, wait_until="load")
    page.wait_for_timeout(500)  # what the page's scripts fetch once loaded
    return page, sizes


def timings(page: Any) -> tuple[float, float]:
    """Seconds to first contentful paint, and to the load event."""
    return page.evaluate(
        "() => [performance.getEntriesByName('first-contentful-paint')[0].startTime / 1000,"
        " performance.getEntriesByType('navigation')[0].loadEventStart / 1000]"
    )


def is_ours(path: str) -> bool:
    return path.startswith("/assets/") and not path.startswith(
        ("/assets/stylesheets/main.", "/assets/stylesheets/palette.", "/assets/javascripts/bundle.")
    )


def cold(browser: Any, url: str) -> Cold:
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    Host.asked = []
    try:
        page, sizes = open_page(context, url)
        paint, loaded = timings(page)
    finally:
        context.close()
    ours = sum(is_ours(p) and p.endswith((".css", ".js")) for p in Host.asked)
    return Cold(len(Host.asked), sum(sizes.values()) / 1024, paint, loaded, ours)


def warm(browser: Any, base: str, policy: str) -> tuple[int, int]:
    """Requests reaching the server for a second page, and how many of them are for our files."""
    Host.policy = policy
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        open_page(context, base + PAGES["home"])
        Host.asked = []
        open_page(context, base + PAGES["session"])
        asked = list(Host.asked)
    finally:
        context.close()
        Host.policy = "revalidate"
    return len(asked), sum(is_ours(p) and p.endswith((".css", ".js")) for p in asked)


@dataclass
class Result:
    label: str
    cold: dict[str, Cold]
    warm: dict[str, tuple[int, int]]


def measure(label: str, site: Path) -> Result:
    from playwright.sync_api import sync_playwright

    with served(site, Host) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            colds: dict[str, Cold] = {}
            for name, path in PAGES.items():
                runs = [cold(browser, base + path) for _ in range(RUNS)]
                colds[name] = Cold(
                    runs[0].requests,
                    runs[0].kilobytes,
                    statistics.median(r.paint for r in runs),
                    statistics.median(r.loaded for r in runs),
                    runs[0].ours,
                )
            warms = {
                policy: warm(browser, base, policy) for policy in ("revalidate", "hashed kept")
            }
        finally:
            browser.close()
    return Result(label, colds, warms)


def report(results: list[Result], command: str) -> str:
    lines = [
        "## Page loads on a slow network: requests, bytes, first paint",
        "",
        "Each page opened in headless Chromium with a cold cache, a phone's screen and the network "
        "throttled to 1.6 Mbit/s and 150 ms round trips; the site served on 127.0.0.1 with gzip "
        "and ETags (HTTP/1.1: six connections at a time, where a host on HTTP/2 would send them "
        f"together). First paint and load event: medians of {RUNS}. *Ours*: requests for OpenCPD's own "
        "stylesheets and scripts (not Material's).",
        "",
        "| Site | Page | Requests (ours) | Transferred | First contentful paint | Load event |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in results:
        for name, c in r.cold.items():
            lines.append(
                f"| {r.label} | {name} | {c.requests} ({c.ours}) | {c.kilobytes:.1f} KB "
                f"| {c.paint:.2f} s | {c.loaded:.2f} s |"
            )
    lines += [
        "",
        "A second page (the session page, after the home page), the requests that reach the host: "
        "*revalidate* is every file `no-cache` (GitHub Pages' `max-age=600` once ten minutes have "
        "passed); *hashed kept* is a host that keeps a file whose name carries a hash of its "
        "content for good (`immutable`).",
        "",
        "| Site | Revalidate: requests (ours) | Hashed kept: requests (ours) |",
        "|---|---:|---:|",
    ]
    for r in results:
        (a, a_ours), (b, b_ours) = r.warm["revalidate"], r.warm["hashed kept"]
        lines.append(f"| {r.label} | {a} ({a_ours}) | {b} ({b_ours}) |")
    lines += ["", "Reproduce with:", "", "```sh", command, "```", ""]
    return "\n".join(lines)


def build_here(work: Path) -> Path:
    sys.path.insert(0, str(ROOT / "plugins"))
    from opencpd.adapters.site import build_site

    site = work / "site"
    build_site(str(ROOT / "mkdocs.yml"), site)
    return site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", action="append", default=[], help="[LABEL=]built site folder")
    parser.add_argument("--write", type=Path, help="put the results in this Markdown page")
    args = parser.parse_args()
    command = "python scripts/bench_assets.py" + "".join(f" --site {s}" for s in args.site)
    command += f" --write {args.write}" if args.write else ""
    with tempfile.TemporaryDirectory(prefix="opencpd-bench-assets-") as work:
        sites = [s.split("=", 1) if "=" in s else [Path(s).name, s] for s in args.site]
        if not sites:
            sites = [["this site", str(build_here(Path(work)))]]
        results = [measure(label, Path(folder)) for label, folder in sites]
    text = report(results, command)
    publish(text, args.write, START, END)


if __name__ == "__main__":
    main()
