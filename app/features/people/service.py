"""Use cases of a person's record: create with consent, list, read, update, export, erase,
and the timeline of their diagnostics.

Access is decided before these are called (:func:`app.access.person_for`):
the service trusts the person it is given and scopes lists by structure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app import privacy  # a module, not its names: app.privacy imports this feature too
from app.audit import Auditor
from app.db.models import Consent, Diagnostic, DiagnosticStatus, Person, Structure, User
from app.db.types import iso
from app.features.people.consent import CONSENT_VERSION
from app.territories import communes, display_name
from referentiel import load_referential

ALIAS_MAX = 80  # Person.alias is String(80)
EXPORT_FORMAT = "parcours-numerique/export-personne"
EXPORT_FORMAT_VERSION = 1
LIST_LIMIT_MAX = 200
# Far past any structure's records, and an integer every database takes: a bigger offset
# used to reach PostgreSQL and fail there.
OFFSET_MAX = 2**31 - 1

# Plain French messages, one per field; pages show them next to the field, the API lists them.
MSG_ALIAS_REQUIRED = "Indiquez un prénom ou un surnom."
MSG_ALIAS_TOO_LONG = "Le prénom ou surnom doit faire 80 caractères au plus."
MSG_BAND_UNKNOWN = "Choisissez une tranche d'âge dans la liste."
MSG_COMMUNE_UNKNOWN = "Code commune INSEE inconnu : 5 caractères, par exemple 75056 pour Paris."
MSG_CONSENT_REQUIRED = (
    "Sans l'accord de la personne, rien n'est enregistré : cochez la case après lui avoir lu "
    "le texte."
)


def birth_year_bands() -> tuple[tuple[str, str], ...]:
    """(code, French label) of the bands a record may hold: the referential's age bands, which
    are the Coop de la médiation numérique's brackets, so statistics stay comparable."""
    question = next(q for q in load_referential().context_questions if q.id == "age_band")
    return tuple((o.code, o.label) for o in question.options)


class PeopleError(ValueError):
    """Values a record cannot take: field name -> plain French message."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k} : {v}" for k, v in problems.items()))
        self.problems = dict(problems)

    def lines(self) -> list[str]:
        return [f"{key} : {message}" for key, message in self.problems.items()]


def known_context(person: Person) -> dict[str, str]:
    """The context answers a person's record already gives: their age band and commune."""
    known = {"age_band": person.birth_year_band, "commune": person.commune_insee}
    return {key: value for key, value in known.items() if value}


