"""Pages for developers stay out of the teachers' site: the benchmarks' figures live in the
repository (scripts/performance.md), linked from the README, and the benchmarks still write
them there."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import yaml

from .conftest_browser import REPO, BuiltSite

PERFORMANCE = REPO / "scripts" / "performance.md"
BENCHMARKS = ["bench_scale", "bench_search", "bench_serve", "bench_assets"]


def script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_performance_page_is_not_in_the_site(built_repo_site: BuiltSite) -> None:
    nav = yaml.load((REPO / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)["nav"]
    assert "performance" not in str(nav).lower()
    assert not (REPO / "docs" / "performance.md").exists()
    assert not (built_repo_site.folder / "performance").exists()
    home = (built_repo_site.folder / "index.html").read_text("utf-8")
    assert "Performance" not in home


def test_the_readme_links_the_figures_where_the_benchmarks_write_them() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    assert "](scripts/performance.md)" in readme
    text = PERFORMANCE.read_text("utf-8")
    for name in BENCHMARKS:
        source = (REPO / "scripts" / f"{name}.py").read_text("utf-8")
        assert "--write scripts/performance.md" in source, f"{name}.py's usage"
        assert f"<!-- {name}:start -->" in text and f"<!-- {name}:end -->" in text, name
    assert "docs/performance.md" not in text


def test_write_replaces_one_benchmarks_section_and_nothing_else(tmp_path: Path) -> None:
    page = tmp_path / "performance.md"
    shutil.copy(PERFORMANCE, page)
    before = page.read_text("utf-8")
    scale = script("bench_scale")
    scale.write_section(
        page, "New figures.\n", "<!-- bench_search:start -->", "<!-- bench_search:end -->"
    )
    after = page.read_text("utf-8")
    search = re.compile(r"<!-- bench_search:start -->.*?<!-- bench_search:end -->", re.S)
    assert search.search(after)[0] == (
        "<!-- bench_search:start -->\nNew figures.\n<!-- bench_search:end -->"
    )

    def rest(text: str) -> str:  # blank lines between sections may change
        return re.sub(r"\n{2,}", "\n\n", search.sub("", text))

    assert rest(after) == rest(before)
