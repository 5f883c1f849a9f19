"""A counsellor checks the badge file a person hands over, on a 320 px screen, with the
keyboard only and JavaScript off: the verdict comes first, the checks open on demand."""

from __future__ import annotations

import io
import json
from typing import Any

from PIL import Image

from badges.baking import bake_png
from tests.app.features.wallet.support import OBSERVED
from tests.e2e.badges import issued
from tests.e2e.browsing import activate, no_horizontal_scroll, tab_to


def _baked(credential: dict[str, Any]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (3, 2), "white").save(out, format="PNG")
    return bake_png(out.getvalue(), json.dumps(credential, ensure_ascii=False))


def test_a_baked_badge_checked_with_the_keyboard_and_no_javascript(
    new_context: Any, server: Any
) -> None:
    _, credential = issued(server)
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/verifier")
    tab_to(page, "#fichier")
    page.locator("#fichier").set_input_files(
        {"name": "badge.png", "mimeType": "image/png", "buffer": _baked(credential)}
    )
    activate(page, "form[action='/verifier'] button[type=submit]")
    assert page.locator("h1").inner_text() == "Badge valide"
    assert OBSERVED in page.locator("main").inner_text()
    no_horizontal_scroll(page)
    checks = page.locator("details.checks")
    assert checks.get_attribute("open") is None
    tab_to(page, "details.checks summary")
    page.keyboard.press("Enter")
    assert checks.get_attribute("open") is not None
    assert "Signature correcte" in checks.inner_text()


def test_an_altered_badge_says_not_to_trust_it(new_context: Any, server: Any) -> None:
    _, credential = issued(server)
    altered = {**credential, "name": credential["name"] + " et bien plus"}
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/verifier")
    tab_to(page, "#json")
    page.keyboard.insert_text(json.dumps(altered, ensure_ascii=False))
    activate(page, "form[action='/verifier'] button[type=submit]")
    assert page.locator("h1").inner_text() == "Badge modifié : ne pas s'y fier"
    no_horizontal_scroll(page)
