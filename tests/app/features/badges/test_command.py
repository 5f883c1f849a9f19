"""`parcours badges rotate-key`: a new key signs from now on, the old one stays published."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from app.cli import main
from app.config import get_settings
from tests.app.features.badges.test_api import LD, published, setup
from tests.app.features.bookings.test_api import structure_id


@pytest.fixture
def environment(backend: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("PARCOURS_DATABASE_URL", backend.settings.database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_rotating_a_structures_key_keeps_its_badges_verifiable(backend, client, environment):
    structure, _, trainer = setup(backend, client)
    owner = structure_id(backend, structure)
    rotated = CliRunner().invoke(main, ["badges", "rotate-key", structure])
    assert rotated.exit_code == 0, rotated.output
    new_key = rotated.output.strip().rsplit(" ", 1)[1]
    profile = client.get(f"/badges/emetteurs/{owner}", headers=LD).json()
    assert [k["id"].rsplit("#", 1)[1] for k in profile["verificationMethod"]][-1] == new_key
    first = client.get("/api/v1/credentials", headers=trainer).json()["items"][0]
    body = client.get(f"/badges/{first['id']}", headers=LD).json()
    assert new_key not in body["proof"][0]["verificationMethod"]
    assert published(client, body) == "active"  # the list is signed by the new key
    unknown = CliRunner().invoke(main, ["badges", "rotate-key", "Nulle part"])
    assert unknown.exit_code == 1 and "structure inconnue" in unknown.output
