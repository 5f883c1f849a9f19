"""The official test vectors, byte for byte: 1EdTech OB 3.0 and W3C eddsa-rdfc-2022."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from badges.canon import canonical_pyld, canonicalize
from badges.multikey import public_key_from_multibase, secret_key_from_multibase
from badges.proof import did_key_resolver, hash_data, sign, verify

VECTORS = Path(__file__).parent / "vectors"
OB = VECTORS / "1edtech-ob-v3p0"
W3C = VECTORS / "w3c-vc-di-eddsa"
CANONICALIZERS = [canonicalize, canonical_pyld]


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _created(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize("canonicalizer", CANONICALIZERS)
def test_1edtech_vector_canonical_forms_hashes_and_signature(canonicalizer: Any) -> None:
    document = _json(OB / "unsigned-credential.json")
    options = {"@context": document["@context"], **_json(OB / "proof-options.json")}
    hashes = _json(OB / "hashes.json")
    assert canonicalizer(document) == (OB / "document-canon.nq").read_text(encoding="utf-8")
    assert canonicalizer(options) == (OB / "proof-canon.nq").read_text(encoding="utf-8")
    data = hash_data(document, options, canonicalizer)
    assert data.hex() == hashes["dataToSignHex"]
    keys = _json(OB / "keys.json")
    key = secret_key_from_multibase(keys["secretKeyMultibase"])
    assert key.sign(data).hex() == hashes["signatureHex"]
    signed = sign(document, key, keys["id"], _created(options["created"]), canonicalizer)
    assert signed["proof"][0]["proofValue"] == hashes["proofValue"]
    assert signed["proof"][0] == _json(OB / "proof.json")


def test_1edtech_signed_vector_verifies() -> None:
    keys = _json(OB / "keys.json")
    public = public_key_from_multibase(keys["publicKeyMultibase"])
    result = verify(
        (OB / "signed-credential.json").read_bytes(),
        lambda method: public if method == keys["id"] else None,
    )
    assert result.verified, result.checks


@pytest.mark.parametrize("canonicalizer", CANONICALIZERS)
@pytest.mark.parametrize(
    ("folder", "unsigned"),
    [
        (W3C / "eddsa-rdfc-2022", "unsigned.json"),
        (W3C / "eddsa-rdfc-2022/employ", "employmentAuth.json"),
    ],
)
def test_w3c_vectors(folder: Path, unsigned: str, canonicalizer: Any) -> None:
    document = _json(W3C / unsigned)
    options = _json(folder / "proofConfigDataInt.json")
    text = (folder / "canonDocDataInt.txt").read_text(encoding="utf-8")
    assert canonicalizer(document) == text
    proof_text = (folder / "proofCanonDataInt.txt").read_text(encoding="utf-8")
    assert canonicalizer(options) == proof_text
    doc_hash = (folder / "docHashDataInt.txt").read_text(encoding="utf-8").strip()
    assert hashlib.sha256(text.encode()).hexdigest() == doc_hash
    combined = (folder / "combinedHashDataInt.txt").read_text(encoding="utf-8").strip()
    assert hash_data(document, options, canonicalizer).hex() == combined
    key: Ed25519PrivateKey = secret_key_from_multibase(
        _json(W3C / "keyPair.json")["privateKeyMultibase"]
    )
    signed = sign(
        document, key, options["verificationMethod"], _created(options["created"]), canonicalizer
    )
    expected = (folder / "sigBTC58DataInt.txt").read_text(encoding="utf-8").strip()
    assert signed["proof"][0]["proofValue"] == expected
    assert verify(_json(folder / "signedDataInt.json"), did_key_resolver).verified
