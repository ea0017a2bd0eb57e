"""The "Share a teaching resource" form: its questions, and how a filled one becomes
modules/<module>/resources/<slug>/index.md with `status: pending`."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..core.attachments import ALLOWED, IMAGES, REFUSED, human_size
from ..core.findings import Finding
from ..core.frontmatter import FrontMatterError, parse
from ..core.loader import Loader
from ..core.model import SLUG, Resource
from ..core.resources import check_resource
from ..core.untrusted import personal_data
from ..scaffold import slugify
from .fetch import attachment_address
from .forms import Download, Form, Plan, Question, Reader, Settings, Tick, option_text
from .issue import Link, Section, links, plain

GENERIC_ALT = {"", "image", "img", "picture", "photo", "screenshot", "file"}

QUESTIONS = (
    Question(
        "title",
        "Title",
        "input",
        "title",
        "A short name for your resource, as it will appear on the site.",
        "Weather bingo",
    ),
    Question(
        "summary",
        "Summary",
        "textarea",
        "summary",
        "One or two sentences: what it is and who it is for. Plain text, no links.",
        "A bingo game for revising weather phrases, used with Year 4.",
    ),
    Question("module", "Module", "dropdown", "module", "The CPD module your resource goes with."),
    Question("key_stage", "Key stage", "dropdown", "key_stage", "The key stage you used it with."),
    Question(
        "year_groups",
        "Year groups",
        "dropdown",
        "year_groups",
        "Every year group you used it with (choose one or more).",
    ),
    Question(
        "languages",
        "Languages",
        "dropdown",
        "languages",
        "The languages it is in, or works for (choose one or more).",
    ),
    Question(
        "themes", "Themes", "dropdown", "themes", "What it helps pupils with (choose one or more)."
    ),
    Question("type", "Type of resource", "dropdown", "type", "What kind of resource it is."),
    Question(
        "licence",
        "Licence",
        "dropdown",
        "licence",
        "How other teachers may reuse it. Every licence here lets them copy and share it "
        "free of charge as long as they credit you. *Attribution* (CC BY) is the simplest; "
        "*ShareAlike* (SA) asks them to share their adaptations under the same licence; "
        "*NonCommercial* (NC) forbids selling it. If unsure, choose Creative Commons "
        "Attribution 4.0.",
    ),
    Question(
        "contributor_name",
        "Your name, as it should be credited",
        "input",
        "contributor.name",
        "This name is shown on the resource's page.",
        "Ms A. Teacher",
    ),
    Question(
        "contributor_school",
        "School",
        "input",
        "contributor.school",
        "Optional: your school, shown after your name.",
        "Hill Primary School",
    ),
    Question(
        "contributor_region",
        "Region",
        "input",
        "contributor.region",
        "Optional: your region or local authority.",
        "East Midlands",
    ),
    Question(
        "body",
        "How you used it",
        "textarea",
        "body",
        "What the resource is, how you used it in your lessons and how a colleague could "
        "adapt it. You may use Markdown (headings, lists, bold). Do not name pupils.",
    ),
    Question(
        "files",
        "Files",
        "textarea",
        "files",
        "Drag your files into this box (see the list of allowed types above). Under each "
        "picture, write one sentence saying what it shows, for people who cannot see it.",
    ),
)

CHECKLIST = (
    Tick(
        "rights",
        "I made this resource, or I have permission to share it: I own the rights to publish it.",
    ),
    Tick(
        "licence",
        "I accept that it is published under the licence I chose, so that other "
        "teachers may reuse and adapt it.",
    ),
    Tick(
        "credit",
        "I agree to be credited on the site with the name, school and region I gave.",
        "consent",
    ),
    Tick(
        "no_pupil_data",
        "It contains no pupil personal data: no names, photos, marks or work "
        "that identify a pupil.",
        "no_pupil_data",
    ),
    Tick("no_textbook", "It contains no scanned pages of textbooks or other published material."),
)

REVIEW = (
    "The files: open each one. Is it what the title says, free of pupils' names, faces, voices "
    "and marks, and free of scanned textbook pages or pictures taken from the internet?",
    "The text: does it say how the resource was used, without naming a pupil or a colleague "
    "who did not agree to it?",
    "The credit and licence: the name, school and region are the ones the contributor gave, "
    "and the licence is the one they chose.",
    "The findings of `opencpd check` below, and the preview once the checks have run.",
)


def year_range() -> range:
    """The year groups the model allows (its ge/le bounds)."""
    from .forms import annotation_metadata

    low, high = 1, 13
    for item in annotation_metadata(Resource.model_fields["year_groups"].annotation):
        low = getattr(item, "ge", low)
        high = getattr(item, "le", high)
    return range(low, high + 1)


def year_text(year: int) -> str:
    return f"Year {year}"


def modules(root: Path) -> dict[str, str]:
    """Module id -> title, for every module folder under modules/ (sorted by id)."""
    found = {}
    for path in sorted((root / "modules").glob("*/module.md")):
        title = path.parent.name
        try:
            data = parse(path.as_posix(), path.read_bytes()).data
            title = str(data.get("title") or title)
        except FrontMatterError:
            pass
        found[path.parent.name] = title
    return found


def options(form: Form, question: Question, config: Settings) -> dict[str, Any]:
    """The dropdown's options, in order: text shown -> value written to the resource."""
    if question.target == "module":
        return {option_text(title, mid): mid for mid, title in modules(config.root).items()}
    if question.target == "year_groups":
        return {year_text(year): year for year in year_range()}
    list_name = form.vocabulary_list(question.target)
    if list_name is None:
        raise ValueError(f"the form's dropdown {question.id!r} has no vocabulary in the model")
    return {
        option_text(term.label, term.id): term.id
        for term in config.vocabulary.lists[list_name].values()
    }


