"""An independent verifier, openbadgeslib, accepts what we sign (offline, its own contexts)."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given, settings
from hypothesis import strategies as st
from openbadgeslib.ob3.ldp import OB3LdpVerifier
from openbadgeslib.ob3.verifier import OB3VerificationError

from badges.models import OpenBadgeCredential
from badges.proof import verify
from tests.badges.strategies import ISSUER_KEY, SIGNED_AT, credentials, issue, issuer_keys

PEM = ISSUER_KEY.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)


@settings(max_examples=40, deadline=None)
@given(credentials, st.booleans())
def test_openbadgeslib_verifies_our_credentials(
    credential: OpenBadgeCredential, expires: bool
) -> None:
    """Valid now (it checks the dates too), with and without an end date."""
    until = SIGNED_AT.replace(year=2099) if expires else None
    current = credential.model_copy(update={"valid_from": SIGNED_AT, "valid_until": until})
    signed = issue(current)
    verified = OB3LdpVerifier(pubkey_pem=PEM).verify(json.dumps(signed, ensure_ascii=False))
    assert verified is not None


@settings(max_examples=10, deadline=None)
@given(credentials)
def test_openbadgeslib_refuses_what_we_refuse(credential: OpenBadgeCredential) -> None:
    signed = issue(credential.model_copy(update={"valid_from": SIGNED_AT, "valid_until": None}))
    altered = {**signed, "name": signed["name"] + "!"}
    assert not verify(altered, issuer_keys).verified
    with pytest.raises(OB3VerificationError):
        OB3LdpVerifier(pubkey_pem=PEM).verify(json.dumps(altered, ensure_ascii=False))
