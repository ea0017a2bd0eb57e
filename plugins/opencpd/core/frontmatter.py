"""Read a Markdown file's YAML front matter ourselves, keeping the line of every value.

Every parse is bounded (DESIGN.md, "untrusted"): the file's size before it is read, the front
matter's size, its nesting depth before libyaml sees it, and what its aliases expand to. Each
breach is a Finding at its line, never a RecursionError or a crash inside libyaml."""

from __future__ import annotations

import re
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from .findings import Finding

Path_ = tuple[str | int, ...]

MAX_FILE_BYTES = 1024 * 1024  # a content file; the longest page in the repository is ~8 KB
MAX_FRONT_MATTER_CHARS = 64 * 1024  # the longest front matter in the repository is ~5 KB
MAX_DEPTH = 20  # levels of lists and fields in lists; real front matter uses at most 5
MAX_VALUES = 10_000  # values, counting each use of an alias (*name) in full
# libyaml composes recursively in C: deep enough input ends the process with a signal, and its
# scanner slows down with every level. It is used only when the text's characters alone show
# that the depth is below this; otherwise PyYAML reads it, with MAX_DEPTH enforced as it goes.
LIBYAML_DEPTH = 200


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


def _size(count: int) -> str:
    return f"{count / 1024:.0f} KB" if count >= 10 * 1024 else f"{count:,} bytes"


def decode(path: str, raw: bytes) -> str:
    """`raw` as text; a file read whole or as its first MAX_FILE_BYTES + 1 bytes (the loader
    reads no more) is refused if it is longer than MAX_FILE_BYTES."""
    if len(raw) > MAX_FILE_BYTES:
        raise FrontMatterError(
            Finding(
                path,
                1,
                1,
                "too-large",
                f"the file is too large to be a page (expected at most {_size(MAX_FILE_BYTES)}, "
                f"got more)",
                "Keep the page's text in the file and put large material in "
                "attached files, or split the page in two.",
            )
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise FrontMatterError(
            Finding(
                path,
                line,
                column,
                "not-utf8",
                f"the file is not UTF-8 text (expected UTF-8, got byte 0x{raw[exc.start]:02x})",
                "Save the file as UTF-8 in your editor (File > Save with encoding > UTF-8).",
            )
        ) from None


def parse(path: str, raw: bytes) -> Source:
    """Split `raw` into front matter and body; raise FrontMatterError on anything unreadable.
    Windows (CR LF) and old Mac (CR) line endings are read as line breaks."""
    text = decode(path, raw).removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(
            Finding(
                path,
                1,
                1,
                "no-front-matter",
                f"the file has no front matter (expected '---' on line 1, got {lines[0][:30]!r})",
                "Start the file with a line '---', the YAML fields, then another '---'.",
            )
        )
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.rstrip() in ("---", "..."))
    except StopIteration:
        raise FrontMatterError(
            Finding(
                path,
                1,
                1,
                "no-front-matter",
                "the front matter is never closed (expected a second '---' line, got end of file)",
                "Add a line '---' after the last YAML field.",
            )
        ) from None
    front = "\n".join(lines[1:end])
    if len(front) > MAX_FRONT_MATTER_CHARS:
        raise FrontMatterError(
            Finding(
                path,
                2,
                1,
                "too-large",
                f"the front matter is too long (expected at most {_size(MAX_FRONT_MATTER_CHARS)} "
                f"between the '---' lines, got {_size(len(front))})",
                "Keep the fields short and move long text into the page below the second '---'.",
            )
        )
    data, positions, keys = load_yaml(path, front, offset=1)
    body = "\n".join(lines[end + 1 :])
    return Source(path, data, body, end + 2, positions, keys)