def allowed_types() -> str:
    return ", ".join(sorted({f".{ext}" for ext in ALLOWED}))


def introduction(config: Settings) -> str:
    guide = (
        f"{config.site_url.rstrip('/')}/contribute/share-a-resource/"
        if config.site_url
        else "docs/contribute/share-a-resource.md"
    )
    return (
        "Thank you for sharing a resource you made with colleagues. A moderator checks every "
        "submission before it is published on the site under the licence you choose, with "
        "the credit you give below. The guide explains what makes a good resource and what "
        f"happens after you submit: {guide}\n\n"
        "**Files you can attach:** "
        + allowed_types()
        + ", each at most "
        + human_size(config.max_attachment_bytes)
        + ". Macro-enabled Office files (.docm, "
        ".xlsm, .pptm), programs and archives (.zip) are refused: save as .docx, .pptx, "
        ".xlsx or PDF instead.\n\n"
        "**Never include pupil personal data:** no pupils' names, photos, marks, or work that "
        "identifies them. Do not attach scanned pages of textbooks."
    )


# Turning the answers into a resource ---------------------------------------------------------


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
    """A name made only of lower-case words, hyphens and one extension: it cannot leave the
    folder, hide, or mean anything to a shell."""
    stem, ext = name.rsplit(".", 1)
    stem = slugify(stem, 50) or "file"
    candidate, number = f"{stem}.{ext.lower()}", 2
    while candidate in taken:
        candidate, number = f"{stem}-{number}.{ext.lower()}", number + 1
    taken.add(candidate)
    return candidate


def _comment_safe(text: str) -> str:
    return text.replace("--", "- -")


