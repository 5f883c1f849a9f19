"""The recommender: for each need a person names, where they are, the goal, how, and at most
three steps, each with sessions near them; every element says why.

Rules decide (``data/rules.yaml``); a trained model (:class:`Model`) may only lower a
self-reported level within ``guardrails.model_lowers_at_most`` (never below what evidence
proves) and reorder sessions the rules already allow. Both happen here, so no model can
break a guardrail.

Recommending is two calls, because sessions live in the app's database: :meth:`Recommender.plan`
returns the proposal without sessions and the searches to run (:class:`SessionQuery`), then
:meth:`Recommender.complete` filters and ranks what the app found.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from pathways.models import (
    Context,
    Modality,
    NeedProposal,
    PlaceOption,
    Recommendation,
    Resource,
    SessionOption,
    Step,
    TriggerState,
    Why,
)
from pathways.rules import Rules, TextKey, Trigger
from referentiel.adaptive import first_unanswered
from referentiel.i18n import LANGUAGES, localized
from referentiel.masks import AUTONOMY_ORDER, AutonomyCode
from referentiel.models import Referential
from referentiel.scoring import DiagnosticResult

DEVICES = frozenset({"smartphone", "tablette", "ordinateur"})
# Which kinds of session serve a step's modality (the catalogue's workshop modalities).
SESSION_MODALITIES: dict[Modality, tuple[str, ...]] = {
    "individual": ("individual",),
    "collective": ("collective", "remote"),
    "self_study": ("self_study", "remote"),
    "peer_training": ("collective",),
    "delegation": (),
    "orientation": (),
}
GOAL_DEFAULT = 2  # a trigger's goal competence that the goal does not name: « seul »
_CACHED = 100_000  # proposals and explanation sentences kept ready; beyond, made each time
_A1 = AUTONOMY_ORDER.index("A1")
_A3 = AUTONOMY_ORDER.index("A3")


class Model(Protocol):
    """What the recommender asks of a trained model (``pathways.model``)."""

    version: str

    def placement(self, result: DiagnosticResult, context: Context) -> Mapping[str, int]:
        """Per competence, a level the person very probably has."""
        ...

    def session_chances(
        self,
        result: DiagnosticResult,
        context: Context,
        competence: str,
        from_level: int,
        sessions: Sequence[SessionOption],
    ) -> Sequence[float]:
        """Per session, the chance that the person attends and passes the exit check."""
        ...


@dataclass(frozen=True, slots=True)
class SessionQuery:
    """A search the app runs: sessions raising ``competence`` that ask at most ``max_entry``."""

    competence: str
    max_entry: int
    modalities: tuple[str, ...]
    themes: tuple[str, ...]


@dataclass(slots=True)
class Plan:
    """A proposal before sessions are attached, and the searches that would bring them.

    ``needs`` are shared between people alike: their reasons name competences rather than
    this person's answers (see :meth:`Recommender._cited`).
    """

    needs: tuple[NeedProposal, ...]
    queries: tuple[SessionQuery, ...]
    result: DiagnosticResult
    context: Context
    recommender: Recommender

    @property
    def recommendation(self) -> Recommendation:
        """The proposal as it stands, without sessions, places or resources."""
        return self.recommender.finished(
            self,
            [
                (n, tuple((s, s.sessions, s.resources, s.places, ()) for s in n.steps), n.places)
                for n in self.needs
            ],
        )


@dataclass(slots=True)
class _Person:
    """What every need of one recommendation reads."""

    result: DiagnosticResult
    context: Context
    levels: Levels
    lowered: Mapping[str, int]  # competence -> the declared level a model lowered
    labels: _Labels
    no_device: bool


_Search = tuple[tuple[str, int, Modality], SessionQuery]  # a search and what tells it apart
Levels = Mapping[str, int | None]  # a competence's level as the pathway uses it; None: unknown
# A step and what completes it for one person: its sessions, or else resources and places,
# and the reasons that adds.
Completion = tuple[
    Step, tuple[SessionOption, ...], tuple[Resource, ...], tuple[PlaceOption, ...], tuple[Why, ...]
]


class Recommender:
    """Built once per referential, rules and model: everything they fix is computed here."""

    def __init__(self, ref: Referential, rules: Rules, model: Model | None = None) -> None:
        self.ref = ref
        self.rules = rules
        self.model = model
        self._order = {c: i for i, c in enumerate(ref.prerequisite_order)}
        self._requires = {n.code: dict(n.requires) for n in ref.needs}
        self._need_index = {n.code: i for i, n in enumerate(ref.needs)}
        self._goal_rules = {g.goal: g for g in rules.goal_levels}
        self._prerequisites = {p.competence: p for p in rules.prerequisites}
        self._triggers: dict[str, tuple[Trigger, ...]] = {}
        for trigger in rules.triggers:
            self._triggers[trigger.competence] = (
                *self._triggers.get(trigger.competence, ()),
                trigger,
            )
        self._tubes = {c.code: tuple(i.id for i in ref.tube(c.code)) for c in ref.competences}
        # the items of the competences a reason names, in tube order (few such tuples exist)
        self._flat_tubes: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._kinds = {k.id: k for k in rules.kinds}
        self._resources = {
            k.id: tuple(Resource(r.title, r.url) for r in k.resources) for k in rules.kinds
        }
        self._modalities: dict[tuple[AutonomyCode, str | None], tuple[str, Modality]] = {}
        self._targeted: dict[tuple[str, AutonomyCode], tuple[str, Mapping[str, int]]] = {}
        self._capped: dict[tuple[str, AutonomyCode], tuple[tuple[str, ...], tuple[int, ...]]] = {}
        self._labels = {lang: _Labels(localized(ref, lang), rules, lang) for lang in LANGUAGES}
        self._french = self._labels["fr"]
        # A need's proposal depends only on what its key holds: people alike share one, with
        # the searches its steps ask for (by what tells them apart).
        self._memo: dict[tuple[object, ...], tuple[NeedProposal, tuple[_Search, ...]]] = {}
        self._queries: dict[tuple[str, int, Modality], SessionQuery] = {}
        # A need's steps, by need, goal, modality, language and levels (see _need).
        self._steps_memo: dict[
            tuple[object, ...], tuple[tuple[Step, ...], tuple[str, ...], tuple[Why, ...]]
        ] = {}

    def _caps(self, need: str, goal: AutonomyCode) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """Every competence a proposal for ``need`` and ``goal`` may read (its requirements,
        their prerequisites and what their triggers read, over and over), each with the
        highest level any rule compares it to: above it, levels make no difference, so
        people who differ only there share one proposal."""
        found = self._capped.get((need, goal))
        if found is not None:
            return found
        _, targets = self._targets(need, goal)
        caps = dict.fromkeys(targets, 0)
        pending = list(targets)
        while pending:
            code = pending.pop()
            read = (
                [(c, lvl) for c, lvl in self._prerequisites[code].requires.items()]
                if (code in self._prerequisites)
                else []
            )
            for trigger in self._triggers.get(code, ()):
                read += trigger.prerequisite.levels.items()
                read += [(c, targets.get(c, GOAL_DEFAULT)) for c in trigger.goal.competences]
            for other, level in read:
                if other not in caps:
                    caps[other] = 0
                    pending.append(other)
                caps[other] = max(caps[other], level)
        for code, target in targets.items():
            caps[code] = max(caps[code], target)
        ordered = sorted(caps.items(), key=lambda c: self._order[c[0]])
        found = tuple(c for c, _ in ordered), tuple(cap for _, cap in ordered)
        self._capped[need, goal] = found
        return found

    # -- the plan -----------------------------------------------------------------------

    def plan(self, result: DiagnosticResult, context: Context) -> Plan:
        levels: Levels | None = None  # each competence's level, read on a first meeting
        lowered: Mapping[str, int] = {}
        if self.model is None:
            known = {s.code: -1 if s.level is None else s.level for s in result.competences}
        else:
            levels, lowered = self._levels(result, context)
            known = {c: -1 if lvl is None else lvl for c, lvl in levels.items()}
        labels = self._labels.get(context.language) or self._french
        # « Rien de tout cela », or only a connection: no device. Nothing ticked says nothing.
        no_device = bool(context.equipment) and DEVICES.isdisjoint(context.equipment or ())
        person = None  # built on a first meeting only
        needs: list[NeedProposal] = []
        queries: dict[tuple[str, int, Modality], SessionQuery] = {}
        autonomy = result.autonomy  # in the referential's order of needs
        goals = context.goals
        for need in dict.fromkeys(context.needs):
            if need not in self._requires:
                continue
            index = self._need_index[need]
            at = autonomy[index] if index < len(autonomy) else None
            current = at.level if at is not None and at.need == need else result.need(need)
            wish = goals.get(need)
            goal = wish or _proposed(current, no_device)
            levels_key: tuple[int, ...] = ()
            if not no_device and goal not in ("A0", "A1"):
                # then levels matter, as far as a proposal tells them apart: up to a cap (see
                # _caps), -1 when unknown, +10 when a model lowered them
                codes, caps = self._capped.get((need, goal)) or self._caps(need, goal)
                levels_key = tuple(map(min, map(known.__getitem__, codes), caps))
                if lowered:
                    levels_key = tuple(
                        lvl + 10 if c in lowered else lvl
                        for c, lvl in zip(codes, levels_key, strict=True)
                    )
            key = (need, wish, current, no_device, context.preference, labels.lang, *levels_key)
            memoised = self._memo.get(key)
            if memoised is None:
                if person is None:
                    if levels is None:
                        levels = self._levels(result, context)[0]
                    person = _Person(result, context, levels, lowered, labels, no_device)
                made = self._need(need, current, person, levels_key)
                memoised = made, tuple(self._query(step) for step in made.steps)
                if len(self._memo) < _CACHED:  # beyond, the first met stay: no churn
                    self._memo[key] = memoised
            needs.append(memoised[0])
            if memoised[1]:
                queries.update(memoised[1])
        return Plan(tuple(needs), tuple(queries.values()), result, context, self)

    def _query(self, step: Step) -> _Search:
        """The search a step asks for, one object for every step alike, with what tells it
        apart from others (two steps of one person may ask for the same)."""
        key = (step.competence, step.from_level, step.modality)
        query = self._queries.get(key)
        if query is None:
            query = SessionQuery(
                step.competence,
                step.from_level,
                SESSION_MODALITIES[step.modality],
                self._kinds[step.kind].themes,
            )
            self._queries[key] = query
        return key, query

    def _levels(
        self, result: DiagnosticResult, context: Context
    ) -> tuple[dict[str, int | None], dict[str, int]]:
        """Each competence's level, and those a model lowered (with the declared level)."""
        levels = {s.code: s.level for s in result.competences}
        if self.model is None:
            return levels, {}
        proven = {e.competence for c in result.competences for e in c.evidence}
        placement = self.model.placement(result, context)
        most = self.rules.guardrails.model_lowers_at_most
        lowered = {}
        for code, level in levels.items():
            if level is not None and code in placement and code not in proven:
                # GF-MODELE: lower by at most `most`, never raise.
                cautious = max(level - most, min(level, placement[code]))
                if cautious < level:
                    levels[code], lowered[code] = cautious, level
        return levels, lowered

    def _cited(
        self,
        need: NeedProposal,
        steps: tuple[Completion, ...],
        places: tuple[PlaceOption, ...],
        cite: Callable[[Why], Why],
    ) -> NeedProposal:
        """A memoised proposal made this person's: each step built once with what completes
        it, and reasons citing their own answers (:meth:`finished`). Only the first reason of a
        need (where they are) and of a step (its level) cite answers."""
        return NeedProposal(
            need.need,
            need.current,
            need.proposed_goal,
            need.goal,
            need.modality,
            need.warning,
            tuple(
                [
                    Step(
                        s.competence,
                        s.from_level,
                        s.to_level,
                        s.kind,
                        s.modality,
                        found,
                        resources,
                        near,
                        s.status,
                        (cite(s.why[0]), *s.why[1:], *more),
                    )
                    for s, found, resources, near, more in steps
                ]
            )
            if steps
            else (),
            places,
            need.unresolved,
            (cite(need.why[0]), *need.why[1:]),
        )

    def _need(
        self, need: str, current: AutonomyCode, person: _Person, levels_key: tuple[int, ...]
    ) -> NeedProposal:
        """One need's proposal; its steps depend only on the goal, the modality and
        ``levels_key`` (the levels as far as rules tell them apart), so they are kept apart
        and shared between people whose wishes or autonomy today differ."""
        context, labels, no_device = person.context, person.labels, person.no_device
        rank = AUTONOMY_ORDER.index(current)
        proposed = _proposed(current, no_device)
        wish = context.goals.get(need)
        goal = wish or proposed
        requires = self._requires[need]
        why = [labels.why("current", tuple(requires), need=need, current=current)]
        why.append(
            labels.why("wish_kept", (), goal=goal)
            if wish
            else labels.why("proposed", (), goal=goal)
        )
        far = AUTONOMY_ORDER.index(goal) - rank >= self.rules.guardrails.far_goal
        warning = labels.text("far_goal", current=current) if far else None
        if no_device or goal in ("A0", "A1"):
            modality: Modality = "delegation" if goal == "A0" else "orientation"
            if no_device:
                why.append(labels.why("no_device"))
                if AUTONOMY_ORDER.index(goal) > _A1:
                    warning = labels.text("no_device")
            why.append(labels.why("delegation" if modality == "delegation" else "orientation"))
            return NeedProposal(need, current, proposed, goal, modality, warning, why=tuple(why))
        rule, modality = self._modality(goal, context)
        key: TextKey = "preference" if context.preference == modality else "modality"
        why.append(labels.why(key, (), rule=rule, goal=goal, modality=labels.modality(modality)))
        steps_key = (need, goal, modality, labels.lang, *levels_key)
        planned = self._steps_memo.get(steps_key)
        if planned is None:
            made, unresolved_made, why_made = self._steps(need, goal, modality, person)
            planned = tuple(made), unresolved_made, tuple(why_made)
            if len(self._steps_memo) < _CACHED:
                self._steps_memo[steps_key] = planned
        steps, unresolved, step_why = planned
        why.extend(step_why)
        if not steps and not unresolved:
            why.append(labels.why("already_there"))
        return NeedProposal(
            need,
            current,
            proposed,
            goal,
            modality,
            warning,
            steps,
            (),
            unresolved,
            tuple(why),
        )

    def _modality(self, goal: AutonomyCode, context: Context) -> tuple[str, Modality]:
        found = self._modalities.get((goal, context.preference))
        if found is None:
            serving = [m for m in self.rules.modalities if goal in m.serves]
            chosen = next((m for m in serving if m.modality == context.preference), serving[0])
            found = self._modalities[goal, context.preference] = chosen.id, chosen.modality
        return found

    def _targets(self, need: str, goal: AutonomyCode) -> tuple[str, Mapping[str, int]]:
        """The goal's rule and the level it asks of each competence the need requires (kept:
        callers only read it)."""
        found = self._targeted.get((need, goal))
        if found is None:
            rule = self._goal_rules[goal]
            requires = self._requires[need]
            targets = (
                dict(requires) if rule.level == "besoin" else dict.fromkeys(requires, rule.level)
            )
            found = self._targeted[need, goal] = rule.id, targets
        return found

    def _steps(
        self, need: str, goal: AutonomyCode, modality: Modality, person: _Person
    ) -> tuple[list[Step], tuple[str, ...], list[Why]]:
        levels, labels = person.levels, person.labels
        goal_rule, targets = self._targets(need, goal)
        gaps, added_by = self._gaps(targets, levels)
        why: list[Why] = []
        if gaps:
            why.append(
                labels.why(
                    "goal_level", (), rule=goal_rule, goal=goal, target=max(targets.values())
                )
            )
        steps: list[Step] = []
        unresolved: list[str] = []
        for code in sorted(gaps, key=self._order.__getitem__):
            if levels[code] is None:
                if code not in unresolved:
                    unresolved.append(code)
                    why.append(labels.why("unknown", (), competence=code))
                continue
            state, trigger = self._trigger(code, gaps, levels)
            if state == "unknown" and trigger is not None:
                # what is unknown is a competence the trigger reads, not this one
                for blocking in (*trigger.prerequisite.levels, *trigger.goal.competences):
                    if _unknown(levels, blocking) and blocking not in unresolved:
                        unresolved.append(blocking)
                        why.append(labels.why("unknown", (), competence=blocking))
            if trigger is None or state != "met":
                continue
            steps.append(
                self._step(
                    code,
                    trigger,
                    target=gaps[code],
                    modality=modality,
                    level=levels[code] or 0,
                    declared=person.lowered.get(code),
                    added_by=added_by,
                    labels=labels,
                )
            )
        most = self.rules.guardrails.max_steps
        if len(steps) > most:
            steps = steps[:most]
            why.append(labels.why("later"))
        return steps, tuple(unresolved), why

    def _gaps(
        self, targets: Mapping[str, int], levels: Levels
    ) -> tuple[dict[str, int], dict[str, tuple[str, str]]]:
        """The level each competence must reach: the goal's, and the prerequisites of what is
        to learn (with the rule that brought each one in, and what needs it)."""
        pending = [c for c in targets if _below(levels, c, targets[c])]
        gaps = {code: targets[code] for code in pending}
        added_by: dict[str, tuple[str, str]] = {}
        while pending:
            pending.sort(key=self._order.__getitem__)  # the earliest need names a prerequisite
            code = pending.pop(0)
            rule = self._prerequisites.get(code)
            if rule is None:
                continue
            for before, level in rule.requires.items():
                if _below(levels, before, level) and level > gaps.get(before, -1):
                    gaps[before] = level
                    added_by.setdefault(before, (rule.id, code))
                    pending.append(before)
        return gaps, added_by

    def _step(
        self,
        code: str,
        trigger: Trigger,
        *,
        target: int,
        modality: Modality,
        level: int,
        declared: int | None,
        added_by: Mapping[str, tuple[str, str]],
        labels: _Labels,
    ) -> Step:
        kind = self._kinds[trigger.kind]
        why = [
            labels.why(
                "step",
                (code,),
                rule=trigger.id,
                competence=code,
                level=level,
                target=target,
                kind=labels.kind(kind.id),
            )
        ]
        if code in added_by:
            rule_id, needing = added_by[code]
            why.append(
                labels.why("prerequisite", (), rule=rule_id, competence=code, requires=needing)
            )
        if declared is not None:
            why.append(labels.why("model_lower", (), competence=code, level=level))
        return Step(code, level, target, kind.id, modality, why=tuple(why))

    def kind_for(
        self, code: str, from_level: int, to_level: int, levels: Levels | None = None
    ) -> str:
        """The kind of workshop for a step a mediator writes (``code`` from ``from_level`` to
        ``to_level``) for a person with these ``levels``: the trigger the rules would pick,
        what is not known of other competences counting as unknown; the rules' first kind
        when none applies."""
        known = {**(levels or {}), code: from_level}
        _, trigger = self._trigger(code, {code: to_level}, known)
        if trigger is None:
            return self.rules.kinds[0].id
        return trigger.kind

    def _trigger(
        self, code: str, targets: Mapping[str, int], levels: Levels
    ) -> tuple[TriggerState, Trigger | None]:
        """The first trigger of ``code`` that is not « not met », and its state."""
        for trigger in self._triggers.get(code, ()):
            state = trigger_state(trigger, targets, levels)
            if state != "not_met":
                return state, trigger
        return "not_met", None

    def resolving_items(
        self, result: DiagnosticResult, context: Context, room: int | None = None
    ) -> tuple[str, ...]:
        """Questions that would settle triggers left unknown (GF-INCONNU): the first unasked
        question of each unassessed competence the person's pathways need, prerequisites
        first, at most ``room`` (the rules' ``resolve_items`` when not given)."""
        most = self.rules.guardrails.resolve_items if room is None else room
        unresolved = {
            c for n in self.plan(result, context).recommendation.needs for c in n.unresolved
        }
        ordered = sorted(unresolved, key=self._order.__getitem__)
        found = (first_unanswered(self.ref, c, result.answers) for c in ordered)
        return tuple(item.id for item in found if item is not None)[:most]

    # -- sessions and places ------------------------------------------------------------

    def complete(
        self,
        plan: Plan,
        sessions: Mapping[str, Sequence[SessionOption]],
        places: Sequence[PlaceOption] = (),
    ) -> Recommendation:
        """The plan with at most ``max_sessions`` sessions per step, each allowed by the rules
        (free seats, entry level not above the step's start, raising the competence), the
        modality that serves the goal first; resources and places when none fits."""
        labels = self._labels.get(plan.context.language) or self._french
        near = tuple(places[: self.rules.guardrails.max_sessions])
        completed = []
        for need in plan.needs:
            steps = (
                tuple(
                    [self._with_sessions(plan, step, sessions, near, labels) for step in need.steps]
                )
                if need.steps
                else ()
            )
            helping = near if need.modality in ("delegation", "orientation") else ()
            completed.append((need, steps, helping))
        return self.finished(plan, completed)

    def finished(
        self,
        plan: Plan,
        completed: Sequence[tuple[NeedProposal, tuple[Completion, ...], tuple[PlaceOption, ...]]],
    ) -> Recommendation:
        """The recommendation of ``plan``, each memoised need with its steps and places, and
        reasons citing the person's answers: a memoised reason names competences, and
        becomes the items this person answered for them, in tube order."""
        answers = plan.result.answers
        items_of: dict[tuple[str, ...], tuple[str, ...]] = {}

        def items(competences: tuple[str, ...]) -> tuple[str, ...]:
            found = items_of.get(competences)
            if found is None:
                tubes = self._flat_tubes.get(competences)
                if tubes is None:
                    tubes = tuple(i for c in competences for i in self._tubes[c])
                    self._flat_tubes[competences] = tubes
                found = tuple(filter(answers.__contains__, tubes))
                items_of[competences] = found
            return found

        def cite(reason: Why) -> Why:
            return (
                Why(reason.rule, reason.text, items(reason.answers)) if reason.answers else reason
            )

        # built anew for each person and let go with the answer: cheaper, garbage collection
        # included, than keeping them for people who answered the same questions
        needs = [self._cited(need, steps, places, cite) for need, steps, places in completed]
        model_version = self.model.version if self.model is not None else None
        return Recommendation(self.rules.version, model_version, tuple(needs))

    def _with_sessions(
        self,
        plan: Plan,
        step: Step,
        sessions: Mapping[str, Sequence[SessionOption]],
        near: tuple[PlaceOption, ...],
        labels: _Labels,
    ) -> Completion:
        fitting = SESSION_MODALITIES[step.modality]
        allowed = [s for s in sessions.get(step.competence, ()) if _allowed(s, step)]
        if not allowed:
            no_session = (labels.why("no_session"),)
            return step, (), self._resources[step.kind], near, no_session
        allowed.sort(key=lambda s: s.modality not in fitting)  # stable: the search's order
        ranked = False
        if self.model is not None:
            chances = self.model.session_chances(
                plan.result, plan.context, step.competence, step.from_level, allowed
            )
            scored = [replace(s, score=float(p)) for s, p in zip(allowed, chances, strict=True)]
            scored.sort(key=lambda s: (s.modality not in fitting, -(s.score or 0.0)))
            allowed, ranked = scored, True
        chosen = _varied(allowed, fitting, self.rules.guardrails.max_sessions)
        why = labels.why("sessions_ranked" if ranked else "sessions")
        return step, chosen, (), (), (why,)

    def recommend(
        self,
        result: DiagnosticResult,
        context: Context,
        sessions: Mapping[str, Sequence[SessionOption]] | None = None,
        places: Sequence[PlaceOption] = (),
    ) -> Recommendation:
        """:meth:`plan` then :meth:`complete`, when the sessions are already at hand."""
        return self.complete(self.plan(result, context), sessions or {}, places)


