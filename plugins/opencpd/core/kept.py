"""What one build keeps for the next (in `.cache/`, beside mkdocs.yml): files written whole or
not at all, JSON used only if the code that wrote it is the code reading it, and the resources,
centres and deliveries as loaded."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import astuple
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import BytecodeCache, FileSystemBytecodeCache
from jinja2.bccache import Bucket
from pydantic import BaseModel

from .catalog import Catalog, Doc
from .findings import Finding
from .frontmatter import MAX_FILE_BYTES
from .tree import Tree, digest_regular
from .vocabulary import Vocabulary

T = TypeVar("T", bound=BaseModel)


def code_version(sources: Iterable[Path], *extra: str) -> str:
    """A hash of the code (and library versions) that made what is kept."""
    digest = hashlib.sha256(" ".join(extra).encode())
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()


@functools.cache
def package_code() -> str:
    """A hash of this package's code (read once for each process)."""
    return code_version(sorted(Path(__file__).resolve().parent.parent.rglob("*.py")))


def recall(path: Path, version: str) -> dict[str, Any]:
    """What was kept in `path` under `version`; {} if nothing, damaged, or made by other code."""
    try:
        kept = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if isinstance(kept, dict) and kept.get("version") == version:
        return kept.get("data") or {}
    return {}


def keep(path: Path, version: str, data: dict[str, Any]) -> None:
    """Keep `data` in `path` under `version`, whole or not at all."""
    replace_whole(
        path,
        lambda scratch: scratch.write_text(json.dumps({"version": version, "data": data}), "utf-8"),
    )


def keep_copy(source: Path, path: Path) -> None:
    """Keep a copy of the file `source` as `path`, whole or not at all."""
    replace_whole(path, lambda scratch: shutil.copyfile(source, scratch))


def replace_whole(path: Path, write: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(scratch)
    os.replace(scratch, path)  # another build reading `path` sees the old file or the new one


class KeptDocs:
    """Resources, centres and deliveries as an earlier build loaded them, by a hash of
    everything loading one reads: a resource's folder, a centre's or delivery's file, the
    vocabulary, the attachment size limit and this package's code. An unchanged one is not
    parsed, validated and checked again; the findings of its own checks come back with it (a
    delivery's checks against the modules and centres are made again). `opencpd check` never
    uses this: it always reads everything afresh."""

    def __init__(self, path: Path, vocabulary: Vocabulary, max_attachment_bytes: int) -> None:
        self.path, self.vocabulary = path, vocabulary
        self.version = code_version(
            sorted(Path(__file__).parent.glob("*.py")), repr(vocabulary), str(max_attachment_bytes)
        )
        self.kept = recall(path, self.version)  # {} when none, damaged or older: load afresh
        self.used: dict[str, Any] = {}
        self.changed = False  # something read afresh

    @staticmethod
    def key(rel: str, tree: Tree, max_attachment_bytes: int) -> str:
        """A hash of the resource's folder as `walk` listed it, links not followed: a link is
        hashed by what it says, never by what it points to, and the loader refuses it. A file
        over the size limit (the page's or an attachment's) is refused whatever it holds, and
        is hashed by its size without being read."""
        digest = hashlib.sha256(rel.encode() + b"\0")
        entries = [(r, "file") for r in tree.files] + [(r, "folder") for r in tree.folders]
        for name, what in sorted(entries + tree.refused):
            digest.update(name.encode("utf-8", "surrogateescape") + b"\0" + what.encode())
            if what == "link":
                digest.update(os.fsencode(os.readlink(tree.folder / name)))
            elif what == "file":
                limit = MAX_FILE_BYTES if name == "index.md" else max_attachment_bytes
                digest.update(digest_regular(tree.files[name], limit=limit))
        return digest.hexdigest()

    @staticmethod
    def file_key(rel: str, path: Path) -> str:
        """A hash of one file (a centre's or a delivery's), never followed if a link; by its
        size if it is too large to be a page (read no further, it is refused as such)."""
        named = b"file\0" + rel.encode("utf-8", "surrogateescape") + b"\0"
        return digest_regular(path, named, MAX_FILE_BYTES).hex()

    def get(self, key: str, model: type[T]) -> tuple[Doc[T] | None, list[Finding]] | None:
        saved = self.kept.get(key)
        if saved is None:
            return None
        self.used[key] = saved
        findings = [Finding(*f) for f in saved["findings"]]
        if saved["doc"] is None:
            return None, findings
        doc = dict(saved["doc"])
        meta = model.model_validate(doc.pop("meta"), context={"vocabulary": self.vocabulary})
        return Doc(meta, **doc), findings

    def put(self, key: str, doc: Doc[Any] | None, findings: list[Finding]) -> None:
        saved = None if doc is None else {**vars(doc), "meta": doc.meta.model_dump(mode="json")}
        self.used[key] = {"doc": saved, "findings": [list(astuple(f)) for f in findings]}
        self.changed = True

    def save(self) -> None:
        """Keep what this build used, if it differs from what was kept."""
        if self.changed or self.used.keys() != self.kept.keys():
            keep(self.path, self.version, self.used)


class _Compiled(FileSystemBytecodeCache):
    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):  # a full or read-only disk: compiled next time
            super().dump_bytecode(bucket)


