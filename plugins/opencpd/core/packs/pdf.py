"""WeasyPrint: a pack's HTML to PDF, offline, with the bundled font and fixed metadata."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any
from urllib.request import url2pathname

from weasyprint import CSS, HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration

from .spec import FONTS

STYLESHEET = Path(__file__).resolve().parent / "templates" / "pack.css"
# Tagged PDF (PDF/UA-1): headings, lists, tables and reading order for screen readers, in the
# language of <html lang>.
VARIANT = "pdf/ua-1"
# A part between these comments gets as many numbered rows as fill its pages, or the pages
# that `places` rows need: `<!-- fill-page: ID places=N -->`, a `<thead id="ID-columns">` and
# rows `<tr id="ID-row-1"><td class="n">1</td>...` one a line (rows after the first are copies).
FILL = re.compile(
    r"<!-- fill-page: (?P<id>[\w-]+) places=(?P<places>\d+) -->\n"
    r"(?P<part>.*?)<!-- /fill-page -->\n?",
    re.DOTALL,
)
BODY = re.compile(r"<body\b[^>]*>")
FAMILY = "OpenCPD Sans"
FACES = {  # file: (weight, style)
    "DejaVuSans.ttf": ("normal", "normal"),
    "DejaVuSans-Bold.ttf": ("bold", "normal"),
    "DejaVuSans-Oblique.ttf": ("normal", "italic"),
    "DejaVuSans-BoldOblique.ttf": ("bold", "italic"),
}


def font_faces() -> str:
    return "\n".join(
        f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; font-style: {style}; '
        f'src: url("{(FONTS / name).as_uri()}"); }}'
        for name, (weight, style) in FACES.items()
    )


class ProjectFetcher(URLFetcher):  # type: ignore[misc]
    """Reads files inside the allowed folders, and data: URLs; refuses the network and the
    rest of the disk (WeasyPrint then leaves the resource out and logs a warning)."""

    def __init__(self, *roots: Path):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.roots = [r.resolve() for r in roots]

    def allows(self, url: str) -> bool:
        if url.startswith("data:"):
            return True
        if not url.startswith("file:"):
            return False
        path = Path(url2pathname(url.removeprefix("file:").split("?")[0])).resolve()
        return any(path.is_relative_to(root) for root in self.roots)

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not self.allows(url):
            raise ValueError(f"packs load nothing from outside the project: {url}")
        return super().fetch(url, headers)


@functools.lru_cache(maxsize=1)
def _stylesheet() -> tuple[CSS, FontConfiguration]:
    """The stylesheet and the font configuration its @font-face rules load into: WeasyPrint
    uses those fonts only for documents rendered with the same configuration."""
    fonts = FontConfiguration()
    css = font_faces() + "\n" + STYLESHEET.read_text(encoding="utf-8")
    return CSS(
        string=css,
        base_url=STYLESHEET.parent.as_uri() + "/",
        url_fetcher=ProjectFetcher(FONTS),
        font_config=fonts,
    ), fonts


def write_pdf(html: str, base: Path, root: Path, target: Path, identifier: str) -> int:
    """Render `html` (whose relative links resolve against `base`) into `target` and return
    its page count. Same input, same bytes: the dates come from the HTML's metadata."""
    html = FILL.sub(lambda part: fill_page(part, html, base, root), html)
    document = _render(html, base, root)
    target.parent.mkdir(parents=True, exist_ok=True)
    document.write_pdf(
        target, pdf_forms=True, pdf_identifier=identifier[:32].encode(), pdf_variant=VARIANT
    )
    return len(document.pages)


def _render(html: str, base: Path, root: Path) -> Any:
    css, fonts = _stylesheet()
    return HTML(
        string=html, base_url=base.as_uri() + "/", url_fetcher=ProjectFetcher(root, FONTS)
    ).render(stylesheets=[css], font_config=fonts, pdf_forms=True)


def fill_page(part: re.Match[str], html: str, base: Path, root: Path) -> str:
    """The part with the rows that fill its first page, or as many whole pages as `places`
    rows need. Laying out a table of rows costs about 10 ms a row, so the part is laid out on
    its own with two rows: where they fall, and where the page area ends, give the count."""
    name, places = part["id"], int(part["places"])
    body = BODY.search(html)
    head = html[: body.end()] if body else "<html><body>"
    edges = "".join(
        f'<div id="{name}-{edge}" style="position: fixed; {edge}: 0; height: 0"></div>'
        for edge in ("top", "bottom")
    )
    probe = f"{head}\n{edges}\n{with_rows(part['part'], name, 2)}</body></html>"
    anchors = _render(probe, base, root).pages[0].anchors
    top, bottom = anchors[f"{name}-top"][1], anchors[f"{name}-bottom"][1]
    columns, first, second = (anchors[f"{name}-{a}"][1] for a in ("columns", "row-1", "row-2"))
    pitch = second - first
    rows = int((bottom - first) / pitch + 1e-3)
    more = int((bottom - top - (first - columns)) / pitch + 1e-3)  # the columns repeat
    while rows < places and more > 0:
        rows += more
    return with_rows(part["part"], name, rows)


def with_rows(part: str, name: str, count: int) -> str:
    """The part with rows 1 to `count`, each a copy of the first with its number."""
    row = re.compile(rf'^<tr id="{re.escape(name)}-row-(\d+)".*\n', re.MULTILINE)
    first = row.search(part)
    if first is None:
        return part
    copies = "".join(
        first[0]
        .replace(f'id="{name}-row-1"', f'id="{name}-row-{n}"')
        .replace('<td class="n">1</td>', f'<td class="n">{n}</td>')
        for n in range(1, count + 1)
    )
    rest = row.sub("", part)
    at = first.start()
    return rest[:at] + copies + rest[at:]