def _check(
    alias: Any = None, birth_year_band: Any = None, commune_insee: Any = None, *, fields: set[str]
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if "alias" in fields:
        if not isinstance(alias, str) or not alias.strip():
            problems["alias"] = MSG_ALIAS_REQUIRED
        elif len(alias.strip()) > ALIAS_MAX:
            problems["alias"] = MSG_ALIAS_TOO_LONG
    bands = dict(birth_year_bands())
    if (
        "birth_year_band" in fields
        and birth_year_band is not None
        and (not isinstance(birth_year_band, str) or birth_year_band not in bands)
    ):
        problems["birth_year_band"] = MSG_BAND_UNKNOWN
    if (
        "commune_insee" in fields
        and commune_insee is not None
        and (not isinstance(commune_insee, str) or commune_insee.strip().upper() not in communes())
    ):
        problems["commune_insee"] = MSG_COMMUNE_UNKNOWN
    return problems


def change_problems(changes: Mapping[str, Any]) -> dict[str, str]:
    """Field -> message for changes to a record; empty when they can be made."""
    return _check(**changes, fields=set(changes))


def new_person_problems(
    alias: Any, birth_year_band: Any = None, commune_insee: Any = None, *, consent: Any
) -> dict[str, str]:
    """Field -> message for a new record; empty when it can be created."""
    problems = _check(
        alias, birth_year_band, commune_insee, fields={"alias", "birth_year_band", "commune_insee"}
    )
    if consent is not True:
        problems["consent"] = MSG_CONSENT_REQUIRED
    return problems


def _clean_alias(alias: str) -> str:
    return " ".join(alias.split())


@dataclass(frozen=True)
class PersonRow:
    person: Person
    last_diagnostic_at: datetime | None
    diagnostics: int


@dataclass(frozen=True)
class PersonPage:
    rows: list[PersonRow]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class DomainStep:
    """A domain's level in one diagnostic, and its change since the previous completed one."""

    code: str
    level: int | None
    change: int | None
    inferred: bool = False  # includes a competence not asked, taken as not yet acquired


@dataclass(frozen=True)
class TimelineEntry:
    diagnostic: Diagnostic
    domains: tuple[DomainStep, ...]
    profile: str | None
    compared_with: UUID | None  # the previous completed diagnostic, when there is one

    @property
    def completed(self) -> bool:
        return self.diagnostic.status == DiagnosticStatus.COMPLETED

    @property
    def corrected(self) -> bool:
        """This version replaces an earlier one a mediator corrected."""
        return self.diagnostic.supersedes_id is not None

    @property
    def inferred(self) -> bool:
        """A level of this diagnostic includes a competence not asked."""
        return any(s.inferred for s in self.domains)

    def step(self, code: str) -> DomainStep | None:
        return next((s for s in self.domains if s.code == code), None)


@dataclass
class PeopleService:
    """Every use case that reads or changes a record writes its audit event in the same
    transaction (`app.audit`)."""

    db: AsyncSession
    auditor: Auditor

    # --- create, read, update -------------------------------------------------------------

    async def create(
        self,
        user: User,
        alias: Any,
        birth_year_band: Any = None,
        commune_insee: Any = None,
        *,
        consent: bool,
    ) -> Person:
        """A record in the user's structure, with the consent as given, or PeopleError."""
        problems = new_person_problems(alias, birth_year_band, commune_insee, consent=consent)
        if problems:
            raise PeopleError(problems)
        person = Person(
            structure_id=user.structure_id,
            alias=_clean_alias(alias),
            birth_year_band=birth_year_band,
            commune_insee=commune_insee.strip().upper() if commune_insee else None,
            consents=[
                Consent(
                    text_version=CONSENT_VERSION, given_at=datetime.now(UTC), recorded_by=user.id
                )
            ],
        )
        self.db.add(person)
        await self.db.flush()
        self.auditor.record(self.db, "person.create", "person", person.id)
        await self.db.commit()
        return person

    async def update(self, person: Person, changes: Mapping[str, Any]) -> Person:
        """Change some of alias, birth_year_band, commune_insee (None clears the optional ones)."""
        unknown = set(changes) - {"alias", "birth_year_band", "commune_insee"}
        if unknown:
            raise PeopleError(dict.fromkeys(sorted(unknown), "champ inconnu"))
        problems = change_problems(changes)
        if problems:
            raise PeopleError(problems)
        if "alias" in changes:
            person.alias = _clean_alias(changes["alias"])
        if "birth_year_band" in changes:
            person.birth_year_band = changes["birth_year_band"]
        if "commune_insee" in changes:
            value = changes["commune_insee"]
            person.commune_insee = value.strip().upper() if value else None
        self.auditor.record(self.db, "person.update", "person", person.id, fields=sorted(changes))
        await self.db.commit()
        return person

    async def record_read(self, person: Person) -> None:
        """A professional opened the record: the trail says who, and when."""
        self.auditor.record(self.db, "person.read", "person", person.id)
        await self.db.commit()

    async def structure_name(self, person: Person) -> str:
        return (
            await self.db.scalar(select(Structure.name).where(Structure.id == person.structure_id))
            or ""
        )

    # --- lists ------------------------------------------------------------------------------

    async def listing(
        self, structure_id: UUID, query: str = "", limit: int = 50, offset: int = 0
    ) -> PersonPage:
        """People of a structure, newest record first, with their last diagnostic's date."""
        limit = max(1, min(limit, LIST_LIMIT_MAX))
        offset = max(0, offset)
        stats = (
            select(
                Diagnostic.person_id.label("person_id"),
                func.max(Diagnostic.created_at).label("last_at"),
                func.count(Diagnostic.id).label("count"),
            )
            .where(Diagnostic.structure_id == structure_id, Diagnostic.person_id.is_not(None))
            .group_by(Diagnostic.person_id)
            .subquery()
        )
        where: Select[Any] = select(Person.id).where(Person.structure_id == structure_id)
        query = " ".join(query.split())[:ALIAS_MAX]
        if query:
            where = where.where(func.lower(Person.alias).contains(query.lower(), autoescape=True))
        # The search text may be a name: the trail keeps only that there was one.
        self.auditor.record(self.db, "people.list", searched=bool(query), offset=offset)
        total = await self.db.scalar(select(func.count()).select_from(where.subquery())) or 0
        rows = await self.db.execute(
            select(Person, stats.c.last_at, stats.c.count)
            .outerjoin(stats, stats.c.person_id == Person.id)
            .where(Person.id.in_(where))
            .order_by(Person.created_at.desc(), Person.id)
            .limit(limit)
            .offset(offset)
        )
        page = PersonPage(
            [PersonRow(p, last, count or 0) for p, last, count in rows.all()],
            total,
            limit,
            offset,
        )
        await self.db.commit()
        return page

    async def diagnostics(self, person: Person) -> Sequence[Diagnostic]:
        """Every diagnostic of the person, oldest first."""
        found = await self.db.scalars(
            select(Diagnostic)
            .where(Diagnostic.person_id == person.id)
            .order_by(Diagnostic.created_at, Diagnostic.id)
        )
        return found.all()

    async def last_diagnostic_at(self, person: Person) -> datetime | None:
        last: datetime | None = await self.db.scalar(
            select(func.max(Diagnostic.created_at)).where(Diagnostic.person_id == person.id)
        )
        return last

    async def timeline(self, person: Person) -> list[TimelineEntry]:
        """Diagnostics oldest first; each completed one with its level per domain and the
        change since the previous completed one (None when either level is unknown). A
        corrected diagnostic shows its latest version only."""
        entries = []
        previous: tuple[UUID, dict[str, int | None]] | None = None
        codes = domain_codes()
        found = await self.diagnostics(person)
        replaced = {d.supersedes_id for d in found if d.supersedes_id is not None}
        for diagnostic in (d for d in found if d.id not in replaced):
            if diagnostic.status != DiagnosticStatus.COMPLETED:
                entries.append(TimelineEntry(diagnostic, (), None, None))
                continue
            levels = domain_levels(diagnostic)
            inferred = inferred_domains(diagnostic)
            for code in levels:
                if code not in codes:
                    codes.append(code)
            steps = tuple(
                DomainStep(
                    code,
                    levels.get(code),
                    _change(previous[1].get(code) if previous else None, levels.get(code)),
                    code in inferred,
                )
                for code in codes
            )
            profile = (diagnostic.result or {}).get("profile")
            entries.append(
                TimelineEntry(diagnostic, steps, profile, previous[0] if previous else None)
            )
            previous = (diagnostic.id, levels)
        return entries

    # --- privacy ----------------------------------------------------------------------------

    async def export(self, person: Person) -> dict[str, Any]:
        """Everything stored about the person, as JSON-ready data (the right of access)."""
        data = {
            "format": EXPORT_FORMAT,
            "format_version": EXPORT_FORMAT_VERSION,
            "exported_at": iso(datetime.now(UTC)),
            "person": {
                "id": str(person.id),
                "alias": person.alias,
                "birth_year_band": person.birth_year_band,
                "commune_insee": person.commune_insee,
                "commune": display_name(person.commune_insee),
                "structure": await self.structure_name(person),
                "created_at": iso(person.created_at),
                "updated_at": iso(person.updated_at),
            },
            **await privacy.export_parts(self.db, person),
        }
        self.auditor.record(self.db, "person.export", "person", person.id)
        await self.db.commit()
        return data

    async def erase(self, person: Person) -> dict[str, int]:
        """Delete the person and everything derived from them (`app.privacy`): rows gone,
        not flagged, in one transaction with the audit event.

        Done with explicit statements rather than trusting ON DELETE CASCADE, so that
        erasure does not depend on SQLite's foreign-key pragma.
        """
        person_id = person.id
        counts = await privacy.erase_parts(self.db, person)
        self.auditor.record(self.db, "person.erase", "person", person_id, erased=counts)
        await self.db.commit()
        self.db.expunge_all()
        return counts


def domain_codes() -> list[str]:
    return [d.code for d in load_referential().domains]


def domain_levels(diagnostic: Diagnostic) -> dict[str, int | None]:
    """Level per domain code, read from the stored result (as scored with its own version)."""
    domains = (diagnostic.result or {}).get("domains") or []
    return {
        d["code"]: d.get("level")
        for d in domains
        if isinstance(d, Mapping) and isinstance(d.get("code"), str)
    }


def inferred_domains(diagnostic: Diagnostic) -> set[str]:
    """The domains whose stored level includes a competence not asked (`inferred`)."""
    domains = (diagnostic.result or {}).get("domains") or []
    return {d["code"] for d in domains if isinstance(d, Mapping) and d.get("inferred") is True}


def _change(before: int | None, after: int | None) -> int | None:
    return None if before is None or after is None else after - before
