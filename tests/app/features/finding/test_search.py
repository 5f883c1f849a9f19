"""Finding sessions: near a commune (measured, or by EPCI and département when a centroid is
missing), by competence, theme, modality and dates, with free seats unless asked; on SQLite
and PostgreSQL. Every test keeps to the structures it made: the database is shared."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.db.models import Modality
from app.features.finding import FoundSession, SearchCriteria, SearchError, search_sessions
from app.features.finding.search import Nearness
from app.territories import communes, distance_km
from app.when import PARIS
from tests.app.features.finding import offer

BOURGES, SAINT_DOULCHARD, VIERZON, SAINT_AMAND = "18033", "18205", "18279", "18197"
CELLES, ALLANCHE, AURILLAC = "15031", "15001", "15014"  # Celles has no centroid
TROUY, MEHUN = "18267", "18141"


def search(backend: Any, mine: set[UUID], **criteria: Any) -> list[FoundSession]:
    """The search's results that belong to the structures of this test, in their order."""

    async def go(db: Any) -> list[FoundSession]:
        return await search_sessions(db, SearchCriteria(**criteria))

    return [s for s in backend.run(go) if s.structure_id in mine]


def seed(backend: Any, build: Any) -> Any:
    async def go(db: Any) -> Any:
        made = await build(db)
        await db.commit()
        return made

    return backend.run(go)


def test_sessions_near_a_commune_nearest_first_then_soonest(backend):
    async def build(db: Any) -> dict[str, UUID]:
        s = await offer.structure(db)
        w = await offer.workshop(db, s)
        here = await offer.place(db, s, BOURGES)
        near = await offer.place(db, s, SAINT_DOULCHARD)
        far = await offer.place(db, s, SAINT_AMAND)  # about 40 km
        return {
            "s": s,
            "near_later": await offer.session(db, s, w, near, in_days=2),
            "here_later": await offer.session(db, s, w, here, in_days=5),
            "here_sooner": await offer.session(db, s, w, here, in_days=1),
            "far": await offer.session(db, s, w, far, in_days=1),
            "remote": await offer.session(db, s, w, None, in_days=1),
        }

    made = seed(backend, build)
    found = search(backend, {made["s"]}, commune=BOURGES, distance_km=20)
    assert [s.id for s in found] == [
        made["here_sooner"],
        made["here_later"],
        made["near_later"],
        made["remote"],
    ]
    assert found[0].place is not None and found[0].place.distance_km == 0
    assert found[2].place is not None
    assert found[2].place.distance_km == pytest.approx(
        distance_km(communes()[BOURGES], communes()[SAINT_DOULCHARD]), abs=0.05
    )
    assert found[-1].remote and found[-1].nearness == Nearness.REMOTE
    wider = search(backend, {made["s"]}, commune=BOURGES, distance_km=60)
    assert made["far"] in [s.id for s in wider]


def test_the_nearest_come_first_whichever_ring_holds_them_and_each_once(backend):
    """The search looks 2.5 km around, then 5, 10 and 20: the sessions at Bourges (0 km),
    Trouy (7 km) and Mehun-sur-Yèvre (15 km) are each in a ring of their own."""
    in_days = 200  # a day no other test uses: only these sessions are in the window

    async def build(db: Any) -> dict[str, UUID]:
        s = await offer.structure(db)
        w = await offer.workshop(db, s)
        here, trouy, mehun = [await offer.place(db, s, c) for c in (BOURGES, TROUY, MEHUN)]
        made = {"s": s}
        for name, where in (("here", here), ("trouy", trouy), ("mehun", mehun)):
            made[name] = await offer.session(db, s, w, where, in_days=in_days)
            made[f"{name}_later"] = await offer.session(db, s, w, where, in_days=in_days + 0.01)
        return made

    made = seed(backend, build)
    day = (datetime.now(UTC) + timedelta(days=in_days)).astimezone(PARIS).date()
    window = {"date_from": day, "date_to": day + timedelta(days=1), "distance_km": 20}

    def ids(limit: int) -> list[UUID]:
        return [s.id for s in search(backend, {made["s"]}, commune=BOURGES, limit=limit, **window)]

    assert ids(3) == [made["here"], made["here_later"], made["trouy"]]
    assert ids(5) == [*ids(3), made["trouy_later"], made["mehun"]]
    assert ids(50) == [*ids(5), made["mehun_later"]]


def test_only_free_seats_unless_asked_and_never_closed_or_cancelled(backend):
    async def build(db: Any) -> dict[str, UUID]:
        s = await offer.structure(db)
        w = await offer.workshop(db, s)
        p = await offer.place(db, s, VIERZON)
        now = datetime.now(UTC)
        return {
            "s": s,
            "free": await offer.session(db, s, w, p, capacity=12, confirmed=9),
            "full": await offer.session(db, s, w, p, capacity=12, confirmed=12),
            "closed": await offer.session(db, s, w, p, registration_open=False),
            "cancelled": await offer.session(db, s, w, p, cancelled_at=now, cancel_reason="x"),
            "past": await offer.session(db, s, w, p, in_days=-1),
        }

    made = seed(backend, build)
    found = search(backend, {made["s"]}, commune=VIERZON)
    assert [(s.id, s.free_seats) for s in found] == [(made["free"], 3)]
    with_full = search(backend, {made["s"]}, commune=VIERZON, include_full=True)
    assert {s.id: s.free_seats for s in with_full} == {made["free"]: 3, made["full"]: 0}


