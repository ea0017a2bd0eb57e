"""WCAG 2.2 AA in a real browser: axe-core on one page of each template, and the keyboard alone.

axe-core is the npm package pinned in package.json (installed by scripts/test); it is injected
into the built site served on 127.0.0.1 and run in headless Chromium, with every rule of the
WCAG 2.0, 2.1 and 2.2 A and AA tags, those axe leaves off by default too (target-size, 2.5.8).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest_browser import AXE, TEMPLATE_PAGES, ServedSite, search_for

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Every rule of those tags by name: a rule axe disables by default does not run when asked for
# by tag alone.
RUN_AXE = """tags => {
  const rules = axe.getRules(tags).map(rule => rule.ruleId);
  return axe.run(document, {runOnly: {type: 'rule', values: rules},
                            resultTypes: ['violations']});
}"""


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page whose Content-Security-Policy lets the test add axe-core's script (the
    policy itself is tested in test_csp.py and, page by page, in test_bad_resources.py)."""
    context = browser.new_context(bypass_csp=True)
    try:
        yield context.new_page()
    finally:
        context.close()


def run_axe(page: Any) -> list[dict[str, Any]]:
    if not AXE.is_file():
        pytest.fail(
            f"{AXE.relative_to(AXE.parents[2])} is missing: run `npm ci` (scripts/test does).",
            pytrace=False,
        )
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, AXE_TAGS)["violations"]


def describe(violations: list[dict[str, Any]]) -> str:
    """One paragraph per rule: what is wrong, how bad, and where (up to five elements each)."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:5]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}")
            lines.append(f"      {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(v["nodes"]) > 5:
            lines.append(f"    ... and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


# A laptop, and the 320 CSS pixels WCAG 1.4.10 (reflow) asks for: 1280 wide zoomed to 400%,
# which is also about a phone's width.
VIEWPORTS = {"1280px": {"width": 1280, "height": 800}, "320px": {"width": 320, "height": 256}}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("template", list(TEMPLATE_PAGES))
def test_no_axe_violations(
    template: str, viewport: str, served_site: ServedSite, page: Any
) -> None:
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(served_site.page(TEMPLATE_PAGES[template]), wait_until="load")
    if template == "search":
        search_for(page)
    if template == "browse":
        page.wait_for_selector(".opencpd-results__list li", timeout=10_000)
    violations = run_axe(page)
    assert not violations, (
        f"axe-core found {len(violations)} kinds of WCAG 2.2 AA violation on "
        f"the {template} page ({TEMPLATE_PAGES[template] or '/'}), "
        f"{viewport} wide:\n" + describe(violations)
    )


# -- keyboard -------------------------------------------------------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  // The colour the focus outline is drawn on: the backgrounds behind the element, composited.
  const layers = [];
  for (let node = el.parentElement; node; node = node.parentElement) {
    const bg = getComputedStyle(node).backgroundColor;
    const rgba = (bg.match(/[\\d.]+/g) || []).map(Number);
    if (rgba.length >= 3 && (rgba[3] ?? 1) > 0) {
      layers.push(rgba);
      if ((rgba[3] ?? 1) >= 1) break;
    }
  }
  let under = [255, 255, 255];
  for (const [r, g, b, a = 1] of layers.reverse()) {
    under = [r * a + under[0] * (1 - a), g * a + under[1] * (1 - a), b * a + under[2] * (1 - a)];
  }
  return {
    tag: el.tagName.toLowerCase(), id: el.id, cls: el.className && String(el.className),
    text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 60),
    href: el.getAttribute('href'), type: el.getAttribute('type'),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
             ? style.outlineStyle + ' ' + style.outlineWidth + ' ' + style.outlineColor : null,
    outlineColor: style.outlineColor, background: 'rgb(' + under.map(Math.round) + ')',
    shadow: style.boxShadow !== 'none' ? style.boxShadow : null,
    visible: box.width > 0 && box.height > 0 && style.visibility !== 'hidden',
    inView: box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
  };
}"""


def tab_through(page: Any, limit: int = 400) -> list[dict[str, Any]]:
    """Press Tab from the top of the page until focus comes back round; each focused element."""
    seen: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:  # past the last element: the next Tab starts again at the top
            continue
        if seen and focused == seen[0]:
            break
        seen.append(focused)
    return seen


def rgb(css: str) -> tuple[float, ...]:
    return tuple(float(n) for n in re.findall(r"[\d.]+", css))


