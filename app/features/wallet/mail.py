"""The wallet's link by e-mail, to the address the person gave when booking a workshop (the
only address the service may hold about them). The message belongs to that booking, so that
it is exported and erased with it, and goes out through the outbox like every message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Booking, OutboxChannel, OutboxMessage, Person
from app.i18n import DEFAULT_LANGUAGE, gettext_for

KIND = "wallet"


@dataclass(frozen=True)
class KnownEmail:
    booking_id: UUID
    address: str


async def known_email(db: AsyncSession, person: Person) -> KnownEmail | None:
    """The address of the person's latest booking made with one, if any."""
    row = (
        await db.execute(
            select(Booking.id, Booking.contact_email)
            .where(Booking.person_id == person.id, Booking.contact_email.is_not(None))
            .order_by(Booking.created_at.desc())
            .limit(1)
        )
    ).first()
    return None if row is None else KnownEmail(row[0], str(row[1]))


async def send_wallet_link(
    db: AsyncSession, person: Person, address: str, structure: str
) -> str | None:
    """Write the e-mail that carries the wallet's link; the address it goes to, or None when
    the person gave none. The caller commits."""
    email = await known_email(db, person)
    if email is None:
        return None
    _ = gettext_for(DEFAULT_LANGUAGE)  # bookings keep no language: messages are in French
    body = "\n".join(
        (
            _("Bonjour,"),
            "",
            _(
                "{structure} vous envoie le lien de votre portefeuille de badges. Vos badges "
                "montrent ce que vous savez faire sur un téléphone ou un ordinateur : vous "
                "pouvez les montrer à un conseiller France Travail ou à un employeur."
            ).format(structure=structure),
            "",
            _("Ouvrez votre portefeuille avec ce lien (il n'y a pas de mot de passe) :"),
            address,
            "",
            _(
                "Gardez ce lien pour vous : la personne qui l'a peut voir vos badges. Si vous "
                "le perdez, ou si quelqu'un d'autre l'a, demandez un nouveau lien à {structure} : "
                "l'ancien ne marchera plus."
            ).format(structure=structure),
        )
    )
    db.add(
        OutboxMessage(
            channel=OutboxChannel.EMAIL,
            kind=KIND,
            recipient=email.address,
            subject=_("Votre portefeuille de badges"),
            body=body + "\n",
            booking_id=email.booking_id,
            due_at=datetime.now(UTC),
        )
    )
    return email.address
