"""A zip per module that opens from disk: its pages, packs, attachments and the theme assets,
for venues without reliable wifi."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .catalog import Catalog, ModuleDoc

# href="../sessions/01-twilight/" -> href="../sessions/01-twilight/index.html": from disk a
# folder link would open a file listing, not the page.
FOLDER_LINK = re.compile(r'(href="(?![a-z]+:|/|#)[^"#?]*/)(["#?])')
FIXED_TIME = (2026, 1, 1, 0, 0, 0)


def offline_uri(module: ModuleDoc) -> str:
    return f"offline/{module.id}.zip"


def module_files(site: Path, module: ModuleDoc) -> list[Path]:
    folder = site / "modules" / module.id
    files = [p for p in folder.rglob("*") if p.is_file()]
    files += sorted((site / "packs").glob(f"{module.id}-*.pdf"))
    files += [p for p in (site / "assets").rglob("*") if p.is_file() and p.suffix != ".map"]
    return sorted(set(files))


def write_zip(site: Path, module: ModuleDoc) -> Path:
    target = site / offline_uri(module)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        readme = (f"{module.meta.title}\n\nOpen modules/{module.id}/index.html in a browser. "
                  "Pages, handouts, packs and shared resources of this module are included.\n")
        archive.writestr(zipfile.ZipInfo("README.txt", FIXED_TIME), readme)
        for path in module_files(site, module):
            info = zipfile.ZipInfo(path.relative_to(site).as_posix(), FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            data = path.read_bytes()
            if path.suffix == ".html":
                data = FOLDER_LINK.sub(r"\1index.html\2", data.decode("utf-8")).encode("utf-8")
            archive.writestr(info, data)
    return target


def write_offline_zips(site: Path, catalog: Catalog) -> list[Path]:
    return [write_zip(site, module) for module in catalog.published_modules]
