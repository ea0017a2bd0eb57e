"""Where in mkdocs.yml a setting is written, for the messages that name it: MkDocs says
"Config value 'plugins': Plugin 'opencpd' option 'start_time': ..." and a teacher looks for
the line. The file is composed, not loaded (a node keeps its line; `!ENV` and
`!!python/name:` are tags, not run), and the setting followed down from the key the message
names: the value when the value is wrong, the key when the key is (a misspelt name), the
entry above when the setting is missing. Nothing found, nothing said: the file alone."""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

Place = tuple[int, int]
Node = yaml.Node

CONFIG_VALUE = re.compile(r"Config value '(?P<key>[^']+)': (?P<rest>.*)", re.DOTALL)
IN_NAV = re.compile(r"An? [\w ]+ to '[^']*' is included in the 'nav' configuration")
PLUGIN_OPTION = re.compile(
    r"Plugin '(?P<name>[^'#]+?)(?: #(?P<nth>\d+))?'(?: option '(?P<option>[^']+)')?: "
    r"(?P<rest>.*)",
    re.DOTALL,
)
NOT_INSTALLED = re.compile(r'The "(?P<name>[^"]+)" plugin is not installed')
KEY_IS_WRONG = ("Unrecognised configuration name", "The configuration option")
QUOTED = re.compile(r"'([^'\n]+)'|\"([^\"\n]+)\"")


def composed(text: str) -> Node | None:
    """mkdocs.yml's top node, or None when it is no YAML mapping (MkDocs says why)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    return node if isinstance(node, yaml.MappingNode) else None


def not_yaml(path: str, text: str) -> str | None:
    """Why `text` (mkdocs.yml) is no YAML, as `path:line:column: ...`, or None when it is."""
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = str(exc.problem or exc.context or "")
        return refused_yaml(path, (mark.line + 1, mark.column + 1), problem) if mark else None
    except yaml.YAMLError:
        return None
    return None


MARKED = re.compile(
    r'(?P<problem>[^\n]*)\n\s*in "[^"]*", line (?P<line>\d+), column (?P<column>\d+)'
)


def marked(path: str, said: str) -> str | None:
    """What MkDocs' loader refused in mkdocs.yml (a tag it has no constructor for), from its
    own words with their `line N, column M`, or None when they name no line."""
    every = list(MARKED.finditer(said))
    if not every:
        return None
    found = every[-1]
    problem = found["problem"].split("configuration file: ")[-1]
    return refused_yaml(path, (int(found["line"]), int(found["column"])), problem)


def refused_yaml(path: str, at: Place, problem: str) -> str:
    problem = " ".join(problem.split()) or "no YAML"
    return (
        f"{path}:{at[0]}:{at[1]}: the file cannot be read (expected settings written in YAML, "
        f'got what YAML calls "{problem}"). Correct the line or the one above it: a bracket '
        "or quote left open, a value with ': ' in it not in quotes, an indent that does not "
        "match its neighbours, or a tag (!name) MkDocs does not know."
    )


def _at(node: Node) -> Place:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _entry(mapping: Node, key: str) -> tuple[Node, Node] | None:
    """The key node and value node of `key` in a mapping node."""
    if isinstance(mapping, yaml.MappingNode):
        for name, value in mapping.value:
            if isinstance(name, yaml.ScalarNode) and name.value == key:
                return name, value
    return None


def _scalars(node: Node) -> Iterator[Node]:
    """Every scalar under `node`, in the order they are written."""
    if isinstance(node, yaml.ScalarNode):
        yield node
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _scalars(item)
    elif isinstance(node, yaml.MappingNode):
        for name, value in node.value:
            yield from _scalars(name)
            yield from _scalars(value)


def _plugin(plugins: Node, name: str) -> list[tuple[Node, Node | None]]:
    """The entries naming plugin `name`: each its name's node and its options' node (None
    when it has none), whether the plugins are a list or a mapping."""
    entries: list[tuple[Node, Node | None]] = []
    if isinstance(plugins, yaml.MappingNode):
        entries = list(plugins.value)
    elif isinstance(plugins, yaml.SequenceNode):
        for item in plugins.value:
            if isinstance(item, yaml.ScalarNode):
                entries.append((item, None))
            elif isinstance(item, yaml.MappingNode) and item.value:
                entries.append(item.value[0])
    return [entry for entry in entries if entry[0].value == name]


def _quoted(rest: str) -> list[str]:
    """What the message quotes, its 'single' quotes first: a value as Python shows it (a
    "double" quote is more often an example of what is expected)."""
    found = QUOTED.findall(rest)
    return [a for a, _ in found if a] + [b for _, b in found if b]


def _instance(plugins: Node, found: re.Match[str]) -> tuple[Node, Node | None] | None:
    """The entry the message is about: the nth of the name ("Plugin 'x #2'"); MkDocs' errors
    name no instance, so there, the one whose option has the value the message quotes."""
    named = _plugin(plugins, found["name"])
    if found["nth"]:
        return named[int(found["nth"]) - 1] if len(named) >= int(found["nth"]) else None
    for quoted in _quoted(found["rest"]):
        for name, options in named:
            option = _entry(options, found["option"] or "") if options else None
            if option and any(scalar.value == quoted for scalar in _scalars(option[1])):
                return name, options
    return named[0] if named else None


def _in_plugin(plugins: Node, rest: str) -> Place | None:
    installed = NOT_INSTALLED.match(rest)
    found = PLUGIN_OPTION.match(rest)
    if installed:
        named = _plugin(plugins, installed["name"])
        return _at(named[0][0]) if named else None
    if not found:
        return None
    entry = _instance(plugins, found)
    if entry is None:
        return None
    name, options = entry
    option = _entry(options, found["option"]) if found["option"] and options else None
    if option is None:  # the plugin itself, or an option not written: the plugin's line
        return _at(name)
    return _at(option[0] if found["rest"].startswith(KEY_IS_WRONG) else option[1])


def _named_value(value: Node, rest: str) -> Place:
    """The scalar under `value` that the message quotes (an extension, a theme, a page),
    else the value itself."""
    for quoted in _quoted(rest):
        for scalar in _scalars(value):
            if scalar.value == quoted:
                return _at(scalar)
    return _at(value)


def place(text: str, message: str) -> Place | None:
    """The line and column in mkdocs.yml (its text) of what MkDocs' "Config value ..."
    `message` is about, or None when the file does not show it (an inherited setting)."""
    found = CONFIG_VALUE.match(message)
    root = composed(text)
    if root is None:
        return None
    if IN_NAV.match(message):  # a page named in the nav, found as the site is built
        return setting(root, "nav", message)
    return setting(root, found["key"], found["rest"]) if found else None


def setting(root: Node, key: str, rest: str) -> Place | None:
    """Where top-level `key` is, as the message's `rest` tells of it."""
    entry = _entry(root, key)
    if entry is None:  # required and not given: the file's first setting
        return _at(root) if rest.startswith("Required configuration not provided") else None
    name, value = entry
    if rest.startswith(KEY_IS_WRONG):
        return _at(name)
    if key == "plugins":
        return _in_plugin(value, rest) or _at(name)
    return _named_value(value, rest)


