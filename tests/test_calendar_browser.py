"""The calendar, and a delivery's page, in headless Chromium with and without JavaScript:
filters, passed twilights hidden, what a screen reader hears, what a phone shows (the tiny site
of tests/deliveries_site.py)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from .deliveries_site import LEEDS, listed

# Where each link of the page outside the calendar leads, as the browser reads it.
PAGE_LINKS = (
    "() => [...document.querySelectorAll('a[href], link[rel~=icon]')]"
    ".filter(a => !a.closest('[data-calendar]') && !a.getAttribute('href').startsWith('#'))"
    ".map(a => a.href)"
)


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_calendar_filters_in_chromium(
    browser: Any, served_tiny_site: str, javascript: bool
) -> None:
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    try:
        if javascript:  # the day the site was built: nothing has passed yet
            page.clock.set_fixed_time("2027-01-10T12:00:00Z")
        page.goto(served_tiny_site + "calendar/")
        assert len(listed(page)) == 3
        if javascript:
            page.evaluate("window.notReloaded = true")
        links = page.evaluate(PAGE_LINKS)
        assert any("/calendar/" not in link for link in links), links
        page.click("[data-calendar-filters] a:text('German')")
        page.wait_for_url("**/calendar/language/de/")
        page.wait_for_function("() => document.querySelectorAll('.delivery-item').length === 1")
        assert listed(page) == ["Reading at KS3"]
        # a screen reader's list of links tells twilights of one module apart by their date
        assert page.get_by_role("link", name="Reading at KS3, 3 November 2027").count() == 1
        assert page.locator("[data-calendar-filters] a[aria-current=page]").inner_text() == "German"
        if javascript:  # followed in place: the same document, its address changed
            assert page.evaluate("window.notReloaded") is True
        # and the page's own links (logo, navigation, footer) still go where they went
        assert page.evaluate(PAGE_LINKS) == links
    finally:
        context.close()


def test_passed_twilights_are_hidden_by_the_script(browser: Any, served_tiny_site: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.clock.set_fixed_time("2027-03-01T12:00:00Z")  # after the cancelled one in February
        page.goto(served_tiny_site + "calendar/")
        assert len(listed(page)) == 2
        assert "1 twilight has passed" in page.locator("[data-passed-note]").inner_text()
        # Those already held on the build date are the held list: the script hides none.
        page.goto(served_tiny_site + "calendar/held/")
        assert len(listed(page)) == 1
        assert page.locator("[data-passed-note]").inner_text() == ""
        page.goto(served_tiny_site + "deliveries/2026-12-01-leeds-speaking/")
        assert "has passed since" not in page.locator("article").inner_text()
        page.goto(served_tiny_site + "deliveries/2027-02-10-bristol-transition/")  # since
        assert "has passed since this page was made" in page.locator("article").inner_text()
        page.goto(served_tiny_site + LEEDS + "/")  # still to come: book it, add it
        assert page.get_by_role("link", name="Book a place").is_visible()
        assert page.get_by_role("link", name="Add to my calendar").is_visible()
    finally:
        context.close()
    context = browser.new_context()
    page = context.new_page()
    try:  # passed since: nobody is offered a place or an entry in their calendar any more
        page.clock.set_fixed_time("2027-04-01T12:00:00Z")
        page.goto(served_tiny_site + LEEDS + "/")
        assert page.get_by_text("Booking is closed.").is_visible()
        for name in ("Book a place", "Add to my calendar"):  # there, hidden
            assert page.locator("a", has_text=name).count() == 1
            assert not page.locator("a", has_text=name).is_visible()
        assert page.get_by_role("link", name="Subscribe to twilights in").is_visible()
    finally:
        context.close()


def test_delivery_json_ld_fits_schema_org(served_tiny_site: str) -> None:
    """Each delivery page's JSON-LD, as built, checked against schema.org's vocabulary; an
    example's page has none."""
    import json
    import re
    import urllib.request

    from .schema_org import problems

    for slug, found in [
        (LEEDS.split("/")[1], 1),
        ("2027-02-10-bristol-transition", 0),
        ("2027-11-03-bristol-reading", 0),
    ]:
        with urllib.request.urlopen(f"{served_tiny_site}deliveries/{slug}/") as response:
            html = response.read().decode("utf-8")
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert len(blocks) == found, slug
        for data in map(json.loads, blocks):
            assert data["@type"] == "CourseInstance"
            assert data["eventStatus"].endswith("EventScheduled")
            assert data["location"]["address"]["addressLocality"]
            assert problems(data) == [], (slug, problems(data))


