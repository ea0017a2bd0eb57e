"""What goes into each session pack, what is wrong with it, and the hash that names it."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import ipaddress
import json
import re
import warnings
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from ..catalog import Catalog, Doc, ModuleDoc
from ..feeds import PROGRAMME
from ..findings import Finding
from ..render import running_order

Edition = Literal["facilitator", "participant", "handbook"]
EDITIONS: dict[Edition, str] = {
    "facilitator": "Facilitator edition",
    "participant": "Participant edition",
    "handbook": "Handbook",
}
# Bump when the pack layout changes in a way the hashed files do not show.
FORMAT = "opencpd-pack-1"
PACKAGE = Path(__file__).resolve().parent.parent.parent  # plugins/opencpd
ASSETS = PACKAGE / "assets"
FONTS = ASSETS / "fonts"
# The same extensions as mkdocs.yml; the MkDocs adapter passes the configured ones.
DEFAULT_EXTENSIONS: tuple[str, ...] = (
    "admonition",
    "attr_list",
    "md_in_html",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.superfences",
    "opencpd.core.markdown_ext",
)
ENGINE_PACKAGES = ("weasyprint", "pydyf", "segno", "markdown", "pymdown-extensions")
# An image's alt text, or an <img> tag, runs to its ']' or '>' but not past the next image's
# start: one line of '![![![…' or '<img <img …' was otherwise read to its end from each of
# them (quadratic in its length). Every image is found as before.
IMAGE = re.compile(
    r"!\[(?:(?!!\[)[^\]])*\]\(\s*<?([^)\s>]+)|<img\b(?:(?!<img\b)[^>])*?\bsrc=[\"']([^\"']+)",
    re.IGNORECASE,
)


@dataclass
class PackOptions:
    """Everything besides content that changes a pack's bytes."""

    start_time: str = "16:00"
    site_url: str = ""
    latest_end: str = "20:00"  # a twilight running order must end by then
    markdown_extensions: list[Any] = field(default_factory=lambda: list(DEFAULT_EXTENSIONS))
    mdx_configs: dict[str, Any] = field(default_factory=dict)
    places: int = 0  # rows of the sign-in sheet; it fills its last page (0: one page)
    # owner id -> session slug -> its slide deck's links (adapters/slides.deck_links): the
    # facilitator edition links each deck in its three forms, with their sizes
    decks: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    programme: str = PROGRAMME  # the programme's name (site_name): covers and certificates

    def fingerprint(self) -> str:
        return json.dumps(
            [
                self.start_time,
                self.site_url.rstrip("/"),
                self.latest_end,
                self.places,
                [e if isinstance(e, str) else repr(e) for e in self.markdown_extensions],
                self.mdx_configs,
                self.programme,
            ],
            sort_keys=True,
            default=_stable,
        )


# Names reserved for examples and tests (RFC 2606, RFC 6761): no site is published there.
# a picture in a pack: 3,000 x 3,000 is finer than an A4 page prints; Pillow warns at 89
# million pixels and refuses 179 million, which the pack's engine would decode whole
MAX_PIXELS = 40_000_000
RESERVED_NAMES = ("example", "test", "invalid", "localhost")
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")


def placeholder_address(site_url: str) -> bool:
    """Whether `site_url` cannot be where the site is published: empty, not http(s), or a name
    or address reserved for examples and tests, or this computer (opencpd.example.org,
    127.0.0.1): a school's own network is a real address."""
    try:
        parts = urlsplit(site_url.strip())
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return True
    if parts.scheme not in ("http", "https") or not host:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host.rsplit(".", 1)[-1] in RESERVED_NAMES or any(
            host == d or host.endswith("." + d) for d in RESERVED_DOMAINS
        )
    return address.is_loopback or address.is_unspecified or address.is_link_local


def _stable(value: object) -> str:
    """Functions in extension configs (e.g. custom fences) by name, not by address."""
    name = getattr(value, "__qualname__", None)
    if name:
        return f"{getattr(value, '__module__', '')}.{name}"
    return re.sub(r" at 0x[0-9a-f]+", "", repr(value))


