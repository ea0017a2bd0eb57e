"""Turn an issue written with the "Share a teaching resource" form into a pending resource.

    python scripts/intake.py issue.md               # the issue's body, saved to a file
    gh issue view 12 --json body -q .body | python scripts/intake.py - --issue 12

Either it writes modules/<module>/resources/<slug>/index.md with `status: pending`, checks it
as `opencpd check` would and prints what the moderator still has to do (files to download,
findings); or, when a required box is not ticked or an answer is missing or invalid, it prints
every problem as `issue-file:line:column: rule: message. Hint.`, writes nothing and exits 1.

Files attached to the issue are only links: the intake lists them under `files:` (so that
`opencpd check` reports them missing until they are in the folder) and in a comment at the end
of the page, with the commands to download them. It never uses the network itself.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import click
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import issue_form as spec  # noqa: E402
from opencpd.core.attachments import ALLOWED, IMAGES, REFUSED  # noqa: E402
from opencpd.core.findings import Finding, errors  # noqa: E402
from opencpd.core.frontmatter import FrontMatterError, Source, decode  # noqa: E402
from opencpd.core.load import Loader, check_resource  # noqa: E402
from opencpd.core.model import SLUG, Resource  # noqa: E402
from opencpd.core.untrusted import personal_data  # noqa: E402
from opencpd.core.validate import validate  # noqa: E402

NO_RESPONSE = "_No response_"
HEADING = re.compile(r"^###\s+(.*?)\s*$")
TICK = re.compile(r"^\s*[-*]\s+\[([ xX])\]\s+(.*?)\s*$")
MARKDOWN_LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
BARE_URL = re.compile(r"(?<![(\"'=<])\bhttps?://[^\s<>()\"']+")
ATTRIBUTE = re.compile(r"""\b(src|alt)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
GITHUB_HOSTS = ("github.com", "user-images.githubusercontent.com",
                "private-user-images.githubusercontent.com", "objects.githubusercontent.com")
GENERIC_ALT = {"", "image", "img", "picture", "photo", "screenshot", "file"}


@dataclass
class Section:
    """The answer to one question: the lines under its '### Label' heading."""

    label: str
    line: int  # the heading's line
    lines: list[tuple[int, str]] = field(default_factory=list)

    @property
    def value(self) -> str:
        text = "\n".join(line for _, line in self.lines).strip("\n")
        return "" if text.strip() == NO_RESPONSE else text.strip()

    @property
    def value_line(self) -> int:
        """Where the answer starts (the heading's line if there is no answer)."""
        return next((n for n, line in self.lines if line.strip()), self.line)


@dataclass
class Link:
    """A file attached to the issue: GitHub puts it in the answer as a link."""

    url: str
    text: str
    image: bool
    line: int
    description: str = ""


@dataclass
class Plan:
    """What the intake would write, and everything wrong with the issue."""

    problems: list[Finding] = field(default_factory=list)  # stop the intake
    notes: list[Finding] = field(default_factory=list)  # for the moderator; do not stop it
    meta: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    folder: Path | None = None
    downloads: list[tuple[str, str, str]] = field(default_factory=list)  # name, url, note

    @property
    def index(self) -> Path:
        assert self.folder is not None
        return self.folder / "index.md"


# Reading the issue body -------------------------------------------------------------------

def sections(text: str) -> dict[str, Section]:
    """The form's answers by label. A heading counts only if it is the label of a question not
    yet seen, in the form's order, so that '### ' headings inside an answer stay in it."""
    labels = [q.label for q in spec.QUESTIONS] + [spec.CHECKLIST_LABEL]
    found: dict[str, Section] = {}
    current: Section | None = None
    position = 0
    for number, line in enumerate(text.split("\n"), 1):
        match = HEADING.match(line)
        if match and match.group(1) in labels[position:]:
            position = labels.index(match.group(1), position) + 1
            current = found[match.group(1)] = Section(match.group(1), number)
        elif current is not None:
            current.lines.append((number, line))
    return found


def _aliases(table: dict[str, Any]) -> dict[str, Any]:
    """Option text, the id in its brackets and the label alone, all matched without case."""
    aliases: dict[str, Any] = {}
    for text, value in table.items():
        aliases[text.casefold()] = value
        aliases[str(value).casefold()] = value
        label = re.sub(r"\s*\([^()]*\)\s*$", "", text)
        aliases.setdefault(label.casefold(), value)
    return aliases


