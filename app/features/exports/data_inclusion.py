"""The offer in the data·inclusion v1 schema: structures and services (JSON).

**One structure per place.** data·inclusion's structure is a place people can go to, with an
address, opening hours and the SIRET of *that establishment* (its `siret` says so), and it
de-duplicates structures by SIRET and address. Our structure (an association, a commune) has
neither address nor hours; its places have them, and the ANCT cartography exports each
LaMednum place as one data·inclusion structure too. So each published place is a structure.

**Services**: each LaMednum service a place declares (« Aide aux démarches
administratives »…), and each workshop at each place where it is offered (an `atelier`,
`accompagnement` or `formation` by its modality). Ids join our source name, the kind and our
UUIDs (and a LaMednum service's stable key), so they stay the same from one export to the
next.

Every record is checked with the official models, warnings included, before it goes out; a
record they refuse is left out, with the reason, rather than published wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from data_inclusion.schema.v1 import (
    Frais,
    ModeAccueil,
    ModeMobilisation,
    PersonneMobilisatrice,
    Public,
    Service,
    Structure,
)
from pydantic import ValidationError

from app.db.models import Place, Workshop
from app.features.exports.crosswalk import Crosswalk, crosswalk
from app.features.exports.published import PublishedOffer, Upcoming
from app.territories import communes
from app.when import in_paris, said_span

SOURCE = "parcours-numerique"
# data·inclusion's ideal length of a description: longer ones are cut at a word.
DESCRIPTION_MAX = 2000
SESSIONS_NAMED = 3
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Address = Callable[[str], str]


@dataclass(frozen=True)
class LeftOut:
    """A record an export does not carry, and why (French, for the page and the API)."""

    kind: str  # "structure", "service", "lieu"
    id: str
    name: str
    reason: str


def structure_id(place: Place) -> str:
    return f"{SOURCE}--lieu-{place.id}"


def workshop_service_id(workshop: Workshop, place: Place) -> str:
    return f"{SOURCE}--atelier-{workshop.id}--lieu-{place.id}"


def place_service_id(place: Place, key: str) -> str:
    return f"{SOURCE}--lieu-{place.id}--{key}"


def _name(text: str) -> str:
    """A name without the final full stop data·inclusion warns about."""
    text = " ".join(text.split())
    return text[:-1].rstrip() if text.endswith(".") and not text.endswith("etc.") else text


def _cut(text: str, limit: int = DESCRIPTION_MAX) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _where(place: Place) -> dict[str, Any]:
    """The address fields, with the commune's name and centroid from the COG."""
    commune = communes().get(place.commune_insee)
    latitude = place.latitude if place.latitude is not None else (commune and commune.lat)
    longitude = place.longitude if place.longitude is not None else (commune and commune.lon)
    return {
        "commune": commune.name if commune else None,
        "code_postal": place.postal_code,
        "code_insee": place.commune_insee,
        "adresse": place.address,
        "complement_adresse": place.address_complement,
        "latitude": latitude,
        "longitude": longitude,
    }


def _date_maj(*moments: datetime) -> str:
    """The day of the last change, in UTC: never a day ahead of the reader's today."""
    return max(moments).date().isoformat()


def osm_sessions(sessions: Iterable[Upcoming]) -> str | None:
    """Dated sessions in the OpenStreetMap opening-hours syntax, one rule per day in Paris
    time (« 2026 Dec 08 14:00-16:00; 2026 Dec 15 14:00-16:00 »)."""
    days: dict[str, list[str]] = {}
    for session in sessions:
        start, end = in_paris(session.starts_at), in_paris(session.ends_at)
        day = f"{start.year} {MONTHS[start.month - 1]} {start.day:02d}"
        end_text = f"{end:%H:%M}" if end.date() == start.date() else "24:00"
        days.setdefault(day, []).append(f"{start:%H:%M}-{end_text}")
    return "; ".join(f"{day} {','.join(spans)}" for day, spans in days.items()) or None


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest:02d}" if rest else "")


