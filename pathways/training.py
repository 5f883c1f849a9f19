"""Training the model from records (the only module that imports scikit-learn).

L2-regularised logistic regressions, so that every coefficient reads as « this answer, or this
fact about the person, moves the chance this much ». People are split once, by a hash of their
id, into 80 % to learn from and 20 % held out; every metric is measured on the held-out people
only, and ``beats_rules`` says whether the model may be switched on:

* level error (MAE, in levels) of the plain mean of the answers (« self_report »), of the
  scorer's level (« rules ») and of the model (its median level);
* over-placement: among the steps each would propose (an estimate below the level the person's
  goal asks), the share starting above the true level;
* sessions: AUC and log-loss of P(comes and passes the exit check), against the rules' order
  (soonest first, then nearest; its log-loss is the base rate's, since the order has no
  probability).

Held-out errors use the true level when the records have it (simulated people); otherwise the
observations: the distance from the estimate to the interval they allow, and over-placement
where they settle it. The output is the model's JSON; nothing is pickled.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score

from pathways.model import (
    CAUTIOUS,
    LevelPart,
    Metric,
    ModelBody,
    PathwayModel,
    SessionPart,
    level_features,
    person_vector,
    report_key,
    report_vector,
    session_features,
    session_vector,
)
from pathways.records import THRESHOLDS, LevelRecord, OutcomeRecord, Records, data_hash
from referentiel.models import Referential

HELD_OUT = 5  # one person in five
L2_C = 1.0
SESSIONS_L2_C = 0.3  # fewer bookings than levels: a stronger pull towards zero
MAX_OVER_PLACEMENT = 0.10
MIN_HELD_OUT_BOOKINGS = 100  # below, an AUC difference is noise and decides nothing

Progress = Callable[[str], None]


def held_out(person: str) -> bool:
    """Stable across runs and databases: the same person is always on the same side."""
    return int(hashlib.sha256(person.encode("utf-8")).hexdigest()[:8], 16) % HELD_OUT == 0


def _fit(x: np.ndarray, y: np.ndarray, c: float = L2_C) -> tuple[list[float], float]:
    """One L2 logistic; with a single class (or no rows), only the smoothed base rate."""
    positives = int(y.sum())
    if len(y) == 0 or positives in (0, len(y)):
        rate = (positives + 1) / (len(y) + 2)
        return [0.0] * x.shape[1], math.log(rate / (1 - rate))
    fitted = LogisticRegression(C=c, max_iter=2000).fit(x, y)
    return [float(v) for v in fitted.coef_[0]], float(fitted.intercept_[0])


def _level_part(ref: Referential, records: Sequence[LevelRecord]) -> LevelPart:
    domains = [d.code for d in ref.domains]
    coefficients, intercepts = [], []
    for k in THRESHOLDS:
        rows, labels = [], []
        for record in records:
            label = record.label(k)
            if label is None:
                continue
            report = record.report
            rows.append(
                report_vector(domains, report.domain, report_key(report))
                + person_vector(record.context)
            )
            labels.append(label)
        x = np.array(rows, dtype=np.float64).reshape(len(rows), len(level_features(ref)))
        w, b = _fit(x, np.array(labels, dtype=np.int64))
        coefficients.append(tuple(w))
        intercepts.append(b)
    return LevelPart(
        features=level_features(ref),
        coefficients=tuple(coefficients),
        intercepts=tuple(intercepts),
        cautious=CAUTIOUS,
    )


def _session_rows(levels: PathwayModel, records: Sequence[OutcomeRecord]) -> np.ndarray:
    rows = [
        session_vector(
            r.context,
            r.session,
            levels.report_levels(r.context, r.report)[1],
            person_vector(r.context),
        )
        for r in records
    ]
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(session_features()))


@dataclass(frozen=True)
class Trained:
    model: PathwayModel
    beats_rules: bool


def _error(estimate: int, record: LevelRecord) -> float | None:
    if record.truth is not None:
        return abs(estimate - record.truth)
    if not record.observations:
        return None
    low, high = record.bounds
    return max(0, low - estimate, estimate - high)


def _over_placed(from_level: int, record: LevelRecord) -> bool | None:
    if record.truth is not None:
        return from_level > record.truth
    low, high = record.bounds
    if high < from_level:
        return True
    return False if low >= from_level else None


def _mean(values: Sequence[float | bool | None]) -> float | None:
    known = [float(v) for v in values if v is not None]
    return round(sum(known) / len(known), 4) if known else None


def level_metrics(model: PathwayModel, records: Sequence[LevelRecord]) -> dict[str, Metric]:
    """Level error and over-placement of the three estimates, on ``records``."""
    estimates: dict[str, list[tuple[int, int, LevelRecord]]] = {
        "self_report": [],
        "rules": [],
        "model": [],
    }
    for record in records:
        placement, _, median = model.report_levels(record.context, record.report)
        estimates["self_report"].append((record.report.raw_level, record.report.raw_level, record))
        estimates["rules"].append((record.report.level, record.report.level, record))
        estimates["model"].append((median, placement, record))
    metrics: dict[str, Metric] = {"levels.records": len(records)}
    for name, rows in estimates.items():
        metrics[f"levels.mae.{name}"] = _mean([_error(point, r) for point, _, r in rows])
        steps = [
            _over_placed(start, r)
            for _, start, r in rows
            if r.target is not None and start < r.target
        ]
        metrics[f"over_placement.{name}"] = _mean(steps)
        metrics[f"steps.{name}"] = sum(s is not None for s in steps)
    return metrics


def session_metrics(
    model: PathwayModel, train: Sequence[OutcomeRecord], test: Sequence[OutcomeRecord]
) -> dict[str, Metric]:
    labels = np.array([r.succeeded for r in test], dtype=np.int64)
    metrics: dict[str, Metric] = {"sessions.records": len(test)}
    if len(set(labels.tolist())) < 2 or model.body.sessions is None:
        return metrics
    chances = np.array(
        [
            model.chances(r.context, model.report_levels(r.context, r.report)[1], [r.session])[0]
            for r in test
        ]
    )
    rules_order = np.array(
        [-(r.session.days_ahead + (r.session.distance_km or 0.0) / 1000) for r in test]
    )
    base = min(max(sum(r.succeeded for r in train) / max(1, len(train)), 0.01), 0.99)
    metrics["sessions.auc.rules"] = round(float(roc_auc_score(labels, rules_order)), 4)
    metrics["sessions.auc.model"] = round(float(roc_auc_score(labels, chances)), 4)
    metrics["sessions.log_loss.rules"] = round(float(log_loss(labels, np.full(len(test), base))), 4)
    metrics["sessions.log_loss.model"] = round(float(log_loss(labels, chances)), 4)
    return metrics


def beats(metrics: dict[str, Metric]) -> bool:
    """Lower level error than the rules, over-placement at most the rules' and at most 10 %,
    and, when enough bookings were held out to tell, a better AUC than the rules' order."""
    mae_model, mae_rules = metrics.get("levels.mae.model"), metrics.get("levels.mae.rules")
    over_model, over_rules = (
        metrics.get("over_placement.model"),
        metrics.get("over_placement.rules"),
    )
    if not isinstance(mae_model, float) or not isinstance(mae_rules, float):
        return False
    if mae_model >= mae_rules:
        return False
    if isinstance(over_model, float) and (
        over_model > MAX_OVER_PLACEMENT
        or (isinstance(over_rules, float) and over_model > over_rules)
    ):
        return False
    auc_model, auc_rules = metrics.get("sessions.auc.model"), metrics.get("sessions.auc.rules")
    held = metrics.get("sessions.records")
    if not isinstance(held, int) or held < MIN_HELD_OUT_BOOKINGS:
        return True
    return not (
        isinstance(auc_model, float) and isinstance(auc_rules, float) and auc_model <= auc_rules
    )