def _proposed(current: AutonomyCode, no_device: bool) -> AutonomyCode:
    """The next level above today's (OBJ-SUIVANT), at most « seul », or « où trouver de
    l'aide » without a device (GF-SANS-APPAREIL)."""
    rank = AUTONOMY_ORDER.index(current)
    return AUTONOMY_ORDER[max(rank, min(rank + 1, _A1 if no_device else _A3))]


def _varied(
    ranked: Sequence[SessionOption], fitting: tuple[str, ...], most: int
) -> tuple[SessionOption, ...]:
    """The first ``most`` of ``ranked``, one séance per workshop before a second date of any
    (three dates of one workshop would hide the others; the booking page shows every date),
    the goal's modality still first, in ``ranked``'s order."""
    seen: set[str] = set()
    keyed = []
    for index, session in enumerate(ranked):
        again = session.workshop_id in seen
        seen.add(session.workshop_id)
        keyed.append((session.modality not in fitting, again, index))
    picked = sorted(index for *_, index in sorted(keyed)[:most])
    return tuple(ranked[index] for index in picked)


def _unknown(levels: Levels, code: str) -> bool:
    return levels.get(code) is None


def _below(levels: Levels, code: str, target: int) -> bool:
    have = levels.get(code)
    return have is None or have < target


