"""What a message says about a session, in plain words: the workshop, where (the place and its
address, or the link of a remote session), when (said the way people say it) and how to
cancel. Texts go through the catalogs; messages to residents are written in French."""

from __future__ import annotations

from dataclasses import dataclass

from app.db.models import Booking, Place, Session
from app.features.catalogue import display_phone
from app.i18n import DEFAULT_LANGUAGE, Gettext, gettext_for
from app.territories import communes
from app.when import said_span

# The kinds of message a booking gets, in the order a booking may live them.
KINDS = ("booked", "waiting", "promoted", "changed", "cancelled", "reminder")
# The kinds after which the booking's calendar invitation is no longer what it was.
REVISING = frozenset({"promoted", "changed", "cancelled"})


def place_address(place: Place) -> str:
    """« 12 rue de la Poste, bâtiment B, 18000 Bourges »."""
    commune = communes().get(place.commune_insee)
    town = f"{place.postal_code} {commune.name}" if commune else place.postal_code
    return ", ".join(p for p in (place.address, place.address_complement, town) if p)


def where(session: Session, _: Gettext) -> str:
    """The place and its address, or the link of a session held remotely."""
    if session.place is not None:
        return f"{session.place.name}, {place_address(session.place)}"
    if session.remote_url:
        return _("En ligne, avec ce lien : {url}").format(url=session.remote_url)
    return _("En ligne (le lien vous sera donné par la structure)")


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def _subject(kind: str, title: str, _: Gettext) -> str:
    subjects = {
        "booked": _("Votre place est réservée : {title}"),
        "waiting": _("Vous êtes sur la liste d'attente : {title}"),
        "promoted": _("Une place s'est libérée pour vous : {title}"),
        "changed": _("L'atelier a changé : {title}"),
        "cancelled": _("Inscription annulée : {title}"),
        "reminder": _("Rappel de votre atelier : {title}"),
    }
    return " ".join(subjects[kind].format(title=title).split())  # one header line


def _opening(
    kind: str, booking: Booking, session: Session, position: int | None, _: Gettext
) -> str:
    """The news itself, first thing in the message."""
    title = session.workshop.title
    if kind == "cancelled" and (booking.cancelled_by == "session" or session.is_cancelled):
        text = _("L'atelier « {title} » est annulé. Votre inscription est annulée.")
        text = text.format(title=title)
        if session.cancel_reason:
            text += "\n" + _("La raison : {reason}").format(reason=session.cancel_reason)
        return text
    return {
        "booked": _("Votre place est réservée pour l'atelier « {title} »."),
        "waiting": _(
            "L'atelier « {title} » est complet. Vous êtes sur la liste d'attente, "
            "à la place numéro {position}. Si une place se libère, nous vous écrirons."
        ),
        "promoted": _(
            "Bonne nouvelle : une place s'est libérée. Votre place est réservée "
            "pour l'atelier « {title} »."
        ),
        "changed": _("L'atelier « {title} » a changé. Voici les nouvelles informations."),
        "reminder": _("Nous vous rappelons votre atelier « {title} »."),
        "cancelled": _("Votre inscription à l'atelier « {title} » est annulée."),
    }[kind].format(title=title, position=position or 1)


def compose(
    kind: str,
    booking: Booking,
    session: Session,
    *,
    link: str,
    search_link: str,
    position: int | None = None,
    with_invitation: bool = False,
    lang: str = DEFAULT_LANGUAGE,
) -> Message:
    """The e-mail of one kind about one booking: short, one fact a line."""
    _ = gettext_for(lang)
    # stored as « +33248000000 »; people read and dial « 02 48 00 00 00 »
    phone = session.place.phone if session.place is not None else None
    lines = [_("Bonjour,"), "", _opening(kind, booking, session, position, _), ""]
    lines += [
        _("Quand : {span}").format(span=said_span(session.starts_at, session.ends_at, lang)),
        _("Où : {where}").format(where=where(session, _)),
        "",
    ]
    if kind == "cancelled":
        lines.append(_("Pour trouver un autre atelier : {link}").format(link=search_link))
    else:
        lines.append(_("Pour voir ou annuler votre inscription : {link}").format(link=link))
        if phone:
            lines.append(
                _("Vous pouvez aussi appeler le lieu : {phone}").format(phone=display_phone(phone))
            )
    if with_invitation:
        lines += [
            "",
            _("Le rendez-vous est joint à ce message : vous pouvez l'ajouter à votre agenda."),
        ]
    return Message(_subject(kind, session.workshop.title, _), "\n".join(lines) + "\n")


def compose_sms(
    kind: str, session: Session, *, link: str, position: int | None, lang: str = DEFAULT_LANGUAGE
) -> str:
    """The same news in one text message: what, when, and the link."""
    _ = gettext_for(lang)
    news = _subject(kind, session.workshop.title, _)
    if kind == "waiting":
        news += " " + _("(place numéro {position})").format(position=position or 1)
    span = said_span(session.starts_at, session.ends_at, lang)
    return f"{news}. {span}. {link}"
