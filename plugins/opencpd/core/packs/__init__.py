"""Session packs: print-ready PDFs of each module (facilitator and participant editions) and
each publication, made with WeasyPrint and cached by a hash of what goes into them.

    jobs = prepare(catalog, options, cache)      # cheap: hashes, cache look-ups
    generate(jobs, catalog, options, cache)      # renders what the cache lacks
"""

from __future__ import annotations

from .build import PackJob, generate, prepare
from .cache import CachedPack, PackCache
from .spec import EDITIONS, PackOptions, SessionPack, content_hash, findings, plan

__all__ = [
    "EDITIONS",
    "CachedPack",
    "PackCache",
    "PackJob",
    "PackOptions",
    "SessionPack",
    "content_hash",
    "findings",
    "generate",
    "plan",
    "prepare",
]