@dataclass
class SessionPack:
    """One PDF: a module in one edition, or a publication's handbook."""

    owner: str  # module or publication id
    source: str  # the module.md or publication.md it is named after
    edition: Edition
    title: str
    reviewed: dt.date
    sources: list[Path]  # every content file the pack is made from, images included
    extra: list[str] = field(default_factory=list)  # data from outside `sources` it shows
    findings: list[Finding] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.owner}-{self.edition}"

    @property
    def filename(self) -> str:
        return f"{self.id}.pdf"

    @property
    def label(self) -> str:
        return EDITIONS[self.edition]

    @property
    def blocked(self) -> bool:
        """A pack with an error in its content is not made, rather than made broken."""
        return any(f.severity == "error" for f in self.findings)


def plan(catalog: Catalog, options: PackOptions) -> list[SessionPack]:
    """Two packs per published module, one per publication, in catalogue order."""
    packs: list[SessionPack] = []
    for module in catalog.published_modules:
        if module.twilight is None:  # nothing to run, so no session pack
            continue
        docs = module_docs(module)
        sources, own = _sources(catalog, docs)
        own += agenda_findings(module, options)
        known = _findings_in(catalog, module.source.rsplit("/", 1)[0] + "/")
        for edition in ("facilitator", "participant"):
            packs.append(
                SessionPack(
                    module.id,
                    module.source,
                    edition,  # type: ignore[arg-type]
                    module.meta.title,
                    module.meta.reviewed,
                    sources,
                    [],
                    sorted(set(known + own)),
                )
            )
    for publication in catalog.publications:
        docs = [publication, *publication.chapters]
        sources, own = _sources(catalog, docs)
        known = _findings_in(catalog, publication.source.rsplit("/", 1)[0] + "/")
        trained = catalog.module(publication.meta.training_module or "")
        extra = [trained.meta.title, trained.url] if trained else []
        packs.append(
            SessionPack(
                publication.id,
                publication.source,
                "handbook",
                publication.meta.title,
                publication.meta.reviewed,
                sources,
                extra,
                sorted(set(known + own)),
            )
        )
    from .delivery import due_packs  # the evening's packs of confirmed deliveries soon

    return packs + due_packs(catalog)


def _findings_in(catalog: Catalog, folder: str) -> list[Finding]:
    """The catalogue's findings on a pack's files (a module's resources are not in it)."""
    return [
        f
        for f in catalog.findings
        if f.path.startswith(folder) and not f.path.startswith(folder + "resources/")
    ]


def module_docs(module: ModuleDoc) -> list[Doc[Any]]:
    return [module, *module.sessions, *module.handouts.values()]


def findings(catalog: Catalog, options: PackOptions) -> list[Finding]:
    """Problems only packs see (images, late running orders), for the build to report."""
    out: set[Finding] = set()
    for module in catalog.published_modules:
        out.update(_sources(catalog, module_docs(module))[1])
        out.update(agenda_findings(module, options))
    for publication in catalog.publications:
        out.update(_sources(catalog, [publication, *publication.chapters])[1])
    return sorted(out)


def _sources(catalog: Catalog, docs: list[Doc[Any]]) -> tuple[list[Path], list[Finding]]:
    files = [catalog.root / d.source for d in docs]
    problems: list[Finding] = []
    for doc in docs:
        for image, problem in images(catalog.root, doc):
            if problem:
                problems.append(problem)
            else:
                files.append(image)
    return sorted(set(files)), problems


def images(root: Path, doc: Doc[Any]) -> list[tuple[Path, Finding | None]]:
    """Each image the body shows, as a file in the project or a finding saying why not."""
    out: list[tuple[Path, Finding | None]] = []
    root = root.resolve()
    folder = (root / doc.source).parent
    for number, line in enumerate(doc.body.split("\n")):
        for match in IMAGE.finditer(line):
            src = (match.group(1) or match.group(2)).split("#")[0].split("?")[0]
            where = (doc.source, doc.body_line + number, match.start() + 1)
            path = (folder / src).resolve()
            out.append((path, image_problem(root, src, path, where)))
    return out


