"""What an issue form is to the intake: its questions, the boxes to tick, the model its answers
fill, and how the answers become a pending page. Each form is one `Form` in table.py; the
generic reading lives here, what is particular to a form in its own module (resource.py)."""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..core.attachments import DEFAULT_MAX_BYTES
from ..core.findings import Finding
from ..core.frontmatter import Source
from ..core.model import VocabTerm
from ..core.validate import validate
from ..core.vocabulary import Vocabulary, load_vocabulary
from .issue import Section, choose, normal, one_line, sections, ticks


@dataclass(frozen=True)
class Question:
    """One field of a form. `target` is the model's field it fills (dotted for a field of a
    nested model), or a word the form places itself ('body', 'files', or a place such as
    'module' that says where the page goes)."""

    id: str
    label: str  # GitHub writes it as the '### Label' heading of the issue body
    kind: str  # input | textarea | dropdown
    target: str
    description: str
    placeholder: str = ""


@dataclass(frozen=True)
class Tick:
    """A box the contributor must tick; `target` is the model's field it sets to true."""

    id: str
    label: str
    target: str | None = None


@dataclass(frozen=True)
class Settings:
    """What the forms depend on in a repository: its vocabulary, content and size limit."""

    root: Path  # the content root (mkdocs.yml's opencpd content_dir)
    vocabulary: Vocabulary
    max_attachment_bytes: int = DEFAULT_MAX_BYTES
    site_url: str = ""


class SettingsError(Exception):
    pass


def settings(repository: Path, config_file: Path | None = None) -> Settings:
    """Read the opencpd plugin's options from mkdocs.yml (if there is one)."""
    config_file = config_file or repository / "mkdocs.yml"
    if not config_file.is_file():
        return Settings(repository, load_vocabulary())
    from ..adapters.site import BuildFailed, load

    try:
        config = load(str(config_file))
    except BuildFailed as exc:
        raise SettingsError(str(exc)) from None
    options = config.plugins["opencpd"].config
    root = (config_file.resolve().parent / options.content_dir).resolve()
    extra = root / options.vocabulary if options.vocabulary else None
    return Settings(
        root,
        load_vocabulary(extra, root),
        options.max_attachment_mb * 1024 * 1024,
        config.site_url or "",
    )


@dataclass
class Download:
    """A file attached to the issue, to be fetched into the page's folder as `name`."""

    name: str  # "" when nobody can tell its type; "stem.*" for a picture whose type its
    # content tells (GitHub's picture addresses have no extension)
    url: str
    line: int
    note: str = ""  # why a moderator should look twice (another site, unknown type)
    entry: dict[str, str] | None = None  # its files: entry, for a picture named once fetched


@dataclass
class Plan:
    """What the intake would write, and everything wrong with the issue."""

    form: Form
    problems: list[Finding] = field(default_factory=list)  # stop the intake
    notes: list[Finding] = field(default_factory=list)  # for the moderator; do not stop it
    meta: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    places: dict[str, Any] = field(default_factory=dict)  # e.g. module: where the page goes
    path: Path | None = None  # the page to write
    downloads: list[Download] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        assert self.path is not None
        return self.path.parent


