"""Screenshots of the issue forms for the contribute guide: each form's YAML (as
scripts/issue_form.py writes it) drawn as a page that looks like GitHub's new-issue form, filled
in as a teacher would, photographed with headless Chromium and saved as small palette PNGs.

    .venv/bin/python scripts/form_screenshots.py    # writes docs/contribute/form-*.png
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import yaml
from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
FORM = ROOT / ".github/ISSUE_TEMPLATE/share-a-resource.yml"
OUT = ROOT / "docs/contribute"
CHROMIUM = "/usr/bin/chromium"
FILLED = {
    "title": "Weather bingo",
    "summary": "A bingo game for revising weather phrases, used with Year 4.",
    "module": "Stories, songs and rhymes (ks2-stories-songs-rhymes)",
    "key_stage": "Key Stage 2 (ages 7 to 11) (KS2)",
    "year_groups": "Year 4",
    "languages": "French (fr)",
    "themes": "Vocabulary (vocabulary)",
    "type": "Game (game)",
    "licence": "Creative Commons Attribution 4.0 (CC-BY-4.0)",
    "contributor_name": "Ms A. Teacher",
    "contributor_school": "Hill Primary School",
    "contributor_region": "East Midlands",
    "body": "We played it in teams at the end of the weather unit...",
    "files": "[weather-bingo.pdf](https://github.com/user-attachments/files/1/weather-bingo.pdf)"
    "\n![Bingo board](https://github.com/user-attachments/assets/…)\nA grid of nine "
    "weather symbols.",
}
STYLE = """
body{font:14px/1.5 -apple-system,"Segoe UI","Noto Sans",Helvetica,Arial,sans-serif;color:#1f2328;
 margin:0;background:#fff}
main{max-width:760px;margin:0 auto;padding:16px 24px}
h1{font-size:20px;font-weight:600;margin:8px 0 16px}
.intro{border:1px solid #d1d9e0;border-radius:6px;padding:8px 16px;background:#f6f8fa;
 font-size:13px}
label{display:block;font-weight:600;margin:20px 0 2px}
.req{color:#d1242f}
.desc{color:#59636e;font-size:12px;margin:0 0 6px}
.field{border:1px solid #d1d9e0;border-radius:6px;padding:5px 12px;background:#f6f8fa;
 white-space:pre-wrap;min-height:20px}
.area{min-height:60px;background:#fff}
.select{display:flex;justify-content:space-between;background:#f6f8fa}
.select:after{content:"▾";color:#59636e}
.tick{display:flex;gap:8px;margin:4px 0;font-size:13px}
.box{flex:none;width:13px;height:13px;border:1px solid #59636e;border-radius:3px;margin-top:3px;
 text-align:center;line-height:12px;font-size:11px;background:#0969da;color:#fff}
button{margin:20px 0;background:#1f883d;color:#fff;border:0;border-radius:6px;
 padding:6px 16px;font-weight:600;font-size:14px}
"""


def markdown(text: str) -> str:
    text = html.escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    text = re.sub(r"\*(.+?)\*", r"<i>\1</i>", text)
    return "".join(f"<p>{p}</p>" for p in text.split("\n\n"))


def page(form: dict) -> str:
    parts = [
        f"<h1>Create new issue: {html.escape(form['name'])}</h1>",
        f"<div class=field>{html.escape(form['title'])}Weather bingo</div>",
    ]
    for item in form["body"]:
        kind, attrs = item["type"], item["attributes"]
        if kind == "markdown":
            parts.append(f"<div class=intro>{markdown(attrs['value'])}</div>")
            continue
        required = (item.get("validations") or {}).get("required")
        parts.append(
            f"<label id='{item['id']}'>{html.escape(attrs['label'])}"
            + (" <span class=req>*</span>" if required else "")
            + "</label>"
        )
        if attrs.get("description"):
            parts.append(f"<div class=desc>{markdown(attrs['description'])}</div>")
        if kind == "checkboxes":
            parts += [
                f"<div class=tick><span class=box>✓</span>{html.escape(o['label'])}</div>"
                for o in attrs["options"]
            ]
            continue
        value = html.escape(FILLED.get(item["id"], ""))
        style = {"dropdown": "field select", "textarea": "field area"}.get(kind, "field")
        parts.append(f"<div class='{style}'><span>{value}</span></div>")
    parts.append("<button>Create</button>")
    return (
        f"<!doctype html><html lang=en><meta charset=utf-8><style>{STYLE}</style>"
        f"<main>{''.join(parts)}</main></html>"
    )


def save(png: bytes, path: Path) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)
    return path.stat().st_size


def main() -> None:
    form = yaml.safe_load(FORM.read_text("utf-8"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        tab = browser.new_page(viewport={"width": 800, "height": 900})
        tab.set_content(page(form))
        shots = {"form-top.png": "h1", "form-files-and-ticks.png": "#body"}
        for name, start in shots.items():
            top = tab.locator(start).bounding_box()
            assert top is not None
            height = (
                620
                if name == "form-top.png"
                else tab.evaluate("document.body.scrollHeight") - top["y"] + 8
            )
            png = tab.screenshot(
                clip={"x": 0, "y": max(top["y"] - 8, 0), "width": 800, "height": height},
                full_page=True,
            )
            size = save(png, OUT / name)
            print(f"docs/contribute/{name}: {size // 1024} KB")
        browser.close()


if __name__ == "__main__":
    main()