def image_problem(root: Path, src: str, path: Path, where: tuple[str, int, int]) -> Finding | None:
    if re.match(r"^[a-z][a-z0-9+.-]*:", src, re.IGNORECASE):
        return Finding(
            *where,
            "image-not-local",
            f"packs are made offline, so an image must be "
            f"a file in the repository (expected a relative path, got {src!r})",
            "Save the image beside the page and link it by its file name.",
        )
    if not path.is_relative_to(root):
        return Finding(
            *where,
            "image-outside",
            f"the image is outside the project (expected a path inside it, got {src!r})",
            "Move the image into the module's folder.",
        )
    if path.exists() and not path.is_file():
        return Finding(
            *where,
            "broken-image",
            f"the image is not a file (expected a picture file at "
            f"{path.relative_to(root).as_posix()}, got a folder, a pipe or a device)",
            "Link the picture file itself, saved beside the page.",
        )
    if not path.is_file():
        return Finding(
            *where,
            "missing-image",
            f"the image does not exist (expected a file at "
            f"{path.relative_to(root).as_posix()}, got none)",
            "Add the file or correct the path in the image link.",
        )
    pixels = _pixels(path)
    if pixels is None:
        return Finding(
            *where,
            "broken-image",
            f"the image cannot be read (expected a PNG, JPEG, "
            f"GIF, WebP or SVG file, got {src!r} that does not open)",
            "Export the image again, or replace it.",
        )
    if pixels > MAX_PIXELS:
        return Finding(
            *where,
            "image-too-large",
            f"the image has too many pixels to print (expected at most "
            f"{MAX_PIXELS // 1_000_000} million, got {pixels / 1_000_000:,.0f} million in {src!r})",
            "Export the image again at a smaller size: 3,000 pixels across fills an A4 page.",
        )
    return None


def _pixels(path: Path) -> int | None:
    """How many pixels the picture at `path` declares (0 for an SVG), or None if it does not
    open. Only its header is read: a PNG of 50,000 x 50,000 pixels is a few hundred bytes
    that decode to 7.5 GB, and Pillow's guard against it (DecompressionBombError) stopped
    `opencpd check` as a fault of its own."""
    if path.suffix.lower() == ".svg":
        with path.open("rb") as handle:
            return 0 if b"<svg" in handle.read(2048).lower() else None
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # counted below
            with Image.open(path) as image:
                width, height = image.size
                if width * height <= MAX_PIXELS:
                    image.verify()
    except Image.DecompressionBombError as exc:  # over twice Pillow's limit, far over ours
        said = re.search(r"\((\d+) pixels\)", str(exc))
        return int(said[1]) if said else 2 * (Image.MAX_IMAGE_PIXELS or MAX_PIXELS) + 1
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError):
        return None
    return width * height


def agenda_findings(module: ModuleDoc, options: PackOptions) -> list[Finding]:
    """A twilight whose running order ends after `latest_end` would not fit an evening."""
    out: list[Finding] = []
    twilight = module.twilight
    if twilight is None:
        return out
    start = dt.datetime.strptime(options.start_time, "%H:%M")
    latest = dt.datetime.strptime(options.latest_end, "%H:%M")
    total = sum(item.minutes for item in twilight.meta.agenda)
    end = start + dt.timedelta(minutes=total)
    if end > latest:
        last = running_order(twilight.meta.agenda, options.start_time)[-1][1]
        out.append(
            Finding(
                twilight.source,
                twilight.line("agenda"),
                1,
                "agenda-overrun",
                "the running order ends too late "
                f"(expected an end by {options.latest_end} when the session starts at "
                f"{options.start_time}, got {total} minutes, ending at "
                f"{last if end.date() == start.date() else last + ' the next day'})",
                "Shorten the agenda items, or split the session into a twilight and a follow-up.",
            )
        )
    return out


def content_hash(pack: SessionPack, catalog: Catalog, options: PackOptions) -> str:
    """A hash of everything that goes into the pack: it names the cached PDF."""
    digest = hashlib.sha256()
    for part in (
        FORMAT,
        engine_fingerprint(),
        pack.id,
        options.fingerprint(),
        repr(sorted((k, sorted(v.items())) for k, v in catalog.vocabulary.lists.items())),
        *pack.extra,
        json.dumps(options.decks.get(pack.owner, {}), sort_keys=True),
    ):
        digest.update(part.encode() + b"\0")
    for path in pack.sources:
        digest.update(_rel(catalog.root, path).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


@functools.lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """Templates, stylesheet, fonts and the code that lays packs out."""
    here = Path(__file__).resolve().parent
    files = sorted(
        [
            *here.glob("*.py"),
            *(here / "templates").iterdir(),
            *FONTS.iterdir(),
            here.parent / "markdown_ext.py",
            here.parent / "templates" / "_form.md.j2",
            here.parent / "vocabulary.py",
        ]
    )
    digest = hashlib.sha256(
        " ".join(f"{name}={version(name)}" for name in ENGINE_PACKAGES).encode()
    )
    for path in files:
        if path.is_file():
            digest.update(path.name.encode() + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
