"""A build stopped by a signal leaves nothing behind, and Pagefind's own writes never reach the
site.

Real builds in their own process: a signal is sent while MkDocs writes the pages (Pagefind and
the forked helper running) or during the post-build steps, and the previous site must be
byte-identical afterwards, with no `.site-building-*` folder and no process of the build left.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from opencpd.adapters import search
from opencpd.adapters.indexer import IndexingFailed, PagefindUnusable, checked
from opencpd.adapters.search import indexing_failed, pagefind_binary
from opencpd.adapters.site import BuildFailed, build_site, remove_stale
from opencpd.core.reproducible import ENTRY

# Builds the site and stops at a known point (a marker file says it is there) for a minute.
DRIVER = """
import sys, time
from pathlib import Path
import mkdocs.commands.build as mkdocs_build
from opencpd.adapters import site

config_file, site_dir, phase, marker = sys.argv[1:]

def wait_here(*args):
    Path(marker).write_text("here")
    time.sleep(60)

steps = None
if phase == "pages":  # after MkDocs has written three pages
    real, written = mkdocs_build._build_page, []
    def build_page(page, config, *args, **kwargs):
        real(page, config, *args, **kwargs)
        written.append(page)
        if len(written) == 3:
            wait_here()
    mkdocs_build._build_page = build_page
else:  # the post-build steps, while Pagefind may still be indexing
    steps = [*site.POST_BUILD_STEPS, wait_here]
site.build_site(config_file, Path(site_dir), steps=steps)
"""


def fingerprint(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file()
        else "folder"
        for p in sorted(folder.rglob("*"))
    }


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".site-"))


@pytest.fixture
def built_once(built_fixture: Path) -> Path:
    """The fixture site's sources, site/ and caches, built once for the run (tests/conftest.py)."""
    return built_fixture


@pytest.fixture
def source(built_once: Path, tmp_path: Path) -> Path:
    """A copy of the built fixture site's folder: sources, site/ and the caches."""
    copy = tmp_path / "src"
    shutil.copytree(built_once, copy)
    return copy


def start(source: Path, phase: str) -> tuple[subprocess.Popen[bytes], Path]:
    marker, log = source.parent / "reached", source.parent / "build.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                DRIVER,
                str(source / "mkdocs.yml"),
                str(source / "site"),
                phase,
                str(marker),
            ],
            cwd=source,
            start_new_session=True,
            stdout=output,
            stderr=output,
        )
    deadline = time.monotonic() + 120
    while not marker.exists():
        if process.poll() is not None:
            raise AssertionError(f"the build ended before {phase}: {log.read_text()}")
        assert time.monotonic() < deadline, f"the build never reached {phase}"
        time.sleep(0.05)
    return process, marker


def wait_for_the_group(group: int) -> bool:
    """Whether every process of the build (its helper, Pagefind) has ended within 20 s."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def stop_everything(group: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)


@pytest.mark.parametrize(
    ("signum", "phase"),
    [
        (signal.SIGTERM, "pages"),
        (signal.SIGINT, "pages"),
        (signal.SIGHUP, "pages"),
        (signal.SIGTERM, "post-build"),
    ],
)
def test_a_build_stopped_by_a_signal_leaves_nothing_behind(
    source: Path, signum: int, phase: str
) -> None:
    site = source / "site"
    before = fingerprint(site)
    process, _ = start(source, phase)
    try:
        assert [n for n in leftovers(source) if n.startswith(".site-building-")]
        process.send_signal(signum)  # to the build's process only, as `kill PID` does
        process.wait(60)
        assert wait_for_the_group(process.pid), "the helper or Pagefind outlived the build"
    finally:
        stop_everything(process.pid)
    assert process.returncode == -signum, "the build must end by the signal it was sent"
    assert leftovers(source) == []
    assert fingerprint(site) == before


def test_the_next_build_removes_what_a_killed_build_left(source: Path) -> None:
    """SIGKILL cannot be caught: the next build removes the staging folder of the dead one."""
    process, _ = start(source, "pages")
    try:
        process.send_signal(signal.SIGKILL)
        process.wait(60)
        assert wait_for_the_group(process.pid)
    finally:
        stop_everything(process.pid)
    assert [n for n in leftovers(source) if n.startswith(f".site-building-{process.pid}-")]
    (source / "docs" / "about.md").write_text("# About\n\nChanged after the kill.\n", "utf-8")
    build_site(str(source / "mkdocs.yml"), source / "site")
    assert leftovers(source) == [".site-spare"]  # the site replaced, for the next build
    assert "Changed after the kill." in (source / "site" / "about" / "index.html").read_text()


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_only_folders_of_dead_builds_are_removed(tmp_path: Path) -> None:
    site, dead, alive = tmp_path / "site", dead_pid(), os.getpid()
    names = [
        f".site-building-{dead}-a1b2",
        f".site-building-{alive}-c3d4",
        f".site-old-{dead}",
        f".site-spare-{dead}",
        f".site-spare-{alive}",
        ".site-spare",
        ".site-building-notes",
        f".other-building-{dead}-e5f6",
        "site",
    ]
    for name in names:
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(name)
    remove_stale(site)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [
            f".site-building-{alive}-c3d4",
            f".site-spare-{alive}",
            ".site-spare",
            ".site-building-notes",
            f".other-building-{dead}-e5f6",
            "site",
        ]
    )
    assert (site / "index.html").read_text() == "site"


def test_a_site_moved_aside_by_a_killed_swap_comes_back(tmp_path: Path) -> None:
    """Killed between the two renames of the swap: no site/, the previous one aside."""
    dead = dead_pid()
    (tmp_path / f".site-old-{dead}").mkdir()
    (tmp_path / f".site-old-{dead}" / "index.html").write_text("previous")
    (tmp_path / f".site-building-{dead}-x").mkdir()
    remove_stale(tmp_path / "site")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert (tmp_path / "site" / "index.html").read_text() == "previous"


# --- Pagefind's own writes -----------------------------------------------------------------------

# Pagefind 1.5 as it behaves at its worst, made certain: it answers WriteFiles once its files
# are created, writes their content two seconds later, and ends at once when its input ends
# (`std::process::exit(0)`), cutting off the writes still to come. A real Pagefind does the
# same within milliseconds, about one bundle in fifty. Everything else goes to the real one.
SLOW_WRITER = """#!{python}
import base64, json, os, subprocess, sys, threading, time
from pathlib import Path

