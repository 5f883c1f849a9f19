"""The recommender keeps its guardrails whatever the answers, the context, the offer and the
model, and explains each proposal with rules that exist."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from pathways.models import Context, NeedProposal, Recommendation, SessionOption
from pathways.recommend import Recommender
from referentiel.i18n import localized
from referentiel.masks import AUTONOMY_ORDER
from referentiel.scoring import DiagnosticResult, score
from tests.pathways.strategies import (
    RULES,
    START,
    AnyModel,
    contexts,
    models,
    offers,
    session_options,
)
from tests.referentiel.strategies import REF, answer_sets

RULE_IDS = {
    *(g.id for g in RULES.goal_levels),
    *(p.id for p in RULES.prerequisites),
    *(t.id for t in RULES.triggers),
    *(m.id for m in RULES.modalities),
    *(t.id for t in RULES.texts.values() if "{" not in t.id),
}
ORDER = list(REF.prerequisite_order)
RECOMMENDER = Recommender(REF, RULES)


def _levels(result: DiagnosticResult) -> dict[str, int | None]:
    return {c.code: c.level for c in result.competences}


def _guardrails_hold(
    result: DiagnosticResult, context: Context, rec: Recommendation, lowered_by: int
) -> None:
    levels = _levels(result)
    for need in rec.needs:
        assert len(need.steps) <= RULES.guardrails.max_steps
        if need.need in context.goals:
            assert need.goal == context.goals[need.need]  # the wish is kept, never refused
        if need.modality in ("delegation", "orientation"):
            assert need.steps == ()
        if context.equipment and not {"smartphone", "tablette", "ordinateur"} & set(
            context.equipment
        ):
            assert need.steps == () and need.modality in ("delegation", "orientation")
        positions = [ORDER.index(s.competence) for s in need.steps]
        assert positions == sorted(positions)
        for step in need.steps:
            declared = levels[step.competence]
            assert declared is not None  # unknown never triggers a step
            assert declared - lowered_by <= step.from_level <= declared
            assert step.from_level < step.to_level
            assert len(step.sessions) <= RULES.guardrails.max_sessions
            for session in step.sessions:
                assert session.competence == step.competence
                assert session.free_seats > 0
                assert session.entry <= step.from_level < session.exit
        for code in need.unresolved:
            assert code not in {s.competence for s in need.steps}


def _whys(need: NeedProposal):
    yield from need.why
    for step in need.steps:
        yield from step.why


@settings(max_examples=300, deadline=None)
@given(answer_sets, contexts(), offers(), st.sampled_from([None, False, True]))
def test_the_rules_alone_keep_every_guardrail(answers, context, offer, knows_help):
    result = score(REF, answers, knows_help=knows_help)
    rec = RECOMMENDER.recommend(result, context, offer)
    _guardrails_hold(result, context, rec, lowered_by=0)
    assert [n.need for n in rec.needs] == list(context.needs)
    for need in rec.needs:
        assert need.why and all(w.rule in RULE_IDS and w.text for w in _whys(need))


@settings(max_examples=300, deadline=None)
@given(answer_sets, contexts(), offers(), models)
def test_no_trained_model_can_break_a_guardrail(answers, context, offer, model):
    result = score(REF, answers)
    rec = Recommender(REF, RULES, model).recommend(result, context, offer)
    _guardrails_hold(result, context, rec, lowered_by=RULES.guardrails.model_lowers_at_most)
    assert rec.model_version == "adversaire"
    # the model only reorders: every session it kept, the rules allowed
    for need in rec.needs:
        for step in need.steps:
            allowed = {
                s.id
                for s in offer.get(step.competence, [])
                if s.free_seats > 0 and s.entry <= step.from_level < s.exit
            }
            assert {s.id for s in step.sessions} <= allowed


@settings(max_examples=100, deadline=None)
@given(
    st.lists(session_options("C1"), min_size=4, max_size=10),
    st.lists(st.floats(0, 1), min_size=1, max_size=10),
)
def test_a_model_ranks_sessions_by_its_chances_within_what_fits(found, chances):
    model = AnyModel({}, chances)  # no level correction: only the ranking is at play
    answers = {"E1.1": 3, "E1.2": 3, "E1.3": 2, "E2.1": 3, "E2.2": 2, "C1.1": 1, "C1.2": 1}
    result = score(REF, answers)
    context = Context(needs=("proches",), goals={"proches": "A3"}, equipment=("smartphone",))
    rec = Recommender(REF, RULES, model).recommend(result, context, {"C1": found})
    (step,) = [s for s in rec.needs[0].steps if s.competence == "C1"]
    fitting = [s for s in step.sessions if s.modality in ("collective", "remote")]
    assert step.sessions[: len(fitting)] == tuple(fitting)  # the goal's modality first
    scores = [s.score for s in fitting]
    assert scores == sorted(scores, reverse=True)


def _result(answers: dict[str, int | str], **kw) -> DiagnosticResult:
    return score(REF, answers, **kw)


def test_an_unassessed_competence_never_triggers_and_two_questions_settle_it():
    # E1, E2 and I1 done alone; C3, which the CAF needs, never asked: Pix would count it 0 %.
    answers: dict[str, int | str] = {
        "E1.1": 3,
        "E1.2": 3,
        "E2.1": 3,
        "E2.2": 2,
        "I1.1": 2,
        "I1.2": 2,
    }
    context = Context(needs=("caf",), goals={"caf": "A3"}, equipment=("smartphone",))
    need = RECOMMENDER.recommend(_result(answers), context).needs[0]
    assert "C3" in need.unresolved
    assert "C3" not in {s.competence for s in need.steps}
    assert any(w.rule == "GF-INCONNU" and "Faire mes démarches" in w.text for w in need.why)
    asked = RECOMMENDER.resolving_items(_result(answers), context)
    assert 1 <= len(asked) <= RULES.guardrails.resolve_items
    assert REF.item(asked[0]).competence in need.unresolved
    settled = {**answers, **dict.fromkeys(asked, 0)}
    after = RECOMMENDER.recommend(_result(settled), context).needs[0]
    assert {REF.item(i).competence for i in asked}.isdisjoint(after.unresolved)
    assert "C3" in {s.competence for s in after.steps} or "C3" not in need.unresolved


@given(answer_sets, contexts())
def test_at_most_two_more_questions_each_on_a_competence_left_unknown(answers, context):
    result = score(REF, answers)
    asked = RECOMMENDER.resolving_items(result, context)
    assert len(asked) <= 2
    unresolved = {
        c for n in RECOMMENDER.plan(result, context).recommendation.needs for c in n.unresolved
    }
    assert all(REF.item(i).competence in unresolved and i not in answers for i in asked)


def test_a_prerequisite_comes_first_and_says_why():
    # « Éviter les arnaques » needs C1, which needs E2: E2 is not done alone yet.
    answers = {
        "E1.1": 3,
        "E1.2": 3,
        "E2.1": 1,
        "E2.2": 1,
        "C1.1": 1,
        "C1.2": 1,
        "P1.1": 1,
        "P2.1": 1,
    }
    context = Context(needs=("arnaques",), goals={"arnaques": "A3"}, equipment=("smartphone",))
    need = RECOMMENDER.recommend(_result(answers), context).needs[0]
    assert need.steps[0].competence == "E2"
    assert any(w.rule == "PRE-C1" for w in need.steps[0].why)
    assert len(need.steps) == 1  # C1 waits for E2: its trigger's prerequisite is not met


def test_a_far_goal_is_kept_with_a_warning_in_plain_words():
    answers = {"E1.1": 0, "E1.2": 0, "E2.1": 0}
    context = Context(needs=("impots",), goals={"impots": "A4"}, equipment=("ordinateur",))
    need = RECOMMENDER.recommend(_result(answers), context).needs[0]
    assert need.goal == "A4" and need.current in ("A0", "A1")
    assert need.warning and "petites étapes" in need.warning
    assert need.modality == "peer_training"


def test_without_a_device_the_proposal_is_help_near_home_not_workshops():
    answers = {"E1.1": 2, "E1.2": 2, "E2.1": 2}
    context = Context(needs=("sante",), goals={"sante": "A3"}, equipment=("aucun",))
    need = RECOMMENDER.recommend(_result(answers), context).needs[0]
    assert need.steps == () and need.modality == "orientation"
    assert need.goal == "A3"  # kept; the warning says how to get there
    assert need.warning and "appareil" in need.warning


def test_a_wish_for_delegation_gets_places_and_aidants():
    answers = {"E1.1": 3, "E1.2": 3, "E2.1": 3}
    context = Context(needs=("impots",), goals={"impots": "A0"}, equipment=("smartphone",))
    need = RECOMMENDER.recommend(_result(answers), context).needs[0]
    assert need.modality == "delegation" and need.steps == ()
    assert any("Aidants Connect" in w.text for w in need.why)


def test_the_person_who_prefers_one_to_one_gets_it_for_doing_alone():
    answers = {"E1.1": 3, "E1.2": 3, "E2.1": 1}
    alone = Context(needs=("telephone",), goals={"telephone": "A3"}, equipment=("smartphone",))
    assert RECOMMENDER.recommend(_result(answers), alone).needs[0].modality == "collective"
    one_to_one = alone.model_copy(update={"preference": "individual"})
    need = RECOMMENDER.recommend(_result(answers), one_to_one).needs[0]
    assert need.modality == "individual"
    assert any(w.rule == "MOD-A2" and "Vous préférez" in w.text for w in need.why)


def test_no_session_fits_then_resources_and_places():
    answers = {"E1.1": 3, "E1.2": 3, "E2.1": 1}
    context = Context(needs=("telephone",), goals={"telephone": "A3"}, equipment=("smartphone",))
    too_hard = SessionOption(
        id="s1",
        workshop_id="w",
        title="Internet, niveau 2",
        starts_at=START,
        ends_at=START,
        modality="collective",
        competence="E2",
        entry=2,
        exit=3,
        free_seats=5,
    )
    step = RECOMMENDER.recommend(_result(answers), context, {"E2": [too_hard]}).needs[0].steps[0]
    assert step.sessions == ()
    assert step.resources and step.why[-1].rule == "GF-NIVEAU"


def test_explanations_in_english_hold_no_french_sentence():
    english = localized(REF, "en")
    shared = {c.plain_label for c in english.competences} | {n.label for n in english.needs}
    french = [t.fr.split("{")[0] for t in RULES.texts.values()]
    french += [c.plain_label for c in REF.competences] + [n.label for n in REF.needs]
    french += [a.label for a in REF.autonomy_levels]
    french = [f for f in french if f.strip() and f not in shared]
    answers = {"E1.1": 1, "E1.2": 1, "E2.1": 0}
    for need in [n.code for n in REF.needs]:
        for goal in AUTONOMY_ORDER:
            context = Context(needs=(need,), goals={need: goal}, language="en")
            for why in _whys(RECOMMENDER.recommend(_result(answers), context).needs[0]):
                assert not [f for f in french if f in why.text], why.text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(answer_sets, contexts()), min_size=2, max_size=6), models)
def test_people_alike_share_proposals_without_changing_anyone(people, model):
    """A recommender that met other people first proposes exactly what a new one does."""
    seasoned = Recommender(REF, RULES, model)
    for answers, context in people:
        result = score(REF, answers)
        assert seasoned.recommend(result, context) == Recommender(REF, RULES, model).recommend(
            result, context
        )


@settings(max_examples=60, deadline=None)
@given(answer_sets, contexts())
def test_a_step_written_by_a_mediator_gets_the_kind_the_rules_give_the_person(answers, context):
    """What the recommender proposes, a mediator writing the same step gets the same kind of
    workshop: both read the person's levels through the same triggers."""
    result = score(REF, answers)
    levels = _levels(result)
    for need in RECOMMENDER.recommend(result, context).needs:
        for step in need.steps:
            kind = RECOMMENDER.kind_for(step.competence, step.from_level, step.to_level, levels)
            assert kind == step.kind


