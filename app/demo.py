"""Demo data for `make run`: a structure in the Cher with a mediator, a trainer and an
administrator (with the second factor on), a few people, and the offer of four structures
(app/demo_offer.py), loaded once.

The generated passwords are kept in var/demo-credentials.txt (readable by the owner only) so
that every `make run` can print them again.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import VAR_DIR, Settings, private_var_dir
from app.db.engine import make_engine, session_maker
from app.db.models import Channel, Consent, Credential, Diagnostic, Person, Role, Structure
from app.demo_offer import DEMO_STRUCTURE, demo_offer, load_offer
from app.features.accounts.security import generate_password
from app.features.accounts.service import AccountService
from app.features.accounts.totp import TotpBox, new_secret, readable_secret
from app.features.badges import revoke
from app.features.diagnostics.service import (
    Provenance,
    add_diagnostic,
    diagnostic_row,
    person_row,
)
from app.features.people.consent import CONSENT_VERSION
from app.features.wallet import new_link, wallet_path
from referentiel import Referential, load_referential
from referentiel.submission import read_submission

STRUCTURE = DEMO_STRUCTURE
STRUCTURE_COMMUNE = "18033"  # Bourges
ACCOUNTS = (
    ("mediatrice@demo.parcours-numerique.fr", Role.MEDIATOR),
    ("formateur@demo.parcours-numerique.fr", Role.TRAINER),
    ("admin@demo.parcours-numerique.fr", Role.ADMIN),
    ("coordination@demo.parcours-numerique.fr", Role.COORDINATOR),
)
DEMO_DEPARTEMENT = "18"  # the demo coordinator follows the Cher, where the demo offer is
PEOPLE = (  # alias, age band, visits, commune, what they want to do and how far (a pathway)
    ("Mme R.", "soixante_dix_plus", 1, "18033", {"proches": "A3", "sante": "A2"}),
    ("M. K.", "vingt_cinq_trente_neuf", 2, "18023", {"france_travail": "A3", "emploi": "A3"}),
    ("Léa", "dix_huit_vingt_quatre", 3, "18279", {"arnaques": "A3"}),
)
CREDENTIALS = VAR_DIR / "demo-credentials.txt"


async def load_demo(settings: Settings) -> list[str]:
    engine = make_engine(settings)
    try:
        async with session_maker(settings, engine)() as db:
            if await db.scalar(select(Structure).where(Structure.name == STRUCTURE)) is None:
                await _create(db, TotpBox(settings.secrets()), settings)
    finally:
        await engine.dispose()
    return ["Comptes de démonstration :", *CREDENTIALS.read_text("utf-8").splitlines()]


async def _create(db, box: TotpBox, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    accounts = AccountService(db)
    lines = await _accounts(db, accounts, box)
    structure = await accounts.structure(STRUCTURE)
    structure.commune_insee = STRUCTURE_COMMUNE
    structures = {STRUCTURE: structure}
    for entry in demo_offer()["structures"]:
        other = await accounts.structure(entry["name"])
        other.commune_insee = entry["places"][0]["commune_insee"]
        structures[entry["name"]] = other
    ref = load_referential()
    rng = random.Random(2026)
    people = await _people(db, ref, structure, rng)
    await load_offer(db, structures, people)
    await _revoke_one(db, people[0])
    await db.commit()
    # Mme R. came back after the phone workshop: her new result counts its exit check.
    answers = {i.id: 1 for i in ref.form_items("papier")}
    submission = read_submission(_taken(answers, PEOPLE[0][3], PEOPLE[0][4]))
    provenance = Provenance(Channel.PAPER, people[0].id, structure.id)
    await add_diagnostic(db, await person_row(db, submission, provenance))
    await db.commit()
    for need in ("caf", "telephone", "impots"):  # residents who took it online, near Bourges
        answers = {i.id: rng.randint(0, 4) for i in ref.form_items("papier")}
        submission = read_submission(_taken(answers, STRUCTURE_COMMUNE, {need: "A3"}))
        await add_diagnostic(db, diagnostic_row(submission, Provenance(Channel.ONLINE)))
    await db.commit()
    lines += await _wallet(db, structure, settings)
    private_var_dir()
    CREDENTIALS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    CREDENTIALS.chmod(0o600)


REVOKED_BADGE = "E2-2"
REVOKED_REASON = "Fin d'atelier notée pour la mauvaise personne (exemple de la démonstration)"


async def _revoke_one(db: AsyncSession, person: Person) -> None:
    """Mme R.'s workshops gave her badges; one is revoked, to show how a verifier sees it."""
    found = await db.scalar(
        select(Credential).where(
            Credential.person_id == person.id, Credential.achievement == REVOKED_BADGE
        )
    )
    if found is not None:
        await revoke(db, found, reason=REVOKED_REASON, by=None)


