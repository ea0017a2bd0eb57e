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
    assert "opencpd.css" in styled["sheets"], styled
    assert styled["header"] == "rgb(64, 81, 181)" and styled["position"] == "sticky", styled
    assert styled["underline"] == "underline", styled


def test_the_module_opens_from_disk_with_its_style_and_session_links(unpacked: Path,
                                                                     page: Any) -> None:
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
