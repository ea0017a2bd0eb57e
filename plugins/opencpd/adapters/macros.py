"""Catalog helpers for hand-written pages in docs/ (mkdocs-macros `modules:` pluglet)."""

from __future__ import annotations

from typing import Any


def define_env(env: Any) -> None:
    def catalog() -> Any:
        return env.conf["plugins"]["opencpd"].catalog

    @env.macro
    def figures() -> dict[str, int]:
        """Counts for the home page: modules, sessions, handouts, resources, publications."""
        return catalog().figures()

    @env.macro
    def home() -> str:
        """The home page's ways in, from the Catalog: search, browse, sharing, every module
        and publication (core/templates/home.md.j2)."""
        from ..core.render import Renderer

        return Renderer(catalog()).home(env.page.file.src_uri)

    @env.macro
    def modules_table(key_stage: str | None = None) -> str:
        """A Markdown table of published modules, optionally for one key stage."""
        here = env.page.file.src_uri
        rows = ["| Module | Key stage | Summary |", "|---|---|---|"]
        for module in catalog().published_modules:
            if key_stage is None or module.meta.key_stage == key_stage:
                link = _relative(module.page, here)
                rows.append(
                    f"| [{module.meta.title}]({link}) | {module.meta.key_stage} | "
                    f"{module.meta.summary} |"
                )
        return "\n".join(rows)


def _relative(target: str, here: str) -> str:
    from ..core.render import relative_link

    return relative_link(target, here)