def choose(answer: str, table: dict[str, Any], multiple: bool) -> tuple[list[Any], list[str]]:
    """The values picked in a dropdown answer, and the parts that match no option. GitHub
    joins a multiple choice with ', ', which some option texts also contain."""
    aliases = _aliases(table)
    if not multiple:
        value = aliases.get(answer.strip().casefold())
        if value is None:
            bracket = re.search(r"\(([^()]+)\)\s*$", answer)
            value = aliases.get(bracket.group(1).casefold()) if bracket else None
        return ([value], []) if value is not None else ([], [answer.strip()])
    chosen: list[Any] = []
    unknown: list[str] = []
    rest = answer.strip()
    by_length = sorted(table, key=len, reverse=True)
    while rest:
        text = next((t for t in by_length if rest.startswith(t)
                     and (len(rest) == len(t) or rest[len(t):].startswith(","))), None)
        if text is not None:
            value, rest = table[text], rest[len(text):]
        else:
            part, _, rest = rest.partition(",")
            value = aliases.get(part.strip().casefold())
            if value is None and part.strip():
                unknown.append(part.strip())
        if value is not None and value not in chosen:
            chosen.append(value)
        rest = rest.lstrip(",").strip()
    return chosen, unknown


def year_table() -> dict[str, int]:
    table: dict[str, int] = {}
    for year in spec.year_range():
        table[spec.year_text(year)] = year
        table[f"Y{year}"] = year
    return table


def links(section: Section) -> list[Link]:
    """The files in the Files answer, each with the text written after it (its description)."""
    found: list[Link] = []
    for number, line in section.lines:
        spans = []
        for match in MARKDOWN_LINK.finditer(line):
            spans.append((match.span(), Link(match.group(3), match.group(2),
                                             bool(match.group(1)), number)))
        for match in HTML_IMAGE.finditer(line):
            attributes = {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
                          for m in ATTRIBUTE.finditer(match.group(0))}
            if attributes.get("src"):
                spans.append((match.span(), Link(attributes["src"], attributes.get("alt", ""),
                                                 True, number)))
        for match in BARE_URL.finditer(line):
            if not any(a <= match.start() < b for (a, b), _ in spans):
                spans.append((match.span(), Link(match.group(0), "", False, number)))
        spans.sort(key=lambda s: s[0])
        rest = line
        for (start, end), _ in reversed(spans):
            rest = rest[:start] + " " + rest[end:]
        rest = re.sub(r"\s+", " ", rest).strip(" -–—:")
        if spans:
            found += [link for _, link in spans]
            if rest and rest != NO_RESPONSE:
                found[-1].description = rest
        elif found and rest and rest != NO_RESPONSE:
            found[-1].description = f"{found[-1].description} {rest}".strip()
    return found


# Turning answers into a resource ----------------------------------------------------------

