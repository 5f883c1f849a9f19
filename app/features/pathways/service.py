"""A diagnostic's proposal: the recommender's plan, the sessions and places found near the
person by the offer's search, and what is kept of it (the proposal as shown, the pathway per
need, the feedback on it).

The recommender (``pathways.recommend``) is pure; here are the database's parts: the
searches it asks for, the rows. A pathway a mediator decided on is never rewritten by a new
proposal, nor are steps already booked or done.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from time import monotonic
from typing import Any
from urllib.parse import urlencode
from uuid import UUID, uuid4
from weakref import WeakKeyDictionary

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.engine import one_statement
from app.db.models import (
    Diagnostic,
    DiagnosticStatus,
    FeedbackKind,
    Pathway,
    PathwayFeedback,
    PathwayStep,
    Recommendation,
    StepStatus,
)
from app.db.models import PathwayModel as PathwayModelRow
from app.features.diagnostics import recommender_for, referential_of, result_of
from app.features.finding import (
    FoundSession,
    SearchCriteria,
    places_near,
    search_sessions,
)
from app.territories import as_typed, communes, display_name
from pathways.model import ModelError, PathwayModel
from pathways.models import (
    RECOMMENDATION_ADAPTER,
    Context,
    PlaceOption,
    SessionOption,
)
from pathways.models import Recommendation as Proposed
from pathways.recommend import Recommender, SessionQuery
from pathways.rules import load_rules
from referentiel.models import Referential
from referentiel.scoring import DiagnosticResult

DEFAULT_KM = 20  # how far sessions are looked for when the person said nothing
PLACES_KM = 30  # a place to ask for help may be a little further than a workshop
SESSIONS_SEARCHED = 12  # per step: the recommender keeps 3 among those its rules allow
PLACES_KEPT = 3


ACTIVE_MODEL_SECONDS = 60.0  # how long a process trusts its answer to « which model is on? »


async def _active_model(db: AsyncSession) -> tuple[str, str] | None:
    """The version and rules version of the model in service, asked of the database at most
    once a minute per engine rather than for every proposal: a model switched on by
    `parcours model train` is used by a running service within a minute."""
    now = monotonic()
    engine = db.bind
    kept = _ACTIVE.get(engine)
    if kept is not None and kept[0] > now:
        return kept[1]
    row = (
        await db.execute(
            select(PathwayModelRow.version, PathwayModelRow.rules_version)
            .where(PathwayModelRow.active.is_(True))
            .order_by(PathwayModelRow.trained_at.desc())
            .limit(1)
        )
    ).first()
    active = None if row is None else (row.version, row.rules_version)
    _ACTIVE[engine] = (now + ACTIVE_MODEL_SECONDS, active)
    return active


_ACTIVE: WeakKeyDictionary[object, tuple[float, tuple[str, str] | None]] = WeakKeyDictionary()


async def recommender(db: AsyncSession, ref: Referential) -> Recommender:
    """The rules, and the active trained model when it was trained for these rules and this
    referential (otherwise the rules alone: a model is never used outside what it learnt)."""
    active = await _active_model(db)
    if active is None or active[1] != load_rules().version:
        return recommender_for(ref.version)
    key = (ref.version, active[0])
    if key not in _WITH_MODEL:
        body = await db.scalar(
            select(PathwayModelRow.body).where(PathwayModelRow.version == active[0])
        )
        try:
            model = PathwayModel.from_json(body, ref)
        except ModelError:  # learnt for another referential: the rules alone
            _WITH_MODEL[key] = recommender_for(ref.version)
        else:
            _WITH_MODEL[key] = Recommender(ref, load_rules(), model)
    return _WITH_MODEL[key]


_WITH_MODEL: dict[tuple[str, str], Recommender] = {}  # a model's JSON is read once per process


def _options(found: FoundSession, query: SessionQuery) -> SessionOption | None:
    levels = {code: (entry, exit_) for code, entry, exit_ in found.workshop.levels}
    if query.competence not in levels:
        return None
    entry, exit_ = levels[query.competence]
    place = found.place
    return SessionOption(
        id=str(found.id),
        workshop_id=str(found.workshop.id),
        title=found.workshop.title,
        starts_at=found.starts_at,
        ends_at=found.ends_at,
        modality=found.workshop.modality.value,
        competence=query.competence,
        entry=entry,
        exit=exit_,
        free_seats=found.free_seats,
        distance_km=None if place is None else place.distance_km,
        place=None if place is None else place.name,
        commune=None if place is None else place.commune,
    )


def _wants_places(recommendation: Proposed) -> bool:
    """Places near home are shown for help (A0, A1) and where no session fits a step."""
    return any(
        need.modality in ("delegation", "orientation") or any(not s.sessions for s in need.steps)
        for need in recommendation.needs
    )


@dataclass(frozen=True)
class Found:
    """A recommendation with what the pages need besides it: the sessions as the search
    found them (for their cards), by id."""

    recommendation: Proposed
    sessions: Mapping[str, FoundSession]


async def recommend(
    db: AsyncSession, ref: Referential, result: DiagnosticResult, context: Context
) -> Found:
    """Plan, search what the plan asks near the person (only sessions with free seats), and
    let the recommender keep what its rules allow."""
    engine = await recommender(db, ref)
    plan = engine.plan(result, context)
    insee = context.commune if context.commune in communes() else None
    km = context.max_km or DEFAULT_KM
    by_competence: dict[str, list[SessionOption]] = {}
    shown: dict[str, FoundSession] = {}
    # one search for every competence, each at the highest starting level a step of it has
    queries = {q.competence: q for q in sorted(plan.queries, key=lambda q: q.max_entry)}
    if queries:
        criteria = SearchCriteria(
            commune=insee,
            competences=tuple(queries),
            modality=None if insee else "remote",  # nowhere to measure from: online only
            distance_km=km,
            limit=SESSIONS_SEARCHED * len(queries),
        )
        for found in await search_sessions(db, criteria):
            for query in queries.values():
                option = _options(found, query)
                if option is not None and option.entry <= query.max_entry:
                    by_competence.setdefault(query.competence, []).append(option)
                    shown[option.id] = found
    recommendation = engine.complete(plan, by_competence)
    if insee is not None and _wants_places(recommendation):
        near = await places_near(
            db,
            communes()[insee],
            services=(),
            radius_km=max(km, PLACES_KM),
            limit=PLACES_KEPT,
        )
        places = [
            PlaceOption(
                id=str(n.place.id),
                name=n.place.name,
                address=n.place.address,
                commune=display_name(n.place.commune_insee) or n.place.commune_insee,
                distance_km=None if n.distance_km is None else round(n.distance_km, 1),
                services=tuple(n.place.services),
            )
            for n in near
        ]
        recommendation = engine.complete(plan, by_competence, places)
    kept = {s.id for n in recommendation.needs for step in n.steps for s in step.sessions}
    return Found(recommendation, {i: shown[i] for i in kept})


@dataclass(frozen=True)
class Proposal:
    """A diagnostic's proposal as its pages show it, and the links around it."""

    found: Found
    recommendation_id: UUID | None
    diagnostic_id: UUID
    commune: str | None  # « Bourges (18000) »
    help_path: str
    search_path: str
    person_id: UUID | None = None  # on a mediator's page: seats are taken for the person

    @property
    def needs(self) -> Any:
        return self.found.recommendation.needs

    def booking_path(self, session_id: str) -> str:
        return f"/ateliers/{session_id}/reserver?{urlencode({'diagnostic': self.diagnostic_id})}"

    def session(self, session_id: str) -> FoundSession:
        return self.found.sessions[session_id]


