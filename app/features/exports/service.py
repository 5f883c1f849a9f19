"""The exports, composed: read the published offer once, build one format, and say what was
left out and why. The API, the page and the `parcours offer export` command all come here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from app.features.exports import data_inclusion, lamednum
from app.features.exports.crosswalk import crosswalk
from app.features.exports.data_inclusion import Address, LeftOut
from app.features.exports.published import PublishedOffer, published_offer
from app.features.exports.schemas import ExportReport, LeftOutOut
from app.territories import departements

MSG_UNKNOWN_DEPARTEMENT: Final = (
    "Ce département n'existe pas : « {code} ». Par exemple : 18 pour le Cher."
)
MSG_PLACE_LEFT_OUT: Final = "Son lieu n'est pas dans l'export : {reason}"


class UnknownDepartementError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(MSG_UNKNOWN_DEPARTEMENT.format(code=code))
        self.code = code


def known_departement(code: str | None) -> str | None:
    """The code when it names a département (« 18 », « 2A », « 974 »), None for none given;
    raises :class:`UnknownDepartementError` otherwise."""
    if code is None or code == "":
        return None
    if code not in departements():
        raise UnknownDepartementError(code)
    return code


@dataclass
class Export:
    """One format's records, and what it leaves out."""

    crosswalk_version: str
    departement: str | None
    records: list[dict[str, Any]]
    left_out: list[LeftOut] = field(default_factory=list)


def _structures(offer: PublishedOffer) -> tuple[list[dict[str, Any]], list[LeftOut]]:
    left_out: list[LeftOut] = []
    return data_inclusion.structures(offer, left_out), left_out


def _services(
    offer: PublishedOffer, address: Address
) -> tuple[list[dict[str, Any]], list[LeftOut]]:
    """Services whose structure (their place) is exported: one never points to a structure
    the other file does not have."""
    left_out: list[LeftOut] = []
    exported = {r["id"] for r in data_inclusion.structures(offer, left_out)}
    why = {o.id: o.reason for o in left_out}
    records = []
    for record in data_inclusion.services(offer, address, left_out):
        if record["structure_id"] in exported:
            records.append(record)
            continue
        reason = MSG_PLACE_LEFT_OUT.format(reason=why[record["structure_id"]])
        left_out.append(LeftOut("service", record["id"], record["nom"], reason))
    return records, left_out


def _places(offer: PublishedOffer) -> tuple[list[dict[str, Any]], list[LeftOut]]:
    left_out: list[LeftOut] = []
    records: list[dict[str, Any]] = list(lamednum.rows(offer, left_out))
    return records, left_out


async def _offer(db: AsyncSession, departement: str | None) -> PublishedOffer:
    return await published_offer(db, known_departement(departement))


def _export(departement: str | None, found: tuple[list[dict[str, Any]], list[LeftOut]]) -> Export:
    return Export(crosswalk().version, departement or None, *found)


async def data_inclusion_structures(db: AsyncSession, departement: str | None) -> Export:
    return _export(departement, _structures(await _offer(db, departement)))


async def data_inclusion_services(
    db: AsyncSession, departement: str | None, address: Address
) -> Export:
    return _export(departement, _services(await _offer(db, departement), address))


async def lamednum_places(db: AsyncSession, departement: str | None) -> Export:
    return _export(departement, _places(await _offer(db, departement)))


FILES: Final = {
    "data_inclusion_structures": "/api/v1/exports/data-inclusion/structures",
    "data_inclusion_services": "/api/v1/exports/data-inclusion/services",
    "lamednum": "/api/v1/exports/lamednum.csv",
}


async def report(db: AsyncSession, departement: str | None, address: Address) -> ExportReport:
    """How many records each file holds, where it is, and what each leaves out and why."""
    offer = await _offer(db, departement)
    structures, services, places = (
        _export(departement, _structures(offer)),
        _export(departement, _services(offer, address)),
        _export(departement, _places(offer)),
    )
    query = f"?departement={structures.departement}" if structures.departement else ""
    every = structures.left_out + services.left_out + places.left_out
    left_out = {(o.kind, o.id): o for o in every}
    return ExportReport(
        crosswalk_version=structures.crosswalk_version,
        departement=structures.departement,
        data_inclusion_structures=len(structures.records),
        data_inclusion_services=len(services.records),
        lamednum_places=len(places.records),
        files={name: address(path + query) for name, path in FILES.items()},
        left_out=[LeftOutOut(o.kind, o.id, o.name, o.reason) for o in left_out.values()],
    )
