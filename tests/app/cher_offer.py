"""A plausible offer in the Cher, as structures publish it: four places in real communes (one
without a SIRET), workshops across the Coop themes and modalities, weekly sessions over the
next six weeks; and, in another structure, what must never be exported (an archived place and
workshop, a cancelled session with a private note and video link)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Modality, Place, Session, Structure, Workshop
from app.features.catalogue import create_place, create_workshop

SECRET_NOTE = "Note interne : Mme D. vient avec sa fille"
SECRET_LINK = "https://visio.example.org/salle-privee-7f3a"
ARCHIVED_PLACE = "Ancien local fermé"
ARCHIVED_WORKSHOP = "Atelier retiré du catalogue"
CANCELLED_ONLY = "Atelier annulé faute de formateur"

HOURS = "Tu-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:30"


@dataclass
class CherOffer:
    structures: dict[str, UUID] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    workshops: dict[str, Workshop] = field(default_factory=dict)
    sessions: list[Session] = field(default_factory=list)


async def _place(db: AsyncSession, structure_id: UUID, **fields: Any) -> Place:
    base: dict[str, Any] = {
        "typologies": [],
        "services": [],
        "publics": [],
        "specific_support": [],
        "fees": ["Gratuit"],
        "national_programmes": [],
        "labels": [],
        "access_modes": ["Se présenter", "Téléphoner"],
        "support_modes": [],
        "mobility": ["Fixe"],
    }
    archived = fields.pop("archived", False)
    place = await create_place(db, structure_id, **(base | fields))
    place.archived = archived
    return place


async def _workshop(db: AsyncSession, structure_id: UUID, **fields: Any) -> Workshop:
    base: dict[str, Any] = {
        "publics": [],
        "price": "Gratuit",
        "language": "fr",
        "exit_check": {"kind": "checklist", "points": ["La personne l'a fait seule."]},
    }
    archived = fields.pop("archived", False)
    workshop = await create_workshop(db, structure_id, **(base | fields))
    workshop.archived = archived
    return workshop


async def build_cher_offer(db: AsyncSession, now: datetime | None = None) -> CherOffer:
    """Writes the offer and commits; names are suffixed so that it can be built twice."""
    now = now or datetime.now(UTC)
    tag = uuid.uuid4().hex[:6]
    offer = CherOffer()
    for key, name in (
        ("bourges", f"Ville de Bourges {tag}"),
        ("vierzon", f"France Services de Vierzon {tag}"),
        ("boischaut", f"Association Numérique en Boischaut {tag}"),
        ("other", f"Association voisine {tag}"),
    ):
        structure = Structure(name=name, commune_insee=None)
        db.add(structure)
        await db.flush()
        offer.structures[key] = structure.id
    s = offer.structures
    offer.places = {
        "mediatheque": await _place(
            db,
            s["bourges"],
            name="Médiathèque des Gibjoncs",
            pivot="21180033300016",
            address="3 rue Jean Moulin",
            postal_code="18000",
            commune_insee="18033",
            latitude=47.0983,
            longitude=2.4121,
            typologies=["EPN"],
            phone="+33248571200",
            email="mediatheque.gibjoncs@example.org",
            website="https://www.example.org/mediatheques",
            opening_hours=HOURS,
            summary="Une médiathèque de quartier avec un espace numérique ouvert à tous.",
            description="L'espace numérique de la médiathèque des Gibjoncs prête des "
            "ordinateurs, aide à faire ses démarches et propose des ateliers chaque semaine.",
            directions="Bus ligne 2, arrêt Gibjoncs",
            services=[
                "Accès internet et matériel informatique",
                "Aide aux démarches administratives",
                "Maîtrise des outils numériques du quotidien",
            ],
            specific_support=["Handicaps moteurs", "Illettrisme"],
            national_programmes=["Conseillers numériques"],
            support_modes=["Accompagnement individuel", "Dans un atelier collectif"],
            accessibility_url="https://acceslibre.beta.gouv.fr/app/18-bourges/a/bibliotheque-mediatheque/erp/mediatheque-des-gibjoncs/",
            accessibility="Plain-pied, toilettes adaptées.",
        ),
        "epn": await _place(
            db,
            s["bourges"],
            name="EPN de la Chancellerie",
            pivot=None,
            address="12 avenue de la Libération",
            postal_code="18000",
            commune_insee="18033",
            typologies=["EPN"],
            phone="+33248242424",
            email="epn.chancellerie@example.org",
            opening_hours="Mo,We 14:00-18:00",
            summary="Un petit espace numérique de quartier, sur rendez-vous ou en accès libre.",
            services=["Accès internet et matériel informatique"],
            support_modes=["En autonomie"],
        ),
        "vierzon": await _place(
            db,
            s["vierzon"],
            name="France Services de Vierzon",
            pivot="20009056100018",
            address="2 place de la Libération",
            postal_code="18100",
            commune_insee="18279",
            typologies=["MSAP"],
            phone="+33248757575",
            email="franceservices.vierzon@example.org",
            opening_hours="Mo-Fr 08:30-12:00,13:30-17:00",
            summary="Un seul lieu pour vos démarches : CAF, impôts, retraite, santé, emploi.",
            services=[
                "Aide aux démarches administratives",
                "Insertion professionnelle via le numérique",
            ],
            national_programmes=["France Services", "Aidants Connect"],
            access_modes=["Se présenter", "Téléphoner", "Prendre un RDV en ligne"],
            booking_url="https://rdv.example.org/vierzon",
            support_modes=["Accompagnement individuel"],
            fees=["Gratuit"],
        ),
        "boischaut": await _place(
            db,
            s["boischaut"],
            name="Bus numérique du Boischaut",
            pivot="W181003456",
            address="Place de la République",
            postal_code="18200",
            commune_insee="18197",
            typologies=["ASSO"],
            phone="+33248961010",
            # « Contacter par mail » with no address: the export cannot offer the e-mail way.
            email=None,
            access_modes=["Se présenter", "Téléphoner", "Contacter par mail"],
            opening_hours="Th 09:30-12:30",
            summary="Un bus équipé d'ordinateurs qui s'arrête dans les villages du sud du Cher.",
            services=[
                "Maîtrise des outils numériques du quotidien",
                "Utilisation sécurisée du numérique",
            ],
            publics=["Seniors"],
            mobility=["Itinérant"],
            fees=["Gratuit", "Gratuit sous condition"],
            support_modes=["Dans un atelier collectif", "À distance"],
        ),
        "archived": await _place(
            db,
            s["other"],
            name=ARCHIVED_PLACE,
            pivot="12345678900011",
            address="1 rue Fermée",
            postal_code="18600",
            commune_insee="18242",
            archived=True,
        ),
    }
    offer.workshops = {
        "smartphone": await _workshop(
            db,
            s["bourges"],
            title="Premiers pas sur le smartphone",
            description="Allumer son téléphone, appeler, envoyer un message, prendre une photo "
            "et la retrouver. On avance doucement, chacun avec son propre téléphone, en petit "
            "groupe de six personnes au plus.",
            competences=[{"competence": "E1", "entry": 0, "exit": 2}],
            themes=["prendre_en_main_du_materiel"],
            modality=Modality.COLLECTIVE,
            duration_minutes=120,
            publics=["Seniors"],
        ),
        "demarches": await _workshop(
            db,
            s["bourges"],
            title="Faire ses démarches en ligne : CAF, impôts, Ameli",
            description="Créer son compte, retrouver ses identifiants et faire une démarche "
            "simple sur les sites de la CAF, des impôts et de l'Assurance maladie. Apportez vos "
            "papiers et votre téléphone.",
            competences=[{"competence": "C3", "entry": 1, "exit": 2}],
            themes=["aide_aux_demarches_administratives", "social_sante"],
            modality=Modality.COLLECTIVE,
            duration_minutes=90,
        ),
        "arnaques": await _workshop(
            db,
            s["boischaut"],
            title="Repérer les arnaques sur internet",
            description="Reconnaître un faux message de la banque ou d'un colis, choisir un bon "
            "mot de passe et savoir quoi faire si l'on s'est fait avoir.",
            competences=[{"competence": "P2", "entry": 1, "exit": 3}],
            themes=["securite_numerique"],
            modality=Modality.COLLECTIVE,
            duration_minutes=120,
            accessibility="Le bus a une rampe d'accès",
        ),
        "cv": await _workshop(
            db,
            s["vierzon"],
            title="Créer son CV et postuler en ligne",
            description="Un rendez-vous d'une heure avec une conseillère pour écrire son CV, "
            "l'enregistrer et l'envoyer à une offre d'emploi depuis son espace France Travail.",
            competences=[{"competence": "R1", "entry": 1, "exit": 2}],
            themes=["insertion_professionnelle", "travail_formation"],
            modality=Modality.INDIVIDUAL,
            duration_minutes=60,
            # « Gratuit sous condition » does not fit the price column (20 characters).
            price="Payant",
            price_detail="Gratuit pour les personnes inscrites à France Travail, 5 € sinon",
        ),
        "emails": await _workshop(
            db,
            s["boischaut"],
            title="Envoyer des e-mails et des photos à ses proches",
            description="En visio, depuis chez soi : écrire un e-mail, y joindre une photo, "
            "répondre et ranger ses messages. Il suffit d'un ordinateur ou d'une tablette.",
            competences=[{"competence": "C1", "entry": 0, "exit": 2}],
            themes=["email"],
            modality=Modality.REMOTE,
            duration_minutes=60,
        ),
        "ordinateur": await _workshop(
            db,
            s["bourges"],
            title="Découvrir l'ordinateur à son rythme",
            description="Des exercices sur ordinateur pour apprendre la souris, le clavier et "
            "internet, à faire seul sur place, avec une médiatrice à côté si besoin.",
            competences=[{"competence": "E1", "entry": 0, "exit": 1}],
            themes=[],
            modality=Modality.SELF_STUDY,
            duration_minutes=45,
        ),
        "archived": await _workshop(
            db,
            s["other"],
            title=ARCHIVED_WORKSHOP,
            description="Il n'est plus proposé.",
            competences=[{"competence": "C1", "entry": 0, "exit": 1}],
            themes=["email"],
            modality=Modality.COLLECTIVE,
            duration_minutes=60,
            archived=True,
        ),
        "cancelled": await _workshop(
            db,
            s["other"],
            title=CANCELLED_ONLY,
            description="Toutes ses séances sont annulées.",
            competences=[{"competence": "C2", "entry": 0, "exit": 1}],
            themes=["bureautique"],
            modality=Modality.COLLECTIVE,
            duration_minutes=60,
        ),
    }
    p, w = offer.places, offer.workshops
    start = (now + timedelta(days=1)).replace(hour=13, minute=0, second=0, microsecond=0)
    weekly = [
        (w["smartphone"], p["mediatheque"], 0),
        (w["demarches"], p["mediatheque"], 2),
        (w["demarches"], p["epn"], 3),
        (w["arnaques"], p["boischaut"], 1),
        (w["cv"], p["vierzon"], 0),
        (w["emails"], None, 4),
    ]
    for workshop, place, day in weekly:
        for week in range(6):
            begins = start + timedelta(days=day + 7 * week)
            offer.sessions.append(
                Session(
                    structure_id=workshop.structure_id,
                    workshop_id=workshop.id,
                    place_id=place.id if place else None,
                    remote_url="https://visio.example.org/atelier" if place is None else None,
                    starts_at=begins,
                    ends_at=begins + timedelta(minutes=workshop.duration_minutes),
                    capacity=8,
                )
            )
    # Cancelled: the smartphone workshop is not offered at the EPN.
    offer.sessions.append(
        Session(
            structure_id=s["bourges"],
            workshop_id=w["smartphone"].id,
            place_id=p["epn"].id,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=6,
            cancelled_at=now,
            cancel_reason="Salle indisponible",
            note=SECRET_NOTE,
        )
    )
    # A place of another structure, hidden: only cancelled sessions, with private details.
    offer.sessions.append(
        Session(
            structure_id=s["other"],
            workshop_id=w["cancelled"].id,
            place_id=p["archived"].id,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            capacity=6,
            cancelled_at=now,
            cancel_reason="Formateur malade",
            note=SECRET_NOTE,
            remote_url=SECRET_LINK,
        )
    )
    db.add_all(offer.sessions)
    await db.commit()
    return offer