def body_of(recommendation: Proposed) -> dict[str, Any]:
    body: dict[str, Any] = RECOMMENDATION_ADAPTER.dump_python(recommendation, mode="json")
    return body


async def propose(db: AsyncSession, diagnostic: Diagnostic, language: str) -> Proposal:
    """The diagnostic's proposal, kept: the recommendation as shown (a new row only when what
    is shown changed), and the pathway of each need."""
    ref = referential_of(diagnostic)
    goals = await chosen_goals(db, diagnostic)
    context = Context.of_diagnostic(diagnostic.context, goals, language=language)
    found = await recommend(db, ref, result_of(diagnostic), context)
    shown = await _keep_shown(db, diagnostic, context, found.recommendation)
    await _keep_pathways(db, diagnostic, shown, found.recommendation)
    await db.commit()  # before the response: the browser's session is written beside it
    typed = as_typed(context.commune) if context.commune in communes() else ""
    query = [("commune", typed)] if typed else []
    query += [
        ("apprendre", step.competence) for need in found.recommendation.needs for step in need.steps
    ]
    query.append(("diagnostic", str(diagnostic.id)))
    return Proposal(
        found,
        shown,
        diagnostic.id,
        communes()[context.commune].display if typed and context.commune else None,
        "/aide-pres-de-chez-moi" + (f"?{urlencode({'commune': typed})}" if typed else ""),
        f"/ateliers?{urlencode(query)}",
    )