def slugify(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def plain(text: str) -> str:
    """Text for a plain-text field: one line, without markup characters."""
    return re.sub(r"\s+", " ", text.replace("](", "] (").replace("<", "").replace(">", "")).strip()


def humanise(stem: str) -> str:
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else "File"


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name.strip(".") else ""


def file_name(link: Link) -> str | None:
    """The attachment's original name, if the link text or address gives one."""
    for candidate in (link.text, unquote(urlsplit(link.url).path.rsplit("/", 1)[-1])):
        candidate = candidate.replace("\\", "/").rsplit("/", 1)[-1].strip()
        if re.fullmatch(r".+\.[A-Za-z0-9]{1,5}", candidate):
            return candidate
    return None


def safe_name(name: str, taken: set[str]) -> str:
    stem, ext = name.rsplit(".", 1)
    stem = slugify(stem, 50) or "file"
    candidate, number = f"{stem}.{ext.lower()}", 2
    while candidate in taken:
        candidate, number = f"{stem}-{number}.{ext.lower()}", number + 1
    taken.add(candidate)
    return candidate


def _comment_safe(text: str) -> str:
    return text.replace("--", "- -")


class Intake:
    """Reads one issue body against the form the repository's form is generated from."""

    def __init__(self, config: spec.Settings, issue_path: str):
        self.config = config
        self.path = issue_path

    def finding(self, line: int, rule: str, message: str, hint: str,
                severity: str = "error") -> Finding:
        return Finding(self.path, line, 1, rule, message, hint, severity)  # type: ignore[arg-type]

    def plan(self, text: str, slug: str | None = None, submitted: dt.date | None = None,
             issue: int | None = None) -> Plan:
        plan = Plan()
        answers = sections(text.replace("\r\n", "\n").replace("\r", "\n"))
        if not answers:
            plan.problems.append(self.finding(
                1, "not-a-form", "this is not an issue written with the resource form "
                f"(expected headings like '### {spec.QUESTIONS[0].label}', got none)",
                f"Save the body of an issue made with the “{spec.FORM_NAME}” form."))
            return plan
        meta: dict[str, Any] = {}
        flagged: set[str] = set()
        positions: dict[tuple, tuple[int, int]] = {}
        module = ""
        for question in spec.QUESTIONS:
            section = answers.get(question.label) or Section(question.label, 1)
            answer, line = section.value, section.value_line
            target = question.target
            positions[tuple(target.split("."))] = (line, 1)
            if target == "contributor.name":
                positions[("contributor",)] = (line, 1)
            if not answer:
                if spec.required(target):
                    flagged.add(target)
                    plan.problems.append(self.finding(
                        line, "missing-answer", f"“{question.label}” has no answer (expected "
                        f"{'a choice' if question.kind == 'dropdown' else 'some text'}, got "
                        f"{'no section' if question.label not in answers else 'nothing'})",
                        "Ask the contributor to edit the issue and answer "
                        f"“{question.label}”."))
                elif target.startswith("contributor."):
                    meta.setdefault("contributor", {})[target.split(".")[1]] = ""
                continue
            if question.kind == "dropdown":
                table = year_table() if target == "year_groups" else spec.options(question,
                                                                                   self.config)
                chosen, unknown = choose(answer, table, spec.is_list(target))
                if unknown or not chosen:
                    flagged.add(target)
                    shown = ", ".join(spec.options(question, self.config))
                    plan.problems.append(self.finding(
                        line, "bad-answer", f"“{question.label}” is not one of the form's "
                        f"choices (expected {'some of' if spec.is_list(target) else 'one of'} "
                        f"{shown}; got {', '.join(unknown) or answer!r})",
                        "Ask the contributor to choose again in the issue"
                        + (" (the module may have been renamed)." if target == "module" else ".")))
                    continue
                if target == "module":
                    module = str(chosen[0])
                else:
                    meta[target] = chosen if spec.is_list(target) else chosen[0]
            elif target == "body":
                plan.body = answer.rstrip() + "\n"
            elif target == "files":
                continue
            elif target.startswith("contributor."):
                meta.setdefault("contributor", {})[target.split(".")[1]] = one_line(answer)
            else:
                meta[target] = one_line(answer)
        self.ticks(answers, meta, plan)
        meta["submitted"] = submitted or dt.date.today()
        meta["status"] = "pending"
        files_label = next(q.label for q in spec.QUESTIONS if q.target == "files")
        files_section = answers.get(files_label) or Section(files_label, 1)
        positions[("files",)] = (files_section.value_line, 1)
        self.attachments(files_section, meta, plan)
        plan.meta = {key: meta[key] for key in Resource.model_fields if key in meta}
        self.check_model(plan, positions, flagged, answers)
        self.place(plan, module, slug, issue)
        return plan

    def ticks(self, answers: dict[str, Section], meta: dict[str, Any], plan: Plan) -> None:
        section = answers.get(spec.CHECKLIST_LABEL)
        boxes: dict[str, tuple[bool, int]] = {}
        for number, line in section.lines if section else []:
            match = TICK.match(line)
            if match:
                boxes[_normal(match.group(2))] = (match.group(1) != " ", number)
        for tick in spec.CHECKLIST:
            ticked, line = boxes.get(_normal(tick.label), (False, section.line if section else 1))
            if tick.target:
                meta[tick.target] = ticked
            if not ticked:
                plan.problems.append(self.finding(
                    line, "missing-tick", f"a required box is not ticked (expected [x] "
                    f"“{tick.label}”, got {'an empty box' if section else 'no boxes'})",
                    "Only the contributor can confirm this: ask them to tick it in the issue."))

    def attachments(self, section: Section, meta: dict[str, Any], plan: Plan) -> None:
        taken: set[str] = set()
        files = []
        for link in links(section):
            scheme, host = urlsplit(link.url).scheme, urlsplit(link.url).hostname or ""
            if scheme != "https":
                plan.problems.append(self.finding(
                    link.line, "bad-attachment", f"a file link is not a web address (expected "
                    f"https://…, got {link.url[:60]!r})",
                    "Ask the contributor to drag the file into the Files box again."))
                continue
            where = "" if host in GITHUB_HOSTS else (
                f"not uploaded to GitHub but linked from {host}: check it before downloading")
            if where:
                plan.notes.append(self.finding(link.line, "external-file", f"a file is {where} "
                                  f"(expected a file attached to the issue, got {link.url!r})",
                                  "Download it only if you trust the site.", "warning"))
            original = file_name(link)
            for _, what, found in personal_data(f"{original or ''} {link.description}"):
                plan.notes.append(self.finding(
                    link.line, "personal-data", f"a file's name or description looks like "
                    f"{what} (expected no personal data, got {found!r})",
                    "Rename the file or reword it so that nobody can be identified."))
            if original is None:
                plan.downloads.append(("", link.url, "a picture of unknown type: save it with "
                                       "its real extension, then list it under files: with "
                                       f"alt: {plain(link.description) or '(describe it)'}"))
                continue
            ext = extension(original)
            if ext in REFUSED or ext not in ALLOWED:
                what = f"{REFUSED[ext]}, .{ext}" if ext in REFUSED else f".{ext}"
                plan.problems.append(self.finding(
                    link.line, "bad-attachment", f"the file {original!r} cannot be published "
                    f"(expected one of {', '.join(sorted(ALLOWED))}; got {what})",
                    "Ask the contributor to save it in an allowed format (e.g. .docx instead "
                    "of .docm, a PDF instead of an archive) and attach it again."))
                continue
            name = safe_name(original, taken)
            stem = name.rsplit(".", 1)[0]
            described = plain(link.description)
            image = link.image or ext in IMAGES
            text_title = plain(link.text) if extension(link.text) == "" else ""
            entry = {"path": name, "title": (text_title if image and text_title.casefold()
                                             not in GENERIC_ALT else "")
                     or (described if described and not image else humanise(stem))}
            if image:
                entry["alt"] = described
            files.append(entry)
            plan.downloads.append((name, link.url, where))
        if files:
            meta["files"] = files

    def check_model(self, plan: Plan, positions: dict[tuple, tuple[int, int]],
                    flagged: set[str], answers: dict[str, Section]) -> None:
        """The answers against the Resource model, as `opencpd check` would see them."""
        source = Source(self.path, plan.meta, plan.body, 1, positions, positions)
        _, findings = validate(source, Resource, self.config.vocabulary)
        labels = {s.value_line: s.label for s in answers.values()}
        for finding in findings:
            name = re.search(r"'([^']+)'", finding.message)
            if finding.rule == "missing-field" and name and name.group(1) in flagged:
                continue
            label = labels.get(finding.line)
            hint = (f"In the issue, correct “{label}”: {finding.hint}" if label
                    else finding.hint)
            plan.problems.append(Finding(finding.path, finding.line, finding.column,
                                         finding.rule, finding.message, hint))

    def place(self, plan: Plan, module: str, slug: str | None, issue: int | None) -> None:
        if not module:
            return
        title = str(plan.meta.get("title", ""))
        slug = slug or slugify(title) or (f"resource-{issue}" if issue else "")
        if not re.fullmatch(SLUG, slug or "-"):
            plan.problems.append(self.finding(
                1, "bad-slug", f"the resource's folder name is not valid (expected lower-case "
                f"words joined by hyphens, e.g. weather-bingo, got {slug!r})",
                "Give one with --slug."))
            return
        plan.folder = self.config.root / "modules" / module / "resources" / slug
        if plan.folder.exists():
            plan.problems.append(self.finding(
                1, "already-exists", f"the resource folder already exists (expected a new "
                f"folder, got modules/{module}/resources/{slug}/ already there)",
                "Nothing was overwritten. Choose another folder name with --slug, or edit "
                "the existing resource."))
        if plan.downloads:
            lines = [f"OpenCPD intake{f' from issue #{issue}' if issue else ''}: files "
                     "attached to the issue, to download into this folder before approving."]
            for name, url, note in plan.downloads:
                lines.append(f"- {name or '(name it yourself)'}: {url}"
                             + (f" ({note})" if note else ""))
            lines.append("Delete this comment once the files are in the folder.")
            plan.body += "\n<!--\n" + _comment_safe("\n".join(lines)) + "\n-->\n"


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(".").casefold()


def render(plan: Plan) -> str:
    text = yaml.safe_dump(plan.meta, allow_unicode=True, sort_keys=False, width=100,
                          default_flow_style=None)
    return f"---\n{text}---\n{plan.body}"


def write(plan: Plan) -> None:
    plan.index.parent.mkdir(parents=True, exist_ok=False)
    with plan.index.open("x", encoding="utf-8") as handle:
        handle.write(render(plan))


def check_written(config: spec.Settings, plan: Plan) -> list[Finding]:
    """The new resource checked as `opencpd check` checks it."""
    loader = Loader(config.root, config.vocabulary,
                    max_attachment_bytes=config.max_attachment_bytes)
    rel = plan.index.relative_to(config.root).as_posix()
    page = rel  # the page's own address does not matter for the check
    doc = loader.read(plan.index, Resource, page)
    if doc is not None:
        check_resource(loader, doc, plan.index.parent)
    return sorted(set(loader.findings))


@click.command()
@click.argument("issue_body", type=click.File("rb"))
@click.option("--root", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=spec.REPOSITORY, show_default=True, help="The repository to write into.")
@click.option("-f", "--config-file", type=click.Path(dir_okay=False, exists=True,
                                                     path_type=Path),
              help="The site's mkdocs.yml (default: ROOT/mkdocs.yml).")
@click.option("--slug", help="The resource's folder name (default: made from its title).")
@click.option("--submitted", type=click.DateTime(["%Y-%m-%d"]),
              help="The submission date (default: today).")
@click.option("--issue", type=int, help="The issue's number, noted for the moderator.")
@click.option("--dry-run", is_flag=True, help="Print the page instead of writing it.")
def main(issue_body: Any, root: Path, config_file: Path | None, slug: str | None,
         submitted: dt.datetime | None, issue: int | None, dry_run: bool) -> None:
    """Make a pending resource from an issue body (a file, or - for standard input)."""
    name = str(getattr(issue_body, "name", "-"))
    path = "<stdin>" if name in ("-", "<stdin>") or name.isdigit() else name
    config = spec.settings(root, config_file)
    intake = Intake(config, path)
    try:
        text = decode(path, issue_body.read())
    except FrontMatterError as exc:
        click.echo(str(exc.finding))
        sys.exit(1)
    plan = intake.plan(text, slug, submitted.date() if submitted else None, issue)
    for finding in sorted([*plan.problems, *plan.notes]):
        click.echo(str(finding))
    if plan.problems:
        click.echo(f"Nothing was written: {len(plan.problems)} problem"
                   f"{'s' if len(plan.problems) != 1 else ''} in the issue stop this "
                   "submission. Ask the contributor to edit the issue, then run the intake "
                   "again.", err=True)
        sys.exit(1)
    if dry_run:
        click.echo(f"Would write {plan.index.relative_to(config.root).as_posix()}:\n")
        click.echo(render(plan), nl=False)
        return
    write(plan)
    where = plan.index.parent.relative_to(config.root).as_posix()
    click.echo(f"created {where}/index.md (status: pending)")
    downloads = [(name, url) for name, url, _ in plan.downloads if name]
    if plan.downloads:
        click.echo(f"Files to download into {where}/:")
        for name, url, note in plan.downloads:
            target = shlex.quote(f"{where}/{name or 'NAME.EXT'}")
            click.echo(f"  curl -fL -o {target} {shlex.quote(url)}"
                       + (f"   # {note}" if note else ""))
    findings = check_written(config, plan)
    for finding in findings:
        click.echo(str(finding))
    missing = sum("listed but missing" in f.message for f in findings)
    click.echo(f"{len(errors(findings))} errors, {len(findings) - len(errors(findings))} "
               f"warnings in the new resource"
               + (f" ({missing} until the {len(downloads)} file(s) above are downloaded)"
                  if missing else "")
               + ". Check it, preview it with `opencpd build --preview-pending`, and set "
               "status: approved to publish it.", err=True)


if __name__ == "__main__":
    main()
