"""The holder's wallet: a mediator gives the link (only its hash is kept, a new one revokes
the old, it is e-mailed when the person gave an address); the link opens the person's badges
with what each proves and the ways to share it; the holder switches a badge's verification
link off and on; every file they download carries the badge as signed."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import UUID, uuid4

import numpy as np
import pypdfium2
import pytest
import zxingcpp
from sqlalchemy import select
from weasyprint import HTML

from app.db.models import Credential, OutboxMessage, WalletLink
from app.features.badges import credential_url
from app.features.wallet.links import TOKEN_SHAPE
from app.features.wallet.pages import WRONG_LINKS
from app.pdf import PDFS
from badges.baking import extract_png, extract_svg
from tests.app.conftest import csrf
from tests.app.features.notifications.test_worker import drain
from tests.app.features.wallet.support import OBSERVED, give_link, with_badges
from tests.app.limits import forget_limit
from tests.app.test_mediator_pages import create_person, mediator, token

CLOSED = "ouvre pas de portefeuille"


@pytest.fixture(autouse=True)
def pdfs_unspent(backend: Any) -> None:
    """Images and attestations share the PDFs' limit per address with the whole suite's tests."""
    forget_limit(backend, PDFS)


@pytest.fixture
def holder(backend: Any, client: Any) -> dict[str, Any]:
    """A person of a logged-in mediator's structure, with two badges (the first revoked)."""
    mediator(backend, client)
    person = create_person(client, "Josiane")
    return {"person": person, "badges": with_badges(backend, person)}


def credential(backend: Any, credential_id: UUID) -> Credential:
    return backend.run(lambda db: db.get(Credential, credential_id))


def links_of(backend: Any, person_id: str) -> list[WalletLink]:
    async def go(db: Any) -> list[WalletLink]:
        found = await db.scalars(select(WalletLink).where(WalletLink.person_id == UUID(person_id)))
        return list(found)

    return backend.run(go)