async def _accounts(db: AsyncSession, accounts: AccountService, box: TotpBox) -> list[str]:
    """The demo accounts, and the lines that tell them (passwords, the admin's second factor)."""
    lines = []
    for email, role in ACCOUNTS:
        password = generate_password()
        scope = DEMO_DEPARTEMENT if role == Role.COORDINATOR else None
        user = await accounts.create_user(email, password, role, STRUCTURE, departement=scope)
        lines.append(f"  {role.value:<11} {email}  mot de passe : {password}")
        if role == Role.ADMIN:  # administrators always log in with a second factor
            secret = new_secret()
            user.totp_secret = box.seal(secret)
            await db.commit()
            lines.append(
                f"  {'':<11} clé de double authentification : {readable_secret(secret)}"
                " (à ajouter dans une application comme FreeOTP ou Aegis,"
                f" ou : oathtool --totp -b {secret})"
            )
    return lines


async def _wallet(db: AsyncSession, structure: Structure, settings: Settings) -> list[str]:
    """The link to the wallet of the demo person with the most badges, so that a newcomer
    opens it at once (kept only in the credentials file, like the passwords)."""
    badges = func.count(Credential.id)
    found = (
        await db.execute(
            select(Person.id, Person.alias)
            .join(Credential, Credential.person_id == Person.id)
            .where(Person.structure_id == structure.id)
            .group_by(Person.id, Person.alias)
            .order_by(badges.desc(), Person.alias)
            .limit(1)
        )
    ).first()
    if found is None:
        return []
    token = await new_link(db, found.id, created_by=None)
    await db.commit()
    address = settings.address(wallet_path(token))
    return [f"  {'':<11} portefeuille de badges de {found.alias} (sans mot de passe) : {address}"]


def _taken(answers: dict[str, int], commune: str, goals: dict[str, str]) -> dict[str, Any]:
    """A diagnostic as the demo's people took it: with a smartphone, wanting ``goals``."""
    context = {"knows_help": True, "commune": commune, "equipment": ["smartphone"]}
    return {"answers": answers, "context": {**context, "needs": list(goals)}, "goals": goals}


async def _people(
    db: AsyncSession, ref: Referential, structure: Structure, rng: random.Random
) -> list[Person]:
    """The people the demo structure follows, each with one to three diagnostics."""
    bands = {o.code for q in ref.context_questions if q.id == "age_band" for o in q.options}
    people = []
    for alias, band, visits, commune, goals in PEOPLE:
        person = Person(
            structure_id=structure.id,
            alias=alias,
            commune_insee=commune,
            birth_year_band=band if band in bands else None,
        )
        person.consents.append(Consent(text_version=CONSENT_VERSION, given_at=datetime.now(UTC)))
        db.add(person)
        await db.flush()
        people.append(person)
        for visit in range(visits):
            level = min(4, visit + rng.randint(0, 2))
            answers = {
                i.id: max(0, min(4, level + rng.randint(-1, 1))) for i in ref.form_items("papier")
            }
            taken_at = datetime.now(UTC) - timedelta(days=60 * (visits - visit))
            submission = read_submission(_taken(answers, commune, goals))
            provenance = Provenance(Channel.PAPER, person.id, structure.id, taken_at=taken_at)
            await add_diagnostic(db, diagnostic_row(submission, provenance))
        await db.commit()
    return people


__all__ = ["Diagnostic", "load_demo"]
