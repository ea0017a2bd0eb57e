"""Every session's deck: planned and checked (cheap), taken from the cache when its hash is
known, made in all three forms when not.

    jobs = prepare(catalog, options, cache)     # hashes, cache look-ups
    generate(jobs, catalog, options, cache)     # makes what the cache lacks
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Literal

from ..catalog import Catalog, Doc, ModuleDoc
from ..findings import Finding
from ..model import Session
from ..packs.spec import IMAGE
from .cache import CachedDeck, DeckCache
from .checks import block_findings, slide_findings
from .deck import Deck, DeckOptions, make_deck
from .text import SlideMarkdown

FORMAT = "opencpd-deck-1"  # bump when decks change in a way the hashed files do not show
PACKAGE = Path(__file__).resolve().parent.parent.parent  # plugins/opencpd
SITE_ASSETS = PACKAGE / "site_assets" / "slides"  # assets/slides/ in the site, shipped in the wheel
ENGINE_PACKAGES = ("weasyprint", "pydyf", "python-pptx", "segno", "markdown", "pymdown-extensions")
Status = Literal["pending", "generated", "cached", "missing", "making", "failed"]


@dataclass
class DeckJob:
    module: str
    session: str  # the session's slug
    source: str
    key: str
    status: Status
    result: CachedDeck | None = None
    error: Finding | None = None
    owner: str = ""  # a delivery's decks: "delivery-<id>" (slides/delivery.py); else the module

    @property
    def id(self) -> str:
        return f"{self.owner or self.module}--{self.session}"

    @property
    def uri(self) -> str:
        return f"modules/{self.module}/slides/{self.session}"


def sessions(
    catalog: Catalog, only: Iterable[str] | None = None
) -> list[tuple[ModuleDoc, Doc[Session]]]:
    wanted = set(only) if only is not None else None
    return [
        (m, s)
        for m in catalog.published_modules
        if wanted is None or m.id in wanted
        for s in m.sessions
    ]


def findings(catalog: Catalog, options: DeckOptions | None = None) -> list[Finding]:
    """Slides that will not fit, pictures without alt text, slide options that cannot be used."""
    options = options or DeckOptions()
    md = SlideMarkdown()
    out: set[Finding] = set()
    for module, session in sessions(catalog):
        out.update(block_findings(module, session))
        for slide in make_deck(module, session, options, md).slides:
            out.update(slide_findings(session.source, slide))
    return sorted(out)


def resolver(root: Path, source: str) -> Callable[[str], Path | None]:
    """A picture's src, relative to the session file, as a file inside the project."""
    root = root.resolve()
    folder = (root / source).parent

    def resolve(src: str) -> Path | None:
        if not src or ":" in src.split("/")[0]:
            return None
        path = (folder / src.split("#")[0].split("?")[0]).resolve()
        return path if path.is_relative_to(root) and path.is_file() else None

    return resolve