def key_place(text: str, key: str, missing: bool = False) -> Place | None:
    """Where top-level setting `key` has its value; when it is not written, None, or with
    `missing` the file's first setting (where a setting it lacks is added)."""
    root = composed(text)
    entry = _entry(root, key) if root is not None else None
    if entry is None:
        return _at(root) if missing and root is not None else None
    return _at(entry[1])


def _text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as file:
            return file.read()
    except (OSError, UnicodeDecodeError, ValueError):
        return ""


def located(path: str, message: str) -> str:
    """MkDocs' "Config value ..." message, starting `path:line:column: ` (`path: ` when the
    line cannot be found)."""
    at = place(_text(path), message)
    return f"{path}:{at[0]}:{at[1]}: {message}" if at else f"{path}: {message}"


def key_prefix(path: str, key: str, missing: bool = False) -> str:
    """`path:line:column: ` of top-level setting `key` in the file at `path` (see
    `key_place`), or "" when it is not there."""
    at = key_place(_text(path), key, missing)
    return f"{path}:{at[0]}:{at[1]}: " if at else ""


def unreadable(path: str) -> str | None:
    """`not_yaml` of the file at `path`."""
    return not_yaml(path, _text(path))


__all__ = [
    "key_place",
    "key_prefix",
    "located",
    "marked",
    "not_yaml",
    "place",
    "setting",
    "unreadable",
]