async def chosen_goals(db: AsyncSession, diagnostic: Diagnostic) -> dict[str, str]:
    """The goals the person chose: at the end of the diagnostic, or later on its result (kept
    in the pathway, the finished diagnostic never changes), or as a mediator decided."""
    pathways = await pathways_of(db, diagnostic.id)
    later = {need: p.goal for need, p in pathways.items() if p.decided_at is not None}
    return {**diagnostic.goals, **later}


async def change_goals(
    db: AsyncSession, diagnostic: Diagnostic, goals: Mapping[str, str], language: str
) -> None:
    """The person changes goals on their result: each pathway takes the new goal (and the
    next proposal its steps); the change is feedback too (what was proposed, what they
    chose)."""
    await propose(db, diagnostic, language)
    pathways = await pathways_of(db, diagnostic.id)
    for need, goal in goals.items():
        pathway = pathways.get(need)
        if pathway is None or pathway.decided_by is not None or goal == pathway.goal:
            continue
        value = {"goal": goal, "was": pathway.goal, "proposed": pathway.proposed_goal}
        pathway.goal, pathway.decided_at = goal, datetime.now(UTC)
        await record_feedback(db, diagnostic, need, FeedbackKind.RESIDENT, value)
    await db.commit()


async def latest_shown(db: AsyncSession, diagnostic_id: UUID) -> Recommendation | None:
    found: Recommendation | None = await db.scalar(
        select(Recommendation)
        .where(Recommendation.diagnostic_id == diagnostic_id)
        .order_by(Recommendation.created_at.desc(), Recommendation.id.desc())
        .limit(1)
    )
    return found


async def _keep_shown(
    db: AsyncSession, diagnostic: Diagnostic, context: Context, recommendation: Proposed
) -> UUID | None:
    if not recommendation.needs:
        return None
    body = body_of(recommendation)
    last = await latest_shown(db, diagnostic.id)
    if last is not None and last.body == body:
        return last.id
    row = Recommendation(
        diagnostic_id=diagnostic.id,
        person_id=diagnostic.person_id,
        structure_id=diagnostic.structure_id,
        rules_version=recommendation.rules_version,
        model_version=recommendation.model_version,
        context=context.model_dump(mode="json"),
        body=body,
    )
    db.add(row)
    await db.flush()
    return row.id


async def pathways_of(db: AsyncSession, diagnostic_id: UUID) -> dict[str, Pathway]:
    found = await db.scalars(select(Pathway).where(Pathway.diagnostic_id == diagnostic_id))
    return {p.need: p for p in found}


async def steps_of(db: AsyncSession, pathway_ids: Sequence[UUID]) -> dict[UUID, list[PathwayStep]]:
    found = await db.scalars(
        select(PathwayStep)
        .where(PathwayStep.pathway_id.in_(list(pathway_ids)))
        .order_by(PathwayStep.pathway_id, PathwayStep.position)
    )
    steps: dict[UUID, list[PathwayStep]] = {i: [] for i in pathway_ids}
    for step in found:
        steps[step.pathway_id].append(step)
    return steps


def step_rows(
    pathway_id: UUID, steps: Sequence[Any], origin: str = "proposed"
) -> list[dict[str, Any]]:
    """Rows of ``PathwayStep`` for the recommender's steps (or a mediator's, same fields)."""
    return [
        {
            "id": uuid4(),
            "pathway_id": pathway_id,
            "position": position,
            "competence": step.competence,
            "from_level": step.from_level,
            "to_level": step.to_level,
            "kind": step.kind,
            "modality": step.modality,
            "status": StepStatus.PROPOSED,
            "origin": origin,
        }
        for position, step in enumerate(steps)
    ]


