"""A forked copy of the build that does one piece of work and sends back its result.

The copy's warnings are logged again in the build (so `--strict` counts them); its failure is
the build's PluginError. Used by `parallel.TwoCPUs`.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import signal
import tempfile
from collections.abc import Callable
from typing import Any

from mkdocs.exceptions import PluginError


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


class Helper:
    """A forked copy of the build that does one piece of work and sends back its result."""

    def __init__(self, pid: int, answer: Any) -> None:
        self.pid, self.answer = pid, answer

    @classmethod
    def start(cls, work: Callable[[], Any]) -> Helper:
        answer = tempfile.TemporaryFile()  # noqa: SIM115 (read after the child exits)
        gc.freeze()  # the collector would touch every object, and the copy would copy them all
        pid = os.fork()
        if pid == 0:
            run_and_exit(work, answer)  # never returns
        return cls(pid, answer)

    def result(self) -> Any:
        """Wait for the helper, log its warnings here, and return its result. PluginError if
        it failed."""
        _, status = os.waitpid(self.pid, 0)
        gc.unfreeze()
        code = os.waitstatus_to_exitcode(status)
        self.answer.seek(0)
        collecting = gc.isenabled()
        gc.disable()  # a result of many objects: no collection of the whole heap midway
        try:
            records, error, result = pickle.load(self.answer)
        except (EOFError, pickle.UnpicklingError):
            records, error, result = [], None, None
        finally:
            self.answer.close()
            if collecting:
                gc.enable()
        for name, level, message in records:
            logging.getLogger(name).log(level, message)
        if error or code != 0:
            why = f"failed: {error}" if error else f"stopped with exit code {code}"
            raise PluginError(
                f"The process doing part of the build on the second CPU {why}. "
                "Fix what it says and build again; if it says nothing you can "
                "fix, report it with the build's output."
            )
        return result

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ChildProcessError, ProcessLookupError):
            pass
        gc.unfreeze()
        self.answer.close()


def run_and_exit(work: Callable[[], Any], answer: Any) -> None:
    """In the copy: do the work, send back the result and the warnings, and exit; the copy must
    never go on with the build."""
    code, error, result = 1, None, None
    collect = Collect()
    try:
        mkdocs = logging.getLogger("mkdocs")
        for handler in list(mkdocs.handlers):  # the build shows and counts what we send back
            mkdocs.removeHandler(handler)
        mkdocs.addHandler(collect)
        result = work()
        code = 0
    except BaseException as exc:  # noqa: BLE001
        error = str(exc) or type(exc).__name__
    finally:
        try:
            pickle.dump((collect.records, error, result), answer, pickle.HIGHEST_PROTOCOL)
            answer.flush()
        finally:
            os._exit(code)