@dataclass(frozen=True)
class Form:
    """One issue form: what it asks, and how its answers become a pending page."""

    id: str  # its file: .github/ISSUE_TEMPLATE/<id>.yml
    name: str  # what GitHub shows in the issue chooser
    description: str
    title: str  # the start of the issue's title
    labels: tuple[str, ...]  # the first one is the form's own: the workflow knows it by it
    model: type[BaseModel]
    questions: tuple[Question, ...]
    checklist_label: str
    checklist: tuple[Tick, ...]
    filled_by_intake: frozenset[str]  # fields the intake fills itself rather than asking
    introduction: Callable[[Settings], str]
    options: Callable[[Form, Question, Settings], dict[str, Any]]
    reader: Callable[[Form, Settings, str], Reader]
    check: Callable[[Settings, Plan], list[Finding]]  # the written page, as `opencpd check`
    review: tuple[str, ...]  # what the moderator looks at before approving
    approve: str  # the one change that publishes it

    @property
    def labels_in_order(self) -> list[str]:
        return [q.label for q in self.questions] + [self.checklist_label]

    def model_field(self, target: str) -> Any:
        """The pydantic FieldInfo of the model's field `target` (dotted for a nested one)."""
        model: Any = self.model
        *parents, name = target.split(".")
        for parent in parents:
            info = model.model_fields.get(parent)
            model = info.annotation if info is not None else None
            if model is None or not hasattr(model, "model_fields"):
                return None
        return model.model_fields.get(name)

    def is_list(self, target: str) -> bool:
        info = self.model_field(target)
        return info is not None and typing.get_origin(info.annotation) is list

    def required(self, target: str) -> bool:
        if "." not in target and target not in self.model.model_fields:
            return target != "files"  # where the page goes, and its text, are needed
        info = self.model_field(target)
        return info is not None and info.is_required()

    def vocabulary_list(self, target: str) -> str | None:
        """The vocabulary list the model's field takes its values from, if any."""
        info = self.model_field(target)
        if info is None:
            return None
        for item in [*info.metadata, *annotation_metadata(info.annotation)]:
            validator = getattr(item, "func", None)
            if isinstance(validator, VocabTerm):
                return validator.list_name
        return None

    def question(self, target: str) -> Question:
        return next(q for q in self.questions if q.target == target)


def annotation_metadata(annotation: Any) -> list[Any]:
    """Every metadata object in an annotation, also inside list[...] and Annotated[...]."""
    found = list(getattr(annotation, "__metadata__", ()))
    for arg in typing.get_args(annotation):
        found += annotation_metadata(arg)
    for item in list(found):
        found += list(getattr(item, "metadata", ()))
    return found


def option_text(label: str, term_id: str) -> str:
    return term_id if label == term_id else f"{label} ({term_id})"


