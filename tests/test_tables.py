"""opencpd.core.tables: no table opens with an empty header row, and every data cell names
its column for the stacked layout on phones."""

from __future__ import annotations

import markdown

FACTS = "| | |\n|---|---|\n| Key stage | [KS2](ks2.md) |\n| Sessions | 3 |\n"
AGENDA = "| Time | Activity | Materials |\n|---|---|---|\n| 16:00 | *Welcome* | pens |\n"


def render(text: str) -> str:
    return markdown.markdown(text, extensions=["tables", "opencpd.core.tables"])


def test_a_table_with_an_empty_header_row_gets_row_headers() -> None:
    html = render(FACTS)
    assert "<thead>" not in html
    assert '<th scope="row">Key stage</th>' in html and '<th scope="row">Sessions</th>' in html
    assert '<td><a href="ks2.md">KS2</a></td>' in html


def test_each_cell_is_labelled_with_its_column() -> None:
    html = render(AGENDA)
    assert '<th scope="col">Activity</th>' in html
    assert '<td data-label="Time">16:00</td>' in html
    assert '<td data-label="Activity"><em>Welcome</em></td>' in html
    assert '<td data-label="Materials">pens</td>' in html
