"""Build the site with MkDocs into a temporary folder and swap it in only on success.

The temporary folder is `.<site>-building-<pid>-<random>` beside the site. A build that fails,
or is stopped by SIGINT, SIGTERM or SIGHUP, removes it (and stops its helper and Pagefind)
before it ends; one killed by SIGKILL cannot, so each build first removes the folders left by
builds whose process is gone.

The site a build replaces is kept beside it as `.<site>-spare`, and the next build takes the
folders it writes itself out of it (core/recycled.py), then removes the rest.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError, PluginError

from ..core.catalog import Catalog
from ..core.offline import write_offline_zips
from ..core.output_folder import clash, sources
from ..core.recycled import claim_spare, keep_as_spare
from ..core.source_date import given_date, last_change
from .config_lines import not_read, read_at_lines, setting_at
from .parallel import TwoCPUs, two_cpus

PostBuildStep = Callable[[MkDocsConfig, Path, Catalog], None]


OFFLINE_CACHE = Path(".cache") / "offline"  # beside mkdocs.yml, like the packs' cache


def offline_copies(config: MkDocsConfig, site: Path, catalog: Catalog) -> None:
    cache = Path(config.config_file_path).resolve().parent / OFFLINE_CACHE
    write_offline_zips(site, catalog, cache)


POST_BUILD_STEPS: list[PostBuildStep] = [offline_copies]


class BuildFailed(Exception):
    """The build could not finish; the previous site is untouched."""


class SourcesFolder(BuildFailed):
    """The folder to write into holds the programme's sources: nothing was built or moved."""


def source_clash(config: MkDocsConfig, out: Path, setting: str) -> str | None:
    """Why `out` must not be written into, replacing what is there (core/output_folder.py)."""
    project = Path(config.config_file_path).resolve().parent
    options = config.plugins["opencpd"].config if "opencpd" in config.plugins else None
    content = (project / (options.content_dir if options else ".")).resolve()
    return clash(out, project, sources(project, Path(config.docs_dir), content), setting)


def folder_clash(config: MkDocsConfig, site_dir: Path) -> str | None:
    """`source_clash` for the site folder, told at site_dir's line in mkdocs.yml when that is
    where it comes from (else from -d)."""
    if site_dir.resolve() != Path(config.site_dir).resolve():
        return source_clash(config, site_dir, "-d/--site-dir")
    refused = source_clash(config, site_dir, "site_dir in mkdocs.yml")
    return refused and setting_at(config.config_file_path, "site_dir") + refused


def quiet_end_of_life_notice() -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def build_date(project: Path) -> str:
    """The last commit's time as a Unix timestamp (core/source_date.py)."""
    return str(last_change(project))


@contextmanager
def build_date_from_git(project: Path) -> Iterator[None]:
    """Dates in the output (sitemap, footers) come from git, not the clock, so that two builds
    of one commit are byte-identical (SOURCE_DATE_EPOCH is honoured by MkDocs). A date set by
    the caller wins; ours is removed again afterwards."""
    if given_date() is not None:  # BuildDateError when it is no date
        yield
        return
    before = os.environ.get("SOURCE_DATE_EPOCH")  # unset, or set to nothing
    os.environ["SOURCE_DATE_EPOCH"] = build_date(project)
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def load(config_file: str, **overrides: object) -> MkDocsConfig:
    quiet_end_of_life_notice()
    read_at_lines(config_file)  # even when the plugin is never reached
    try:
        return load_config(config_file, **overrides)
    except (ConfigurationError, Abort) as exc:
        raise BuildFailed(not_read(config_file, str(exc))) from None
    finally:
        read_at_lines(None)


