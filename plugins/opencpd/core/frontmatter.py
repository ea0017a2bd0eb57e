"""Read a Markdown file's YAML front matter ourselves, keeping the line of every value."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import re

import yaml

from .findings import Finding

Path_ = tuple[str | int, ...]


@dataclass
class Source:
    """One content file: its front matter, body and where each value sits."""

    path: str
    data: dict[str, Any]
    body: str
    body_line: int
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, loc: Path_, key: bool = False) -> tuple[int, int]:
        """Line and column of a value (or of its key), falling back to its nearest parent."""
        table = self.key_positions if key else self.positions
        while loc:
            if loc in table:
                return table[loc]
            if not key and loc in self.key_positions:
                return self.key_positions[loc]
            loc = loc[:-1]
        return (1, 1)


class FrontMatterError(Exception):
    def __init__(self, finding: Finding):
        super().__init__(str(finding))
        self.finding = finding


def decode(path: str, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise FrontMatterError(Finding(
            path, line, column, "not-utf8",
            f"the file is not UTF-8 text (expected UTF-8, got byte 0x{raw[exc.start]:02x})",
            "Save the file as UTF-8 in your editor (File > Save with encoding > UTF-8).",
        )) from None


def parse(path: str, raw: bytes) -> Source:
    """Split `raw` into front matter and body; raise FrontMatterError on anything unreadable."""
    text = decode(path, raw).replace("\r\n", "\n").removeprefix("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(Finding(
            path, 1, 1, "no-front-matter",
            f"the file has no front matter (expected '---' on line 1, got {lines[0][:30]!r})",
            "Start the file with a line '---', the YAML fields, then another '---'.",
        ))
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.rstrip() in ("---", "..."))
    except StopIteration:
        raise FrontMatterError(Finding(
            path, 1, 1, "no-front-matter",
            "the front matter is never closed (expected a second '---' line, got end of file)",
            "Add a line '---' after the last YAML field.",
        )) from None
    data, positions, keys = _load_yaml(path, "\n".join(lines[1:end]), offset=1)
    body = "\n".join(lines[end + 1:])
    return Source(path, data, body, end + 2, positions, keys)


def _date_or_text(loader: Any, node: yaml.ScalarNode) -> Any:
    """A date that does not exist (2026-02-30) stays text, so that validation reports it at
    its line instead of PyYAML raising ValueError."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


class _Loader(yaml.SafeLoader):
    pass


class _FastLoader(getattr(yaml, "CSafeLoader", _Loader)):  # type: ignore[misc]
    """_Loader on libyaml: composing front matter is most of the time spent loading content.
    A file it cannot read is read again by _Loader, whose messages the findings quote."""


for _class in (_Loader, _FastLoader):
    _class.add_constructor("tag:yaml.org,2002:timestamp", _date_or_text)


def _compose(text: str) -> tuple[yaml.Node | None, Any]:
    """The front matter's node tree and its data; MarkedYAMLError from _Loader if invalid."""
    for loader_class in dict.fromkeys((_FastLoader, _Loader)):
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
            return node, loader.construct_document(node) if node is not None else {}
        except yaml.MarkedYAMLError:
            if loader_class is _Loader:
                raise
        finally:
            loader.dispose()
    raise AssertionError("unreachable")


def _load_yaml(path: str, text: str, offset: int) -> tuple[dict[str, Any], dict, dict]:
    try:
        node, data = _compose(text)
    except yaml.MarkedYAMLError as exc:
        raise FrontMatterError(_syntax_finding(path, exc, offset)) from None
    if not isinstance(data, dict):
        raise FrontMatterError(Finding(
            path, 1 + offset, 1, "wrong-type",
            f"the front matter is not a set of fields (expected 'name: value' lines, "
            f"got {type(data).__name__})",
            "Write one 'field: value' per line.",
        ))
    positions: dict[Path_, tuple[int, int]] = {}
    keys: dict[Path_, tuple[int, int]] = {}
    if node is None:  # '---' then '---': no fields at all
        return data, {(): (1 + offset, 1)}, keys
    duplicates: list[Finding] = []
    _walk(node, (), positions, keys, offset, path, duplicates, set())
    if duplicates:
        raise FrontMatterError(duplicates[0])
    return data, positions, keys


CLOSERS = {"quoted scalar": "the closing quotation mark", "flow sequence": "the closing ']'",
           "flow mapping": "the closing '}'"}


def _syntax_finding(path: str, exc: yaml.MarkedYAMLError, offset: int) -> Finding:
    """Word PyYAML's complaint as "expected X, got Y", at the line where the trouble starts."""
    problem = exc.problem or "the YAML cannot be read"
    mark = exc.problem_mark or exc.context_mark
    if "end of stream" in problem and exc.context_mark:
        mark = exc.context_mark  # an unclosed quote or bracket: point at where it opens
    line, col = (mark.line + 1 + offset, mark.column + 1) if mark else (1 + offset, 1)
    wording = re.match(r"expected (.+), but found (.+)", problem)
    if wording:
        detail = f"expected {wording[1]}, got {wording[2]}"
    elif "end of stream" in problem:
        what = next((v for k, v in CLOSERS.items() if k in (exc.context or "")), "the end")
        detail = f"expected {what} of a value, got the end of the front matter"
    else:
        detail = f"expected 'field: value' lines, got {problem.removeprefix('found ')}"
    return Finding(path, line, col, "yaml-syntax", f"the front matter is not valid YAML "
                   f"({detail})", "Check indentation, and put quotes around text containing "
                   "':' or '#'.")


def _walk(node: yaml.Node, loc: Path_, positions: dict, keys: dict, offset: int,
          path: str, duplicates: list[Finding], seen_nodes: set[int]) -> None:
    positions[loc] = (node.start_mark.line + 1 + offset, node.start_mark.column + 1)
    if id(node) in seen_nodes:
        return  # an alias (*name) of a node already walked: no loops, no exponential walks
    seen_nodes.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            where = (key_node.start_mark.line + 1 + offset, key_node.start_mark.column + 1)
            if key in seen:
                duplicates.append(Finding(
                    path, *where, "duplicate-key",
                    f"the field '{key}' is given twice (expected each field once, got a second)",
                    "Delete one of the two, keeping the value you mean.",
                ))
            seen.add(key)
            keys[loc + (key,)] = where
            _walk(value_node, loc + (key,), positions, keys, offset, path, duplicates,
                  seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, loc + (index,), positions, keys, offset, path, duplicates, seen_nodes)
