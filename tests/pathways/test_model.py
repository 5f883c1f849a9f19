"""The model learnt on simulated people: it corrects self-report where the rules cannot, is
cautious where it places people, recovers the planted bias, and is plain, reproducible JSON."""

from __future__ import annotations

import contextlib
import json
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathways.model import AGE_YEARS, CAUTIOUS, ModelError, PathwayModel
from pathways.models import Context, SessionOption
from pathways.recommend import Recommender
from pathways.records import Observation, Records, data_hash, pix_to_level
from pathways.rules import load_rules
from pathways.simulator import Priors, Simulator, records_of
from pathways.training import MAX_OVER_PLACEMENT, Trained, held_out, train
from referentiel.answers import Evidence
from referentiel.load import load_referential
from referentiel.models import Referential
from referentiel.rules import level_with_evidence
from referentiel.scoring import score
from tests.pathways.strategies import contexts, session_options
from tests.referentiel.strategies import answer_sets

RULES = "test"


@pytest.fixture(scope="module")
def ref() -> Referential:
    return load_referential()


@pytest.fixture(scope="module")
def trained(ref: Referential) -> Trained:
    return train(ref, records_of(ref, Simulator(ref).people(4000, seed=11)), RULES)


def test_on_held_out_people_the_model_errs_less_than_self_report_and_the_rules(
    trained: Trained,
) -> None:
    metrics = trained.model.metrics
    assert isinstance(metrics["levels.mae.model"], float)
    assert metrics["levels.mae.model"] < metrics["levels.mae.self_report"]  # type: ignore[operator]
    assert metrics["levels.mae.model"] < metrics["levels.mae.rules"]  # type: ignore[operator]
    assert trained.beats_rules and metrics["beats_rules"] is True


def test_over_placement_falls_from_self_reports_rate_to_at_most_ten_percent(
    trained: Trained,
) -> None:
    metrics = trained.model.metrics
    self_report = metrics["over_placement.self_report"]
    model = metrics["over_placement.model"]
    assert isinstance(self_report, float) and isinstance(model, float)
    assert self_report > 0.2  # the planted bias shows: people say more than they can
    assert model <= MAX_OVER_PLACEMENT < self_report


def test_sessions_are_ranked_better_than_by_date_then_distance(trained: Trained) -> None:
    metrics = trained.model.metrics
    assert metrics["sessions.auc.model"] > metrics["sessions.auc.rules"]  # type: ignore[operator]
    assert metrics["sessions.log_loss.model"] < metrics["sessions.log_loss.rules"]  # type: ignore[operator]


def _mean_coefficients(trained: Trained) -> dict[str, float]:
    level = trained.model.body.level
    means = np.array(level.coefficients).mean(axis=0)
    return dict(zip(level.features, (float(v) for v in means), strict=True))


def test_the_learnt_correction_follows_the_planted_bias_per_factor(
    ref: Referential, trained: Trained
) -> None:
    """Against the same world without the bias: over-reporting rises with education and falls
    with age, so the model learns to trust the educated less and the old more; security (P) is
    over-reported most and using a device (E) least, so P is corrected down against E."""
    unbiased = train(
        ref,
        records_of(ref, Simulator(ref, priors=Priors().unbiased()).people(4000, seed=11)),
        RULES,
    )
    biased, plain = _mean_coefficients(trained), _mean_coefficients(unbiased)
    correction = {name: biased[name] - plain[name] for name in biased}
    assert correction["education"] < 0
    assert correction["age"] > 0
    assert correction["domain_P"] - correction["domain_E"] < 0


def test_the_same_seed_gives_the_same_people_and_the_same_model(ref: Referential) -> None:
    simulator = Simulator(ref)
    first, second = simulator.people(300, seed=5), simulator.people(300, seed=5)
    assert first == second
    assert simulator.people(300, seed=6) != first
    one = train(ref, records_of(ref, first), RULES).model.to_json()
    two = train(ref, records_of(ref, second), RULES).model.to_json()
    assert json.dumps(one, sort_keys=True) == json.dumps(two, sort_keys=True)


def test_the_data_hash_ignores_the_order_records_came_in(ref: Referential) -> None:
    records = records_of(ref, Simulator(ref).people(50, seed=2))
    shuffled = Records(records.levels[::-1], records.outcomes[::-1], source="database")
    assert data_hash(shuffled) == data_hash(records)
    changed = replace(records.levels[0], observations=(Observation(2, True, "observed_task"),))
    assert data_hash(Records((changed, *records.levels[1:]), records.outcomes)) != data_hash(
        records
    )


def test_the_json_round_trips_and_predicts_identically(ref: Referential, trained: Trained) -> None:
    text = json.dumps(trained.model.to_json())
    loaded = PathwayModel.from_json(json.loads(text), ref)
    assert loaded.to_json() == trained.model.to_json()
    for person in Simulator(ref).people(40, seed=99):
        result = score(ref, person.answers, person.evidence)
        assert loaded.placement(result, person.context) == trained.model.placement(
            result, person.context
        )
        assert loaded.expected_levels(result, person.context) == trained.model.expected_levels(
            result, person.context
        )
        sessions = [_session(entry, km) for entry in (0, 1) for km in (None, 2.0, 30.0)]
        assert loaded.session_chances(result, person.context, "C3", 1, sessions) == (
            trained.model.session_chances(result, person.context, "C3", 1, sessions)
        )


def _session(entry: int, km: float | None) -> SessionOption:
    from datetime import UTC, datetime

    start = datetime(2027, 1, 4, 14, tzinfo=UTC)
    return SessionOption(
        id=f"s{entry}{km}",
        workshop_id="w",
        title="Atelier",
        starts_at=start,
        ends_at=start,
        modality="collective",
        competence="C3",
        entry=entry,
        exit=entry + 1,
        free_seats=3,
        distance_km=km,
    )


