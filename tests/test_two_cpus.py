"""Building on two CPUs (adapters/parallel.py) gives the site one CPU gives, byte for byte; the
helper's warnings count under --strict; a helper that fails fails the build, and a build that
fails stops its helper. Real builds, real forks."""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path
from typing import Any

import mkdocs.commands.build as mkdocs_build
import pytest
from opencpd.adapters import parallel
from opencpd.adapters import site as site_module
from opencpd.adapters.parallel import Claims, Helper, TwoCPUs, the_last
from opencpd.adapters.site import BuildFailed, build_site

from .conftest import ExpectedWarnings, with_caches
from .test_atomic import assert_untouched, built_once, previous_site  # noqa: F401  (fixtures)
from .test_reproducible import differences, tree

# That the site built on two CPUs is byte-identical to one built on one CPU is tested with the
# repository's content in test_reproducible.py (one build of each kind, in two checkouts).


def test_the_shares_cover_every_page_once() -> None:
    claims = Claims(5)
    assert claims.last() == 4 and claims.first(0) and claims.last() == 3
    assert claims.first(1) and claims.first(2)
    assert claims.last() is None and not claims.first(3)  # the copy's already
    claims.close()
    claims = Claims(4)
    pid = os.fork()  # the copy claims from the end in a forked process, as in a build
    if pid == 0:
        taken = []
        while (n := claims.last()) is not None:
            taken.append(n)
        os._exit(0 if taken == [3, 2, 1, 0] else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert not claims.first(0)  # every page claimed by the copy
    claims.close()

    class Page:
        def __init__(self, size: int) -> None:
            self.file = type("File", (), {"content_string": "x" * size})()

    sized = [Page(s) for s in (10, 10, 10, 10, 40, 20)]
    assert the_last(sized, 0.5) == sized[4:]  # 60 of 100 characters: the nearest split
    assert the_last(sized, 0.0) == [] and the_last(sized, 1.0) == sized


@pytest.fixture
def all_pages_to_the_helpers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page converted and written by the helpers, so that whatever a test provokes
    happens in a helper."""
    monkeypatch.setattr(site_module, "TwoCPUs", lambda: TwoCPUs(1.0, build_writes=False))


def test_a_warning_in_the_helper_fails_the_strict_build(
    previous_site: tuple[Path, dict[str, str]],
    all_pages_to_the_helpers: None,
    warnings_log: ExpectedWarnings,
) -> None:
    site, before = previous_site
    warnings_log.expect(r"nowhere\.md")
    (site.parent / "docs" / "about.md").write_text("# About\n\n[A link](nowhere.md)\n", "utf-8")
    with pytest.raises(BuildFailed, match="1 warnings in strict mode"):
        build_site(str(site.parent / "mkdocs.yml"), site, parallel=True)
    said = [m for m in warnings_log.handler.messages if "nowhere.md" in m]
    assert len(said) == 1, said  # at its file and line (adapters/links.py), from either CPU
    assert said[0].startswith("docs/about.md:3:10: broken-link: the link 'nowhere.md' "), said
    assert_untouched(site, before)


def in_the_helper(work: Any) -> Any:
    """`work` in place of the helpers' work, for a test."""

    def run(*args: Any) -> Any:
        return work()

    return run


def no_space() -> None:
    raise OSError("[Errno 28] No space left on device")


def killed() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize("where", ["convert", "write_pages"])
@pytest.mark.parametrize(
    "how, message", [(no_space, "No space left on device"), (killed, "stopped with exit code -9")]
)
def test_a_helper_that_fails_fails_the_build(
    previous_site: tuple[Path, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    warnings_log: ExpectedWarnings,
    where: str,
    how: Any,
    message: str,
) -> None:
    site, before = previous_site
    warnings_log.expect(r"Error reading page|second CPU")
    monkeypatch.setattr(parallel, where, in_the_helper(how))  # the fork copies the change
    with pytest.raises(BuildFailed):
        build_site(str(site.parent / "mkdocs.yml"), site, parallel=True)
    said = [m for m in warnings_log.handler.messages if "second CPU" in m]
    assert len(said) == 1 and message in said[0], warnings_log.handler.messages
    assert_untouched(site, before)


@pytest.mark.parametrize("loop", ["_populate_page", "_build_page"])
def test_a_build_that_fails_stops_its_helper(
    previous_site: tuple[Path, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    warnings_log: ExpectedWarnings,
    loop: str,
) -> None:
    """The build fails on its own first page while a helper works: the helper is stopped and
    reaped, and writes nothing more."""
    site, before = previous_site
    warnings_log.expect(r"Error (reading|building) page")
    helpers: list[int] = []
    start = Helper.start.__func__  # type: ignore[attr-defined]

    def recorded(cls: type[Helper], work: Any) -> Helper:
        helper = start(cls, work)
        helpers.append(helper.pid)
        return helper

    def fails(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the build's own page failed")

    monkeypatch.setattr(Helper, "start", classmethod(recorded))
    monkeypatch.setattr(mkdocs_build, loop, fails)  # the build's loop; helpers have their own
    with pytest.raises(Exception, match="the build's own page failed"):
        build_site(str(site.parent / "mkdocs.yml"), site, parallel=True)
    assert helpers
    for pid in helpers:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # already reaped
    assert_untouched(site, before)


def test_anchors_the_helper_found_are_checked_by_the_build(
    previous_site: tuple[Path, dict[str, str]],
    all_pages_to_the_helpers: None,
    warnings_log: ExpectedWarnings,
) -> None:
    """MkDocs checks links to anchors after both loops, from what each page's conversion found:
    the helper sends that back, so a link to a missing heading is still caught, and a link to a
    heading that is there is not."""
    site, before = previous_site
    warnings_log.expect(r"#nowhere")
    config = site.parent / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + "\nvalidation:\n  anchors: warn\n", "utf-8")
    (site.parent / "docs" / "about.md").write_text(
        "# About\n\n## Who we are\n\nSee [us](#who-we-are), [the other page](other.md#here) "
        "and [nothing](other.md#nowhere).\n",
        "utf-8",
    )
    (site.parent / "docs" / "other.md").write_text("# Other\n\n## Here\n\nText.\n", "utf-8")
    with pytest.raises(BuildFailed, match="1 warnings in strict mode"):
        build_site(str(config), site, parallel=True)
    assert [m for m in warnings_log.handler.messages if "contains a link" in m] == [
        "Doc file 'about.md' contains a link 'other.md#nowhere', but the doc 'other.md' does "
        "not contain an anchor '#nowhere'."
    ]
    assert_untouched(site, before)


def test_a_verbose_build_on_two_cpus(tmp_path: Path, site_copy: Path, built_fixture: Path) -> None:
    """`opencpd build -v` logs debug messages, and MkDocs then keeps no links to anchors."""
    with_caches(site_copy, built_fixture)  # both builds take the packs and decks from the cache
    logging.getLogger("mkdocs").setLevel(logging.DEBUG)  # the fixture restores it
    build_site(str(site_copy / "mkdocs.yml"), tmp_path / "verbose", parallel=True)
    build_site(str(site_copy / "mkdocs.yml"), tmp_path / "quiet", parallel=False)
    assert differences(tree(tmp_path / "verbose"), tree(tmp_path / "quiet")) == []