def test_the_mediators_link_opens_the_wallet_and_only_its_hash_is_kept(backend, client, holder):
    page, path = give_link(client, holder["person"])
    assert "<svg" in page  # its QR code, to print or to photograph
    wallet_token = path.rsplit("/", 1)[1]
    (link,) = links_of(backend, holder["person"])
    assert link.token_hash == hashlib.sha256(wallet_token.encode()).hexdigest()
    assert wallet_token not in repr(vars(link))

    client.cookies.clear()  # the holder's own browser
    wallet = client.get(path)
    assert wallet.status_code == 200, wallet.text
    assert wallet.headers["referrer-policy"] == "no-referrer"
    assert wallet.headers["x-robots-tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in wallet.text
    text = wallet.text
    for title in ("Utiliser mon téléphone, ma tablette ou mon ordinateur", "Envoyer des messages"):
        assert title.split(",")[0] in text
    assert OBSERVED in text
    assert "Ce badge a été retiré le" in text and "Erreur de saisie" in text
    live = holder["badges"][1]
    assert credential_url(live) in text
    # the revoked badge has nothing to share any more, the other has its link and QR code
    assert credential_url(holder["badges"][0]) not in text
    assert text.count('class="qr-code"') == 1
    assert backend.run(lambda db: db.get(WalletLink, link.id)).last_used_at is not None


def test_a_new_link_revokes_the_old_one_and_says_nothing_of_which_failed(backend, client, holder):
    _, first = give_link(client, holder["person"])
    _, second = give_link(client, holder["person"])
    client.cookies.clear()
    unknown_path, malformed_path = f"/portefeuille/{'A' * 43}", "/portefeuille/pas-un-lien"
    old, unknown, malformed = (client.get(p) for p in (first, unknown_path, malformed_path))
    assert old.status_code == unknown.status_code == malformed.status_code == 404
    assert CLOSED in old.text
    shown = {
        r.text.replace(p, "/portefeuille/…")
        for r, p in ((old, first), (unknown, unknown_path), (malformed, malformed_path))
    }
    assert len(shown) == 1
    assert old.headers["referrer-policy"] == "no-referrer"
    assert client.get(second).status_code == 200
    live = [link for link in links_of(backend, holder["person"]) if link.revoked_at is None]
    assert len(live) == 1


def test_the_holder_switches_the_verification_link_off_and_on(backend, client, holder):
    _, path = give_link(client, holder["person"])
    live = holder["badges"][1]
    client.cookies.clear()
    client.get(path)
    action = f"{path}/badges/{live}/partage"
    refused = client.post(action, data={"partage": "non"})  # no CSRF token: refused
    assert refused.status_code == 403
    assert credential(backend, live).shared is True

    off = client.post(action, data={"partage": "non", "_csrf_token": csrf(client, path)})
    assert off.status_code == 200 and "est coupé" in off.text
    assert credential(backend, live).shared is False
    assert 'class="qr-code"' not in off.text and credential_url(live) not in off.text
    on = client.post(action, data={"partage": "oui", "_csrf_token": csrf(client, path)})
    assert credential(backend, live).shared is True
    assert credential_url(live) in on.text


def test_a_badge_of_someone_else_is_not_in_this_wallet(backend, client, holder):
    other = create_person(client, "Gisèle")
    theirs = with_badges(backend, other)[1]
    _, path = give_link(client, holder["person"])
    client.cookies.clear()
    for end in ("badge.json", "badge.svg", "attestation.pdf"):
        assert client.get(f"{path}/badges/{theirs}/{end}").status_code == 404
        assert client.get(f"{path}/badges/{uuid4()}/{end}").status_code == 404
    client.get(path)
    shared = client.post(
        f"{path}/badges/{theirs}/partage",
        data={"partage": "non", "_csrf_token": csrf(client, path)},
    )
    assert shared.status_code == 404
    assert credential(backend, theirs).shared is True


def test_the_files_carry_the_badge_as_signed(backend, client, holder):
    _, path = give_link(client, holder["person"])
    live = holder["badges"][1]
    signed = credential(backend, live).body
    client.cookies.clear()
    as_json = client.get(f"{path}/badges/{live}/badge.json")
    assert as_json.headers["content-type"].startswith("application/ld+json")
    assert "attachment" in as_json.headers["content-disposition"]
    assert json.loads(as_json.content) == signed
    svg = client.get(f"{path}/badges/{live}/badge.svg")
    assert json.loads(extract_svg(svg.content)) == signed
    png = client.get(f"{path}/badges/{live}/badge.png")
    assert png.headers["content-type"] == "image/png"
    assert json.loads(extract_png(png.content)) == signed


def test_the_paper_attestation_names_the_badge_and_its_qr_code_reads_the_link(client, holder):
    _, path = give_link(client, holder["person"])
    live = holder["badges"][1]
    client.cookies.clear()
    response = client.get(f"{path}/badges/{live}/attestation.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    document = pypdfium2.PdfDocument(response.content)
    assert len(document) == 1
    text = document[0].get_textpage().get_text_range()
    assert "Envoyer des messages" in " ".join(text.split())
    assert credential_url(live) in text.replace("\r", "").replace("\n", "")
    # read as a phone would, with the decoder the scan reader uses (OpenCV's misses about
    # one code in twenty at this size, whatever the link)
    image = np.array(document[0].render(scale=2).to_pil().convert("RGB"))
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert [code.text for code in found] == [credential_url(live)]


def read_qr_codes(svg: str) -> list[str]:
    """What a phone reads from an inline SVG drawing: drawn on white with a quiet zone, by the
    engine that draws our PDFs, then decoded as the scan reader does."""
    page = (
        "<style>@page{size:300px 300px;margin:0}body{margin:0;background:#fff}</style>"
        f'<div style="margin:40px;width:220px;height:220px">{svg}</div>'
    )
    document = pypdfium2.PdfDocument(HTML(string=page).write_pdf())
    image = np.array(document[0].render(scale=2).to_pil().convert("RGB"))
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [code.text for code in found]


def test_the_wallets_qr_code_reads_the_badges_verification_link(client, holder):
    _, path = give_link(client, holder["person"])
    live = holder["badges"][1]
    client.cookies.clear()
    page = client.get(path).text
    drawn = re.findall(r'<div class="qr-code"[^>]*>(<svg.*?</svg>)</div>', page, re.DOTALL)
    assert [read_qr_codes(svg) for svg in drawn] == [[credential_url(live)]]


def test_linkedin_gets_the_certification_filled_in(backend, client, holder):
    _, path = give_link(client, holder["person"])
    live = holder["badges"][1]
    client.cookies.clear()
    page = client.get(path).text
    (href,) = re.findall(r'href="(https://www\.linkedin\.com/[^"]+)"', page)
    address = urlsplit(href.replace("&amp;", "&"))
    assert (address.netloc, address.path) == ("www.linkedin.com", "/profile/add")
    fields = {k: v[0] for k, v in parse_qs(address.query).items()}
    issued = credential(backend, live).issued_at
    assert fields["startTask"] == "CERTIFICATION_NAME"
    assert fields["name"].startswith("Envoyer des messages")
    assert fields["organizationName"]
    assert (fields["issueYear"], fields["issueMonth"]) == (str(issued.year), str(issued.month))
    assert fields["certUrl"] == credential_url(live)
    assert fields["certId"] == str(live)


def test_the_link_is_emailed_to_the_address_given_for_a_booking(backend, client):
    mediator(backend, client)
    person = create_person(client, "Ginette")
    with_badges(backend, person, email="ginette@exemple.fr")
    shown = client.get(f"/pro/personnes/{person}/portefeuille").text
    assert "ginette@exemple.fr" in shown
    page, path = give_link(client, person, envoyer="oui")
    assert "Le lien part aussi par e-mail à ginette@exemple.fr" in page

    async def messages(db: Any) -> list[OutboxMessage]:
        return list(await db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "wallet")))

    (message,) = [m for m in backend.run(messages) if m.recipient == "ginette@exemple.fr"]
    assert path in message.body and "pas de mot de passe" in message.body
    # without the box ticked, nothing is sent
    give_link(client, person)
    assert len([m for m in backend.run(messages) if m.recipient == "ginette@exemple.fr"]) == 1