def _date_or_text(loader: Any, node: yaml.ScalarNode) -> Any:
    """A date that does not exist (2026-02-30) stays text, so that validation reports it at
    its line instead of PyYAML raising ValueError."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


class Sexagesimal(str):
    """A plain value YAML 1.1 reads as a number in base 60 (places: 1:30 as 90, 1:30.5 as
    90.5): YAML 1.2 has no such numbers, so it stays the text written, which a field of
    numbers refuses ('expected a whole number, got '1:30''). Marked, so that a time of day
    written without quotes (start: 16:00) is still reported as one (delivery_model)."""


def _int_or_text(loader: Any, node: yaml.ScalarNode) -> Any:
    """A whole number too long for Python to convert (more than 4,300 digits) stays text, so
    that validation reports it at its line instead of PyYAML raising ValueError; one in base
    60 stays text (Sexagesimal)."""
    if ":" in str(node.value):
        return Sexagesimal(loader.construct_scalar(node))
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


def _float_or_text(loader: Any, node: yaml.ScalarNode) -> Any:
    """A number with a decimal point; one in base 60 stays text (Sexagesimal)."""
    if ":" in str(node.value):
        return Sexagesimal(loader.construct_scalar(node))
    return yaml.constructor.SafeConstructor.construct_yaml_float(loader, node)


def _text_keys(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
    """A mapping whose keys are the text as written: `2026-01-01:`, `1:`, `yes:` and `~:` are
    field names that validation can report at their line, not a date, a number, True or None.
    A list or a set of fields used as a key is a syntax error at its line."""
    loader.flatten_mapping(node)
    mapping: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                "found a list or a set of fields used as a field name",
                key_node.start_mark,
            )
        mapping[key_node.value] = loader.construct_object(value_node, deep=deep)
    return mapping


# What a construction can raise on a value its tag does not fit ('!!float abc' is ValueError,
# '!!bool abc' KeyError, '!!timestamp abc' AttributeError, '!!map abc' ValueError).
_UNFIT = (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError)


def _unfit(node: yaml.Node) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(
        None, None, f"found a value that its tag {node.tag} cannot make", node.start_mark
    )


def _marked(constructor: Callable[[Any, yaml.Node], Any]) -> Callable[[Any, yaml.Node], Any]:
    """`constructor`, raising ConstructorError at the node's line and column (which the
    findings word) instead of the Python error a value that its tag does not fit ends in,
    also when the constructor is a generator that fills its value later."""

    def finish(generator: types.GeneratorType, node: yaml.Node) -> Any:
        try:
            return (yield from generator)
        except _UNFIT:
            raise _unfit(node) from None

    def construct(loader: Any, node: yaml.Node) -> Any:
        try:
            made = constructor(loader, node)
        except _UNFIT:
            raise _unfit(node) from None
        return finish(made, node) if isinstance(made, types.GeneratorType) else made

    return construct


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark | None):
        self.mark = mark


class _Loader(yaml.SafeLoader):
    """PyYAML in Python, composing no deeper than MAX_DEPTH."""

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _TooDeep(self.peek_event().start_mark)
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self.depth -= 1


class _FastLoader(getattr(yaml, "CSafeLoader", _Loader)):  # type: ignore[misc]
    """_Loader on libyaml: composing front matter is most of the time spent loading content.
    A file it cannot read is read again by _Loader, whose messages the findings quote."""


for _class in (_Loader, _FastLoader):
    _class.add_constructor("tag:yaml.org,2002:timestamp", _date_or_text)
    _class.add_constructor("tag:yaml.org,2002:int", _int_or_text)
    _class.add_constructor("tag:yaml.org,2002:float", _float_or_text)
    _class.construct_mapping = _text_keys  # type: ignore[method-assign, assignment]
    _class.yaml_constructors = {
        tag: _marked(constructor) for tag, constructor in _class.yaml_constructors.items()
    }

# What YAML refuses to read (its reader's own test), and the line breaks it counts that an
# editor does not show (so that every line after one would be misnumbered).
_UNREADABLE = re.compile(f"{yaml.reader.Reader.NON_PRINTABLE.pattern}|[\x85\u2028\u2029]")
_INDICATOR = re.compile(r"[-?:](?=[ \t]|$)", re.MULTILINE)
_BREAKS = re.compile("[\n\x85\u2028\u2029]")  # what YAML counts as line breaks


def depth_bound(text: str) -> int:
    """An upper bound of the nesting depth of `text` read as YAML, from its characters alone.
    Every flow collection opens with '[' or '{'; every block collection starts a line further
    right or is an indicator ('- ', '? ', ': ') on its line, and one column holds at most two
    levels (a list may sit under its field's name)."""
    flow = text.count("[") + text.count("{")
    block = 0
    for line in _BREAKS.split(text):
        rest = line.lstrip(" ")
        block = max(block, 2 * (len(line) - len(rest) + 1) + len(_INDICATOR.findall(rest)))
    return flow + block


def _compose(text: str) -> tuple[yaml.Node | None, yaml.BaseLoader]:
    """The front matter's node tree, and the loader that can construct its data;
    MarkedYAMLError from _Loader if invalid, _TooDeep past MAX_DEPTH."""
    fast = _FastLoader is not _Loader and depth_bound(text) <= LIBYAML_DEPTH
    for loader_class in (_FastLoader, _Loader) if fast else (_Loader,):
        loader = loader_class(text)
        try:
            return loader.get_single_node(), loader
        except yaml.MarkedYAMLError:
            loader.dispose()
            if loader_class is _Loader:
                raise
    raise AssertionError("unreachable")


def load_yaml(path: str, text: str, offset: int) -> tuple[dict[str, Any], dict, dict]:
    """`text` (YAML whose first line is line `offset` + 1 of `path`) as fields, with the line
    and column of each value and key; FrontMatterError past any bound, on a syntax error, a
    name given twice, or anything but a set of fields."""
    found = _UNREADABLE.search(text)
    if found:
        raise FrontMatterError(_unreadable(path, text, found.start(), offset))
    try:
        node, loader = _compose(text)
        try:
            _check_bounds(path, node, offset)
            data = loader.construct_document(node) if node is not None else {}
        finally:
            loader.dispose()
    except _TooDeep as exc:
        line = exc.mark.line + 1 + offset if exc.mark else 1 + offset
        raise FrontMatterError(
            _too_deep(path, line, exc.mark.column + 1 if exc.mark else 1)
        ) from None
    except yaml.MarkedYAMLError as exc:
        raise FrontMatterError(_syntax_finding(path, exc, offset)) from None
    if not isinstance(data, dict):
        raise FrontMatterError(
            Finding(
                path,
                1 + offset,
                1,
                "wrong-type",
                f"the front matter is not a set of fields (expected 'name: value' lines, "
                f"got {_kind(data)})",
                "Write one 'field: value' per line.",
            )
        )
    positions: dict[Path_, tuple[int, int]] = {}
    keys: dict[Path_, tuple[int, int]] = {}
    if node is None:  # '---' then '---': no fields at all
        return data, {(): (1 + offset, 1)}, keys
    duplicates: list[Finding] = []
    _walk(node, (), positions, keys, offset, path, duplicates, set())
    if duplicates:
        raise FrontMatterError(duplicates[0])
    return data, positions, keys


def _unreadable(path: str, text: str, at: int, offset: int) -> Finding:
    character = text[at]
    what = (
        "an invisible line break"
        if character in "\x85\u2028\u2029"
        else "a character that is not text"
        if character in "\ufffe\uffff"
        else "a control character"
    )
    return Finding(
        path,
        text.count("\n", 0, at) + 1 + offset,
        at - text.rfind("\n", 0, at),
        "invisible-character",
        f"the front matter contains the invisible character U+{ord(character):04X} "
        f"(expected ordinary text, got {what})",
        "Retype the line, or paste it as plain text: the character cannot be seen, and YAML "
        "cannot read it as text.",
    )


def _kind(data: Any) -> str:
    if isinstance(data, list):
        return "a list"
    return "a single value" if data is not None else "nothing"


def _too_deep(path: str, line: int, column: int) -> Finding:
    return Finding(
        path,
        line,
        column,
        "too-deep",
        f"the front matter is nested too deeply (expected at most {MAX_DEPTH} "
        "levels of lists and fields, got more from here)",
        "Write each field as 'field: value' or a short list; no field needs lists inside lists.",
    )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_bounds(path: str, root: yaml.Node | None, offset: int) -> None:
    """Depth and size counted as the data will be, each alias (*name) in full, without
    recursion: a node graph made by aliases can be exponentially larger than its text, or
    contain itself."""
    if root is None:
        return
    depth: dict[int, int] = {}
    size: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            open_.discard(key)
            children = _children(node)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            size[key] = min(MAX_VALUES + 1, 1 + sum(size[id(c)] for c in children))
            continue
        if key in depth:
            continue
        if key in open_:  # reached again while its own children are being counted
            raise FrontMatterError(
                Finding(
                    path,
                    node.start_mark.line + 1 + offset,
                    node.start_mark.column + 1,
                    "yaml-alias",
                    "a value contains itself through an alias (expected an alias "
                    "*name to repeat a value written before it, got one inside the value '&name' "
                    "marks)",
                    "Write the value out in full instead of using '&' and '*'.",
                )
            )
        open_.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node) if id(c) not in depth)
        if len(open_) > MAX_DEPTH:
            mark = node.start_mark
            raise FrontMatterError(_too_deep(path, mark.line + 1 + offset, mark.column + 1))
    if size[id(root)] > MAX_VALUES:
        where, total = root, 1
        for key_node, value_node in getattr(root, "value", ()):
            total += size[id(key_node)] + size[id(value_node)]
            if total > MAX_VALUES:
                where = key_node
                break
        raise FrontMatterError(
            Finding(
                path,
                where.start_mark.line + 1 + offset,
                where.start_mark.column + 1,
                "too-large",
                f"the front matter holds too many values (expected at most {MAX_VALUES:,}, "
                "counting each use of an alias *name in full, got more)",
                "Shorten the lists, and write values out instead of repeating them with '&' and "
                "'*'."
                if len(depth) <= MAX_VALUES
                else "Shorten the lists.",
            )
        )


