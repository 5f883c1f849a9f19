"""A trainer logged in on the pages, with a bearer token, and their structure's offer."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.db.models import Role
from tests.app.conftest import login
from tests.app.features.schedule.offer import Offer, seed_offer


@dataclass(frozen=True)
class Trainer:
    headers: dict[str, str]
    offer: Offer


@pytest.fixture
def trainer(backend, client) -> Trainer:
    email, structure = backend.user(Role.TRAINER)
    login(client, email)
    offer = backend.run(lambda db: seed_offer(db, structure))
    return Trainer({"Authorization": f"Bearer {backend.token(email)}"}, offer)


@pytest.fixture
def stranger(backend) -> Trainer:
    """A trainer of another structure, with its own offer."""
    email, structure = backend.user(Role.TRAINER)
    offer = backend.run(lambda db: seed_offer(db, structure))
    return Trainer({"Authorization": f"Bearer {backend.token(email)}"}, offer)
