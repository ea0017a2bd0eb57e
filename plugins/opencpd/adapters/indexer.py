"""Pagefind as a service: pages go in while MkDocs is still building, the bundle comes out at the
end, so indexing runs on a second core instead of after the build.

`pagefind --service` reads requests on stdin and answers on stdout, each message base64-encoded
JSON ending in a comma. The `pagefind` Python package speaks the same protocol but polls for
answers every 0.1 s, one answer a poll, so 10,000 pages would take over 15 minutes; this client
reads answers as they come, in a thread, and never makes the build wait for Pagefind.

A big site is indexed in shards of at most `shard_pages` pages, each by its own Pagefind process,
one after the other, so that memory stays bounded (Pagefind keeps about 250 KB a page in memory
until it writes its files). Shards are ranges of titles in alphabetical order: the browser merges
them (`mergeIndex`) and a list sorted by title reads shard after shard.

Pagefind sends each bundle's files back (`GetFiles`) and we write them; it never writes into the
site. Its own `WriteFiles` answers before its writes are done (it hands them to background
threads without waiting for them) and it ends with `exit(0)` when its input closes, which cuts
off the writes still in flight: about one bundle in fifty had an empty file (pagefind.js,
pagefind-entry.json…), whether or not the build waited for the process to end.
"""

from __future__ import annotations

import base64
import contextlib
import json
import queue
import subprocess
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from ..core.reproducible import ENTRY, Bundle, stable_bundle

TIMEOUT_SECONDS = 600
VERSION = "1.5."  # the Pagefind whose bundle `stable_bundle` knows


class IndexingFailed(Exception):
    """Pagefind reported an error or stopped; the message says what it said."""


class PagefindUnusable(IndexingFailed):
    """Pagefind as installed cannot be used: it does not start, stops before it answers, or is
    a version whose bundle we do not know. Installing it again may help; nothing else does."""


class PagefindProcess:
    """One `pagefind --service` process with one index in it."""

    def __init__(self, binary: Path, config: dict[str, Any], cwd: Path) -> None:
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the process)
        try:
            self.process = subprocess.Popen(
                [str(binary), "--service"],
                cwd=cwd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.errors,
            )
        except OSError as exc:
            self.errors.close()
            raise PagefindUnusable(f"Pagefind could not start ({exc})") from None
        self.answers: dict[int, Future[dict[str, Any]]] = {}
        self.failure: str | None = None
        self.pages = 0
        self.next_id = 0
        self.lock = threading.Lock()
        self.outbox: queue.Queue[bytes | None] = queue.Queue()
        self.threads = [
            threading.Thread(target=self._write, daemon=True),
            threading.Thread(target=self._read, daemon=True),
        ]
        for thread in self.threads:
            thread.start()
        try:
            answer = self.ask({"type": "NewIndex", "config": config}).result(TIMEOUT_SECONDS)
        except (IndexingFailed, TimeoutError) as exc:
            self.close()
            raise PagefindUnusable(str(exc) or "Pagefind did not answer") from None
        self.index_id = answer["index_id"]

    def ask(self, payload: dict[str, Any]) -> Future[dict[str, Any]]:
        """Send a request without waiting; the Future holds Pagefind's answer."""
        with self.lock:
            self.next_id += 1
            answer: Future[dict[str, Any]] = Future()
            self.answers[self.next_id] = answer
            message = {"message_id": self.next_id, "payload": payload}
        if self.failure:
            answer.set_exception(IndexingFailed(self.failure))
        else:
            self.outbox.put(base64.b64encode(json.dumps(message).encode()) + b",")
        return answer

    def add_page(self, html: str, source_path: str) -> None:
        self.pages += 1
        self.ask(
            {
                "type": "AddFile",
                "index_id": self.index_id,
                "file_path": source_path,
                "url": None,
                "file_contents": html,
            }
        )

    def files(self) -> Bundle:
        """Wait for every page; the bundle's files as Pagefind makes them (path: content)."""
        answer = self.ask({"type": "GetFiles", "index_id": self.index_id})
        try:
            files = answer.result(TIMEOUT_SECONDS)["files"]  # answers come in order
        except TimeoutError:
            raise IndexingFailed(f"Pagefind took over {TIMEOUT_SECONDS} s") from None
        if self.failure:
            raise IndexingFailed(self.failure)
        return {file["path"]: base64.b64decode(file["content"]) for file in files}

    def close(self) -> None:
        """End Pagefind (it ends when its input does), killing it if it has not after 10 s."""
        self.outbox.put(None)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for thread in self.threads:
            thread.join(10)
        assert self.process.stdout is not None
        self.process.stdout.close()
        self.errors.close()

    def _write(self) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        try:
            while (message := self.outbox.get()) is not None:
                stdin.write(message)
                if self.outbox.empty():
                    stdin.flush()
        except (BrokenPipeError, ValueError):
            pass  # the reader reports the process's end
        finally:
            with contextlib.suppress(BrokenPipeError):
                stdin.close()

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        pending = bytearray()  # the start of a message; a bundle's files are one long message
        while chunk := stdout.read1(1 << 16):
            first, *others = chunk.split(b",")
            pending += first
            if not others:
                continue
            *complete, rest = [bytes(pending), *others]
            pending = bytearray(rest)
            for message in complete:
                self._answer(json.loads(base64.b64decode(message)))
        self._fail_all(self._last_words() or "Pagefind stopped before it had finished")

    def _answer(self, response: dict[str, Any]) -> None:
        payload = response["payload"]
        if payload.get("type") == "Error":
            self.failure = self.failure or payload.get("message", "unknown error")
        answer = self.answers.pop(response.get("message_id") or 0, None)
        if answer is None:
            return
        if payload.get("type") == "Error" and not answer.done():
            answer.set_exception(IndexingFailed(self.failure or "error"))
        elif not answer.done():
            answer.set_result(payload)

    def _fail_all(self, reason: str) -> None:
        with self.lock:
            self.failure = self.failure or reason
            waiting, self.answers = self.answers, {}
        for answer in waiting.values():
            if not answer.done():
                answer.set_exception(IndexingFailed(self.failure))

    def _last_words(self) -> str:
        """What Pagefind wrote on stderr, from its first error line on."""
        try:
            self.errors.seek(0)
            text = self.errors.read().decode("utf-8", "replace")
        except ValueError:
            return ""
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        first = next(
            (
                i
                for i, line in enumerate(lines)
                if line.lower().startswith(("error", "thread", "called"))
            ),
            0,
        )
        return " ".join(dict.fromkeys(lines[first:])).strip()


