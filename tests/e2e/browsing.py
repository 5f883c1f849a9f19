"""What a person does in the browser, with the keyboard only, and what axe-core finds.

Playwright is imported by the fixtures, not here, so that a machine without it can still
collect the tests (they skip and say why).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_TAGS_22 = [*AXE_TAGS, "wcag22a", "wcag22aa"]
MOBILE = {"width": 320, "height": 640}
MAX_TABS = 80

Page = Any  # playwright.sync_api.Page


# --- keyboard ------------------------------------------------------------------------------


def tab_to(page: Page, selector: str, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches ``selector``.

    Fails if it is never reached, i.e. if the element is not in the keyboard order. The
    element reached must show where the focus is (WCAG 2.4.7): an outline that is not none.
    """
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            style = page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return [s.outlineStyle, s.outlineWidth]; }"
            )
            assert style[0] != "none" and style[1] != "0px", (
                f"{selector} has the focus but shows no focus outline: {style}"
            )
            return
        page.keyboard.press(key)
    focused = page.evaluate("() => document.activeElement?.outerHTML?.slice(0, 200)")
    raise AssertionError(
        f"{selector} not reached after {MAX_TABS} x {key} on {page.url}; focus is on {focused}"
    )


def activate(page: Page, selector: str, key: str = "Enter") -> None:
    """Tab to a link or button and press Enter (or Space), then wait for the next page."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press(key)


def choose_radio(page: Page, name: str, value: str) -> None:
    """Tab into a radio group, then arrow keys until ``value`` is the one checked."""
    group = f"input[type=radio][name={name!r}]"
    tab_to(page, group)
    if not page.evaluate("() => document.activeElement.checked"):
        page.keyboard.press("Space")
    count = page.locator(group).count()
    for _ in range(count):
        if page.locator(f"{group}[value={value!r}]").is_checked():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"radio {name}={value} could not be checked with the arrow keys")


def tick(page: Page, name: str, value: str) -> None:
    """Tab to a checkbox and tick it with Space."""
    box = f"input[type=checkbox][name={name!r}][value={value!r}]"
    tab_to(page, box)
    page.keyboard.press("Space")
    assert page.locator(box).is_checked(), f"Space did not tick {box}"


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def no_horizontal_scroll(page: Page) -> None:
    """WCAG 1.4.10 (reflow): nothing wider than the 320 px screen."""
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways at {width[1]} px: {width[0]} px wide"


def log_in(page: Page, email: str, password: str, path: str = "/pro") -> None:
    """Open ``path`` as a professional: the login page comes first, then ``path`` again."""
    page.goto(path)
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert urlsplit(page.url).path.rstrip("/") == path.rstrip("/"), page.url


def question_number(page: Page) -> int:
    legend = page.locator("fieldset legend .hint").inner_text()
    found = re.search(r"\d+", legend)
    assert found, legend
    return int(found.group())


def diagnostic_id(page: Page) -> str:
    found = re.search(r"/diagnostic/([0-9a-f-]{36})/", page.url)
    assert found, page.url
    return found.group(1)


# --- axe-core ------------------------------------------------------------------------------


def axe_violations(page: Page, tags: list[str] = AXE_TAGS) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page as it is now (or those of
    ``tags``: the WCAG 2.2 ones add « target size »).

    axe-core is evaluated by the driver: a script tag added to the page would be refused by
    the Content-Security-Policy, as any inline script is.
    """
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        tags,
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe_violations(where: str, violations: list[dict[str, Any]]) -> str:
    """One paragraph per rule: id, impact, help, and every offending element with its summary."""
    lines = [f"{where}: {len(violations)} axe-core violation(s)"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f"  [{violation['helpUrl']}]"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"      {summary[:400]}")
    return "\n".join(lines)


# --- Content-Security-Policy -----------------------------------------------------------------