def _mobilisation(
    cw: Crosswalk, place: Place, link: str | None
) -> tuple[list[ModeMobilisation], list[PersonneMobilisatrice]]:
    """How to reach the service and who may: the place's ways that it has the contact for (no
    « send an e-mail » without an address), and its link when it has one."""
    reachable = {
        ModeMobilisation.ENVOYER_UN_COURRIEL: bool(place.email),
        ModeMobilisation.TELEPHONER: bool(place.phone),
        ModeMobilisation.UTILISER_LIEN_MOBILISATION: bool(link),
    }
    ways = [cw.access_modes[label] for label in place.access_modes if label in cw.access_modes]
    modes = [mode for way in ways for mode in way.modes if reachable.get(mode, True)]
    by = [who for way in ways for who in way.by if any(reachable.get(m, True) for m in way.modes)]
    if link:
        modes.append(ModeMobilisation.UTILISER_LIEN_MOBILISATION)
        by += [PersonneMobilisatrice.USAGERS, PersonneMobilisatrice.PROFESSIONNELS]
    return list(dict.fromkeys(modes)), list(dict.fromkeys(by))


def _publics(cw: Crosswalk, labels: Iterable[str]) -> list[Public]:
    found = list(dict.fromkeys(cw.publics[label] for label in labels if label in cw.publics))
    return found or [Public.TOUS_PUBLICS]


def _fees(cw: Crosswalk, labels: list[str], detail: str | None) -> tuple[Frais | None, str | None]:
    """Paid when any fee label is, with the labels (and the detail) as the precision."""
    kinds = [cw.fees[label] for label in labels if label in cw.fees]
    if not kinds:
        return None, detail
    if Frais.PAYANT not in kinds:
        return Frais.GRATUIT, detail
    said = ", ".join(label for label in labels if label != "Payant")
    precision = " ; ".join(part for part in (said, detail or "") if part)
    return Frais.PAYANT, precision or None


def _support(place: Place) -> str | None:
    if not place.specific_support:
        return None
    return "Accueil adapté : " + ", ".join(place.specific_support) + "."


def _contacts(place: Place) -> dict[str, Any]:
    return {"telephone": place.phone, "courriel": place.email}


def _values(items: Iterable[Any]) -> list[str] | None:
    values = [getattr(item, "value", item) for item in items]
    return values or None


def structure_record(place: Place) -> dict[str, Any]:
    cw = crosswalk()
    networks = [
        n for label in place.national_programmes for n in cw.national_programmes.get(label, ())
    ] + [n for code in place.typologies for n in cw.typologies.get(code, ())]
    pivot = (
        place.pivot if place.pivot and place.pivot.isdigit() and len(place.pivot) == 14 else None
    )
    description = place.description or place.summary
    return {
        "source": SOURCE,
        "id": structure_id(place),
        "nom": _name(place.name),
        "date_maj": _date_maj(place.updated_at),
        "description": description if description and len(description) >= 5 else None,
        "lien_source": None,
        "siret": pivot,
        **_where(place),
        **_contacts(place),
        "site_web": place.website,
        "horaires_accueil": place.opening_hours,
        "accessibilite_lieu": place.accessibility_url,
        "reseaux_porteurs": _values(dict.fromkeys(networks)),
    }


def _service_base(place: Place) -> dict[str, Any]:
    return {
        "source": SOURCE,
        "structure_id": structure_id(place),
        **_where(place),
        **_contacts(place),
    }