def test_filtering_in_place_is_announced_and_the_back_button_undoes_it(
    browser: Any, served_tiny_site: str
) -> None:
    """With JavaScript a filter is followed in place: focus goes to the new heading, a status
    says what is shown (a screen reader hears it), Back gives the list before and the address
    is the filtered page's own, to share."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    status = page.locator("[data-calendar-status]")
    try:
        page.clock.set_fixed_time("2027-01-10T12:00:00Z")
        page.goto(served_tiny_site + "calendar/")
        # on a phone the filters are folded under one line, the twilights first
        fold = page.locator("[data-calendar-fold]")
        assert fold.get_attribute("open") is None
        assert not page.get_by_role("link", name="German").is_visible()
        page.get_by_text("Filter by region, module, key stage or language").click()
        page.get_by_role("link", name="German").click()
        page.wait_for_url("**/calendar/language/de/")
        page.wait_for_function("() => document.activeElement.matches('[data-calendar] h1')")
        assert status.get_attribute("role") == "status"
        assert status.inner_text() == "Twilights: German. 1 coming up."
        assert page.get_by_role("link", name="Clear the filter").is_visible()
        page.go_back()
        page.wait_for_url("**/calendar/")
        page.wait_for_function("() => document.querySelectorAll('.delivery-item').length === 3")
        assert status.inner_text() == "Twilights near you. 3 coming up."
        page.go_forward()
        page.wait_for_function("() => document.querySelectorAll('.delivery-item').length === 1")
        shared = context.new_page()  # the address, opened afresh, is the same list
        shared.goto(page.url)
        assert listed(shared) == listed(page) == ["Reading at KS3"]
    finally:
        context.close()


def test_the_count_leaves_out_twilights_passed_since_the_build(
    browser: Any, served_tiny_site: str
) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.clock.set_fixed_time("2027-03-01T12:00:00Z")  # after the cancelled one in February
        page.goto(served_tiny_site + "calendar/")
        assert page.locator("[data-calendar-count]").inner_text() == "2 coming up"
        assert page.get_by_role("listitem").filter(has_text="10 February").count() == 0
    finally:
        context.close()


@pytest.mark.parametrize("width", [320, 390])
def test_filter_links_are_big_enough_to_tap_on_a_phone(
    browser: Any, served_tiny_site: str, width: int
) -> None:
    """WCAG 2.5.8: each filter, and the line that unfolds them, at least 24 px high, and no
    two of their boxes overlap."""
    context = browser.new_context(viewport={"width": width, "height": 700})
    page = context.new_page()
    try:
        page.goto(served_tiny_site + "calendar/language/de/")
        page.locator("[data-calendar-fold] > summary").click()  # folded on a phone
        boxes = page.evaluate(
            "() => [...document.querySelectorAll('[data-calendar-filters] a, "
            "[data-calendar-fold] > summary')]"
            ".flatMap(a => [...a.getClientRects()].map(r => [r.left, r.top, r.right, r.bottom]))"
        )
        assert boxes and all(bottom - top >= 24 for _, top, _, bottom in boxes), boxes
        for i, (l1, t1, r1, b1) in enumerate(boxes):
            for l2, t2, r2, b2 in boxes[i + 1 :]:
                assert r1 <= l2 or r2 <= l1 or b1 <= t2 or b2 <= t1, (boxes, i)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    finally:
        context.close()


# The busy site's lists (tests/deliveries_site.py): the calendar has its 53 twilights, Yorkshire's
# page and Leeds's page 51 (all but Bristol's two), each on three pages of 20.
BUSY_LISTS = {"calendar/": 53, "calendar/region/yorkshire-humber/": 51, "centres/leeds-hub/": 51}


@pytest.mark.parametrize(
    "now,passed",
    [
        ("2027-01-10T12:00:00Z", (0, 0)),  # the build day: none has
        # all of page 1 and one of page 2 of the calendar (with Bristol's on 10 February);
        # Yorkshire's page 1 exactly: the next page's first is still to come
        ("2027-02-21T12:00:00Z", (21, 20)),
        ("2027-02-25T12:00:00Z", (25, 24)),  # all of page 1, some of page 2
        ("2027-04-01T12:00:00Z", (52, 51)),  # all but the example in November
    ],
)
def test_the_count_on_every_page_leaves_out_those_passed_since_the_build(
    browser: Any, served_busy_site: str, now: str, passed: tuple[int, int]
) -> None:
    """ "N coming up" is the list's count less those passed, on whichever of its pages it is
    read, filtered or not: page 3 read what page 1 and 2 hold, none of which it lists."""
    context = browser.new_context()
    page = context.new_page()
    count = page.locator("[data-calendar-count]")
    try:
        page.clock.set_fixed_time(now)
        for (start, total), gone in zip(
            BUSY_LISTS.items(), (passed[0], passed[1], passed[1]), strict=True
        ):
            for number in (1, 2, 3):
                url = served_busy_site + start + (f"{number}/" if number > 1 else "")
                page.goto(url)
                expected = f"{total - gone} coming up"
                expect(count, url).to_have_text(expected, timeout=5000)
    finally:
        context.close()


def test_a_page_followed_in_place_says_how_many_are_still_to_come(
    browser: Any, served_busy_site: str
) -> None:
    """With JavaScript, page 3 followed from page 1 in place: its count, read out, is right."""
    context = browser.new_context()
    page = context.new_page()
    try:
        page.clock.set_fixed_time("2027-02-25T12:00:00Z")  # all of page 1 and 5 of page 2
        page.goto(served_busy_site + "calendar/")
        page.get_by_role("link", name="page 3", exact=True).click()
        page.wait_for_url("**/calendar/3/")
        status = page.locator("[data-calendar-status]")
        page.wait_for_function("() => document.querySelector('[data-calendar-status]').textContent")
        assert status.inner_text() == "Twilights near you (page 3). 28 coming up."
    finally:
        context.close()


def test_the_held_list_leads_to_a_month_without_javascript(
    browser: Any, served_busy_site: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(served_busy_site + "calendar/held/")
        page.get_by_role("link", name="Go to a year or a month").click()
        page.wait_for_url("**/calendar/held/years/")
        years = page.get_by_role("navigation", name="Years and months of the twilights held")
        assert years.get_by_role("link", name="2026", exact=True).get_attribute("href") == "../"
        assert years.get_by_role("link", name="2025", exact=True).get_attribute("href") == "../"
        assert years.get_by_role("link", name="December 2025").get_attribute("href") == "../"
        years.get_by_role("link", name="November 2025").click()
        page.wait_for_url("**/calendar/held/2/")
        assert (
            page.locator(".delivery-item")
            .first.inner_text()
            .startswith("Saturday 15 November 2025")
        )
    finally:
        context.close()


NEW_PAGES = ["calendar/3/", "centres/leeds-hub/", "centres/leeds-hub/2/", "calendar/held/years/"]


def test_a_busy_centres_pages_and_the_years_held_are_valid_and_pass_axe(
    browser: Any, served_busy_site: str, tmp_path: Any
) -> None:
    """The pages a busy programme adds, through the Nu HTML Checker and axe-core (as
    test_html_valid.py and test_accessibility.py check one page of each type of the
    repository's site, which has none of them)."""
    import urllib.request

    from .test_accessibility import AXE_TAGS, run_axe
    from .test_accessibility import describe as describe_axe
    from .test_html_valid import describe as describe_vnu
    from .test_html_valid import run_vnu

    files = []
    for n, path in enumerate(NEW_PAGES):
        with urllib.request.urlopen(served_busy_site + path) as response:
            files.append(tmp_path / f"{n}.html")
            files[-1].write_bytes(response.read())
    errors = [m for m in run_vnu(files) if m.get("type") != "info"]
    assert not errors, describe_vnu(errors)
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        for path in NEW_PAGES:
            page.goto(served_busy_site + path)
            violations = run_axe(page)
            assert not violations, f"{path} ({AXE_TAGS}):\n{describe_axe(violations)}"
    finally:
        context.close()