def serve_reads_config_plainly(serving: Any) -> None:
    """MkDocs' serve (the module `serving`) reads mkdocs.yml again before each rebuild, and
    printed a traceback when the file was not YAML (saved half-edited): the error is now the
    file's line and what is wrong, which the server prints as it is before it waits for the
    next save (an Abort, as MkDocs' own refusal of a setting is)."""
    load = serving.load_config
    if getattr(load, "plain", False):
        return

    def load_config(config_file: str | None = None, **kwargs: Any) -> MkDocsConfig:
        try:
            return load(config_file=config_file, **kwargs)
        except Abort:
            raise
        except ConfigurationError as exc:
            raise Abort(not_read(str(config_file), str(exc))) from None

    load_config.plain = True  # type: ignore[attr-defined]
    serving.load_config = load_config


def build_site(
    config_file: str,
    site_dir: Path,
    preview_pending: bool = False,
    steps: list[PostBuildStep] | None = None,
    search: bool = True,
    parallel: bool | None = None,
) -> Catalog:
    """A strict build into a sibling temporary folder, indexed for search while it is built,
    then post-build steps, then the swap. Pages are built on two CPUs when there
    are two (`parallel`: None), or as told."""
    site_dir = site_dir.resolve()
    try:  # before anything is moved: a broken mkdocs.yml is reported by the build below
        refused = folder_clash(load(config_file), site_dir)
    except BuildFailed:
        refused = None
    if refused:
        raise SourcesFolder(refused)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    with ending_cleanly() as signals:
        with signals.held():
            remove_stale(site_dir)
            # made as any folder is (with the user's umask: a web server reads it), not 0700
            staging = site_dir.with_name(
                f"{staging_prefix(site_dir)}{os.getpid()}-{secrets.token_hex(4)}"
            )
            staging.mkdir()
            spare = claim_spare(site_dir)
        try:
            with build_date_from_git(Path(config_file).resolve().parent):
                catalog = _build(
                    config_file,
                    staging,
                    preview_pending,
                    steps,
                    search,
                    two_cpus() if parallel is None else parallel,
                    spare,
                )
            with signals.held():
                swap_in(staging, site_dir)
        except BaseException:
            with signals.held():
                shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            if spare:  # what this build did not take of it
                with signals.held():
                    shutil.rmtree(spare, ignore_errors=True)
    return catalog


def staging_prefix(site_dir: Path) -> str:
    return f".{site_dir.name}-building-"


def remove_stale(site_dir: Path) -> None:
    """Remove what builds killed by SIGKILL left beside `site_dir`: their staging folders, and
    the previous site they had moved aside, which goes back if the site is missing (killed
    between the two renames of `swap_in`). Only folders whose build process is gone."""
    left = re.compile(rf"\.{re.escape(site_dir.name)}-(building|old|spare)-(\d+)(-[^/]*)?")
    for path in sorted(site_dir.parent.iterdir()):
        found = left.fullmatch(path.name)
        if found is None or running(int(found[2])):
            continue
        if found[1] == "old" and not site_dir.exists():
            path.rename(site_dir)
        else:
            shutil.rmtree(path, ignore_errors=True)


def running(pid: int) -> bool:
    """Whether a process `pid` exists (it may be another user's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Terminated(BaseException):
    """The build was sent SIGTERM or SIGHUP. Like KeyboardInterrupt, no `except Exception`
    catches it, so that nothing carries on with a build told to stop."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum


class Signals:
    """While a build runs: SIGINT raises KeyboardInterrupt and SIGTERM and SIGHUP raise
    Terminated, so that the build's `finally` clauses run (Python's default for SIGTERM and
    SIGHUP is to end at once, leaving the staging folder, the forked helper and Pagefind). In
    `held()` a signal waits until the block has finished: a swap or a clean-up is never cut in
    half."""

    HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self) -> None:
        self.holding = False
        self.pending: int | None = None
        self.previous: dict[int, object] = {}

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # Python runs handlers in the main thread only; leave them as they are
        for signum in self.HANDLED:
            current = signal.getsignal(signum)
            if current in (signal.SIG_DFL, signal.default_int_handler):  # not ignored (nohup)
                self.previous[signum] = current
                signal.signal(signum, self.handle)

    def restore(self) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
        self.previous = {}

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if self.holding:
            self.pending = self.pending or signum
        else:
            self.stop(signum)

    @staticmethod
    def stop(signum: int) -> None:
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Terminated(signum)

    @contextmanager
    def held(self) -> Iterator[None]:
        self.holding = True
        try:
            yield
        finally:
            self.holding = False
        if self.pending is not None:
            signum, self.pending = self.pending, None
            self.stop(signum)


