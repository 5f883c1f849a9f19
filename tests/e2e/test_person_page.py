"""A mediator's day with one person, as seen in the browser: the record, a paper form typed in,
a diagnostic run with the person that starts from their record and comes back to it, the
follow-up readable whole on a laptop and on a phone, and each row opening its diagnostic."""

from __future__ import annotations

import re
from typing import Any

from referentiel import load_referential
from tests.e2e.browsing import axe_violations, describe_violations, layout_problems, log_in

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 320, "height": 640}
REF = load_referential()
CAF = next(need for need in REF.needs if need.code == "caf")
A3 = next(level for level in REF.autonomy_levels if level.code == "A3")


def _new_person(page: Any) -> str:
    page.goto("/pro/personnes/nouvelle")
    page.fill("#alias", "Marie-Thérèse")
    page.select_option("#birth_year_band", "soixante_dix_plus")
    page.fill("#commune", "03000 Moulins")
    page.check("#consent-case")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    found = re.search(r"/pro/personnes/([0-9a-f-]{36})$", page.url)
    assert found, page.url
    return found.group(1)


def _paper_form(page: Any, person_id: str) -> None:
    page.goto(f"/pro/personnes/{person_id}/papier")
    for item in REF.form_items("papier"):
        page.fill("#r-" + item.id.replace(".", "-"), "1")
    with page.expect_navigation():
        page.click("text=Enregistrer ce formulaire")


def _online_with_the_person(page: Any) -> None:
    with page.expect_navigation():
        page.click("text=Faire un diagnostic en ligne avec la personne")
    while "/question" in page.url:
        with page.expect_navigation():
            page.click("button[name=value][value='3']")
    assert page.url.endswith("/contexte"), page.url
    # what the record knows is there already
    assert page.is_checked("input[name=age_band][value=soixante_dix_plus]")
    assert page.input_value("#commune_query") == "03000 Moulins"
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.check(f"input[name=needs][value={CAF.code}]")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.check(f"input[name=goal_{CAF.code}][value={A3.code}]")
    with page.expect_navigation():
        page.click("main button[type=submit]")


# What each cell of the first row says it is: its column head as shown on a laptop, or the
# label written before it when each diagnostic is a block of its own (a phone).
_SHOWN_LABELS = """() => [...document.querySelectorAll('table.timeline thead th')].map((th, i) => {
  const box = th.getBoundingClientRect();
  const head = th.closest('thead').getBoundingClientRect();
  if (head.width > 1) return [th.textContent.trim(), box.left, box.right];
  const cell = document.querySelector('table.timeline tbody tr').children[i];
  const before = getComputedStyle(cell, '::before').content;
  const place = cell.getBoundingClientRect();
  return [before === 'none' ? '' : before, place.left, place.right];
})"""


def _readable_whole(page: Any, where: str) -> None:
    """Nothing hidden sideways, every column of the follow-up named on the screen, axe-core
    clean."""
    problems = layout_problems(page)
    assert not problems, f"{where}: {problems}"
    width = page.evaluate("() => window.innerWidth")
    shown = page.evaluate(_SHOWN_LABELS)
    for text in ("Protection et sécurité", "Profil"):
        found = [(left, right) for label, left, right in shown if text in label]
        assert found, f"{where}: {text} is not named on the screen ({shown})"
        assert all(left >= 0 and right <= width for left, right in found), f"{where}: {shown}"
    violations = axe_violations(page)
    assert not violations, describe_violations(where, violations)


def test_a_mediator_follows_a_person_on_a_laptop_and_on_a_phone(
    new_context: Any, mediator: tuple[str, str]
) -> None:
    page = new_context(viewport=LAPTOP).new_page()
    log_in(page, *mediator)
    person_id = _new_person(page)
    _paper_form(page, person_id)
    _online_with_the_person(page)
    # the end of the diagnostic is the person's page, with the new row
    assert page.url.endswith(f"/pro/personnes/{person_id}"), page.url
    assert "Diagnostic terminé et enregistré dans la fiche" in page.inner_text("main")
    rows = page.locator("table.timeline tbody tr")
    assert rows.count() == 2
    _readable_whole(page, "person page at 1280 x 800")

    phone = new_context(viewport=PHONE).new_page()
    phone.context.add_cookies(page.context.cookies())
    phone.goto(f"/pro/personnes/{person_id}")
    _readable_whole(phone, "person page at 320 px")

    # every row opens its diagnostic: the online one has the need and the goal chosen
    links = [rows.nth(i).locator("th a").get_attribute("href") for i in range(rows.count())]
    for viewer in (page, phone):
        for link in links:
            viewer.goto(link)
            main = viewer.inner_text("main")
            assert "Réponses" in main and "Je sais" in main
            problems = layout_problems(viewer)
            assert not problems, f"{link}: {problems}"
            violations = axe_violations(viewer)
            assert not violations, describe_violations(link, violations)
        assert CAF.label in main and A3.label in main
    # the pathway: the proposal, what is kept, the forms, the progress between the two
    for viewer, where in ((page, "1280 x 800"), (phone, "320 px")):
        viewer.goto(f"/pro/personnes/{person_id}/parcours")
        main = viewer.inner_text("main")
        assert "Ses progrès depuis le diagnostic précédent" in main and CAF.label in main
        problems = layout_problems(viewer)
        assert not problems, f"pathway at {where}: {problems}"
        violations = axe_violations(viewer)
        assert not violations, describe_violations(f"pathway at {where}", violations)
