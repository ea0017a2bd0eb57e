"""A zip per module that opens from disk: its pages, packs, attachments and the theme assets,
for venues without reliable wifi. A zip whose files have not changed since the last build is
copied from the cache instead of being compressed again."""

from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from pathlib import Path

from .catalog import Catalog, ModuleDoc
from .kept import keep_copy

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


def readme(module: ModuleDoc) -> str:
    return (
        f"{module.meta.title}\n\nOpen modules/{module.id}/index.html in a browser. "
        "Pages, handouts, packs and shared resources of this module are included.\n"
    )


def write_zip(site: Path, module: ModuleDoc, files: list[Path] | None = None) -> Path:
    target = site / offline_uri(module)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("README.txt", FIXED_TIME), readme(module))
        for path in module_files(site, module) if files is None else files:
            info = zipfile.ZipInfo(path.relative_to(site).as_posix(), FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            data = path.read_bytes()
            if path.suffix == ".html":
                data = FOLDER_LINK.sub(r"\1index.html\2", data.decode("utf-8")).encode("utf-8")
            archive.writestr(info, data)
    return target


def zip_key(site: Path, module: ModuleDoc, files: list[Path]) -> str:
    """A hash of everything that goes into the module's zip, and of how it is made."""
    digest = hashlib.sha256(Path(__file__).read_bytes() + readme(module).encode())
    for path in files:
        digest.update(path.relative_to(site).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:32]


def cached_zip(
    site: Path, module: ModuleDoc, cache: Path, written: dict[str, str] | None = None
) -> Path:
    """The module's zip, copied from `cache` when its files are unchanged, else made and kept.
    With `written` (module id -> key of the zip in the site), a zip already in the site with
    the same files is left as it is (a rebuild while serving)."""
    files = module_files(site, module)
    key = zip_key(site, module, files)
    kept = cache / f"{module.id}-{key}.zip"
    target = site / offline_uri(module)
    if written is not None:
        if written.get(module.id) == key and target.is_file():
            return target
        written[module.id] = key
    if kept.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kept, target)
        return target
    write_zip(site, module, files)
    keep_copy(target, kept)
    earlier = re.compile(rf"{re.escape(module.id)}-[0-9a-f]{{32}}\.zip")
    for old in cache.glob(f"{module.id}-*.zip"):
        if old != kept and earlier.fullmatch(old.name):  # not another module's "<id>-…"
            old.unlink(missing_ok=True)
    return target


def write_offline_zips(
    site: Path, catalog: Catalog, cache: Path | None = None, written: dict[str, str] | None = None
) -> list[Path]:
    if cache is None:
        return [write_zip(site, module) for module in catalog.published_modules]
    return [cached_zip(site, module, cache, written) for module in catalog.published_modules]
