"""The macros of hand-written pages (docs/) that fail as they run: a finding at their line.

mkdocs-macros renders each page with Jinja and, on any error, prints its own report with a
Python traceback and then (`on_error_fail`) ends the process, or (without it) puts the report
in the page. `Failures` gives its Jinja environment a template class that keeps the error of a
page being rendered instead, so that mkdocs-macros sees the page rendered as nothing; the
adapter puts the page back as written and logs `failed_finding`. `call_findings` finds, without
building, the one failure a page's text shows: a macro of the site called with arguments its
definition does not take. A filter given a value of the wrong kind, an error inside a macro and
an undefined name depend on the values of the build, and only the build finds them.
"""

from __future__ import annotations

import inspect
import traceback
from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import Environment, Template, TemplateError, Undefined, UndefinedError, nodes
from jinja2.utils import missing

from .findings import Finding

RULE = "macro-error"
PAGE = "<template>"  # the name Jinja gives a template read from a string: the page
HINT = (
    "Correct the macro as the site defines it, or remove it; to show it as text, put "
    "render_macros: false in the page's front matter."
)


class Failures:
    """The errors of the macros of the page being rendered, kept rather than raised."""

    def __init__(self) -> None:
        self.errors: list[Exception] | None = None  # None: no page is being rendered

    def start(self) -> None:
        """A page is about to be rendered: keep what fails."""
        self.errors = []

    def stop(self) -> list[Exception]:
        """The page is rendered: what failed, in order."""
        errors, self.errors = self.errors or [], None
        return errors

    def guard(self, env: Environment) -> None:
        """Make `env` render its templates so that this keeps their errors (once), a value
        asked of what has no such value (`figures().moduls`) among them."""
        if getattr(env.template_class, "kept_by", None) is not self:
            base = getattr(env.template_class, "unguarded", env.template_class)
            env.template_class = type(
                "Guarded", (_Guarded, base), {"kept_by": self, "unguarded": base}
            )
        if not issubclass(env.undefined, _NoSuchValue):
            env.undefined = type("Checked", (_NoSuchValue, env.undefined), {})


class _NoSuchValue(Undefined):
    """An undefined that fails when it is shown if it is a value asked of a value that has no
    such one (`figures().moduls`, `page.meta.titel`). mkdocs-macros' own ('keep') shows it on
    the page as "{{ no such element: dict object['moduls'] }}", and the build went on; a
    name that is not defined at all is still kept as written, as mkdocs-macros does."""

    def __str__(self) -> str:
        if self._undefined_obj is not missing:
            self._fail_with_undefined_error()
        return str(super().__str__())


class _Guarded(Template):
    """A template whose error, while `kept_by` renders a page, is kept and renders nothing
    (the adapter puts the page back as written); otherwise raised as Jinja would."""

    kept_by: Failures

    def render(self, *args: Any, **kwargs: Any) -> str:
        try:
            return super().render(*args, **kwargs)
        except Exception as error:
            if self.kept_by.errors is None:
                raise
            self.kept_by.errors.append(error)
            return ""


def failed_finding(
    path: str, first_line: int, error: Exception, macros: Mapping[str, Callable[..., Any]]
) -> Finding:
    """The finding for `error`, raised as `path`'s body (from its line `first_line`) was
    rendered with the site's `macros`."""
    frames = traceback.extract_tb(error.__traceback__)
    line = next((f.lineno or 1 for f in reversed(frames) if f.filename == PAGE), 1)
    said = _said(error)
    if isinstance(error, UndefinedError) and "has no attribute" in said:
        expected = "a value that the value before the '.' has (a name spelt as the site has it)"
    elif isinstance(error, UndefinedError):
        expected = "a name the site defines, such as " + _listed(macros)
    else:
        called = next((m for m in macros if said.startswith(f"{_python_name(m, macros)}(")), None)
        if called:  # Python names the function as it is defined (define_env.<locals>.…)
            said = called + said.removeprefix(_python_name(called, macros))
        elif not isinstance(error, TypeError):  # a KeyError says only 'x'
            said = f"{type(error).__name__}: {said}"
        expected = _signature(called, macros[called]) if called else _kind_expected(error)
    return _finding(path, first_line + line - 1, expected, said)


def call_findings(
    path: str, markdown: str, first_line: int, env: Environment, macros: Mapping[str, Any]
) -> list[Finding]:
    """The calls in `markdown` (the body of `path`, from its line `first_line`) of the site's
    `macros` with arguments their definitions do not take."""
    try:
        tree = env.parse(markdown)
    except (TemplateError, RecursionError):
        return []  # macro-syntax says so
    named_here = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    named_here |= {n.name for n in tree.find_all(nodes.Macro)}
    found = []
    for call in tree.find_all(nodes.Call):
        name = call.node.name if isinstance(call.node, nodes.Name) else None
        if name not in macros or name in named_here or call.dyn_args or call.dyn_kwargs:
            continue
        try:
            signature = inspect.signature(macros[name])
        except (TypeError, ValueError):
            continue
        try:
            signature.bind(*call.args, **{kw.key: kw.value for kw in call.kwargs})
        except TypeError as error:
            given = f"{name} called with {_given(call)}: {error}"
            expected = _signature(name, macros[name])
            found.append(_finding(path, first_line + call.lineno - 1, expected, given))
    return found


def _finding(path: str, line: int, expected: str, got: str) -> Finding:
    return Finding(
        path,
        line,
        1,
        RULE,
        f"a macro on this page fails as it runs (expected {expected}, got {got})",
        HINT,
    )


def _said(error: Exception) -> str:
    said = str(getattr(error, "message", None) or error).strip().splitlines()
    return (said[0] if said else type(error).__name__)[:200]


def _python_name(name: str, macros: Mapping[str, Any]) -> str:
    return str(getattr(macros[name], "__qualname__", name))


def _kind_expected(error: Exception) -> str:
    if isinstance(error, TypeError):
        return "values of the kind each macro and filter takes"
    return "macros that run on the values given"


def _signature(name: str, macro: Callable[..., Any]) -> str:
    """`name(parameters)` as the macro's definition takes them, without type annotations."""
    try:
        signature = inspect.signature(macro)
    except (TypeError, ValueError):
        return f"{name}(…)"
    bare = [p.replace(annotation=p.empty) for p in signature.parameters.values()]
    return name + str(signature.replace(parameters=bare, return_annotation=signature.empty))


def _listed(macros: Mapping[str, Any], most: int = 8) -> str:
    names = sorted(macros)
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(names[:most]) + more if names else "none (the site defines no macros)"


def _given(call: nodes.Call) -> str:
    """The arguments `call` gives, in words: `3 arguments`, `key_stage=…`."""
    count = len(call.args)
    parts = [f"{count} argument{'' if count == 1 else 's'}"] if count else []
    parts += [f"{kw.key}=…" for kw in call.kwargs]
    return ", ".join(parts) or "no arguments"
