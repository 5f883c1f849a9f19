"""The active trained model is used and named with each proposal kept; a model trained for
other rules, or none switched on, leaves the rules alone (``model_version`` null)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar.testing import TestClient

from app.asgi import create_app
from app.db.models import PathwayModel as ModelRow
from app.db.models import Recommendation
from pathways.model import THRESHOLDS, level_features, session_features
from pathways.rules import load_rules
from referentiel import load_referential
from tests.app.features.pathways.test_api import inline
from tests.app.features.pathways.test_pages import rows


def plain_model(version: str, rules_version: str) -> dict[str, Any]:
    """A model whose every coefficient is 0: what it predicts does not matter here."""
    ref = load_referential()
    features = level_features(ref)
    return {
        "version": version,
        "referential": ref.version,
        "rules_version": rules_version,
        "data_hash": "0" * 64,
        "level": {
            "features": list(features),
            "thresholds": list(THRESHOLDS),
            "coefficients": [[0.0] * len(features) for _ in THRESHOLDS],
            "intercepts": [3.0] * len(THRESHOLDS),
        },
        "sessions": {
            "features": list(session_features()),
            "coefficients": [0.0] * len(session_features()),
            "intercept": 0.0,
        },
    }


def switch_on(backend: Any, version: str | None, rules_version: str = "") -> None:
    """Only this model in service (None: none)."""

    async def go(db: Any) -> None:
        await db.execute(ModelRow.__table__.update().values(active=False))
        if version is None:
            await db.commit()
            return
        db.add(
            ModelRow(
                version=version,
                rules_version=rules_version,
                data_hash="0" * 64,
                body=plain_model(version, rules_version),
                active=True,
                trained_at=datetime.now(UTC),
            )
        )
        await db.commit()

    backend.run(go)


def test_the_active_model_is_named_with_the_proposal_and_one_for_other_rules_is_not_used(
    backend, client
):
    switch_on(backend, f"autres-regles-{id(client)}", "0.0-autre")
    stored = client.post("/api/v1/diagnostics", json=inline()).json()["id"]
    body = client.post("/api/v1/recommendations", json={"diagnostic_id": stored}).json()
    assert body["model_version"] is None
    version = f"essai-{id(client)}"
    switch_on(backend, version, load_rules().version)
    # a running service asks again within a minute; one started after the switch at once
    with TestClient(app=create_app(backend.settings)) as restarted:
        again = restarted.post("/api/v1/diagnostics", json=inline()).json()["id"]
        body = restarted.post("/api/v1/recommendations", json={"diagnostic_id": again}).json()
    assert body["model_version"] == version
    [kept] = rows(backend, Recommendation, again)
    assert kept.model_version == version
    switch_on(backend, None)  # the other tests run with the rules alone
