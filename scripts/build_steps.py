"""Where one `opencpd build` spends its time (figures, not a test): the build's steps timed
from the start of the process, in the build and in its forked copies.

    python scripts/build_steps.py mkdocs.yml site [--no-due-packs]

Each line: the process (the build, or a forked copy), the step, how often it ran, its total
time, and when it first started and last ended. Build twice first: the second build of a site
takes unchanged files from the first one's spare (core/recycled.py), as later builds do.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

START = time.perf_counter()
BUILD = os.getpid()
STEPS = [  # module, function or Class.method
    ("opencpd.adapters.site", "remove_stale"),
    ("opencpd.adapters.site", "start_indexing"),
    ("opencpd.adapters.plugin", "OpenCPDPlugin.on_config"),
    ("opencpd.adapters.plugin", "OpenCPDPlugin.load"),
    ("opencpd.core.load", "Loading.__init__"),
    ("opencpd.core.load", "Loading.add"),
    ("opencpd.adapters.reading", "read_apart"),
    ("opencpd.adapters.plugin", "OpenCPDPlugin.slide_decks"),
    ("opencpd.adapters.plugin", "OpenCPDPlugin.session_packs"),
    ("opencpd.core.render", "Renderer.pages"),
    ("opencpd.core.delivery_pages", "calendars"),
    ("opencpd.core.calendar", "serialised_events"),
    ("opencpd.core.kept", "KeptDeliveries.key"),
    ("opencpd.core.kept", "KeptDocs.save"),
    ("opencpd.core.kept", "KeptDeliveries.save"),
    ("opencpd.adapters.plugin", "export"),
    ("opencpd.adapters.plugin", "delivery_json_ld"),
    ("opencpd.core.metadata", "Metadata.all"),
    ("opencpd.adapters.plugin", "OpenCPDPlugin.on_files"),
    ("opencpd.core.recycled", "Recycled.take"),
    ("mkdocs.commands.build", "_populate_page"),
    ("opencpd.adapters.plugin", "OpenCPDPlugin.on_env"),
    ("opencpd.adapters.filled", "FilledPages.make"),
    ("opencpd.adapters.filled", "FilledPages.write"),
    ("opencpd.adapters.search", "IndexWhileBuilding.on_env"),
    ("mkdocs.structure.files", "Files.copy_static_files"),
    ("mkdocs.commands.build", "_build_page"),
    ("opencpd.adapters.forked", "Helper.result"),
    ("opencpd.adapters.plugin", "OpenCPDPlugin.on_post_build"),
    ("opencpd.core.recycled", "Recycled.sweep"),
    ("opencpd.adapters.site", "offline_copies"),
    ("opencpd.adapters.site", "finish_indexing"),
    ("opencpd.adapters.site", "swap_in"),
]


def timed(log: Path, name: str, step: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(step)
    def run(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return step(*args, **kwargs)
        finally:
            line = {"build": os.getpid() == BUILD, "step": name, "began": began - START}
            line["ended"] = time.perf_counter() - START
            with log.open("a", encoding="utf-8") as out:  # a forked copy writes here too
                out.write(json.dumps(line) + "\n")

    return run


def report(log: Path) -> None:
    totals: dict[tuple[bool, str], list[float]] = {}
    for line in map(json.loads, log.read_text("utf-8").splitlines()):
        found = totals.setdefault((line["build"], line["step"]), [0, 0.0, line["began"], 0.0])
        found[0] += 1
        found[1] += line["ended"] - line["began"]
        found[3] = max(found[3], line["ended"])
    for (build, step), (count, total, began, ended) in sorted(
        totals.items(), key=lambda item: item[1][2]
    ):
        where = "build" if build else "copy "
        print(f"{where} {step:38} x{count:<5} {total:6.3f} s   {began:6.3f} to {ended:6.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config")
    parser.add_argument("site")
    parser.add_argument(
        "--no-due-packs", action="store_true", help="make no packs for deliveries due soon"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "steps.jsonl"
        for module_name, name in STEPS:
            owner: Any = importlib.import_module(module_name)
            attribute = name
            if "." in name:
                owner_name, attribute = name.split(".")
                owner = getattr(owner, owner_name)
            setattr(owner, attribute, timed(log, name, getattr(owner, attribute)))
        from opencpd.adapters import site

        if args.no_due_packs:
            import opencpd.core.packs.delivery as delivery

            delivery.due_packs = lambda catalog: []
        site.log_to_terminal()
        began = time.perf_counter()
        try:
            site.build_site(args.config, Path(args.site))
        except site.BuildFailed as exc:
            sys.exit(str(exc))
        print(f"build_site: {time.perf_counter() - began:.3f} s")
        report(log)


if __name__ == "__main__":
    main()
