"""Shared fixtures: the tiny fixture site, built once, and a guard against unexpected warnings."""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from opencpd.core.catalog import Catalog
from opencpd.core.load import load_catalog
from opencpd.core.vocabulary import load_vocabulary

TESTS = Path(__file__).resolve().parent
FIXTURE_SITE = TESTS / "fixtures" / "site"
RESOURCES_FIXTURE = TESTS / "resources_fixture"

# The repository's own site built once per run, served on 127.0.0.1, and headless Chromium;
# the tiny site of centres and deliveries and its fixtures.
pytest_plugins = ["tests.conftest_browser", "tests.deliveries_site"]


class WarningRecords(logging.Handler):
    """Collects the records of the `mkdocs` logger (and its children) at WARNING and above."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @property
    def messages(self) -> list[str]:
        return [record.getMessage() for record in self.records]


@contextmanager
def mkdocs_warnings() -> Iterator[WarningRecords]:
    logger = logging.getLogger("mkdocs")
    handler = WarningRecords()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


class ExpectedWarnings:
    """What a test says it expects MkDocs to warn about; anything else fails the test."""

    def __init__(self, handler: WarningRecords) -> None:
        self.handler = handler
        self.patterns: list[str] = []

    def expect(self, pattern: str) -> None:
        self.patterns.append(pattern)

    def unexpected(self) -> list[str]:
        return [m for m in self.handler.messages if not any(re.search(p, m) for p in self.patterns)]


@pytest.fixture(autouse=True)
def warnings_log() -> Iterator[ExpectedWarnings]:
    """Fails the test if MkDocs (or a plugin) logs a warning the test did not `expect()`."""
    with mkdocs_warnings() as handler:
        expected = ExpectedWarnings(handler)
        yield expected
    unexpected = expected.unexpected()
    if unexpected:
        pytest.fail("unexpected MkDocs warnings:\n" + "\n".join(unexpected), pytrace=False)


@pytest.fixture(autouse=True)
def restore_mkdocs_logger() -> Iterator[None]:
    """`opencpd build` run in-process adds a terminal handler to the mkdocs logger: remove it."""
    logger = logging.getLogger("mkdocs")
    handlers, level = list(logger.handlers), logger.level
    yield
    logger.handlers[:] = [
        h for h in logger.handlers if h in handlers or isinstance(h, WarningRecords)
    ]
    logger.setLevel(level)


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """A fresh copy of the fixture site, free to change."""
    target = tmp_path / "site-src"
    shutil.copytree(FIXTURE_SITE, target)
    return target


@pytest.fixture(scope="session")
def built_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site built once per run with real MkDocs, strictly, as `opencpd build` does:
    its sources with site/ and the build's caches (.cache/packs, .cache/slides). Shared: read
    it, or copy it to change it (tests/test_atomic.py's `previous_site` does)."""
    from opencpd.adapters.site import build_site

    source = tmp_path_factory.mktemp("built") / "src"
    shutil.copytree(FIXTURE_SITE, source)
    with mkdocs_warnings() as handler:
        build_site(str(source / "mkdocs.yml"), source / "site")
    assert handler.messages == [], handler.messages
    return source


@pytest.fixture(scope="session")
def built_site(built_fixture: Path) -> Path:
    """The fixture site built once with real MkDocs; returns the folder of HTML."""
    return built_fixture / "site"


def with_caches(root: Path, built: Path) -> Path:
    """`root` given the session packs and slide decks that a build beside `built` (the folder of
    its mkdocs.yml, such as `built_fixture`) left in its .cache/, as a second build finds them:
    a build of the same modules takes those whose content is unchanged from the cache instead
    of making them again. For the tests of something else than making packs and decks, which
    the build of `built` and test_packs.py and test_slides.py test."""
    for kept in ("packs", "slides"):
        shutil.copytree(built / ".cache" / kept, root / ".cache" / kept)
    return root


@pytest.fixture(scope="session")
def built_resources(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Catalog]:
    """tests/resources_fixture (approved, pending and rejected resources) built once per run:
    (the folder of its sources, with the build's .cache/, and its catalog); the site is site/
    beside the sources, not in them. Shared: read it, or copy it to change it."""
    from opencpd.adapters.site import build_site

    base = tmp_path_factory.mktemp("resources-site")
    source = shutil.copytree(RESOURCES_FIXTURE, base / "source")
    catalog = build_site(str(source / "mkdocs.yml"), base / "site")
    return source, catalog


@pytest.fixture(scope="session")
def fixture_catalog() -> Catalog:
    """The fixture site's content, loaded and validated."""
    return load_catalog(FIXTURE_SITE, load_vocabulary())


def repository_config() -> dict:
    """The repository's mkdocs.yml as MkDocs reads it (its `!ENV` tags resolved), for tests that
    build a site of their own with the repository's theme and plugins."""
    from mkdocs.utils.yaml import yaml_load

    with (Path(__file__).resolve().parent.parent / "mkdocs.yml").open("rb") as file:
        return yaml_load(file)