# Runs in every page before the page's own scripts (Playwright injects it past the policy).
_LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(
  `${e.effectiveDirective} refused ${e.blockedURI || "(inline)"} at ${e.sourceFile}:${e.lineNumber}`
));
"""


class PolicyWatch:
    """What a browser context refused under the Content-Security-Policy: the console's
    « Refused to… » messages and the pages' `securitypolicyviolation` events."""

    def __init__(self, context: Any) -> None:
        self.console: list[str] = []
        context.add_init_script(_LISTEN_FOR_VIOLATIONS)
        context.on("console", self._console)

    def _console(self, message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or text.startswith("Refused to"):
            self.console.append(text[:200])

    def violations(self, page: Page) -> list[str]:
        """Everything refused since the last call; the page's own list is read after a
        moment, since the events are queued."""
        page.wait_for_timeout(100)
        found = [*self.console, *page.evaluate("() => window.__cspViolations || []")]
        self.console.clear()
        page.evaluate("() => { window.__cspViolations = []; }")
        return found


# --- shortcuts through the JSON API, to reach a page's state quickly -----------------------


def adaptive_diagnostic(request: Any, answer: int | str | Callable[[str], int | str] = 2) -> str:
    """A diagnostic whose questions are all answered (``answer`` each, or ``answer(item id)``)
    but not finished, and opened in this browser with its resume code (as its pages open only
    where it was started or resumed)."""
    response = request.post("/api/v1/diagnostics/adaptive")
    assert response.status == 201, response.text()
    state = response.json()
    form = request.get("/reprendre").text()
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form)
    assert token, form
    resumed = request.post(
        "/reprendre", form={"code": state["resume_code"], "_csrf_token": token.group(1)}
    )
    assert resumed.ok, resumed.text()
    while state["next_item"] is not None:
        item = state["next_item"]["id"]
        response = request.put(
            f"/api/v1/diagnostics/{state['id']}/answers/{item}",
            data={"value": answer(item) if callable(answer) else answer},
        )
        assert response.ok, response.text()
        state = response.json()
    identifier: str = state["id"]
    return identifier


def page_problems(
    page: Page, policy: PolicyWatch, name: str, tags: list[str] = AXE_TAGS
) -> list[str]:
    """What is wrong with the page as it is now: axe-core violations (of ``tags``), sideways
    scrolling at its width, refusals under the Content-Security-Policy (empty: nothing)."""
    page.wait_for_load_state("load")
    problems = []
    violations = axe_violations(page, tags)
    if violations:
        problems.append(describe_violations(f"{name} ({page.url})", violations))
    try:
        no_horizontal_scroll(page)
    except AssertionError as error:
        problems.append(f"{name}: {error}")
    refused = policy.violations(page)
    if refused:
        problems.append(f"{name}: refused by the Content-Security-Policy: {refused}")
    return problems


# --- reflow, targets, text size (WCAG 1.4.10, 2.5.8, 1.4.4) -------------------------------

MIN_TARGET = 24  # px, WCAG 2.2 « target size (minimum) »

_REFLOW = """() => {
  const width = window.innerWidth;
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > width) problems.push(`the page is ${root.scrollWidth} px wide`);
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim()
       ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    const style = getComputedStyle(el);
    // moved off screen on purpose, to the left (the skip link until it has the focus)
    if (style.position === 'absolute' && box.right <= 0) continue;
    if (box.right > width + 0.5 || box.width > width + 0.5) {
      problems.push(`${name(el)} reaches ${Math.round(box.right)} px`
        + ` (${Math.round(box.width)} px wide)`);
    }
    if (['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${name(el)} scrolls sideways (${el.scrollWidth} px in ${el.clientWidth} px)`);
    }
  }
  return problems;
}"""

