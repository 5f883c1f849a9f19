"""The offer in the LaMednum standard of digital-mediation places 1.0.2: one CSV row per
published place, the schema's columns in the schema's order, several values in a cell joined
with « | » (the schema's patterns; its README still says « ; »).

A place's services and ways of accompanying are those it declares, plus what its workshops
bring (through the crosswalk): a place that holds a security workshop offers « Utilisation
sécurisée du numérique ».

`pivot` (a SIRET, or an RNA number) is required by the standard and cannot be made up: a place
without one is left out of this file, and the export says which and why (the data·inclusion
export, where the SIRET is optional, keeps it).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Final

from app.db.models import Place
from app.features.catalogue import lamednum_pattern, lamednum_schema
from app.features.exports.crosswalk import crosswalk
from app.features.exports.data_inclusion import LeftOut
from app.features.exports.published import PublishedOffer
from app.territories import communes

SEPARATOR: Final = "|"
MSG_NO_PIVOT: Final = (
    "Pas de SIRET ni de numéro RNA : le standard LaMednum le demande pour chaque lieu."
)


def columns() -> list[str]:
    return [field["name"] for field in lamednum_schema()["fields"]]


def _joined(values: Iterable[str]) -> str:
    return SEPARATOR.join(dict.fromkeys(v for v in values if v))


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}".rstrip("0").rstrip(".")


def place_row(place: Place, offer: PublishedOffer) -> dict[str, str]:
    cw = crosswalk()
    commune = communes().get(place.commune_insee)
    workshops = offer.workshops_at(place)
    services = list(place.services)
    support = list(place.support_modes)
    for workshop in workshops:
        codes = [str(c.get("competence", "")) for c in workshop.competences]
        services += cw.lamednum_services_of(workshop.themes, codes)
        support.append(cw.modalities[workshop.modality].lamednum)
    latitude = place.latitude if place.latitude is not None else (commune and commune.lat)
    longitude = place.longitude if place.longitude is not None else (commune and commune.lon)
    structure = offer.structure_names.get(place.structure_id, "")
    row = {
        "id": str(place.id),
        "pivot": place.pivot or "",
        "nom": place.name,
        "commune": commune.name if commune else "",
        "code_postal": place.postal_code,
        "code_insee": place.commune_insee,
        "adresse": place.address,
        "complement_adresse": place.address_complement or "",
        "latitude": _number(latitude or None),
        "longitude": _number(longitude or None),
        "typologie": _joined(place.typologies),
        "telephone": place.phone or "",
        "courriels": place.email or "",
        "site_web": place.website or "",
        "horaires": place.opening_hours or "",
        "presentation_resume": place.summary or "",
        "presentation_detail": place.description or "",
        "source": structure,
        "itinerance": _joined(place.mobility),
        "structure_parente": structure,
        "date_maj": place.updated_at.date().isoformat(),
        "services": _joined(services),
        "publics_specifiquement_adresses": _joined(place.publics),
        "prise_en_charge_specifique": _joined(place.specific_support),
        "frais_a_charge": _joined(place.fees),
        "dispositif_programmes_nationaux": _joined(place.national_programmes),
        "formations_labels": _joined(place.labels),
        "autres_formations_labels": "",
        "modalites_acces": _joined(place.access_modes),
        "modalites_accompagnement": _joined(support),
        "fiche_acces_libre": place.accessibility_url or "",
        "prise_rdv": place.booking_url or "",
    }
    return {name: row.get(name, "") for name in columns()}


def rows(offer: PublishedOffer, left_out: list[LeftOut]) -> list[dict[str, str]]:
    """A row per published place that has a pivot; the others go to ``left_out``."""
    found = []
    for place in offer.places:
        if place.pivot and re.fullmatch(lamednum_pattern("pivot"), place.pivot):
            found.append(place_row(place, offer))
        else:
            left_out.append(LeftOut("lieu", str(place.id), place.name, MSG_NO_PIVOT))
    return found


def csv_text(found: list[dict[str, str]]) -> str:
    """The CSV file: UTF-8 text, comma-separated, a header row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns(), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(found)
    return out.getvalue()