class ResourceReader(Reader):
    """The resource form's own parts: its files, its folder and its date."""

    def choices(self, question: Question) -> dict[str, Any]:
        table = super().choices(question)
        if question.target == "year_groups":  # also "Y4", as teachers write it
            table.update({f"Y{year}": year for year in year_range()})
        return table

    def complete(
        self,
        meta: dict[str, Any],
        plan: Plan,
        answers: dict[str, Section],
        positions: dict[tuple, tuple[int, int]],
        submitted: dt.date | None,
    ) -> None:
        meta["submitted"] = submitted or dt.date.today()
        meta["status"] = "pending"
        label = self.form.question("files").label
        section = answers.get(label) or Section(label, 1)
        positions[("files",)] = (section.value_line, 1)
        self.attachments(section, meta, plan)

    def attachments(self, section: Section, meta: dict[str, Any], plan: Plan) -> None:
        taken: set[str] = set()
        files = []
        for link in links(section):
            scheme, host = urlsplit(link.url).scheme, urlsplit(link.url).hostname or ""
            if scheme != "https":
                plan.problems.append(
                    self.finding(
                        link.line,
                        "bad-attachment",
                        f"a file link is not a web address (expected "
                        f"https://…, got {link.url[:60]!r})",
                        "Ask the contributor to drag the file into the Files box again.",
                    )
                )
                continue
            where = (
                ""
                if attachment_address(link.url)
                else (
                    f"not attached to the issue but linked from {host}"
                    if host not in ("github.com", "www.github.com")
                    else "a page on GitHub, not a file attached to the issue"
                )
            )
            if where:
                plan.notes.append(
                    self.finding(
                        link.line,
                        "external-file",
                        f"a file is {where} (expected a file attached "
                        f"to the issue, got {link.url[:200]!r})",
                        "It is not downloaded: fetch "
                        "it yourself only if you trust the site, or ask the contributor to drag "
                        "the file itself into the Files box.",
                        "warning",
                    )
                )
            original = file_name(link)
            for _, what, found in personal_data(f"{original or ''} {link.description}"):
                plan.notes.append(
                    self.finding(
                        link.line,
                        "personal-data",
                        f"a file's name or description looks like "
                        f"{what} (expected no personal data, got {found!r})",
                        "Rename the file or reword it so that nobody can be identified.",
                    )
                )
            if original is None and link.image and attachment_address(link.url):
                described = plain(link.description)
                text_title = plain(link.text)
                title = text_title if text_title.casefold() not in GENERIC_ALT else "Picture"
                stem = safe_name(f"{title}.x", taken).rsplit(".", 1)[0]
                plan.downloads.append(
                    Download(
                        f"{stem}.*",
                        link.url,
                        link.line,
                        "a picture: save it with its real "
                        "extension (.png, .jpg or .gif), then list it under files: with alt: "
                        f"{described or '(describe it)'}",
                        entry={"title": title, "alt": described},
                    )
                )
                continue
            if original is None:
                plan.downloads.append(
                    Download(
                        "",
                        link.url,
                        link.line,
                        "a file of unknown "
                        "type: save it with its real extension, then list it "
                        "under files: with alt: "
                        f"{plain(link.description) or '(describe it)'}",
                    )
                )
                continue
            ext = extension(original)
            if ext in REFUSED or ext not in ALLOWED:
                what = f"{REFUSED[ext]}, .{ext}" if ext in REFUSED else f".{ext}"
                plan.problems.append(
                    self.finding(
                        link.line,
                        "bad-attachment",
                        f"the file {original!r} cannot be published "
                        f"(expected one of {', '.join(sorted(ALLOWED))}; got {what})",
                        "Ask the contributor to save it in an allowed format (e.g. .docx instead "
                        "of .docm, a PDF instead of an archive) and attach it again.",
                    )
                )
                continue
            name = safe_name(original, taken)
            stem = name.rsplit(".", 1)[0]
            described = plain(link.description)
            image = link.image or ext in IMAGES
            text_title = plain(link.text) if extension(link.text) == "" else ""
            entry = {
                "path": name,
                "title": (text_title if image and text_title.casefold() not in GENERIC_ALT else "")
                or (described if described and not image else humanise(stem)),
            }
            if image:
                entry["alt"] = described
            files.append(entry)
            plan.downloads.append(Download(name, link.url, link.line, where))
        if files:
            meta["files"] = files

    def place(self, plan: Plan, slug: str | None, issue: int | None) -> None:
        module = plan.places.get("module")
        if not module:
            return
        title = str(plan.meta.get("title", ""))
        slug = slug or slugify(title) or (f"resource-{issue}" if issue else "")
        if not re.fullmatch(SLUG, slug or "-"):
            plan.problems.append(
                self.finding(
                    1,
                    "bad-slug",
                    f"the resource's folder name is not valid (expected lower-case "
                    f"words joined by hyphens, e.g. weather-bingo, got {slug!r})",
                    "Give one with --slug.",
                )
            )
            return
        folder = self.config.root / "modules" / module / "resources" / slug
        plan.path = folder / "index.md"
        if folder.exists():
            plan.problems.append(
                self.finding(
                    1,
                    "already-exists",
                    f"the resource folder already exists (expected a new "
                    f"folder, got modules/{module}/resources/{slug}/ already there)",
                    "Nothing was overwritten. Choose another folder name with --slug, or edit "
                    "the existing resource.",
                )
            )
        if plan.downloads:
            lines = [
                f"OpenCPD intake{f' from issue #{issue}' if issue else ''}: files "
                "attached to the issue, to download into this folder before approving."
            ]
            for download in plan.downloads:
                shown = (
                    download.name
                    if download.name and not download.name.endswith(".*")
                    else "(name it with its real extension)"
                )
                lines.append(
                    f"- {shown}: {download.url}" + (f" ({download.note})" if download.note else "")
                )
            lines.append("Delete this comment once the files are in the folder.")
            plan.body += "\n<!--\n" + _comment_safe("\n".join(lines)) + "\n-->\n"


def check_written(config: Settings, plan: Plan) -> list[Finding]:
    """The new resource checked as `opencpd check` checks it."""
    assert plan.path is not None
    loader = Loader(
        config.root, config.vocabulary, max_attachment_bytes=config.max_attachment_bytes
    )
    page = plan.path.relative_to(config.root).as_posix()  # its address does not matter here
    doc = loader.read(plan.path, Resource, page)
    if doc is not None:
        check_resource(loader, doc, plan.path.parent)
    return sorted(set(loader.findings))


SHARE_A_RESOURCE = Form(
    id="share-a-resource",
    name="Share a teaching resource",
    description="Share a resource you made (lesson plan, worksheet, slides, song, game, case "
    "study) so that other languages teachers can reuse it.",
    title="Resource: ",
    labels=("resource", "needs-moderation"),
    model=Resource,
    questions=QUESTIONS,
    checklist_label="Before you submit",
    checklist=CHECKLIST,
    filled_by_intake=frozenset({"submitted", "status", "source", "example"}),
    introduction=introduction,
    options=options,
    reader=ResourceReader,
    check=check_written,
    review=REVIEW,
    approve="status: pending",
)