class Reader:
    """Reads one issue body against its form: the answers any form has (text, choices,
    ticks); a form's own reader adds where the page goes, its files and its check."""

    def __init__(self, form: Form, config: Settings, issue_path: str):
        self.form = form
        self.config = config
        self.path = issue_path

    def finding(
        self, line: int, rule: str, message: str, hint: str, severity: str = "error"
    ) -> Finding:
        return Finding(self.path, line, 1, rule, message, hint, severity)  # type: ignore[arg-type]

    def plan(
        self,
        text: str,
        slug: str | None = None,
        submitted: dt.date | None = None,
        issue: int | None = None,
    ) -> Plan:
        form = self.form
        plan = Plan(form)
        answers = sections(text.replace("\r\n", "\n").replace("\r", "\n"), form.labels_in_order)
        if not answers:
            plan.problems.append(
                self.finding(
                    1,
                    "not-a-form",
                    "this is not an issue written with the form "
                    f"“{form.name}” (expected headings like '### {form.questions[0].label}', got "
                    "none)",
                    f"Save the body of an issue made with the “{form.name}” form.",
                )
            )
            return plan
        meta: dict[str, Any] = {}
        flagged: set[str] = set()
        positions: dict[tuple, tuple[int, int]] = {}
        for question in form.questions:
            section = answers.get(question.label) or Section(question.label, 1)
            self.answer(
                question, section, question.label in answers, meta, plan, flagged, positions
            )
        self.ticks(answers, meta, plan)
        self.complete(meta, plan, answers, positions, submitted)
        plan.meta = {key: meta[key] for key in form.model.model_fields if key in meta}
        self.check_model(plan, positions, flagged, answers)
        self.place(plan, slug, issue)
        return plan

    def answer(
        self,
        question: Question,
        section: Section,
        present: bool,
        meta: dict[str, Any],
        plan: Plan,
        flagged: set[str],
        positions: dict[tuple, tuple[int, int]],
    ) -> None:
        form, target = self.form, question.target
        answer, line = section.value, section.value_line
        positions[tuple(target.split("."))] = (line, 1)
        if "." in target:
            positions.setdefault((target.split(".")[0],), (line, 1))
        if not answer:
            if form.required(target):
                flagged.add(target)
                plan.problems.append(
                    self.finding(
                        line,
                        "missing-answer",
                        f"“{question.label}” has no answer (expected "
                        f"{'a choice' if question.kind == 'dropdown' else 'some text'}, got "
                        f"{'nothing' if present else 'no section'})",
                        f"Ask the contributor to edit the issue and answer “{question.label}”.",
                    )
                )
            elif "." in target:
                parent, name = target.split(".", 1)
                meta.setdefault(parent, {})[name] = ""
            return
        if question.kind == "dropdown":
            table = self.choices(question)
            chosen, unknown = choose(answer, table, form.is_list(target))
            if unknown or not chosen:
                flagged.add(target)
                shown = ", ".join(table)
                plan.problems.append(
                    self.finding(
                        line,
                        "bad-answer",
                        f"“{question.label}” is not one of the form's choices "
                        f"(expected {'some of' if form.is_list(target) else 'one of'} {shown}; got "
                        f"{', '.join(unknown) or answer!r})",
                        "Ask the contributor to choose again "
                        "in the issue"
                        + (
                            " (it may have been renamed)."
                            if target not in form.model.model_fields
                            else "."
                        ),
                    )
                )
                return
            value = chosen if form.is_list(target) else chosen[0]
            if target in form.model.model_fields:
                meta[target] = value
            else:
                plan.places[target] = value
        elif target == "body":
            plan.body = answer.rstrip() + "\n"
        elif target == "files":
            return
        elif "." in target:
            parent, name = target.split(".", 1)
            meta.setdefault(parent, {})[name] = one_line(answer)
        else:
            meta[target] = one_line(answer)

    def choices(self, question: Question) -> dict[str, Any]:
        """What a dropdown's answer may say: the form's options (text -> value)."""
        return self.form.options(self.form, question, self.config)

    def ticks(self, answers: dict[str, Section], meta: dict[str, Any], plan: Plan) -> None:
        section = answers.get(self.form.checklist_label)
        boxes = ticks(section)
        for tick in self.form.checklist:
            ticked, line = boxes.get(normal(tick.label), (False, section.line if section else 1))
            if tick.target:
                meta[tick.target] = ticked
            if not ticked:
                plan.problems.append(
                    self.finding(
                        line,
                        "missing-tick",
                        f"a required box is not ticked (expected [x] "
                        f"“{tick.label}”, got {'an empty box' if section else 'no boxes'})",
                        "Only the contributor can confirm this: ask them to tick it in the issue.",
                    )
                )

    def complete(
        self,
        meta: dict[str, Any],
        plan: Plan,
        answers: dict[str, Section],
        positions: dict[tuple, tuple[int, int]],
        submitted: dt.date | None,
    ) -> None:
        """The fields the intake fills itself (a form's reader adds its own)."""

    def check_model(
        self,
        plan: Plan,
        positions: dict[tuple, tuple[int, int]],
        flagged: set[str],
        answers: dict[str, Section],
    ) -> None:
        """The answers against the model, as `opencpd check` would see them."""
        source = Source(self.path, plan.meta, plan.body, 1, positions, positions)
        _, findings = validate(source, self.form.model, self.config.vocabulary)
        labels = {s.value_line: s.label for s in answers.values()}
        for finding in findings:
            name = re.search(r"'([^']+)'", finding.message)
            if (
                finding.rule == "missing-field"
                and name
                and any(f == name.group(1) or f.endswith("." + name.group(1)) for f in flagged)
            ):
                continue
            label = labels.get(finding.line)
            hint = f"In the issue, correct “{label}”: {finding.hint}" if label else finding.hint
            plan.problems.append(
                Finding(
                    finding.path, finding.line, finding.column, finding.rule, finding.message, hint
                )
            )

    def place(self, plan: Plan, slug: str | None, issue: int | None) -> None:
        """Where the page goes (plan.path); a form's reader says."""
        raise NotImplementedError
