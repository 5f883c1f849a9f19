"""A structure to own places and workshops, and values that make a valid one of each."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

import pytest

from app.db.models import Structure
from tests.app.conftest import Backend


def new_structure(backend: Backend) -> UUID:
    async def create(db: Any) -> UUID:
        structure = Structure(name=f"Structure {uuid.uuid4().hex[:8]}")
        db.add(structure)
        await db.commit()
        return structure.id

    result: UUID = backend.run(create)
    return result


@pytest.fixture
def structure_id(backend: Backend) -> UUID:
    return new_structure(backend)


def place_fields(**changes: Any) -> dict[str, Any]:
    """A place of Bourges that every check accepts."""
    return {
        "name": "Médiathèque des Gibjoncs",
        "address": "3 rue Jean Moulin",
        "postal_code": "18000",
        "commune_name": "Bourges",
        "phone": "02 48 57 81 46",
        "opening_hours": "Tu-Sa 10:00-12:00,14:00-18:00",
        "services": [
            "Aide aux démarches administratives",
            "Accès internet et matériel informatique",
        ],
        "fees": ["Gratuit"],
        **changes,
    }


def workshop_fields(**changes: Any) -> dict[str, Any]:
    """A workshop that every check accepts."""
    return {
        "title": "Premiers pas avec son téléphone",
        "description": "Allumer son téléphone, ouvrir une application et revenir à l'accueil.",
        "competences": [{"competence": "E1", "entry": 0, "exit": 2}],
        "modality": "collective",
        "duration_minutes": 90,
        "exit_check": {"kind": "observed_task", "item": "E1.2"},
        **changes,
    }