def workshop_record(
    workshop: Workshop, place: Place, offer: PublishedOffer, address: Address
) -> dict[str, Any]:
    cw = crosswalk()
    modality = cw.modalities[workshop.modality]
    sessions = offer.upcoming.get((workshop.id, place.id), [])
    bookable = next((s for s in sessions if s.registration_open), None)
    link = address(f"/ateliers/{bookable.session_id}/reserver") if bookable else place.booking_url
    modes, by = _mobilisation(cw, place, link)
    frais, precision = _fees(cw, [workshop.price], workshop.price_detail)
    competences = [str(c.get("competence", "")) for c in workshop.competences]
    parts = [workshop.description.strip(), f"Durée : {_duration(workshop.duration_minutes)}."]
    if workshop.accessibility:
        parts.append(f"Accessibilité : {workshop.accessibility.strip().rstrip('.')}.")
    if sessions:
        named = " ; ".join(said_span(s.starts_at, s.ends_at) for s in sessions[:SESSIONS_NAMED])
        parts.append(f"Prochaines séances : {named}.")
    return {
        **_service_base(place),
        "id": workshop_service_id(workshop, place),
        "nom": _name(workshop.title),
        "description": _cut(" ".join(parts)),
        "lien_source": None,
        # Its sessions are part of it: a session added or moved changes the service.
        "date_maj": _date_maj(
            workshop.updated_at, place.updated_at, *(s.updated_at for s in sessions)
        ),
        "type": modality.type.value,
        "thematiques": _values(cw.thematiques(workshop.themes, competences)),
        "frais": frais.value if frais else None,
        "frais_precisions": precision,
        "publics": _values(_publics(cw, workshop.publics)),
        "publics_precisions": _support(place),
        "conditions_acces": None,
        "modes_accueil": _values(modality.modes_accueil),
        "zone_eligibilite": None,
        "contact_nom_prenom": None,
        "lien_mobilisation": link,
        "modes_mobilisation": _values(modes),
        "mobilisable_par": _values(by),
        "mobilisation_precisions": None,
        "volume_horaire_hebdomadaire": None,
        "nombre_semaines": None,
        "horaires_accueil": osm_sessions(sessions) or place.opening_hours,
    }


def place_service_records(place: Place) -> Iterator[dict[str, Any]]:
    """One service per LaMednum service the place declares."""
    cw = crosswalk()
    modes, by = _mobilisation(cw, place, place.booking_url)
    frais, precision = _fees(cw, place.fees, None)
    welcomes = [m for label in place.support_modes for m in cw.support_modes.get(label, ())]
    for label in place.services:
        service = cw.lamednum_services.get(label)
        if service is None:
            continue
        parts = [service.description]
        if place.summary:
            parts.append(place.summary.strip())
        if place.directions:
            parts.append(f"Pour venir : {place.directions.strip().rstrip('.')}.")
        yield {
            **_service_base(place),
            "id": place_service_id(place, service.key),
            "nom": label,
            "description": _cut(" ".join(parts)),
            "lien_source": None,
            "date_maj": _date_maj(place.updated_at),
            "type": service.type.value,
            "thematiques": _values(service.data_inclusion),
            "frais": frais.value if frais else None,
            "frais_precisions": precision,
            "publics": _values(_publics(cw, place.publics)),
            "publics_precisions": _support(place),
            "conditions_acces": None,
            "modes_accueil": _values(dict.fromkeys(welcomes or [ModeAccueil.EN_PRESENTIEL])),
            "zone_eligibilite": None,
            "contact_nom_prenom": None,
            "lien_mobilisation": place.booking_url,
            "modes_mobilisation": _values(modes),
            "mobilisable_par": _values(by),
            "mobilisation_precisions": None,
            "volume_horaire_hebdomadaire": None,
            "nombre_semaines": None,
            "horaires_accueil": place.opening_hours,
        }


def _checked(
    model: type[Service] | type[Structure],
    record: dict[str, Any],
    left_out: list[LeftOut],
    kind: str,
) -> bool:
    """Whether the official model accepts the record, warnings included."""
    try:
        model.model_validate(record, context={"ignore_warnings": False})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        left_out.append(LeftOut(kind, record["id"], record["nom"], f"{where} : {first['msg']}"))
        return False
    return True


def structures(offer: PublishedOffer, left_out: list[LeftOut]) -> list[dict[str, Any]]:
    records = (structure_record(place) for place in offer.places)
    return [r for r in records if _checked(Structure, r, left_out, "structure")]


def services(
    offer: PublishedOffer, address: Address, left_out: list[LeftOut]
) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for place in offer.places:
        records.extend(place_service_records(place))
    for workshop in offer.workshops.values():
        records.extend(
            workshop_record(workshop, place, offer, address) for place in offer.places_of(workshop)
        )
    return [r for r in records if _checked(Service, r, left_out, "service")]