@functools.cache
def compiled_templates(settings: str) -> BytecodeCache | None:
    """Compiled Jinja templates kept between builds (a third of a small site's build went on
    compiling them again). Jinja keeps them in this user's own folder of the system's temporary
    folder, refused unless the user alone can write it, and compiles a template again when its
    source changed. Never in the project's `.cache/`: a pull request could put compiled code
    there. What a template compiles to also depends on its environment (one autoescapes, another
    not), so each file is named by `settings` (which environment, with the versions of what
    makes it), this package's code and Jinja's version: no environment loads another's. None
    when that folder cannot be made: templates are compiled every time."""
    version = code_version([], package_code(), settings, metadata.version("jinja2"))
    try:
        return _Compiled(pattern=f"opencpd-{version[:32]}-%s.cache")
    except (OSError, RuntimeError):
        return None


class KeptDeliveries:
    """What earlier builds made of each delivery: its page's article, its entries in the lists
    and its iCalendar event, by a hash of everything that goes into them (the delivery's file,
    its module and sessions, its centre, the build day, the vocabulary, `settings` (the site's
    address and the like) and this package's code and templates). A delivery edited, or whose
    module or centre changed, is made again; the others are not (at 3,000 deliveries, making
    them was about a third of the build). With no `path` nothing is kept between builds."""

    def __init__(self, path: Path | None, vocabulary: Vocabulary, settings: str) -> None:
        package = Path(__file__).parent
        sources = sorted([*package.glob("*.py"), *(package / "templates").glob("*.j2")])
        self.path = path
        self.version = code_version(sources, repr(vocabulary), settings)
        self.used: dict[str, str] = {}
        self.made: dict[str, str] = {}  # made by this build
        self._digests: dict[str, str] = {}
        self._keys: dict[tuple[str, str], str] = {}
        self._whole: tuple[str, Callable[[], dict[str, Any]]] | None = None  # made by this build

    @functools.cached_property
    def kept(self) -> dict[str, str]:
        """What was kept of each delivery, read when first asked for: a build that finds all
        the deliveries' pages kept whole (`whole`) never reads it."""
        return recall(self.path, self.version) if self.path else {}

    @property
    def whole_path(self) -> Path | None:
        return self.path.with_name(f"{self.path.stem}-whole.json") if self.path else None

    def whole_key(self, catalog: Catalog, *shows: str) -> str:
        """The key of all the deliveries' pages at once: every delivery, centre and module
        (with its sessions) as loaded, in order, the build day and `shows` (what else the
        pages show, such as the links to the deliveries' packs)."""
        return _digest(
            "whole",
            str(catalog.today),
            *shows,
            *(_doc(delivery) for delivery in catalog.deliveries),
            *(self._of(centre, lambda c: [_doc(c)]) for centre in catalog.centres.values()),
            *(
                self._of(module, lambda m: [_doc(m), *(_doc(s) for s in m.sessions)])
                for module in catalog.modules
            ),
        )

    def whole(self, key: str) -> dict[str, Any] | None:
        """All the deliveries' pages as an earlier build made them under `key`, or None (also
        when the texts kept apart from them are gone)."""
        path = self.whole_path
        if path is None or not self._apart_path(path).is_file():
            return None
        found = recall(path, self.version)
        return found.get("pages") if found.get("key") == key else None

    def whole_apart(self, key: str) -> dict[str, str] | None:
        """The texts kept apart from those pages (`keep_whole`) under `key`, or None."""
        path = self.whole_path
        found = recall(self._apart_path(path), self.version) if path else {}
        return found.get("apart") if found.get("key") == key else None

    @staticmethod
    def _apart_path(whole: Path) -> Path:
        return whole.with_name(f"{whole.stem}-apart.json")

    def keep_whole(
        self, key: str, pages: Callable[[], tuple[dict[str, Any], dict[str, str]]]
    ) -> None:
        """Keep, as this build ends (`save`), what `pages()` then gives, under `key`: the
        pages, and texts apart, read only when asked for (`whole_apart`)."""
        self._whole = key, pages

    def key(self, catalog: Catalog, delivery: Doc[Any], what: str) -> str:
        """The key of `what` ("page", "event", an entry's links) made of `delivery`."""
        found = self._keys.get((delivery.source, what))
        if found is None:  # each delivery is in a dozen lists: its entry's key is asked as often
            found = self._keys[delivery.source, what] = _digest(self._base(catalog, delivery), what)
        return found

    def _base(self, catalog: Catalog, delivery: Doc[Any]) -> str:
        base = self._digests.get(delivery.source)
        if base is None:
            module = catalog.module(delivery.meta.module)
            centre = catalog.centres.get(delivery.meta.centre)
            base = self._digests[delivery.source] = _digest(
                str(catalog.today),
                _doc(delivery),
                self._of(module, lambda m: [_doc(m), *(_doc(s) for s in m.sessions)]),
                self._of(centre, lambda c: [_doc(c)]),
            )
        return base

    def list_key(
        self, catalog: Catalog, deliveries: list[Doc[Any]], what: str, docs: list[Doc[Any]]
    ) -> str:
        """The key of a page listing `deliveries` (a calendar page, a centre's page): `what`
        says all else that it shows, but for the pages of `docs` (centres) it names."""
        return _digest(
            what,
            *(self.key(catalog, delivery, "listed") for delivery in deliveries),
            *(self._of(doc, lambda d: [_doc(d)]) for doc in docs),
        )

    def _of(self, doc: Any, parts: Any) -> str:
        if doc is None:
            return ""
        found = self._digests.get(doc.source)
        if found is None:
            found = self._digests[doc.source] = _digest(*parts(doc))
        return found

    def get(self, key: str) -> str | None:
        found = self.used.get(key)
        if found is None:
            found = self.kept.get(key)
            if found is not None:
                self.used[key] = found
        return found

    def put(self, key: str, value: str) -> None:
        self.used[key] = self.made[key] = value

    def save(self) -> None:
        """Keep what this build used, if it differs from what was kept, and the pages it made
        whole. Nothing when it read nothing kept of each delivery: it found the pages whole."""
        if not self.path:
            return
        if "kept" in vars(self) and (self.made or self.used.keys() != self.kept.keys()):
            keep(self.path, self.version, self.used)
        if self._whole and self.whole_path:
            key, made = self._whole
            pages, apart = made()
            keep(self._apart_path(self.whole_path), self.version, {"key": key, "apart": apart})
            keep(self.whole_path, self.version, {"key": key, "pages": pages})


def _doc(doc: Doc[Any]) -> str:
    return "\0".join((doc.source, doc.page, doc.meta.model_dump_json(), doc.body))


def _digest(*parts: str) -> str:
    return hashed(hashlib.sha256(), *parts).hexdigest()


def hashed(digest: Any, *texts: str) -> Any:
    """`digest` (a hashlib object) updated with each text, its length first: no two lists of
    texts give one hash."""
    for text in texts:
        data = text.encode("utf-8", "surrogatepass")  # any lone surrogate too
        digest.update(b"%d:" % len(data) + data)
    return digest
