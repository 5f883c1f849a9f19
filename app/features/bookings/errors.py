"""What a booking, a cancellation or a change of seats can refuse, each said in plain French.

`app.errors` maps each class to its HTTP status once, for the API and the pages alike.
"""

from __future__ import annotations

from uuid import UUID


class BookingError(ValueError):
    """A refusal a person can act on; ``problems`` lists the values to correct, if any."""

    message = "Cette inscription n'est pas possible."

    def __init__(self, problems: list[str] | None = None) -> None:
        super().__init__(self.message)
        self.problems = problems or []


class SessionNotFoundError(BookingError):
    message = "Séance introuvable."


class BookingNotFoundError(BookingError):
    message = "Inscription introuvable."


class SessionCancelledError(BookingError):
    message = "Cette séance est annulée : on ne peut plus s'y inscrire."


class RegistrationClosedError(BookingError):
    message = "Les inscriptions à cette séance sont fermées."


class SessionStartedError(BookingError):
    message = "Cette séance a déjà commencé : on ne peut plus s'y inscrire."


class AlreadyBookedError(BookingError):
    message = (
        "Cette personne est déjà inscrite à cette séance, ou sur sa liste d'attente : "
        "une seule place par personne."
    )


class NoContactError(BookingError):
    message = (
        "Donnez une adresse e-mail ou un numéro de téléphone : c'est par là que vous serez "
        "prévenu de votre place et de tout changement."
    )


class CapacityError(BookingError):
    message = (
        "Le nombre de places ne peut pas descendre sous le nombre de personnes déjà "
        "inscrites : annulez d'abord des inscriptions, ou gardez au moins autant de places."
    )


class AttendanceError(BookingError):
    """``by_booking``: each booking at fault and its problem, for a page to show beside it."""

    message = "La liste de présence contient des valeurs à corriger."

    def __init__(self, problems: list[str], by_booking: dict[UUID, str]) -> None:
        super().__init__(problems)
        self.by_booking = by_booking
