"""The whole way of a badge, as the people involved take it: a trainer marks a participant
present with the exit check passed (through the API), which issues the badge; the mediator gives
the person the link to their wallet; the wallet shows the badge with its verification link, QR
code, paper attestation and LinkedIn entry; the badge verifies on our page, through our API, with
openbadgeslib and with the JavaScript verifier; the trainer revokes it with a reason; then the
page, the API, the published list (cached 5 minutes at most) and the wallet all say revoked."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from app.db.models import Credential, Role
from app.features.badges import credential_url
from app.pdf import PDFS
from badges.baking import extract_png
from badges.contexts import PINNED_URLS, context_document
from tests.app.conftest import login
from tests.app.features.badges.support import checked
from tests.app.features.badges.test_api import BROWSER, LD, published
from tests.app.features.bookings.offer import begun, new_session
from tests.app.features.bookings.test_api import structure_id
from tests.app.features.verification.test_verification import _verdict
from tests.app.features.wallet.support import give_link
from tests.app.limits import forget_limit
from tests.app.test_mediator_pages import create_person, text_of, token
from tests.badges.test_javascript_verifier import NODE, SUITE, verify_in_node


def the_wallet_shares_it(
    client: Any, wallet: str, credential_id: str, body: dict[str, Any], issuer: str
) -> None:
    """The wallet shows what the badge proves and who gave it, its verification link and QR
    code, LinkedIn's form, the paper attestation, and the image carrying the badge as signed."""
    shown = client.get(wallet)
    assert shown.status_code == 200
    page = text_of(shown.text)
    assert "Envoyer des messages" in page and issuer in page
    assert credential_url(UUID(credential_id)) in shown.text
    assert 'class="qr-code"' in shown.text
    assert "https://www.linkedin.com/profile/add?" in shown.text
    files = f"{wallet}/badges/{credential_id}"
    assert client.get(f"{files}/attestation.pdf").headers["content-type"] == "application/pdf"
    assert json.loads(extract_png(client.get(f"{files}/badge.png").content)) == body


def verdicts(client: Any, link: str, body: dict[str, Any]) -> list[str]:
    """What the page says when a browser follows the link, and what the API says of the link
    and of the JSON."""
    followed = client.get(link.removeprefix(PUBLIC_URL), headers=BROWSER, follow_redirects=True)
    return [
        _verdict(followed.text),
        client.post("/api/v1/verify", json={"link": link}).json()["verdict"],
        client.post("/api/v1/verify", json={"credential": body}).json()["verdict"],
    ]


RAISES = [{"competence": "C1", "entry": 0, "exit": 2}]
PUBLIC_URL = "http://127.0.0.1:8000"
CONTEXTS: dict[str, Any] = {url: context_document(url) for url in PINNED_URLS}


def test_from_a_passed_exit_check_to_a_revocation_everyone_sees(backend, client):
    forget_limit(backend, PDFS)
    mediator, structure = backend.user(Role.MEDIATOR)
    trainer, _ = backend.user(Role.TRAINER, structure)
    as_mediator = {"Authorization": f"Bearer {backend.token(mediator)}"}
    as_trainer = {"Authorization": f"Bearer {backend.token(trainer)}"}
    login(client, mediator)
    person = create_person(client, "Yvette")
    owner = structure_id(backend, structure)
    session = backend.run(lambda db: new_session(db, structure_id=owner, competences=RAISES))
    booked = client.post(
        f"/api/v1/sessions/{session.id}/bookings",
        json={"person_id": person, "contact": {"email": "yvette@exemple.fr"}},
        headers=as_mediator,
    )
    assert booked.status_code == 201, booked.text
    begun(backend, session.id)

    # The trainer marks her present, exit check passed: the badge is issued.
    marked = client.put(
        f"/api/v1/sessions/{session.id}/attendance",
        json=[{"booking_id": booked.json()["id"], "attendance": "seen", "exit_check_passed": True}],
        headers=as_trainer,
    )
    assert marked.status_code == 200, marked.text
    (item,) = client.get("/api/v1/credentials", headers=as_trainer).json()["items"]
    assert (item["achievement"], item["status"]) == ("C1-2", "active")
    body = client.get(f"/api/v1/credentials/{item['id']}", headers=as_trainer).json()
    link = credential_url(UUID(item["id"]))

    # The mediator gives her the link to her wallet; she opens it on her own phone.
    _, wallet = give_link(client, person)
    client.cookies.clear()
    the_wallet_shares_it(client, wallet, item["id"], body, structure)

    # A counsellor follows the link: the page, the API and two other verifiers say valid.
    assert verdicts(client, link, body) == ["Badge valide", "valid", "valid"]
    found = backend.run(lambda db: db.get(Credential, UUID(item["id"])))
    assert backend.run(lambda db: checked(db, found)) == "active"  # openbadgeslib among them
    if NODE is not None and SUITE.is_dir():
        profile = client.get(body["issuer"]["id"].removeprefix(PUBLIC_URL), headers=LD).json()
        assert verify_in_node([body], {**CONTEXTS, profile["id"]: profile})[0]["verified"]

    # The trainer revokes it, with the reason she will read.
    login(client, trainer)
    reason = "Fin d'atelier notée pour la mauvaise personne"
    revoked = client.post(
        f"/pro/badges/{item['id']}/revoquer", data={"_csrf_token": token(client), "raison": reason}
    )
    assert revoked.status_code == 200 and "Badge révoqué" in text_of(revoked.text)

    # Everyone now reads « revoked »: page, API, the list verifiers cache 5 minutes at most.
    client.cookies.clear()
    assert verdicts(client, link, body) == ["Badge révoqué", "revoked", "revoked"]
    assert published(client, body) == "revoked"  # max-age=300 checked there
    listed = client.get("/api/v1/credentials", headers=as_trainer).json()["items"]
    assert [c["status"] for c in listed] == ["revoked"]
    seen = text_of(client.get(wallet).text)
    assert "Ce badge a été retiré le" in seen and reason in seen
    forget_limit(backend, PDFS)