def content_hash(
    catalog: Catalog, module: ModuleDoc, session: Doc[Session], options: DeckOptions
) -> str:
    digest = hashlib.sha256()
    m = module.meta
    for part in (
        FORMAT,
        engine_fingerprint(),
        options.fingerprint(),
        module.id,
        m.title,
        repr(m.authors),
        m.reviewed.isoformat(),
        session.slug,
        session.url,
    ):
        digest.update(part.encode() + b"\0")
    digest.update(hashlib.sha256((catalog.root / session.source).read_bytes()).digest())
    resolve = resolver(catalog.root, session.source)
    for match in IMAGE.finditer(session.body):
        path = resolve(match.group(1) or match.group(2) or "")
        if path is not None:
            digest.update(path.as_posix().encode() + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """The code, templates, assets and libraries that lay decks out."""
    here = Path(__file__).resolve().parent
    files = sorted(
        [
            *here.glob("*.py"),
            *(here / "templates").iterdir(),
            *(SITE_ASSETS.iterdir() if SITE_ASSETS.is_dir() else []),
            here.parent / "markdown_ext.py",
            here.parent / "packs" / "pdf.py",
        ]
    )
    digest = hashlib.sha256(" ".join(f"{n}={version(n)}" for n in ENGINE_PACKAGES).encode())
    for path in files:
        if path.is_file():
            digest.update(path.name.encode() + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def prepare(
    catalog: Catalog, options: DeckOptions, cache: DeckCache, only: Iterable[str] | None = None
) -> list[DeckJob]:
    jobs = []
    for module, session in sessions(catalog, only):
        key = content_hash(catalog, module, session, options)
        job = DeckJob(module.id, session.slug, session.source, key, "pending")
        job.result = cache.get(job.id, key)
        job.status = "cached" if job.result else "pending"
        jobs.append(job)
    return jobs


class Refused(Exception):
    """A deck with an error in its slides (checks.py): the finding says where and why."""

    def __init__(self, finding: Finding):
        super().__init__(str(finding))
        self.finding = finding


def make_forms(
    root: Path,
    module_id: str,
    slug: str,
    options: DeckOptions,
    catalog: Catalog,
    targets: dict[str, Path],
    key: str,
) -> int:
    """The deck of one session in its three forms, written to `targets`."""
    from .html import deck_html
    from .pdf import write_pdf
    from .powerpoint import write_pptx

    module = catalog.module(module_id)
    assert module is not None
    session = next(s for s in module.sessions if s.slug == slug)
    deck: Deck = make_deck(module, session, options)
    refused = [
        f
        for f in [
            *block_findings(module, session),
            *(f for slide in deck.slides for f in slide_findings(session.source, slide)),
        ]
        if f.severity == "error"
    ]
    if refused:  # a slide that will not fit is not made, rather than made unreadable
        raise Refused(refused[0])
    resolve = resolver(root, session.source)
    targets["html"].write_text(deck_html(deck, resolve), encoding="utf-8")
    write_pdf(deck, resolve, root.resolve(), targets["pdf"], key)
    write_pptx(deck, resolve, targets["pptx"])
    return len(deck.slides)


def generate(
    jobs: list[DeckJob],
    catalog: Catalog,
    options: DeckOptions,
    cache: DeckCache,
    workers: int | None = None,
    progress: Callable[[DeckJob], None] | None = None,
) -> list[DeckJob]:
    """Make the pending decks, in `workers` processes (default: the machine's cores, at
    most 4); each process makes whole decks."""
    todo = [j for j in jobs if j.status == "pending"]
    workers = min(workers or os.cpu_count() or 1, len(todo), 4)
    scratch = {j.id: cache.scratch(j.id, j.key) for j in todo}

    def done(job: DeckJob, slides: int | None, problem: BaseException | None) -> None:
        if problem is None and slides is not None:
            job.result = cache.put(job.id, job.key, scratch[job.id], slides)
            job.status = "generated"
        else:
            for path in scratch[job.id].values():
                path.unlink(missing_ok=True)
            job.status = "failed"
            if isinstance(problem, Refused):
                job.error = problem.finding
                if progress:
                    progress(job)
                return
            job.error = Finding(
                job.source,
                1,
                1,
                "slides-failed",
                f"the slides of this session could not be made (expected "
                f"HTML, PDF and PowerPoint files, got {type(problem).__name__}"
                f": {problem})",
                "Check the slides' content; report it if it persists.",
            )
        if progress:
            progress(job)

    if workers <= 1:
        for job in todo:
            try:
                slides = make_forms(
                    catalog.root,
                    job.module,
                    job.session,
                    options,
                    catalog,
                    scratch[job.id],
                    job.key,
                )
            except Exception as exc:  # noqa: BLE001 - reported as a finding
                done(job, None, exc)
            else:
                done(job, slides, None)
        return jobs
    context = multiprocessing.get_context("spawn")  # the build may run beside threads
    per_worker = [todo[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {
            pool.submit(
                _make_many,
                catalog,
                options,
                [(j.module, j.session, scratch[j.id], j.key) for j in part],
            ): part
            for part in per_worker
        }
        for future in as_completed(futures):
            problem = future.exception()
            results = {} if problem else future.result()
            for job in futures[future]:
                outcome = results.get(job.id)
                if isinstance(outcome, int):
                    done(job, outcome, None)
                elif isinstance(outcome, Finding):
                    done(job, None, Refused(outcome))
                else:
                    done(job, None, problem or RuntimeError(str(outcome)))
    return jobs


def _make_many(
    catalog: Catalog, options: DeckOptions, work: list[tuple[str, str, dict[str, Path], str]]
) -> dict[str, int | str | Finding]:
    out: dict[str, int | str | Finding] = {}
    for module_id, slug, targets, key in work:
        try:
            out[f"{module_id}--{slug}"] = make_forms(
                catalog.root, module_id, slug, options, catalog, targets, key
            )
        except Refused as refused:
            out[f"{module_id}--{slug}"] = refused.finding
        except Exception as exc:  # noqa: BLE001 - the parent turns it into a finding
            out[f"{module_id}--{slug}"] = f"{type(exc).__name__}: {exc}"
    return out
