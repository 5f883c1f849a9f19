"""The exports, composed: read the published offer once, build one format, and say what was
left out and why. The API, the page and the `parcours offer export` command all come here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from app.features.exports import data_inclusion, lamednum
from app.features.exports.crosswalk import crosswalk
from app.features.exports.data_inclusion import Address, LeftOut
from app.features.exports.published import published_offer
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


async def data_inclusion_structures(db: AsyncSession, departement: str | None) -> Export:
    offer = await published_offer(db, known_departement(departement))
    left_out: list[LeftOut] = []
    records = data_inclusion.structures(offer, left_out)
    return Export(crosswalk().version, departement or None, records, left_out)


async def data_inclusion_services(
    db: AsyncSession, departement: str | None, address: Address
) -> Export:
    """Services whose structure (their place) is exported: one never points to a structure
    the other file does not have."""
    offer = await published_offer(db, known_departement(departement))
    left_out: list[LeftOut] = []
    exported = {r["id"] for r in data_inclusion.structures(offer, left_out)}
    records = []
    for record in data_inclusion.services(offer, address, left_out):
        if record["structure_id"] in exported:
            records.append(record)
        else:
            reason = next(o.reason for o in left_out if o.id == record["structure_id"])
            left_out.append(
                LeftOut(
                    "service",
                    record["id"],
                    record["nom"],
                    MSG_PLACE_LEFT_OUT.format(reason=reason),
                )
            )
    return Export(crosswalk().version, departement or None, records, left_out)


async def lamednum_places(db: AsyncSession, departement: str | None) -> Export:
    offer = await published_offer(db, known_departement(departement))
    left_out: list[LeftOut] = []
    records: list[dict[str, Any]] = list(lamednum.rows(offer, left_out))
    return Export(crosswalk().version, departement or None, records, left_out)