async def _keep_pathways(
    db: AsyncSession, diagnostic: Diagnostic, shown: UUID | None, recommendation: Proposed
) -> None:
    """One pathway per need: created from the proposal, followed by it while nobody decided
    and no step moved on (a goal changed on the result page changes its steps)."""
    existing = await pathways_of(db, diagnostic.id)
    steps = await steps_of(db, [p.id for p in existing.values()])
    for need in recommendation.needs:
        pathway = existing.get(need.need)
        if pathway is None:
            pathway_id = uuid4()
            values = {
                "id": pathway_id,
                "diagnostic_id": diagnostic.id,
                "person_id": diagnostic.person_id,
                "recommendation_id": shown,
                "need": need.need,
                "current": need.current,
                "proposed_goal": need.proposed_goal,
                "goal": need.goal,
                "modality": need.modality,
            }
            try:
                async with one_statement(db):
                    await db.execute(insert(Pathway).values(values))
            except IntegrityError:  # another request for the same result made it first
                continue
            if need.steps:
                await db.execute(insert(PathwayStep), step_rows(pathway_id, need.steps))
            continue
        moved = any(s.status != StepStatus.PROPOSED for s in steps[pathway.id])
        if pathway.decided_by is not None or moved:
            continue
        pathway.recommendation_id = shown
        pathway.current, pathway.proposed_goal = need.current, need.proposed_goal
        pathway.goal, pathway.modality = need.goal, need.modality
        await db.execute(delete(PathwayStep).where(PathwayStep.pathway_id == pathway.id))
        if need.steps:
            await db.execute(insert(PathwayStep), step_rows(pathway.id, need.steps))
    await db.flush()


async def record_feedback(
    db: AsyncSession,
    diagnostic: Diagnostic,
    need: str,
    kind: FeedbackKind,
    value: Mapping[str, Any],
    *,
    by: UUID | None = None,
) -> PathwayFeedback:
    """What the person or a mediator said about the proposal for ``need``, tied to the
    proposal last shown (training data: who, when, about what)."""
    shown = await latest_shown(db, diagnostic.id)
    row = PathwayFeedback(
        recommendation_id=None if shown is None else shown.id,
        diagnostic_id=diagnostic.id,
        person_id=diagnostic.person_id,
        need=need,
        kind=kind,
        value=dict(value),
        by_user_id=by,
        at=datetime.now(UTC),
    )
    db.add(row)
    await db.commit()
    return row


@dataclass(frozen=True)
class Words:
    """The rules' words for kinds of workshop and modalities, in the page's language."""

    language: str

    def modality(self, modality: str) -> str:
        return load_rules().modality_words[modality].get(self.language)  # type: ignore[index]

    def kind(self, kind: str) -> str:
        return load_rules().kind(kind).label.get(self.language)


async def last_finished(db: AsyncSession, person_id: UUID, most: int) -> list[Diagnostic]:
    """The person's last ``most`` finished diagnostics, the latest first (a corrected one in
    its latest version)."""
    replaced = select(Diagnostic.supersedes_id).where(Diagnostic.supersedes_id.is_not(None))
    found = await db.scalars(
        select(Diagnostic)
        .where(
            Diagnostic.person_id == person_id,
            Diagnostic.status == DiagnosticStatus.COMPLETED,
            Diagnostic.id.not_in(replaced),
        )
        .order_by(Diagnostic.completed_at.desc(), Diagnostic.id.desc())
        .limit(most)
    )
    return list(found)


async def latest_finished(db: AsyncSession, person_id: UUID) -> Diagnostic | None:
    found = await last_finished(db, person_id, 1)
    return found[0] if found else None


@dataclass(frozen=True)
class Decision:
    """A mediator's decision for one need (``DecisionIn``, checked)."""

    need: str
    kind: FeedbackKind
    goal: str | None = None
    modality: str | None = None
    steps: Sequence[Any] | None = None  # each with competence, from_level, to_level, kind, modality


