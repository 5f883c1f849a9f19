"""What the wallet says of a badge, from the credential alone: plain words from the
referential in the page's language, an image for every kind of badge, and LinkedIn's form
filled with exactly the badge's words whatever they hold."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from app.config import Settings
from app.db.models import Credential
from app.features.wallet.service import image_svg, linkedin_url, wallet_badge
from badges.baking import bake_svg, extract_svg
from referentiel import load_referential
from referentiel.i18n import localized

SETTINGS = Settings(public_url="https://parcours.example.fr")
NOW = datetime(2026, 11, 3, 10, tzinfo=UTC)


def a_credential(achievement: str, **fields: object) -> Credential:
    body = {"name": "Nom signé", "issuer": {"name": "Médiathèque de Bourges"}}
    return Credential(
        id=uuid4(), achievement=achievement, body=body, issued_at=NOW, shared=True, **fields
    )


def test_a_competence_badge_is_said_in_the_pages_language():
    credential = a_credential("C1-3", competence="C1", level=3)
    for lang in ("fr", "en"):
        ref = localized(load_referential(), lang)
        badge = wallet_badge(credential, ref, SETTINGS, NOW)
        competence = next(c for c in ref.competences if c.code == "C1")
        assert badge.title == competence.plain_label
        assert badge.level == next(v.label for v in ref.scale.values if v.value == 3)
    assert badge.link == f"https://parcours.example.fr/badges/{credential.id}"
    assert badge.issuer == "Médiathèque de Bourges"


def test_a_pathway_badge_names_its_need_and_goal_and_has_an_image_to_bake():
    credential = a_credential("parcours-caf-A3")
    ref = load_referential()
    badge = wallet_badge(credential, ref, SETTINGS, NOW)
    assert badge.title == next(n.label for n in ref.needs if n.code == "caf")
    assert badge.level == next(a.label for a in ref.autonomy_levels if a.code == "A3")
    svg = image_svg(credential)
    assert extract_svg(bake_svg(svg, "{}")) == "{}"


def test_a_badge_the_referential_no_longer_knows_keeps_its_signed_name():
    unknown = a_credential("Z9-2", competence="Z9", level=2)
    badge = wallet_badge(unknown, load_referential(), SETTINGS, NOW)
    assert badge.title == "Nom signé"


@given(
    issuer=st.text(min_size=1, max_size=80),
    until=st.none() | st.datetimes(timezones=st.just(UTC)),
)
def test_linkedin_gets_exactly_the_badges_words(issuer: str, until: datetime | None):
    credential = a_credential("C1-3", competence="C1", level=3, valid_until=until)
    credential.body = {"issuer": {"name": issuer}}
    badge = wallet_badge(credential, load_referential(), SETTINGS, NOW)
    address = urlsplit(linkedin_url(badge))
    assert (address.netloc, address.path) == ("www.linkedin.com", "/profile/add")
    fields = {k: v[0] for k, v in parse_qs(address.query, keep_blank_values=True).items()}
    assert fields["organizationName"] == issuer
    assert fields["name"] == f"{badge.title} : {badge.short}"
    assert (fields["issueYear"], fields["issueMonth"]) == ("2026", "11")
    assert fields["certUrl"] == badge.link and fields["certId"] == str(credential.id)
    expiry = (fields.get("expirationYear"), fields.get("expirationMonth"))
    assert expiry == ((None, None) if until is None else (str(until.year), str(until.month)))
