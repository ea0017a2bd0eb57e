"""Whether a folder a command writes its output into, replacing what was there, is one the
programme's sources are in: the project folder (where mkdocs.yml is), docs/, the content
folders or git's. A build swaps its site in for the folder and `render` empties it first, so
`opencpd build -d modules` or `site_dir: .` would take a teacher's files with it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

CONTENT = ("modules", "handbook", "centres", "deliveries", "support")


def sources(project: Path, docs_dir: Path, content_root: Path) -> list[Path]:
    """The folders a build reads and must never replace (they need not exist)."""
    found = [docs_dir, project / ".git", *(content_root / name for name in CONTENT)]
    if content_root != project:  # a content folder of its own: all of it is sources
        found.append(content_root)
    return [path.resolve() for path in found]


def clash(out: Path, project: Path, folders: Iterable[Path], setting: str) -> str | None:
    """Why `out` must not be written into (a message for the person who named it), or None.

    `setting` is how they named it: '-d/--site-dir', "site_dir in mkdocs.yml", '--out'."""
    out, project = out.resolve(), project.resolve()
    if out == project or project.is_relative_to(out):
        held = (
            f"the project folder {project}" if out == project else f"{out}, which holds {project}"
        )
    else:
        found = next(
            (s for s in folders if out == s or out.is_relative_to(s) or s.is_relative_to(out)),
            None,
        )
        if found is None:
            return None
        held = (
            f"{found}, where the programme's sources are"
            if out.is_relative_to(found)
            else f"{out}, which holds the sources in {found}"
        )
    return (
        f"the output would replace {held} (expected a folder apart from mkdocs.yml's folder, "
        f"docs/ and the content folders, got {out} from {setting}). Nothing was written: name "
        "another folder, such as site/ (the default)."
    )


__all__ = ["CONTENT", "clash", "sources"]
