"""A page printed from the browser (assets/print.css, javascripts/print-links.js): the links to
other pages of the site print their full address, not a relative path. Real Chromium printing a
page of the real site to PDF, read back with pdftotext."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from .conftest_browser import ServedSite

SESSION = "modules/ks2-phonics-early-reading/sessions/01-twilight/"


def printed_text(page: Any, tmp_path: Path) -> str:
    pdf = tmp_path / "printed.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return re.sub(r"\s+", "", text)  # long addresses break across lines


def test_links_to_pages_of_the_site_print_their_full_address(
    page: Any, served_site: ServedSite, tmp_path: Path
) -> None:
    page.goto(served_site.page(SESSION))
    links = page.eval_on_selector_all(
        ".md-content .md-typeset a[href]:not(.headerlink)",
        "links => links.map(a => [a.getAttribute('href'), a.href])",
    )
    inside = [
        (href, full)
        for href, full in links
        if not href.startswith("#") and not re.match(r"[a-z][a-z0-9+.-]*:", href)
    ]
    assert any(href.startswith("../") for href, _ in inside), links  # relative in the page
    text = printed_text(page, tmp_path)
    for href, full in inside:
        assert f"({full})" in text, (href, full)
    assert "(../" not in text and "(./" not in text


def test_a_page_is_unchanged_on_screen(page: Any, served_site: ServedSite) -> None:
    """The addresses are for paper only: on screen no link carries one until printing."""
    page.goto(served_site.page(SESSION))
    assert page.eval_on_selector_all("[data-print-href]", "found => found.length") == 0