class DecisionError(ValueError):
    """Decisions that name what the pathway does not have, in French, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _snapshot(pathway: Pathway, steps: Sequence[PathwayStep]) -> dict[str, Any]:
    return {
        "goal": pathway.goal,
        "modality": pathway.modality,
        "steps": [
            {"competence": s.competence, "from": s.from_level, "to": s.to_level, "kind": s.kind}
            for s in steps
        ],
    }


async def decide(
    db: AsyncSession, diagnostic: Diagnostic, decisions: Sequence[Decision], by: UUID
) -> None:
    """Store a mediator's decisions: the pathway takes them (who, when), steps booked or done
    stay first, and each decision is feedback with the pathway before and after. All or
    nothing: DecisionError names every need the pathway does not have."""
    pathways = await pathways_of(db, diagnostic.id)
    unknown = [d.need for d in decisions if d.need not in pathways]
    if unknown:
        raise DecisionError(
            [f"« {need} » : ce besoin n'est pas dans le parcours." for need in unknown]
        )
    steps = await steps_of(db, [p.id for p in pathways.values()])
    now = datetime.now(UTC)
    for decision in decisions:
        pathway = pathways[decision.need]
        before = _snapshot(pathway, steps[pathway.id])
        pathway.goal = decision.goal or pathway.goal
        pathway.modality = decision.modality or pathway.modality
        pathway.decided_by, pathway.decided_at = by, now
        if decision.steps is not None:
            await _replace_steps(db, pathway, steps[pathway.id], decision.steps)
        await db.flush()
        after = await steps_of(db, [pathway.id])
        value = {"before": before, "after": _snapshot(pathway, after[pathway.id])}
        shown = await latest_shown(db, diagnostic.id)
        db.add(
            PathwayFeedback(
                recommendation_id=None if shown is None else shown.id,
                diagnostic_id=diagnostic.id,
                person_id=diagnostic.person_id,
                need=decision.need,
                kind=decision.kind,
                value=value,
                by_user_id=by,
                at=now,
            )
        )
    await db.flush()


async def _replace_steps(
    db: AsyncSession, pathway: Pathway, current: Sequence[PathwayStep], new: Sequence[Any]
) -> None:
    """Steps booked or done stay (first, in their order); the others give way to ``new``."""
    kept = [s for s in current if s.status in (StepStatus.BOOKED, StepStatus.DONE)]
    gone = [s.id for s in current if s not in kept]
    if gone:
        await db.execute(delete(PathwayStep).where(PathwayStep.id.in_(gone)))
    for position, step in enumerate(kept):  # each moves down into a freed position
        if step.position != position:
            step.position = position
            await db.flush()
    rows = step_rows(pathway.id, new, origin="mediator")
    for row in rows:
        row["position"] += len(kept)
    if rows:
        await db.execute(insert(PathwayStep), rows)


@dataclass(frozen=True)
class Change:
    """One line of « avant / maintenant »: a domain's level, or a need's autonomy."""

    code: str
    before: int | str | None
    after: int | str | None


@dataclass(frozen=True)
class Progress:
    """What changed between the person's last two finished diagnostics."""

    before: Diagnostic
    after: Diagnostic
    domains: tuple[Change, ...]
    needs: tuple[Change, ...]


async def progress_of(db: AsyncSession, person_id: UUID) -> Progress | None:
    """Before and after per domain and per need (the needs of either diagnostic), when the
    person has two finished diagnostics (a corrected one counts in its latest version)."""
    found = await last_finished(db, person_id, 2)
    if len(found) < 2:
        return None
    after, before = found
    was, now = result_of(before), result_of(after)
    levels_before = {d.code: d.level for d in was.domains}
    domains = tuple(Change(d.code, levels_before.get(d.code), d.level) for d in now.domains)
    needs = dict.fromkeys([*before.context.get("needs", []), *after.context.get("needs", [])])
    autonomy_before = {a.need: a.level for a in was.autonomy}
    autonomy_after = {a.need: a.level for a in now.autonomy}
    return Progress(
        before,
        after,
        domains,
        tuple(Change(n, autonomy_before.get(n), autonomy_after.get(n)) for n in needs),
    )
