"""A hyphenated word of a table (« Vierzon-Sologne-Berry », « rendez-vous ») is kept whole on a
narrow screen by a box around it, and an e-mail address breaks only after its « @ » or before a
dot; the text itself, and its escaping, stay as they were."""

from __future__ import annotations

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from app.web import address_breaks, whole_words

BOX = re.compile(r'<span class="whole">([^<]*)</span>')


def test_each_hyphenated_word_is_in_a_box_of_its_own() -> None:
    shown = whole_words("CC Vierzon-Sologne-Berry, 2026")
    assert shown == 'CC <span class="whole">Vierzon-Sologne-Berry,</span> 2026'
    assert whole_words("Prendre rendez-vous en ligne").count('class="whole"') == 1
    assert whole_words("Cher") == "Cher"
    assert whole_words("12 - 17 ans") == "12 - 17 ans"


def test_a_name_is_escaped_before_it_is_boxed() -> None:
    shown = whole_words("La Guerche-sur-l'Aubois <script>-x")
    assert "<script>" not in shown
    assert shown == (
        'La <span class="whole">Guerche-sur-l&#39;Aubois</span> '
        '<span class="whole">&lt;script&gt;-x</span>'
    )


@given(st.text())
def test_the_text_read_is_the_text_given(text: str) -> None:
    shown = str(whole_words(text))
    assert html.unescape(BOX.sub(r"\1", shown)) == text
    assert "<" not in BOX.sub(r"\1", shown)


def test_an_address_breaks_after_its_at_sign_and_before_its_dots() -> None:
    assert address_breaks("coordination-indre@e2e.example.org") == (
        "coordination-indre@<wbr>e2e<wbr>.example<wbr>.org"
    )
    assert address_breaks("<b>@x") == "&lt;b&gt;@<wbr>x"


@given(st.text())
def test_the_address_read_is_the_address_given(email: str) -> None:
    shown = str(address_breaks(email))
    assert html.unescape(shown.replace("<wbr>", "")) == email
    assert "<" not in shown.replace("<wbr>", "")