class ShardedIndex:
    """Pages in, one Pagefind bundle per shard out: `bundle`, then `bundle-2`, `bundle-3`…

    `start` hands every page over at once, in title order; a thread feeds them to Pagefind
    `pages // shards` at a time (rounded up), one process per shard, each written and stopped
    before the next starts, so that one Pagefind process at most holds pages in memory. Each
    shard is then a range of titles.
    """

    def __init__(
        self, binary: Path, config: dict[str, Any], site: Path, bundle: str, shard_pages: int
    ) -> None:
        self.binary, self.config, self.site, self.bundle = binary, config, site, bundle
        self.shard_pages = shard_pages
        self.written: list[Path] = []
        self.error: IndexingFailed | None = None
        self.pages = 0
        self.stopping = False
        self.thread: threading.Thread | None = None
        # Started now, so that a Pagefind that cannot run stops the build before any page.
        self.current: PagefindProcess | None = PagefindProcess(binary, config, site)

    def bundle_name(self, shard: int) -> str:
        return self.bundle if shard == 0 else f"{self.bundle}-{shard + 1}"

    def start(self, pages: list[tuple[str, str]]) -> None:
        """Index `pages` ((HTML, path in the site) in title order) in the background."""
        self.thread = threading.Thread(target=self._index, args=(pages,), daemon=True)
        self.thread.start()

    def _index(self, pages: list[tuple[str, str]]) -> None:
        shards = max(1, -(-len(pages) // self.shard_pages))
        size = max(1, -(-len(pages) // shards))  # as even as can be
        try:
            for first in range(0, len(pages), size):
                process = self.current or PagefindProcess(self.binary, self.config, self.site)
                self.current = process
                for html, path in pages[first : first + size]:
                    if self.stopping:
                        return
                    process.add_page(html, path)
                files = process.files()
                self.current = None
                process.close()
                bundle = self.site / self.bundle_name(len(self.written))
                write_bundle(bundle, checked(files))
                self.pages += process.pages
                self.written.append(bundle)
        except IndexingFailed as exc:
            self.error = exc
        except OSError as exc:  # the build's folder, not Pagefind
            self.error = IndexingFailed(f"its files could not be written ({exc})")

    def write(self) -> list[Path]:
        """Wait until every shard is written; the bundles, first shard first."""
        if self.thread is not None:
            self.thread.join()
        if self.error:
            raise self.error
        if not self.written:
            raise IndexingFailed(
                "there was no page to index (no page is marked data-pagefind-body)"
            )
        return self.written

    def close(self) -> None:
        """Stop indexing (after a failed build) and every process still running."""
        self.stopping = True
        if self.current is not None:
            self.current.close()
        if self.thread is not None:
            self.thread.join()
        if self.current is not None:
            self.current.close()
            self.current = None


def checked(files: Bundle) -> Bundle:
    """The bundle Pagefind sent, made byte-identical from one build to the next."""
    try:
        version = str(json.loads(files[ENTRY])["version"])
    except (KeyError, ValueError, TypeError) as exc:
        raise IndexingFailed(
            f"its bundle has no readable {ENTRY} ({type(exc).__name__}: {exc})"
        ) from None
    if not version.startswith(VERSION):
        raise PagefindUnusable(
            f"Pagefind {version} is installed, and OpenCPD knows the bundle "
            f"of Pagefind {VERSION}x only"
        )
    try:
        return stable_bundle(files)
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise IndexingFailed(
            f"its bundle is not what Pagefind {version} makes ({type(exc).__name__}: {exc})"
        ) from None


def write_bundle(folder: Path, files: Bundle) -> None:
    """Write the bundle into `folder`: every file whole once this returns."""
    for path, content in sorted(files.items()):
        target = folder / path
        if folder not in target.parents or ".." in Path(path).parts:
            raise IndexingFailed(f"Pagefind sent a file outside its bundle: {path}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