def evaluate(model: PathwayModel, records: Records) -> dict[str, Metric]:
    """The model against self-report and the rules, on the held-out people of ``records``."""
    levels = [r for r in records.levels if held_out(r.person)]
    return {
        "people.train": len({r.person for r in records.levels if not held_out(r.person)}),
        "people.held_out": len({r.person for r in levels}),
        **level_metrics(model, levels),
        **session_metrics(
            model,
            [r for r in records.outcomes if not held_out(r.person)],
            [r for r in records.outcomes if held_out(r.person)],
        ),
    }


def train(
    ref: Referential,
    records: Records,
    rules_version: str,
    progress: Progress | None = None,
) -> Trained:
    """Learn both parts on 80 % of the people, measure on the rest; the same records give the
    same JSON."""
    say = progress or (lambda _: None)
    digest = data_hash(records)
    version = f"{ref.version}-{digest[:12]}"
    level_train = [r for r in records.levels if not held_out(r.person)]
    outcome_train = [r for r in records.outcomes if not held_out(r.person)]
    say("levels")
    level = _level_part(ref, level_train)
    body = ModelBody(
        version=version,
        referential=ref.version,
        rules_version=rules_version,
        data_hash=digest,
        level=level,
    )
    levels_only = PathwayModel(body, ref)
    say("sessions")
    sessions = None
    labels = np.array([r.succeeded for r in outcome_train], dtype=np.int64)
    if len(set(labels.tolist())) == 2:
        w, b = _fit(_session_rows(levels_only, outcome_train), labels, SESSIONS_L2_C)
        sessions = SessionPart(features=session_features(), coefficients=tuple(w), intercept=b)
    model = PathwayModel(body.model_copy(update={"sessions": sessions}), ref)
    say("metrics")
    metrics = evaluate(model, records)
    winner = beats(metrics)
    metrics["beats_rules"] = winner
    final = PathwayModel(model.body.model_copy(update={"metrics": metrics}), ref)
    return Trained(final, winner)
