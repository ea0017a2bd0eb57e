"""A module's offline zip, unpacked and opened from disk (file://) in Chromium."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from .conftest_browser import BuiltSite

MODULE = "ks2-phonics-early-reading"


@pytest.fixture
def unpacked(built_repo_site: BuiltSite, tmp_path: Path) -> Path:
    archive = built_repo_site.folder / "offline" / f"{MODULE}.zip"
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(tmp_path)
    return tmp_path


STYLED = """() => {
  const header = getComputedStyle(document.querySelector('.md-header'));
  const link = document.querySelector('.md-content .md-typeset a:not(.headerlink)');
  return {sheets: [...document.styleSheets].map(s => (s.href || '').split('/').pop()),
          header: header.backgroundColor, position: header.position,
          underline: getComputedStyle(link).textDecorationLine};
}"""


def assert_styled(page: Any) -> None:
    """Material's stylesheet (a sticky indigo header) and ours (underlined links) both apply."""
    styled = page.evaluate(STYLED)
    assert any(re.match(r"main\.[0-9a-f]+\.min\.css$", s) for s in styled["sheets"]), styled
    assert any(re.match(r"opencpd\.[0-9a-f]{8}\.css$", s) for s in styled["sheets"]), styled
    assert styled["header"] == "rgb(64, 81, 181)" and styled["position"] == "sticky", styled
    assert styled["underline"] == "underline", styled


def test_the_module_opens_from_disk_with_its_style_and_session_links(
    unpacked: Path, page: Any
) -> None:
    requested: list[str] = []
    failed: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("requestfailed", lambda request: failed.append(request.url))
    start = unpacked / "modules" / MODULE / "index.html"
    page.goto(start.as_uri(), wait_until="load")
    assert page.locator("h1").first.inner_text().startswith("Phonics and early reading")
    assert_styled(page)

    page.get_by_role("link", name="Phonics and early reading — twilight session").last.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"modules/{MODULE}/sessions/01-twilight/index.html"), page.url
    assert "twilight" in page.locator("h1").first.inner_text().lower()
    assert_styled(page)

    elsewhere = [url for url in requested if not url.startswith(("file://", "data:"))]
    assert not elsewhere, f"the offline copy asked the network for: {elsewhere}"
    assert not failed, f"files missing from the offline copy: {failed}"


def test_a_zip_is_made_again_only_when_its_module_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second build copies unchanged modules' zips from the cache; the cache keeps one zip
    a module, and tidying one module's old zips never touches another's ("m1" and "m1-extra")."""
    from types import SimpleNamespace

    from opencpd.core import offline

    site, cache = tmp_path / "site", tmp_path / ".cache" / "offline"
    for module in ("m1", "m1-extra"):
        (site / "modules" / module).mkdir(parents=True)
        (site / "modules" / module / "index.html").write_text(
            f'<a href="sessions/">{module}</a>', "utf-8"
        )
    (site / "assets").mkdir()
    (site / "assets" / "site.css").write_text("body {}", "utf-8")
    catalog = SimpleNamespace(
        published_modules=[
            SimpleNamespace(id=m, meta=SimpleNamespace(title=m.upper())) for m in ("m1", "m1-extra")
        ]
    )
    first = {p.name: p.read_bytes() for p in offline.write_offline_zips(site, catalog, cache)}

    made: list[str] = []
    write_zip = offline.write_zip
    monkeypatch.setattr(
        offline,
        "write_zip",
        lambda site, module, files=None: made.append(module.id) or write_zip(site, module, files),
    )
    (site / "modules" / "m1-extra" / "index.html").write_text("changed", "utf-8")
    offline.write_offline_zips(site, catalog, cache)

    assert made == ["m1-extra"]
    assert (site / "offline" / "m1.zip").read_bytes() == first["m1.zip"]
    with zipfile.ZipFile(site / "offline" / "m1-extra.zip") as zipped:
        assert zipped.read("modules/m1-extra/index.html") == b"changed"
        assert zipped.read("assets/site.css") == b"body {}"
    kept = sorted(p.name.rsplit("-", 1)[0] for p in cache.iterdir())
    assert kept == ["m1", "m1-extra"], kept
