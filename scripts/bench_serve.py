"""Serve benchmark: how long `opencpd serve` takes to show an edit to one resource.

With the programme plus N synthetic resources (default 1,000, made as in bench_scale.py), it
times a full `opencpd build`, then starts `opencpd serve` on a free port, edits one resource at a
time and times each rebuild from the moment the file is saved to MkDocs' "Reloading browsers"
(read from the server's log), checking that the served page shows the edit. It also checks that
serving never regenerates the session packs nor touches the last build's search index (it indexes
the pages it serves in its own folder, in the background): no pack-making run in the server's
log, and the pack cache and the last build's site untouched.

    python scripts/bench_serve.py --resources 1000 --write scripts/performance.md
"""

from __future__ import annotations

import argparse
import logging
import os
import queue
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import make_programme, measure, publish

START, END = "<!-- bench_serve:start -->", "<!-- bench_serve:end -->"
REGENERATING = ("Pagefind indexed", "Making ", "session packs made")


def child_serve(config_file: str, address: str) -> None:
    """In the child: `opencpd serve`, with MkDocs' log lines time-stamped on stdout."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(created).3f %(levelname)s %(message)s"))
    handler.setLevel(logging.INFO)
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    from opencpd.cli import main

    main(["serve", "-f", config_file, "-a", address], standalone_mode=False)


def cpu_seconds(pid: int) -> float:
    """User + system time of a process and of the children it has waited for (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def snapshot(folder: Path) -> dict[str, int]:
    return (
        {
            p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
            for p in folder.rglob("*")
            if p.is_file()
        }
        if folder.is_dir()
        else {}
    )


class Server:
    """`opencpd serve` in a child process, its log lines read as they come."""

    def __init__(self, source: Path, port: int, tmp: Path):
        tmp.mkdir(exist_ok=True)
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(tmp)}
        self.process = subprocess.Popen(
            [sys.executable, __file__, "_serve", str(source / "mkdocs.yml"), f"127.0.0.1:{port}"],
            cwd=source,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            bufsize=1,
        )
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout
        for line in self.process.stdout:
            self.log.append(line.rstrip())
            stamp, _, rest = line.partition(" ")
            try:
                self.lines.put((float(stamp), rest.strip()))
            except ValueError:
                self.lines.put((time.time(), line.strip()))

    def wait_for(self, text: str, after: float, timeout: float) -> float:
        """The time of the first log line containing `text` logged after `after`."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                stamp, line = self.lines.get(timeout=1)
            except queue.Empty:
                if self.process.poll() is not None:
                    raise SystemExit("the server stopped:\n" + "\n".join(self.log[-30:])) from None
                continue
            if text in line and stamp >= after:
                return stamp
        raise SystemExit(f"no {text!r} within {timeout} s:\n" + "\n".join(self.log[-30:]))

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


@dataclass
class Rebuild:
    saved_to_reload: float
    build: float
    cpu: float


def edit(resource: Path, round_: int) -> str:
    marker = f"Edited in the serve benchmark, round {round_}."
    with resource.open("a", encoding="utf-8") as handle:
        handle.write(f"\n{marker}\n")
    return marker


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_serve":
        return child_serve(*sys.argv[2:4])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--write", type=Path, help="put the results in this Markdown page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="opencpd-serve-") as work_name:
        work = Path(work_name)
        source = work / "programme"
        print(f"generating {args.resources} resources in {source}", flush=True)
        make_programme(source, args.resources)
        builds = []
        for _round in range(2):  # the first fills the pack cache, the second finds it
            builds.append(
                measure(
                    [
                        sys.executable,
                        str(Path(__file__).with_name("bench_scale.py")),
                        "_ours",
                        str(source / "mkdocs.yml"),
                        str(source / "site"),
                    ],
                    source,
                )
            )
            print(f"full build: {builds[-1].wall:.1f} s, {builds[-1].cpu:.1f} s CPU", flush=True)
            edit(next((source / "modules").glob("*/resources/bench-00000/index.md")), 0)
        cold, full = builds
        before = {"packs": snapshot(source / ".cache"), "index": snapshot(source / "site")}
        port = free_port()
        server = Server(source, port, work / "tmp")
        try:
            started = time.time()
            server.wait_for("Serving on", 0, 1800)
            first = time.time() - started
            print(f"serve's first build: {first:.1f} s", flush=True)
            # MkDocs watches files by polling them: CPU the server spends even when idle.
            idle = cpu_seconds(server.process.pid)
            time.sleep(10)
            idle = (cpu_seconds(server.process.pid) - idle) / 10
            rebuilds = []
            resources = sorted((source / "modules").glob("*/resources/bench-*/index.md"))
            for round_ in range(1, args.edits + 1):
                time.sleep(1)
                resource = resources[round_ * 97 % len(resources)]
                cpu = cpu_seconds(server.process.pid)
                saved = time.time()
                marker = edit(resource, round_)
                building = server.wait_for("Building documentation", saved, 600)
                reloaded = server.wait_for("Reloading browsers", saved, 600)
                cpu = cpu_seconds(server.process.pid) - cpu - idle * (reloaded - saved)
                url = f"http://127.0.0.1:{port}/{resource.parent.relative_to(source).as_posix()}/"
                page = urllib.request.urlopen(url, timeout=30).read().decode("utf-8")
                assert marker in page, f"{url} does not show the edit"
                rebuilds.append(Rebuild(reloaded - saved, reloaded - building, cpu))
                print(
                    f"rebuild {round_}: {reloaded - saved:.1f} s from save to reload "
                    f"(build {reloaded - building:.1f} s), {cpu:.1f} s CPU",
                    flush=True,
                )
        finally:
            server.stop()
        regenerated = [line for line in server.log if any(w in line for w in REGENERATING)]
        after = {"packs": snapshot(source / ".cache"), "index": snapshot(source / "site")}
        untouched = after == before
    wall = statistics.median(r.saved_to_reload for r in rebuilds)
    cpu = statistics.median(r.cpu for r in rebuilds)
    ratios = (wall / full.wall, cpu / full.cpu)
    nothing = untouched and not regenerated
    text = "\n".join(
        [
            "## Serving",
            "",
            (
                f"`opencpd serve` with the programme plus {args.resources:,} synthetic resources, on "
                f"{os.cpu_count()} CPUs shared with other work (load average {os.getloadavg()[0]:.1f} "
                "at the end). Serving, MkDocs makes dirty builds, which render only the pages whose text "
                "changed (see below). A rebuild is "
                "timed from saving a resource's file to the server's \"Reloading browsers\", with the "
                "edit checked on the served page; its CPU time is the server process's, less what it "
                f"spends idle polling the files for changes ({idle:.2f} s a second). The full build "
                "it is compared with is `opencpd build` after editing one resource, with the packs in "
                "`.cache/packs` (so Pagefind and the offline zips run, the packs are reused)."
            ),
            "",
            "| | wall seconds | CPU seconds |",
            "|---|---:|---:|",
            f"| `opencpd build`, empty pack cache | {cold.wall:.1f} | {cold.cpu:.1f} |",
            (
                f"| `opencpd build`, packs cached, one resource edited | {full.wall:.1f} "
                f"| {full.cpu:.1f} |"
            ),
            f"| serve's first build | {first:.1f} | |",
            *[
                f"| rebuild after editing one resource ({i}) | {r.saved_to_reload:.1f} | {r.cpu:.1f} |"
                for i, r in enumerate(rebuilds, 1)
            ],
            "",
            "| goal | measured (wall / CPU) | met |",
            "|---|---|---|",
            (
                f"| a rebuild in under half a full build | {wall:.1f} / {cpu:.1f} s = "
                f"{ratios[0]:.2f} / {ratios[1]:.2f} of the full build "
                f"| {'yes' if ratios[1] < 0.5 else '**no**'} |"
            ),
            (
                f"| the same, against a build with an empty pack cache | "
                f"{wall / cold.wall:.2f} / {cpu / cold.cpu:.2f} "
                f"| {'yes' if cpu / cold.cpu < 0.5 else '**no**'} |"
            ),
            (
                f"| serving never regenerates packs nor touches the last build's search index "
                f"| {'nothing regenerated' if nothing else 'regenerated'} "
                f"| {'yes' if nothing else '**no**'} |"
            ),
            "",
            "Reproduce with:",
            "",
            "```sh",
            f"python scripts/bench_serve.py --resources {args.resources}"
            + (f" --write {args.write}" if args.write else ""),
            "```",
            "",
        ]
    )
    if regenerated:
        text += (
            "\nRegenerating lines in the server's log:\n\n"
            + "\n".join(f"    {line}" for line in regenerated)
            + "\n"
        )
    publish(text, args.write, START, END)


if __name__ == "__main__":
    main()
