"""Properties every scoring rule must keep, over any answers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from referentiel.inference import inferred
from referentiel.masks import AUTONOMY_ORDER, PROFILE_ORDER
from referentiel.scoring import DiagnosticResult, score
from tests.referentiel.strategies import ITEM_IDS, REF, answer_sets, scored_sets


def _rank_profile(result: DiagnosticResult) -> int:
    return -1 if result.profile is None else PROFILE_ORDER.index(result.profile)


def _levels(result: DiagnosticResult) -> dict[str, int | None]:
    return {c.code: c.level for c in result.competences} | {
        f"domain:{d.code}": d.level for d in result.domains
    }


def _guessed(result: DiagnosticResult) -> set[str]:
    """Levels that are, or include, a competence taken as not yet acquired without a question."""
    return {c.code for c in result.competences if c.inferred} | {
        f"domain:{d.code}" for d in result.domains if d.inferred
    }


@given(scored_sets, st.data(), st.sampled_from([None, False, True]))
def test_raising_an_answer_never_lowers_anything(answers, data, knows_help):
    item = data.draw(st.sampled_from(sorted(answers)))
    higher = data.draw(st.integers(min_value=answers[item], max_value=4))
    before = score(REF, answers, knows_help=knows_help)
    after = score(REF, {**answers, item: higher}, knows_help=knows_help)
    for key, level in _levels(before).items():
        raised = _levels(after)[key]
        if level is None:
            assert raised is None, key  # no answer was added: still unknown
        elif raised is None:
            # a higher answer withdraws a guess (« not yet acquired »), never a measure
            assert key in _guessed(before), key
        else:
            assert raised >= level, key
    assert _guessed(after) <= _guessed(before)
    assert _rank_profile(after) >= _rank_profile(before)
    for need in REF.needs:
        assert AUTONOMY_ORDER.index(after.need(need.code)) >= AUTONOMY_ORDER.index(
            before.need(need.code)
        )


@given(answer_sets)
def test_levels_stay_on_the_scale(answers):
    result = score(REF, answers)
    for competence in result.competences:
        assert competence.level is None or 0 <= competence.level <= 4
        assert 0.0 <= competence.confidence <= 1.0
        assert competence.items <= len(REF.tube(competence.code))
    for domain in result.domains:
        assert domain.level is None or 0 <= domain.level <= 4


@given(answer_sets, st.randoms())
def test_answer_order_does_not_matter(answers, random):
    shuffled = list(answers.items())
    random.shuffle(shuffled)
    assert _same(score(REF, answers), score(REF, dict(shuffled)))


@given(answer_sets, st.lists(st.sampled_from(ITEM_IDS)))
def test_unknown_and_absent_answers_change_nothing(answers, extra):
    with_unknown = {**dict.fromkeys(extra, "?"), **answers}
    without_unknown = {k: v for k, v in answers.items() if v != "?"}
    reference = score(REF, without_unknown)
    assert _same(score(REF, with_unknown), reference)
    assert _same(score(REF, answers), reference)


@given(answer_sets)
def test_every_result_names_its_referential_version(answers):
    assert score(REF, answers).version == REF.version


def _same(a: DiagnosticResult, b: DiagnosticResult) -> bool:
    return (a.competences, a.domains, a.profile, a.autonomy) == (
        b.competences,
        b.domains,
        b.profile,
        b.autonomy,
    )


@given(answer_sets)
def test_a_guess_never_replaces_an_answer_and_never_moves_the_profile(answers):
    result = score(REF, answers)
    for competence in result.competences:
        if competence.inferred:
            tube = {i.id for i in REF.tube(competence.code)}
            assert not any(isinstance(answers.get(i), int) for i in tube), competence.code
            assert competence.level == 0
            assert (
                competence.confidence
                < score(REF, {REF.tube(competence.code)[0].id: 0})
                .competence(competence.code)
                .confidence
            )
    without_rules = REF.model_copy(update={"inferences": ()})
    plain = score(without_rules, answers)
    assert result.profile == plain.profile
    assert result.autonomy == plain.autonomy
    for guessed, measured in zip(result.competences, plain.competences, strict=True):
        assert guessed.inferred or guessed == measured
    # the scorer's quick look at the encoded answers applies the rules as written
    measured_codes = {c.code for c in plain.competences if c.level is not None}
    expected = inferred(REF, answers, measured_codes)
    assert {c.code: c.inferred for c in result.competences if c.inferred} == {
        code: rule.id for code, rule in expected.items()
    }


@given(answer_sets)
def test_a_profile_needs_a_level_for_every_core_competence(answers):
    result = score(REF, answers)
    unknown = tuple(c for c in REF.core_competences if result.competence(c).level is None)
    assert result.to_complete == (unknown if result.profile is None else ())
    assert (result.profile is None) == bool(unknown)
