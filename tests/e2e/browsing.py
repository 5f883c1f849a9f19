"""What a person does in the browser, with the keyboard only, and what axe-core finds.

Playwright is imported by the fixtures, not here, so that a machine without it can still
collect the tests (they skip and say why).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
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


_HIDDEN_OVERFLOW = """() => {
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (style.overflowX === 'visible' || style.clip !== 'auto') continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // visually hidden on purpose
    if (el.scrollWidth > el.clientWidth + 1)
      found.push(`${el.tagName.toLowerCase()}.${el.className}: `
                 + `${el.scrollWidth} px in ${el.clientWidth}`);
  }
  return found;
}"""


def hidden_overflow(page: Page) -> list[str]:
    """What is out of sight to the right: the page scrolling sideways, or a box whose content
    scrolls or is cut sideways (a table in a scrolling region, say). Empty: nothing."""
    found: list[str] = page.evaluate(_HIDDEN_OVERFLOW)
    try:
        no_horizontal_scroll(page)
    except AssertionError as error:
        found.append(str(error))
    return found


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


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page as it is now.

    axe-core is evaluated by the driver: a script tag added to the page would be refused by
    the Content-Security-Policy, as any inline script is.
    """
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
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


def adaptive_diagnostic(request: Any, answer: int | str = 2) -> str:
    """A diagnostic whose questions are all answered (``answer`` each) but not finished, and
    opened in this browser with its resume code (as its pages open only where it was started
    or resumed)."""
    response = request.post("/api/v1/sessions")
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
            f"/api/v1/sessions/{state['id']}/answers/{item}", data={"value": answer}
        )
        assert response.ok, response.text()
        state = response.json()
    identifier: str = state["id"]
    return identifier


def page_problems(page: Page, policy: PolicyWatch, name: str) -> list[str]:
    """What is wrong with the page as it is now: axe-core violations, sideways scrolling at its
    width, refusals under the Content-Security-Policy (empty: nothing)."""
    page.wait_for_load_state("load")
    problems = []
    violations = axe_violations(page)
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