def _allowed(session: SessionOption, step: Step) -> bool:
    """GF-NIVEAU: a seat, a workshop that asks no more than the person has and raises it."""
    return (
        session.competence == step.competence
        and session.free_seats > 0
        and session.entry <= step.from_level < session.exit
    )


def _share(levels: Levels, wanted: Mapping[str, int]) -> tuple[float, float]:
    """The lowest and highest share of ``wanted`` reached, unknown levels counting either way."""
    if not wanted:
        return 1.0, 1.0
    reached = unknown = 0
    for code, level in wanted.items():
        have = levels.get(code)
        if have is None:
            unknown += 1
        elif have >= level:
            reached += 1
    return reached / len(wanted), (reached + unknown) / len(wanted)


def trigger_state(trigger: Trigger, targets: Mapping[str, int], levels: Levels) -> TriggerState:
    """Three-valued, like Pix's triggers but never counting « not assessed » as 0 %.

    The prerequisite part is met when the share of its competences at their level reaches
    the threshold; the goal part when the share of its competences at the targeted level
    stays below it. « unknown » when an unassessed competence could tip either part.
    """
    low, high = _share(levels, trigger.prerequisite.levels)
    threshold = trigger.prerequisite.threshold
    prerequisite = "met" if low >= threshold else "not_met" if high < threshold else "unknown"
    goal_levels = {c: targets.get(c, GOAL_DEFAULT) for c in trigger.goal.competences}
    low, high = _share(levels, goal_levels)
    threshold = trigger.goal.threshold
    goal = "met" if high < threshold else "not_met" if low >= threshold else "unknown"
    if "not_met" in (prerequisite, goal):
        return "not_met"
    return "unknown" if "unknown" in (prerequisite, goal) else "met"


