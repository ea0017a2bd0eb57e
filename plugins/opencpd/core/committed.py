"""What a build keeps for the next one is never content, and never comes from the repository.

`.cache/` beside mkdocs.yml holds what earlier builds made: content already validated, teachers'
texts already rendered and sanitised, the finished HTML of centres' and deliveries' pages, packs
and decks; the site a build replaced waits beside the site as `.<site>-spare/`. A build trusts
them: a hash of what a thing was made of finds it, and nothing checks it again. A file there
that came with the repository (a pull request can commit one, ignored or not) could put script
into pages, or a resource past moderation. So each committed file there is an error, and the
build refuses to read them (the adapter stops before loading anything).
"""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

from .findings import Finding

BUILD_OWN = (".cache", ".site-*")  # git pathspecs, beside mkdocs.yml
RULE = "build-cache-committed"


def committed_build_files(project: Path) -> list[Finding]:
    """A finding for each file under the build's own folders that git tracks in `project` (the
    folder of mkdocs.yml); none outside a git work tree, or without git."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--", *BUILD_OWN],
            cwd=project,
            capture_output=True,
            timeout=60,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    paths = sorted({p for p in listed.decode("utf-8", "surrogateescape").split("\0") if p})
    return [
        Finding(
            path,
            1,
            1,
            RULE,
            "a file the build makes for itself is committed to the repository (expected "
            f"nothing under {' or '.join(BUILD_OWN)} in git, got {path}); the build trusts "
            "those files, so one from the repository could put script into the site",
            "Delete it from the repository and from the disk (the next build makes it again "
            f"from the content): git rm -r -- {shlex.quote(path)}, then commit.",
        )
        for path in paths
    ]