@contextmanager
def ending_cleanly() -> Iterator[Signals]:
    """Signals handled as `Signals` says for the block. A build stopped by SIGTERM or SIGHUP
    then ends its process by the same signal, once it has cleaned up, as it would have without
    us (a shell or CI runner sees the signal, not an exit code)."""
    signals = Signals()
    signals.install()
    try:
        yield signals
    except Terminated as stopped:
        handled = stopped.signum in signals.previous
        signals.restore()
        if handled:
            signal.raise_signal(stopped.signum)  # the default: the process ends here
        raise
    finally:
        signals.restore()


def _build(
    config_file: str,
    staging: Path,
    preview_pending: bool,
    steps: list[PostBuildStep] | None,
    search: bool,
    parallel: bool,
    spare: Path | None = None,
) -> Catalog:
    config = load(config_file, strict=True, site_dir=str(staging))
    plugin = config.plugins["opencpd"]
    plugin.spare = spare  # type: ignore[attr-defined]
    plugin.config.preview_pending = preview_pending  # type: ignore[attr-defined]
    plugin.config.packs = True  # type: ignore[attr-defined]
    helper = TwoCPUs() if parallel else None
    if helper:
        config.plugins["opencpd-two-cpus"] = helper
    indexing = start_indexing(config, staging, spare) if search else None
    try:
        try:
            build(config)
        except (Abort, PluginError) as exc:
            raise BuildFailed(str(exc).strip() or "the build failed") from None
        except SystemExit as exc:  # a plugin that ends the process (mkdocs-macros on an error)
            raise BuildFailed(
                f"a plugin stopped the build (exit code {exc.code}) on a problem it reported above"
            ) from None
        catalog: Catalog = plugin.catalog  # type: ignore[attr-defined]
        for step in POST_BUILD_STEPS if steps is None else steps:
            step(config, staging, catalog)  # while Pagefind may still be indexing
        if indexing:
            finish_indexing(indexing)
    finally:
        if helper:
            helper.stop()  # a failed or interrupted build: its helper writes no more
        plugin.stop_filling()  # and the copy filling pages into shells neither
        if indexing:
            indexing.close()
    return catalog


def swap_in(staging: Path, site_dir: Path) -> None:
    """Replace `site_dir` by `staging` with two renames, so readers never see a half site; the
    site replaced is kept as the next build's spare."""
    old = None
    if site_dir.exists():
        old = site_dir.with_name(f".{site_dir.name}-old-{os.getpid()}")
        site_dir.rename(old)
    try:
        staging.rename(site_dir)
    except BaseException:
        if old:
            old.rename(site_dir)  # put the previous site back
        raise
    if old:
        keep_as_spare(old, site_dir)


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """A handler writing to whatever `sys.stderr` is when it writes, not when it was made: a
    programme calling the commands in one process (a test runner's) replaces it each time."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def log_to_terminal(verbose: bool = False) -> None:
    """Show MkDocs' warnings (and ours) on stderr, as `mkdocs build` does."""
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "name", "") == "opencpd" for h in logger.handlers):
        handler = _Stderr()
        handler.name = "opencpd"
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in logger.handlers:
        if getattr(handler, "name", "") == "opencpd":
            handler.setLevel(logging.INFO if verbose else logging.WARNING)


from .search import finish_indexing, start_indexing  # noqa: E402  (search.py needs BuildFailed)