class _Labels:
    """The words of explanations in one language, cached: labels come from the localized
    referential, sentences from the rules file."""

    def __init__(self, ref: Referential, rules: Rules, lang: str) -> None:
        self.lang = lang
        self.rules = rules
        self.needs = {n.code: n.label for n in ref.needs}
        self.competences = {c.code: c.plain_label for c in ref.competences}
        self.autonomy: dict[str, str] = {a.code: a.label for a in ref.autonomy_levels}
        self.kinds = {k.id: k.label.get(lang) for k in rules.kinds}
        self.modalities = {m: t.get(lang) for m, t in rules.modality_words.items()}
        self._cache: dict[tuple[object, ...], Why] = {}  # bounded by _CACHED

    def kind(self, kind: str) -> str:
        return self.kinds[kind]

    def modality(self, modality: Modality) -> str:
        return self.modalities[modality]

    def _words(self, values: Mapping[str, object]) -> dict[str, object]:
        words = dict(values)
        if "need" in words:
            words["need"] = self.needs[str(words["need"])]
        for key in ("current", "goal"):
            if key in words:
                words[key] = self.autonomy[str(words[key])]
        for key in ("competence", "requires"):
            if key in words:
                words[key] = self.competences[str(words[key])]
        return words

    def text(self, key: TextKey, **values: object) -> str:
        return self.rules.texts[key].get(self.lang).format(**self._words(values))

    def why(self, key: TextKey, answers: tuple[str, ...] = (), **values: object) -> Why:
        cache_key = (key, answers, *values.items())  # each caller names values in one order
        found = self._cache.get(cache_key)
        if found is None:
            template = self.rules.texts[key]
            rule = template.id.format(rule=values.get("rule", ""))
            found = Why(rule, self.text(key, **values), answers)
            if len(self._cache) < _CACHED:
                self._cache[cache_key] = found
        return found