def _syntax_finding(path: str, exc: yaml.MarkedYAMLError, offset: int) -> Finding:
    """PyYAML's complaint in plain words, as "expected X, got Y", at the line where the
    trouble starts (where a list or a quotation opens that never closes, not where YAML
    noticed)."""
    problem = exc.problem or ""
    mark = exc.problem_mark or exc.context_mark
    context_line = exc.context_mark.line if exc.context_mark else None
    detail, hint = _plain_words(problem, exc.context or "", mark, context_line)
    if (
        context_line is not None
        and mark is not None
        and context_line < mark.line
        and (
            "end of stream" in problem
            or "could not find expected ':'" in problem
            or re.match(r"expected ',' or '[]}]'", problem)
        )
    ):
        mark = exc.context_mark  # an unclosed quote, list or set of fields: where it opens
    line, col = (mark.line + 1 + offset, mark.column + 1) if mark else (1 + offset, 1)
    return Finding(
        path, line, col, "yaml-syntax", f"the front matter is not valid YAML ({detail})", hint
    )


QUOTE_HINT = "Put quotes around text that contains ': ' or ' #', e.g. summary: \"Bingo: a game\"."
CLOSERS = {
    "quoted scalar": "the closing quotation mark",
    "flow sequence": "the closing ']'",
    "flow mapping": "the closing '}'",
}


