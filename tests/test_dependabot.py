"""Dependency updates: .github/dependabot.yml names every package ecosystem the repository uses
(found from the manifests git tracks), at the folder its manifest is in, weekly and grouped, and
is valid by the published schema."""

from __future__ import annotations

import subprocess
from pathlib import PurePosixPath
from typing import Any

import yaml

from tests.test_workflows import ROOT, schema_check

CONFIG = ROOT / ".github" / "dependabot.yml"
# A manifest's file name (or, for workflows, its folder) and the ecosystem Dependabot calls it.
MANIFESTS = {
    "pyproject.toml": "pip",
    "setup.py": "pip",
    "Pipfile": "pip",
    "package.json": "npm",
    "Dockerfile": "docker",
    "go.mod": "gomod",
    "Cargo.toml": "cargo",
    "Gemfile": "bundler",
    "composer.json": "composer",
}


def tracked() -> list[PurePosixPath]:
    done = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    return [PurePosixPath(line) for line in done.stdout.splitlines()]


def in_use(paths: list[PurePosixPath]) -> set[tuple[str, str]]:
    """(ecosystem, folder) for every manifest; fixtures of the tests are not manifests."""
    found = set()
    for path in paths:
        if path.parts[0] in ("tests", "node_modules"):
            continue
        if path.name in MANIFESTS:
            folder = "/" if str(path.parent) == "." else f"/{path.parent}"
            found.add((MANIFESTS[path.name], folder))
        if path.parts[:2] == (".github", "workflows") and path.suffix in (".yml", ".yaml"):
            found.add(("github-actions", "/"))
    return found


def config() -> dict[str, Any]:
    return yaml.safe_load(CONFIG.read_text("utf-8"))


def configured() -> set[tuple[str, str]]:
    return {(u["package-ecosystem"], u["directory"]) for u in config()["updates"]}


def test_every_ecosystem_in_use_is_updated_and_nothing_else() -> None:
    used = in_use(tracked())
    assert {"pip", "npm", "github-actions"} <= {ecosystem for ecosystem, _ in used}
    assert configured() == used


def test_the_manifest_finder_sees_ecosystems_and_their_folders() -> None:
    paths = [
        PurePosixPath(p)
        for p in (
            "pyproject.toml",
            "web/package.json",
            ".github/workflows/a.yml",
            "tests/fixtures/package.json",
            "README.md",
        )
    ]
    assert in_use(paths) == {("pip", "/"), ("npm", "/web"), ("github-actions", "/")}


def test_updates_are_weekly_and_grouped() -> None:
    for update in config()["updates"]:
        assert update["schedule"]["interval"] == "weekly", update["package-ecosystem"]
        assert update.get("groups"), f"{update['package-ecosystem']}: one pull request a package"


def test_the_engine_is_updated_in_one_group() -> None:
    (pip,) = [u for u in config()["updates"] if u["package-ecosystem"] == "pip"]
    engine = pip["groups"]["engine"]["patterns"]
    assert {"mkdocs*", "properdocs"} <= set(engine)


def test_the_configuration_is_valid_by_its_schema() -> None:
    done = schema_check("dependabot", CONFIG)
    assert done.returncode == 0, done.stdout + done.stderr
