"""The Loader: reads each page of the content tree once, checks it against its model, and
collects every Finding; what the last build read is taken from its kept file if unchanged."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from .attachments import DEFAULT_MAX_BYTES
from .catalog import Doc, field_name
from .findings import Finding
from .folders import refuse
from .frontmatter import MAX_FILE_BYTES, FrontMatterError, parse
from .kept import KeptDocs
from .language import language_findings
from .page_text import check_body
from .tree import kind, read_regular
from .validate import salvage, validate
from .vocabulary import Vocabulary

T = TypeVar("T", bound=BaseModel)


class Loader:
    """Reads the content tree once; `findings` collects everything wrong with it."""

    def __init__(
        self,
        root: Path,
        vocabulary: Vocabulary,
        include_pending: bool = False,
        max_attachment_bytes: int = DEFAULT_MAX_BYTES,
    ):
        self.root = root
        self.vocabulary = vocabulary
        self.include_pending = include_pending
        self.max_attachment_bytes = max_attachment_bytes
        self.findings: list[Finding] = []
        self.kept: KeptDocs | None = None
        # what was refused with a finding (a link, a folder that cannot be listed ...), by path
        self.refused: set[str] = set()

    def was_refused(self, rel: str) -> bool:
        """Whether the file or folder `rel`, or a folder it is in, was refused with a finding
        (`refused`): whatever is missing because of it is no second problem to report."""
        parts = rel.split("/")
        return any("/".join(parts[:n]) in self.refused for n in range(1, len(parts) + 1))

    def rel(self, path: Path) -> str:
        text, root = str(path), str(self.root).rstrip(os.sep) + os.sep
        if text.startswith(root):  # as relative_to, without its cost for every file
            return text[len(root) :].replace(os.sep, "/")
        return path.relative_to(self.root).as_posix()

    def read(
        self, path: Path, model: type[T], page: str, partial: Callable[[Doc[T]], None] | None = None
    ) -> Doc[T] | None:
        """A regular file listed by `walk` (never a link), parsed and validated. A file with
        wrong fields is not returned; `partial` checks it as far as it is valid."""
        try:
            source = parse(self.rel(path), read_regular(path, MAX_FILE_BYTES + 1))
        except FrontMatterError as exc:
            self.findings.append(exc.finding)
            return None
        except OSError as exc:  # replaced by a link since it was listed: never followed
            what = kind(path)
            if what in ("file", "folder"):  # unreadable: never dropped without a word
                self.refused.add(self.rel(path))
                self.find(
                    self.rel(path),
                    1,
                    "unreadable",
                    f"the file cannot be read (expected a file anyone may read, got "
                    f"{exc.strerror or 'an error'})",
                    "Give the file read permission (chmod a+r), or save it again.",
                )
            refuse(self, path, what)
            return None
        meta, findings = validate(source, model, self.vocabulary)
        self.findings += findings
        self.findings += check_body(source, model)
        self.findings += language_findings(source, self.vocabulary.ids("languages"))
        valid = meta is not None
        if meta is None and partial:  # so that one run reports every problem
            meta = salvage(source, model, self.vocabulary)
        if meta is None:
            return None
        slug = path.parent.name if path.name == "index.md" else path.stem
        # Where every value is, and every field's key (the line a teacher looks for).
        where = {field_name(k): v for k, v in source.positions.items() if k}
        where.update({field_name(k): v for k, v in source.key_positions.items()})
        doc = Doc(
            meta,
            source.path,
            source.body,
            source.body_line,
            slug,
            page,
            {k: v[0] for k, v in where.items()},
            {k: v[1] for k, v in where.items()},
        )
        if not valid and partial:
            partial(doc)
            return None
        return doc

    def read_kept(
        self, path: Path, model: type[T], page: str, check: Callable[[Doc[T]], None] | None = None
    ) -> Doc[T] | None:
        """`read`, then `check` (checks of this file alone), or what they gave the last build if
        the file is unchanged."""

        def read_and_check() -> Doc[T] | None:
            doc = self.read(path, model, page)
            if doc is not None and check:
                check(doc)
            return doc

        return self.kept_or(lambda: KeptDocs.file_key(self.rel(path), path), model, read_and_check)

    def kept_or(
        self, key_of: Callable[[], str], model: type[T], make: Callable[[], Doc[T] | None]
    ) -> Doc[T] | None:
        """What `make` gives (a file read and checked), or what it gave the last build for the
        same key, with its findings (KeptDocs)."""
        key = ""
        if self.kept:
            with contextlib.suppress(OSError):  # changed while listed: read afresh, keep nothing
                key = key_of()
        if key and self.kept and (kept := self.kept.get(key, model)) is not None:
            doc, findings = kept
            self.findings += findings
            return doc
        before = len(self.findings)
        doc = make()
        if key and self.kept:
            self.kept.put(key, doc, self.findings[before:])
        return doc

    def find(
        self,
        rel: str,
        line: int,
        rule: str,
        message: str,
        hint: str,
        severity: str = "error",
        column: int = 1,
    ) -> None:
        self.findings.append(Finding(rel, line, column, rule, message, hint, severity))  # type: ignore[arg-type]