def test_erasing_the_person_deletes_their_links_and_the_message(backend, client):
    mediator(backend, client)
    person = create_person(client, "Paulette")
    with_badges(backend, person, email="paulette@exemple.fr")
    _, path = give_link(client, person, envoyer="oui")
    erased = client.post(
        f"/pro/personnes/{person}/effacer",
        data={"_csrf_token": token(client)},
        follow_redirects=False,
    )
    assert erased.status_code == 303, erased.text
    assert links_of(backend, person) == []

    async def kept(db: Any) -> list[str]:
        return list(await db.scalars(select(OutboxMessage.body)))

    assert not [body for body in backend.run(kept) if path in body]
    client.cookies.clear()
    assert client.get(path).status_code == 404


def test_links_that_open_nothing_are_limited_per_address(backend, client):
    forget_limit(backend, WRONG_LINKS)
    try:
        for _ in range(30):
            assert client.get(f"/portefeuille/{'B' * 43}").status_code == 404
        refused = client.get(f"/portefeuille/{'B' * 43}")
        assert refused.status_code == 429
        assert "Retry-After" in refused.headers
    finally:
        forget_limit(backend, WRONG_LINKS)


def test_every_link_made_has_the_shape_the_wallet_accepts(backend, client, holder):
    for _ in range(5):
        _, path = give_link(client, holder["person"])
        assert TOKEN_SHAPE.fullmatch(path.rsplit("/", 1)[1])


def test_the_emailed_link_arrives_and_is_not_kept_once_sent(backend, client, mailer):
    mediator(backend, client)
    person = create_person(client, "Huguette")
    with_badges(backend, person, email="huguette@exemple.fr")
    _, path = give_link(client, person, envoyer="oui")
    drain(mailer.settings)
    (received,) = [m for m in mailer.inbox.to("huguette@exemple.fr") if "badges" in m["Subject"]]
    assert received["Subject"] == "Votre portefeuille de badges"
    assert path in received.get_content()

    async def kept(db: Any) -> list[OutboxMessage]:
        found = await db.scalars(
            select(OutboxMessage).where(
                OutboxMessage.recipient == "huguette@exemple.fr", OutboxMessage.kind == "wallet"
            )
        )
        return list(found)

    (message,) = backend.run(kept)
    assert message.status.value == "sent"
    assert path not in message.body