def test_competences_theme_modality_and_dates(backend):
    async def build(db: Any) -> dict[str, UUID]:
        s = await offer.structure(db)
        p = await offer.place(db, s, SAINT_AMAND)
        phone = await offer.workshop(db, s, ("E1", "C1"))
        mail = await offer.workshop(db, s, ("C1",), themes=("email",), modality=Modality.INDIVIDUAL)
        safety = await offer.workshop(db, s, ("P1",), themes=("securite_numerique",))
        return {
            "s": s,
            "phone": await offer.session(db, s, phone, p, in_days=2),
            "mail": await offer.session(db, s, mail, p, in_days=3),
            "safety": await offer.session(db, s, safety, p, in_days=4),
            "phone_later": await offer.session(db, s, phone, p, in_days=45),
        }

    made = seed(backend, build)
    mine = {made["s"]}

    def ids(**criteria: Any) -> set[UUID]:
        return {s.id for s in search(backend, mine, commune=SAINT_AMAND, **criteria)}

    assert ids(competences=("C1",)) == {made["phone"], made["mail"]}
    assert ids(competences=("E1", "P1")) == {made["phone"], made["safety"]}
    assert ids(competences=("E3",)) == set()
    assert ids(theme="email") == {made["mail"]}
    assert ids(modality="individual") == {made["mail"]}
    assert ids() == {made["phone"], made["mail"], made["safety"]}  # the next 30 days
    today = datetime.now(UTC).date()
    later = ids(date_from=today + timedelta(days=40), date_to=today + timedelta(days=50))
    assert later == {made["phone_later"]}


def test_without_a_centroid_the_same_epci_then_the_same_departement(backend):
    async def build(db: Any) -> dict[str, UUID]:
        s = await offer.structure(db)
        w = await offer.workshop(db, s)
        unlocated = await offer.place(db, s, CELLES, located=False)
        same_epci = await offer.place(db, s, ALLANCHE)
        same_dept = await offer.place(db, s, AURILLAC)
        elsewhere = await offer.place(db, s, BOURGES, located=False)
        return {
            "s": s,
            "dept": await offer.session(db, s, w, same_dept, in_days=1),
            "epci": await offer.session(db, s, w, same_epci, in_days=2),
            "celles": await offer.session(db, s, w, unlocated, in_days=3),
            "elsewhere": await offer.session(db, s, w, elsewhere, in_days=1),
        }

    made = seed(backend, build)
    # From Celles (no centroid): Celles itself, its EPCI, then its département.
    found = search(backend, {made["s"]}, commune=CELLES)
    assert [(s.id, s.nearness) for s in found] == [
        (made["celles"], Nearness.MEASURED),
        (made["epci"], Nearness.SAME_EPCI),
        (made["dept"], Nearness.SAME_DEPARTEMENT),
    ]
    assert found[1].place is not None and found[1].place.distance_km is None
    # From Allanche (measured): the place without coordinates in Celles is of its EPCI.
    from_allanche = search(backend, {made["s"]}, commune=ALLANCHE, distance_km=5)
    assert [(s.id, s.nearness) for s in from_allanche] == [
        (made["epci"], Nearness.MEASURED),
        (made["celles"], Nearness.SAME_EPCI),
    ]


def test_another_structures_published_session_is_found(backend):
    async def build(db: Any) -> dict[str, UUID]:
        theirs = await offer.structure(db)
        w = await offer.workshop(db, theirs)
        p = await offer.place(db, theirs, BOURGES)
        return {"theirs": theirs, "session": await offer.session(db, theirs, w, p)}

    made = seed(backend, build)
    found = search(backend, {made["theirs"]}, commune=BOURGES)
    assert [s.id for s in found] == [made["session"]]
    assert not hasattr(found[0], "bookings")


def test_every_problem_of_the_criteria_at_once(backend):
    today = datetime.now(UTC).date()
    with pytest.raises(SearchError) as raised:
        search(
            backend,
            set(),
            commune="99999",
            competences=("E1", "Z9"),
            theme="cuisine",
            modality="par_pigeon",
            date_from=today + timedelta(days=5),
            date_to=today + timedelta(days=1),
            distance_km=500,
        )
    assert set(raised.value.problems) == {
        "commune",
        "competences",
        "theme",
        "modality",
        "dates",
        "distance_km",
    }
    assert "Z9" in " ".join(raised.value.lines())
    for distance in (0, 201):
        with pytest.raises(SearchError):
            search(backend, set(), commune=BOURGES, distance_km=distance)
    with pytest.raises(SearchError):
        search(backend, set(), date_to=today - timedelta(days=1))


# --- distances between communes -----------------------------------------------------------------

LOCATED = [c for _, c in sorted(communes().items()) if c.lat is not None]
commune = st.sampled_from(LOCATED)


@given(commune, commune)
@settings(max_examples=300)
def test_distance_is_symmetric(a, b):
    assert distance_km(a, b) == pytest.approx(distance_km(b, a), abs=1e-9)


@given(commune)
def test_a_commune_is_at_0_km_from_itself(a):
    assert distance_km(a, a) == 0


@given(commune, commune, commune)
@settings(max_examples=300)
def test_distance_keeps_the_triangle_inequality(a, b, c):
    ab, bc, ac = distance_km(a, b), distance_km(b, c), distance_km(a, c)
    assert ab is not None and bc is not None and ac is not None
    assert ac <= ab + bc + 1e-6


def test_a_commune_without_centroid_has_no_distance():
    assert distance_km(communes()[CELLES], communes()[BOURGES]) is None
