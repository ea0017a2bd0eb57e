"""WeasyPrint: a pack's HTML to PDF, offline, with the bundled font and fixed metadata."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any
from urllib.request import url2pathname

from weasyprint import CSS, HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration

from .spec import FONTS

STYLESHEET = Path(__file__).resolve().parent / "templates" / "pack.css"
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
        for name, (weight, style) in FACES.items())


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
    return CSS(string=css, base_url=STYLESHEET.parent.as_uri() + "/",
               url_fetcher=ProjectFetcher(FONTS), font_config=fonts), fonts


def write_pdf(html: str, base: Path, root: Path, target: Path, identifier: str) -> int:
    """Render `html` (whose relative links resolve against `base`) into `target` and return
    its page count. Same input, same bytes: the dates come from the HTML's metadata."""
    css, fonts = _stylesheet()
    document = HTML(string=html, base_url=base.as_uri() + "/",
                    url_fetcher=ProjectFetcher(root, FONTS)).render(stylesheets=[css],
                                                                    font_config=fonts,
                                                                    pdf_forms=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    document.write_pdf(target, pdf_forms=True, pdf_identifier=identifier[:32].encode())
    return len(document.pages)