def test_doing_procedures_without_internet_and_search_acquired_is_accompanied():
    """DEC-C3 asks both prerequisites, DEC-C3-AVEC half: the mediator's step follows them."""
    alone = RECOMMENDER.kind_for("C3", 1, 2, {"E2": 2, "I1": 3})
    half = RECOMMENDER.kind_for("C3", 1, 2, {"E2": 2, "I1": 0})
    assert (alone, half) == ("demarches", "demarches_accompagnees")
    assert RECOMMENDER.kind_for("C3", 1, 2) == "demarches"  # nothing known: the first one


def test_three_dates_of_one_workshop_do_not_hide_another_workshop():
    answers = {"E1.1": 3, "E1.2": 3, "E2.1": 1}
    context = Context(needs=("telephone",), goals={"telephone": "A3"}, equipment=("smartphone",))

    def session(n: int, workshop: str) -> SessionOption:
        return SessionOption(
            id=f"s{n}",
            workshop_id=workshop,
            title=workshop,
            starts_at=START + timedelta(days=n),
            ends_at=START + timedelta(days=n, hours=2),
            modality="collective",
            competence="E2",
            entry=0,
            exit=3,
            free_seats=5,
        )

    found = [session(1, "a"), session(2, "a"), session(3, "a"), session(4, "b")]
    step = RECOMMENDER.recommend(_result(answers), context, {"E2": found}).needs[0].steps[0]
    assert [s.id for s in step.sessions] == ["s1", "s2", "s4"]  # in the search's order
    only_one = RECOMMENDER.recommend(_result(answers), context, {"E2": found[:3]})
    assert [s.id for s in only_one.needs[0].steps[0].sessions] == ["s1", "s2", "s3"]