def _plain_words(
    problem: str, context: str, mark: yaml.Mark | None, context_line: int | None
) -> tuple[str, str]:
    """What went wrong ("expected X, got Y") and how to fix it, for PyYAML's `problem`."""
    closer = next((v for k, v in CLOSERS.items() if k in context), "")
    unclosed = context_line is not None and mark is not None and context_line < mark.line
    if "end of stream" in problem or (closer and unclosed):
        what = closer or "the end of a value"
        ended = "end of stream" in problem or "<stream end>" in problem
        got = (
            "the end of the front matter"
            if ended or mark is None
            else f"the next field on line {mark.line + 2}"
        )
        ends = {
            "the closing ']'": "Close the list with ']' on the line where it starts.",
            "the closing '}'": "Close the fields with '}' on the line where they start.",
        }
        return (
            f"expected {what}, got {got}",
            ends.get(
                what, "Close the quotation on the same line, or remove the opening quotation mark."
            ),
        )
    if re.match(r"expected ',' or '[]}]'", problem):
        return (
            "expected ',' between the items of a list in brackets, got "
            f"{_token(problem.rsplit('but got ', 1)[-1])}",
            QUOTE_HINT,
        )
    if "mapping values are not allowed" in problem:
        return (
            "expected one 'field: value' on each line, got a second ': ' on this line, or "
            "a field indented under another",
            f"{QUOTE_HINT} Start each field at the beginning of its line.",
        )
    if "sequence entries are not allowed" in problem:
        return (
            "expected a value after ': ', got a list item '- ' on the same line",
            "Start the list on the next line: one '- item' per line, indented under the field.",
        )
    if "could not find expected ':'" in problem:
        return (
            "expected 'field: value', got a line without ': '",
            "Add the field's name and ': ', or indent a continued text under its field.",
        )
    if problem.startswith("expected <block end>") or "<block" in problem:
        return (
            "expected each item to line up with the one above it, got a line indented differently",
            "Indent the items of a list (and the fields of an item) by the same number of spaces.",
        )
    if "'\\t'" in problem or "\t" in problem:
        return ("expected spaces, got a tab", "Replace the tab with spaces.")
    found = re.match(r"found undefined alias '?([^']*)'?", problem)
    if found:
        return (
            f"expected '&{found[1]}' before '*{found[1]}', got no such name",
            "Put quotes around text that starts with '*', or name the value with "
            f"'&{found[1]}' before using '*{found[1]}'.",
        )
    if "used as a field name" in problem or "unhashable key" in problem:
        return (
            "expected a field name before ':', got a list or a set of fields",
            "Write the field's name before ': '; quote text that starts with '[' or '{'.",
        )
    if "escape character" in problem:
        return (
            'expected \\\\, \\" or \\n after a backslash in double quotes, got another character',
            "Use single quotes around the text, or write the backslash twice.",
        )
    if "that its tag" in problem:
        tag = problem.rsplit("tag ", 1)[-1].split()[0].replace("tag:yaml.org,2002:", "!!")
        return (
            f"expected a value that fits its tag {tag}, got one that does not",
            "Remove the tag (the word starting with '!'), or put quotes around the text.",
        )
    if "constructor for the tag" in problem:
        return (
            "expected plain values, got a YAML tag starting with '!'",
            "Remove the tag (the word starting with '!'), or put quotes around the text.",
        )
    if "duplicate anchor" in (context + problem):
        return (
            "expected each '&name' once, got the same name twice",
            "Give the second one another name.",
        )
    wording = re.match(r"expected (.+), but (?:found|got) (.+)", problem)
    if wording:
        return (f"expected {wording[1]}, got {wording[2]}", QUOTE_HINT)
    return (
        f"expected 'field: value' lines, got something YAML cannot read: "
        f"{problem.removeprefix('found ') or 'unknown'}",
        QUOTE_HINT,
    )


def _token(name: str) -> str:
    names = {
        "':'": "':' inside an item",
        "'<stream end>'": "the end of the front matter",
        "'-'": "a '-' inside the brackets",
        "'?'": "a '?' inside the brackets",
    }
    return names.get(name, name)


def _walk(
    node: yaml.Node,
    loc: Path_,
    positions: dict,
    keys: dict,
    offset: int,
    path: str,
    duplicates: list[Finding],
    seen_nodes: set[int],
) -> None:
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
                duplicates.append(
                    Finding(
                        path,
                        *where,
                        "duplicate-key",
                        f"the field '{key}' is given twice "
                        "(expected each field once, got a second)",
                        "Delete one of the two, keeping the value you mean.",
                    )
                )
            seen.add(key)
            keys[loc + (key,)] = where
            _walk(value_node, loc + (key,), positions, keys, offset, path, duplicates, seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, loc + (index,), positions, keys, offset, path, duplicates, seen_nodes)
