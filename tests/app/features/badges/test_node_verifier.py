"""Digital Bazaar's JavaScript verifier checks a badge the service issued from an exit check,
with nothing but what the service publishes: the issuer's profile (its keys) and the signed
revocation list, read over HTTP like any outside verifier would. A changed copy of either
fails; after a revocation, the new list verifies and says « revoked »."""

from __future__ import annotations

from typing import Any

from badges.contexts import PINNED_URLS, context_document
from badges.status import check_status
from tests.app.features.badges.test_api import LD, setup
from tests.badges.test_javascript_verifier import pytestmark, verify_in_node

__all__ = ["pytestmark"]  # skipped, with the reason, where node or its packages are missing

PUBLIC_URL = "http://127.0.0.1:8000"  # the tests' PARCOURS_PUBLIC_URL
VERIFIED = {"verified": True, "error": None}


def fetched(client: Any, url: str) -> dict[str, Any]:
    answer = client.get(url.removeprefix(PUBLIC_URL), headers=LD)
    assert answer.status_code == 200, (url, answer.text)
    document: dict[str, Any] = answer.json()
    return document


def test_node_verifies_a_badge_we_issued_with_the_profile_and_list_we_publish(backend, client):
    _, _, trainer = setup(backend, client)
    item = client.get("/api/v1/credentials", headers=trainer).json()["items"][0]
    badge = fetched(client, f"/badges/{item['id']}")
    profile = fetched(client, badge["issuer"]["id"])
    list_url = badge["credentialStatus"]["statusListCredential"]
    before = fetched(client, list_url)
    documents = {url: context_document(url) for url in PINNED_URLS} | {profile["id"]: profile}

    revoked = client.post(
        f"/api/v1/credentials/{item['id']}/revoke", json={"reason": "Erreur"}, headers=trainer
    )
    assert revoked.status_code == 200
    after = fetched(client, list_url)
    forged = {  # the list before, made to say what the list after says
        **before,
        "credentialSubject": {
            **before["credentialSubject"],
            "encodedList": after["credentialSubject"]["encodedList"],
        },
    }
    renamed = {**badge, "name": badge["name"] + " (copie)"}
    other_holder = {
        **badge,
        "credentialSubject": {**badge["credentialSubject"], "id": "urn:uuid:0"},
    }
    results = verify_in_node([badge, before, after, renamed, other_holder, forged], documents)
    assert results[:3] == [VERIFIED] * 3, results[:3]
    assert [r["verified"] for r in results[3:]] == [False] * 3, results[3:]
    # What each list node verified says of the badge: active before, revoked after.
    assert check_status(badge, lambda _url: before).state == "active"
    assert check_status(badge, lambda _url: after).state == "revoked"