real = subprocess.Popen([{binary!r}, "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
writing = {{}}  # message id of a WriteFiles request: the bundle's folder

def messages(stream):
    pending = b""
    while chunk := stream.read1(1 << 16):
        *complete, pending = (pending + chunk).split(b",")
        yield from complete

def requests():
    for message in messages(sys.stdin.buffer):
        request = json.loads(base64.b64decode(message))
        if request["payload"]["type"] == "WriteFiles":
            writing[request["message_id"]] = Path(request["payload"]["output_path"])
            request["payload"] = {{"type": "GetFiles", "index_id": request["payload"]["index_id"]}}
            message = base64.b64encode(json.dumps(request).encode())
        real.stdin.write(message + b",")
        real.stdin.flush()
    os._exit(0)

def write_later(files):
    time.sleep(2)
    for path, content in files.items():
        path.write_bytes(content)

threading.Thread(target=requests, daemon=True).start()
for message in messages(real.stdout):
    answer = json.loads(base64.b64decode(message))
    bundle = writing.pop(answer.get("message_id"), None)
    if bundle is not None:
        files = {{bundle / f["path"]: base64.b64decode(f["content"])
                 for f in answer["payload"]["files"]}}
        for path in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"")
        threading.Thread(target=write_later, args=(files,), daemon=True).start()
        answer["payload"] = {{"type": "WriteFiles", "output_path": str(bundle)}}
        message = base64.b64encode(json.dumps(answer).encode())
    sys.stdout.buffer.write(message + b",")
    sys.stdout.buffer.flush()
"""


def test_the_bundle_is_what_pagefind_sent_not_what_it_left_on_disk(
    built_once: Path, source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = tmp_path / "pagefind-slow-writer"
    slow.write_text(SLOW_WRITER.format(python=sys.executable, binary=str(pagefind_binary())))
    slow.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_binary", lambda: slow)
    build_site(str(source / "mkdocs.yml"), source / "site")
    bundle = fingerprint(source / "site" / "pagefind")
    empty = hashlib.sha256(b"").hexdigest()
    assert [name for name, digest in bundle.items() if digest == empty] == []
    assert bundle == fingerprint(built_once / "site" / "pagefind")  # as the real one makes it


# --- what the build says --------------------------------------------------------------------------


def test_a_bundle_pagefind_did_not_make_does_not_blame_the_install() -> None:
    with pytest.raises(IndexingFailed) as caught:
        checked({ENTRY: b'{"version":"1.5.2","languages":{"en":{"hash":"en_1"}}}'})
    assert not isinstance(caught.value, PagefindUnusable)
    message = str(indexing_failed(caught.value))
    assert "not what Pagefind 1.5.2 makes (KeyError" in message
    assert "installed" not in message and "report it with the build's output" in message


def test_another_pagefind_version_blames_the_install() -> None:
    with pytest.raises(PagefindUnusable) as caught:
        checked({ENTRY: b'{"version":"1.6.0","languages":{}}'})
    message = str(indexing_failed(caught.value))
    assert "Pagefind 1.6.0 is installed" in message and "pagefind-bin>=1.5.2,<1.6" in message


def test_a_pagefind_that_cannot_start_blames_the_install(tmp_path: Path) -> None:
    with pytest.raises(BuildFailed, match=r"could not start .*pagefind-bin package"):
        search.run_pagefind(write_page(tmp_path), binary=tmp_path / "no-such-pagefind")


def write_page(site: Path) -> Path:
    (site / "index.html").write_text(
        f"<html><body>{search.MARK}<h1>A page</h1></div></body></html>", "utf-8"
    )
    return site