def test_placement_is_cautious_and_evidence_keeps_the_scorers_level(
    ref: Referential, trained: Trained
) -> None:
    answers = {item.id: 4 for item in ref.items}
    context = Context(age_band="quarante_cinquante_neuf", education="higher")
    said = trained.model.placement(score(ref, answers), context)
    assert all(level < 4 for level in said.values())  # « I can explain it to others » is doubted
    failed = Evidence(kind="observed_task", competence="C3", passed=False)
    observed = score(ref, answers, [failed])
    assert trained.model.placement(observed, context)["C3"] == 1
    assert trained.model.expected_levels(observed, context)["C3"] == 1.0


def test_sessions_nearer_and_within_reach_get_better_chances(
    ref: Referential, trained: Trained
) -> None:
    result = score(ref, {item.id: 2 for item in ref.items})
    context = Context(preference="collective")
    near, far = trained.model.session_chances(
        result, context, "C3", 2, [_session(1, 1.0), _session(1, 60.0)]
    )
    assert near > far


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda body: body.pop("level"), "level"),
        (lambda body: body["level"]["coefficients"].pop(), "seuil"),
        (lambda body: body["level"]["features"].reverse(), "caractéristiques"),
        (lambda body: body.update(referential="1999.1"), "référentiel"),
        (lambda body: body.update(data_hash="pas un hash"), "data_hash"),
        (lambda body: body["level"]["intercepts"].__setitem__(0, float("nan")), "intercepts"),
        (lambda body: body.update(format="pickle"), "format"),
    ],
)
def test_loading_refuses_a_malformed_model_with_a_clear_error(
    ref: Referential, trained: Trained, change: Any, says: str
) -> None:
    body = json.loads(json.dumps(trained.model.to_json()))
    change(body)
    with pytest.raises(ModelError, match=says):
        PathwayModel.from_json(body, ref)


@settings(max_examples=40, deadline=None)
@given(
    path=st.lists(st.sampled_from(["level", "sessions", "metrics", "version", 0, "features"])),
    junk=st.one_of(
        st.none(), st.integers(), st.text(max_size=3), st.lists(st.integers(), max_size=2)
    ),
)
def test_any_damaged_file_is_refused_as_a_model_error_never_a_crash(
    ref: Referential, trained: Trained, path: list[Any], junk: Any
) -> None:
    body: Any = json.loads(json.dumps(trained.model.to_json()))
    target = body
    for step in path[:-1]:
        try:
            target = target[step]
        except (KeyError, IndexError, TypeError):
            break
    try:
        target[path[-1] if path else "level"] = junk
    except (IndexError, TypeError):
        return
    with contextlib.suppress(ModelError):
        PathwayModel.from_json(body, ref)


@given(st.integers(min_value=0, max_value=8))
def test_a_pix_level_reads_as_the_scorer_reads_it(pix: int) -> None:
    """The label a Pix result gives is never below the floor the scorer gives it."""
    floor = level_with_evidence(0, [Evidence(kind="pix", pix_competence="1.1", pix_level=pix)])
    assert floor is not None and pix_to_level(pix) >= floor


def test_the_held_out_split_keeps_a_person_on_one_side() -> None:
    people = [f"p{i}" for i in range(2000)]
    share = sum(held_out(p) for p in people) / len(people)
    assert 0.15 < share < 0.25
    assert [held_out(p) for p in people] == [held_out(p) for p in people]


def test_the_recommender_uses_a_trained_model_within_its_guardrails(
    ref: Referential, trained: Trained
) -> None:
    """The model lowers a level at most as far as the rules allow, and names itself."""
    rules = load_rules()
    recommender = Recommender(ref, rules, trained.model)
    most = rules.guardrails.model_lowers_at_most
    for person in Simulator(ref).people(60, seed=21):
        result = score(ref, person.answers, person.evidence)
        recommendation = recommender.recommend(result, person.context)
        assert recommendation.model_version == trained.model.version
        for need in recommendation.needs:
            assert len(need.steps) <= rules.guardrails.max_steps
            for step in need.steps:
                declared = result.competence(step.competence).level
                assert declared is None or step.from_level >= declared - most


@settings(max_examples=60, deadline=None)
@given(
    answers=answer_sets,
    context=contexts(),
    age=st.sampled_from([None, *AGE_YEARS]),
    education=st.sampled_from([None, "none", "secondary", "bac", "higher"]),
    found=st.lists(session_options("C3"), max_size=6),
)
def test_any_diagnostic_gets_levels_on_the_scale_and_chances_between_0_and_1(
    ref: Referential,
    trained: Trained,
    answers: dict[str, Any],
    context: Context,
    age: str | None,
    education: Any,
    found: list[SessionOption],
) -> None:
    """Only assessed competences get levels; each level up to the cautious one is reached with
    P >= 0.9, so the expected level is at least 0.9 times it; the same call twice gives the
    same answer (the memo changes nothing)."""
    context = context.model_copy(update={"age_band": age, "education": education})
    result = score(ref, answers)
    placed = trained.model.placement(result, context)
    expected = trained.model.expected_levels(result, context)
    assessed = {c.code for c in result.competences if c.level is not None}
    assert set(placed) == set(expected) == assessed
    for code, level in placed.items():
        assert 0 <= level <= 4 and 0.0 <= expected[code] <= 4.0
        assert CAUTIOUS * level <= expected[code] + 1e-9
    assert trained.model.placement(result, context) == placed
    chances = trained.model.session_chances(result, context, "C3", 1, found)
    assert len(chances) == len(found) and all(0.0 < p < 1.0 for p in chances)