_TARGETS = """(min) => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  const targets = [...document.querySelectorAll(selector)]
    .map((el) => ({el, box: el.getBoundingClientRect()}))
    .filter(({el, box}) => box.width && box.height && !(box.right <= 0
      && getComputedStyle(el).position === 'absolute'));
  const centre = (box) => [box.left + box.width / 2, box.top + box.height / 2];
  const small = targets.filter(({box}) => box.width < min - 0.01 || box.height < min - 0.01);
  const problems = [];
  for (const target of small) {
    // The spacing exception: a 24 px circle on the target's centre touches no other target
    // and no other small target's circle.
    const [x, y] = centre(target.box);
    const crowded = targets.some((other) => {
      if (other === target) return false;
      const b = other.box;
      if (small.includes(other)) {
        const [ox, oy] = centre(b);
        if (Math.hypot(ox - x, oy - y) < min) return true;
      }
      const dx = Math.max(b.left - x, 0, x - b.right), dy = Math.max(b.top - y, 0, y - b.bottom);
      return Math.hypot(dx, dy) < min / 2;
    });
    if (crowded) {
      problems.push(`${target.el.outerHTML.slice(0, 90)}: ${Math.round(target.box.width)} x `
        + `${Math.round(target.box.height)} px, too close to another target`);
    }
  }
  // Boxes to tick keep one size, whatever the length of their label.
  const boxes = [...document.querySelectorAll('input[type=checkbox], input[type=radio]')]
    .map((el) => [el.value, el.getBoundingClientRect()]).filter(([, b]) => b.width);
  for (const [value, box] of boxes) {
    const [, first] = boxes[0];
    if (Math.abs(box.width - first.width) > 0.5 || Math.abs(box.height - first.height) > 0.5) {
      problems.push(`the box for ${value} is ${box.width} x ${box.height} px, `
        + `the first one ${first.width} x ${first.height} px`);
    }
  }
  return problems;
}"""

_CUT_WORDS = """() => {
  const cut = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.parentElement.closest('table')) continue;
    for (const word of node.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width).map((r) => r.top));
      if (lines.size > 1) cut.push(word[0]);
    }
  }
  return cut;
}"""


def layout_problems(page: Page, cut_words: bool = True) -> list[str]:
    """What a person at this width cannot read or hit well: anything wider than the screen or
    scrolling sideways, a target under 24 x 24 px without the space around it that WCAG 2.2
    accepts instead, boxes to tick of different sizes, a word cut in two in a table (unless
    not ``cut_words``: a table whose names may be wider than the screen by themselves)."""
    problems: list[str] = [*page.evaluate(_REFLOW), *page.evaluate(_TARGETS, MIN_TARGET)]
    cut = page.evaluate(_CUT_WORDS) if cut_words else []
    if cut:
        problems.append(f"words cut in two in a table: {cut}")
    return [f"{page.url}: {problem}" for problem in problems]


def text_sizes(page: Page, selectors: list[str]) -> dict[str, float]:
    """The computed font size (px) of the first element matching each selector."""
    sizes: dict[str, float] = page.evaluate(
        "(selectors) => Object.fromEntries(selectors.map((s) => {"
        " const el = document.querySelector(s);"
        " return [s, el ? parseFloat(getComputedStyle(el).fontSize) : null]; }))",
        selectors,
    )
    missing = [s for s, size in sizes.items() if size is None]
    assert not missing, f"{page.url}: nothing matches {missing}"
    return sizes


def larger_text(page: Page) -> None:
    """Follow the header's « Texte plus grand » link (it comes back to the same page)."""
    with page.expect_navigation():
        page.locator("a[href^='/preferences/texte']").click()
    assert "large-text" in (page.locator("html").get_attribute("class") or ""), page.url


# --- a resident's way through the pages -----------------------------------------------------


def submit(page: Page, action_end: str) -> None:
    """Press the submit button of the form posting to an address ending in ``action_end``."""
    with page.expect_navigation():
        page.locator(f"form[action$={action_end!r}] button[type=submit]").first.click()


def start_diagnostic(page: Page) -> None:
    page.goto("/")
    submit(page, "/diagnostic")
    assert page.url.endswith("/question"), page.url


def answer_until_the_end(page: Page, values: str | list[str], seen: Any = None) -> int:
    """Answer every question asked, however many there are: ``values`` in turn (a single
    value: that one each time); ``seen`` is called on each question page first. Returns how
    many questions were asked."""
    cycle = [values] if isinstance(values, str) else values
    asked = 0
    while urlsplit(page.url).path.endswith("/question"):
        if seen is not None:
            seen(page)
        value = cycle[asked % len(cycle)]
        with page.expect_navigation():
            page.locator(f"button[name=value][value={value!r}]").click()
        asked += 1
        assert asked <= 100, "the questions never end"
    return asked


def not_sure_about_paperwork(item: str) -> int | str:
    """« ? » on online paperwork (C3) and on searching (I1), which the CAF needs: after the
    goals, the form asks one or two more questions on them."""
    return "?" if item.split(".", maxsplit=1)[0] in ("C3", "I1") else 2