def luminance(colour: tuple[float, ...]) -> float:
    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def focus_contrast(el: dict[str, Any]) -> float:
    """Contrast of the focus outline with what is behind it (WCAG 1.4.11 asks for 3:1)."""
    back = rgb(el["background"])
    fore = rgb(el["outlineColor"])
    alpha = fore[3] if len(fore) > 3 else 1.0
    fore = tuple(f * alpha + b * (1 - alpha) for f, b in zip(fore[:3], back[:3], strict=True))
    light, dark = sorted((luminance(fore), luminance(back)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def label(el: dict[str, Any]) -> str:
    return f"<{el['tag']} id={el['id']!r} class={el['cls']!r} href={el['href']!r}> {el['text']!r}"


def focus_problems(focused: list[dict[str, Any]]) -> list[str]:
    """Elements Tab reaches that show no focus, a faint one (under 3:1), or cannot be seen."""
    problems = []
    for el in focused:
        if not el["visible"]:
            problems.append(f"{label(el)}: focusable but not visible")
        elif not (el["outline"] or el["shadow"]):
            problems.append(f"{label(el)}: no focus indicator (outline or box-shadow)")
        elif el["outline"] and not el["shadow"] and focus_contrast(el) < 3:
            problems.append(
                f"{label(el)}: focus outline {el['outlineColor']} on "
                f"{el['background']} is {focus_contrast(el):.2f}:1, under the 3:1 "
                "of WCAG 1.4.11"
            )
    return problems


def test_skip_link_first_and_every_focus_visible(served_site: ServedSite, page: Any) -> None:
    page.goto(served_site.page(TEMPLATE_PAGES["module"]), wait_until="load")
    focused = tab_through(page)
    assert len(focused) > 20, f"Tab reached only {len(focused)} elements on the module page"
    first = focused[0]
    assert "md-skip" in first["cls"] and first["text"] == "Skip to content", (
        f"the first element Tab reaches should be the skip link; it is {label(first)}"
    )
    assert first["inView"], "the skip link stays off screen when focused"
    problems = focus_problems(focused)
    assert not problems, "keyboard focus on the module page:\n" + "\n".join(problems)


def test_skip_link_moves_focus_to_the_content(served_site: ServedSite, page: Any) -> None:
    page.goto(served_site.page(TEMPLATE_PAGES["module"]), wait_until="load")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    inside = page.evaluate("() => !!document.activeElement.closest('.md-content')")
    assert inside, "after the skip link, the next Tab should land in the page content"


def tab_to(page: Any, condition: str, limit: int = 300) -> None:
    """Press Tab until `condition` (a JavaScript expression on `el`, the focused element) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({condition}); }}"):
            return
    pytest.fail(f"Tab never reaches an element where {condition}", pytrace=False)


def test_search_and_filters_work_with_the_keyboard(served_site: ServedSite, page: Any) -> None:
    page.goto(served_site.page(TEMPLATE_PAGES["search"]), wait_until="load")
    page.wait_for_function(
        "() => document.querySelector('.opencpd-results__status').textContent !== ''"
    )
    focused = tab_through(page)
    assert "opencpd-q" in [el["id"] for el in focused], "Tab never reaches the search box"
    assert any(el["type"] == "checkbox" for el in focused), "Tab never reaches a filter checkbox"
    problems = focus_problems(focused)
    assert not problems, "keyboard focus on the search page:\n" + "\n".join(problems)

    # Tab to the search box, type and press Enter: results, and the query in the address.
    page.goto(served_site.page(TEMPLATE_PAGES["search"]), wait_until="load")
    page.evaluate("() => document.activeElement.blur()")
    tab_to(page, "el.id === 'opencpd-q'")
    page.keyboard.type("phonics")
    page.keyboard.press("Enter")
    page.wait_for_selector(".opencpd-results__list li", timeout=10_000)
    assert "q=phonics" in page.url

    # Tab on to the first filter offered, tick it with Space, untick it with Space.
    tab_to(page, "el.type === 'checkbox'")
    param = page.evaluate("() => document.activeElement.name")
    page.keyboard.press("Space")
    assert page.evaluate("() => document.activeElement.checked"), "Space did not tick the filter"
    page.wait_for_function(
        "param => new URLSearchParams(location.search).has(param)", arg=param, timeout=10_000
    )
    page.keyboard.press("Space")
    assert not page.evaluate("() => document.activeElement.checked"), "Space did not untick it"
    page.wait_for_function(
        "param => !new URLSearchParams(location.search).has(param)", arg=param, timeout=10_000
    )

    # The filter panel opens and closes with Enter on its summary.
    page.focus(".opencpd-filters summary")
    was_open = page.evaluate("() => document.querySelector('.opencpd-filters').open")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.querySelector('.opencpd-filters').open") != was_open, (
        "Enter on 'Filters' does not open or close the filter panel"
    )


AGENDA = """() => [...document.querySelectorAll('.md-typeset__scrollwrap')].map(wrap => ({
  head: [...wrap.querySelectorAll('thead th')].map(th => th.textContent.trim()).join(', '),
  overflows: wrap.scrollWidth > wrap.clientWidth + 1, tabindex: wrap.getAttribute('tabindex'),
}))"""


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_agenda_works_with_the_keyboard(
    viewport: str, served_site: ServedSite, page: Any
) -> None:
    """The running order fits the screen (its rows stacked on a phone) or, when a table is too
    wide, Tab reaches it so that the arrow keys scroll it; the page never scrolls sideways."""
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(served_site.page(TEMPLATE_PAGES["session"]), wait_until="load")
    tables = page.evaluate(AGENDA)
    assert any(t["head"].startswith("Time, Minutes, Activity") for t in tables), tables
    stuck = [t["head"] for t in tables if t["overflows"] and t["tabindex"] != "0"]
    assert not stuck, f"tables too wide for {viewport} that Tab cannot reach: {stuck}"
    wide = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    assert wide <= 1, f"the session page scrolls sideways by {wide}px at {viewport}"
    focused = tab_through(page)
    problems = focus_problems(focused)
    assert not problems, f"keyboard focus on the session page at {viewport}:\n" + "\n".join(
        problems
    )


def test_a_wide_table_scrolls_with_the_keyboard(served_site: ServedSite, page: Any) -> None:
    """A table wider than its column (the agenda, made wider than the screen here) is reached
    with Tab, named by its headers, and scrolls sideways with the arrow keys."""
    page.goto(served_site.page(TEMPLATE_PAGES["session"]), wait_until="load")
    page.add_style_tag(content=".md-typeset table:not([class]) { min-width: 2000px; }")
    page.evaluate("() => dispatchEvent(new Event('resize'))")
    page.wait_for_function(
        "() => document.querySelector('.md-typeset__scrollwrap').getAttribute('tabindex') === '0'",
        timeout=5_000,
    )
    tab_to(page, "el.classList.contains('md-typeset__scrollwrap')")
    focused = page.evaluate(FOCUSED)
    assert not focus_problems([focused]), focus_problems([focused])
    name = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert name and name.startswith("Table: Time, Minutes, Activity"), name
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0", timeout=5_000)


SIDEBAR_LINKS = """() => [...document.querySelectorAll('.md-sidebar--primary a.md-nav__link')]
  .filter(a => a.getClientRects().length && getComputedStyle(a).visibility !== 'hidden')
  .map(a => a.getAttribute('href'))"""


def test_navigation_works_with_the_keyboard(served_site: ServedSite, page: Any) -> None:
    """On a laptop Tab reaches every link of the side navigation, and Enter follows one."""
    page.goto(served_site.page(TEMPLATE_PAGES["module"]), wait_until="load")
    links = page.evaluate(SIDEBAR_LINKS)
    assert len(links) > 5, f"the module page shows only {len(links)} navigation links"
    reached = {el["href"] for el in tab_through(page)}
    missing = [href for href in links if href not in reached]
    assert not missing, f"Tab never reaches these navigation links: {missing}"

    page.evaluate("() => document.activeElement.blur()")
    target = links[-1]
    address = page.evaluate("href => new URL(href, location.href).href", target)
    tab_to(page, f"el.closest('.md-sidebar--primary') && el.getAttribute('href') === {target!r}")
    page.keyboard.press("Enter")
    page.wait_for_url(address, timeout=10_000)


def drawer_open(page: Any) -> bool:
    return bool(page.evaluate("() => document.getElementById('__drawer').checked"))


def test_navigation_drawer_works_with_the_keyboard(served_site: ServedSite, page: Any) -> None:
    """At 320px (a phone, or 400% zoom) the navigation is a drawer: its closed links are out of
    the Tab order, the menu button opens it with Enter or Space and Escape closes it."""
    page.set_viewport_size(VIEWPORTS["320px"])
    page.goto(served_site.page(TEMPLATE_PAGES["module"]), wait_until="load")
    focused = tab_through(page)
    unseen = [label(el) for el in focused if not el["inView"]]
    assert not unseen, "with the drawer closed, Tab reaches elements off the screen:\n" + "\n".join(
        unseen
    )
    problems = focus_problems(focused)
    assert not problems, "keyboard focus on the module page at 320px:\n" + "\n".join(problems)

    menu = "el.matches('label[for=\"__drawer\"]')"
    page.evaluate("() => document.activeElement.blur()")
    tab_to(page, menu)
    name = page.evaluate("() => document.activeElement.textContent.trim()")
    assert name == "Navigation", f"the menu button is named {name!r}"
    page.keyboard.press("Enter")
    assert drawer_open(page), "Enter on the menu button does not open the navigation"
    page.wait_for_function(
        "() => document.querySelector('.md-sidebar--primary').getBoundingClientRect().left >= 0",
        timeout=5_000,
    )
    tab_to(page, "el.closest('.md-sidebar--primary') && el.matches('a.md-nav__link')")
    opened = tab_through(page)
    problems = focus_problems(opened)
    assert not problems, "keyboard focus in the open drawer:\n" + "\n".join(problems)
    page.keyboard.press("Escape")
    assert not drawer_open(page), "Escape does not close the navigation"
    assert page.evaluate(f"() => {{ const el = document.activeElement; return {menu}; }}"), (
        "after Escape the focus should go back to the menu button"
    )
    page.keyboard.press("Space")
    assert drawer_open(page), "Space on the menu button does not open the navigation"
