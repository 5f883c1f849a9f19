"""How sessions and places are said to people, on every page that shows them (the search, the
help page, the booking pages, a diagnostic's result): free seats in words (« 3 places libres »,
never « 9/12 »: the person wants to know whether they can come, not how full it is), how near,
the time, the opening hours. Registered once as template functions (``TEMPLATE_GLOBALS``);
each reads the page's language from the page itself."""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context

from app.features.catalogue import display_phone
from app.features.finding.hours import readable_hours
from app.features.finding.search import Nearness
from app.features.notifications import place_address
from app.i18n import Gettext
from app.when import said_span

MSG_ONE_SEAT = "1 place libre"
MSG_SEATS = "{count} places libres"
MSG_FULL = "Complet : vous pouvez vous inscrire sur la liste d'attente"


def free_seats_text(free: int, _: Gettext = str) -> str:
    if free <= 0:
        return _(MSG_FULL)
    if free == 1:
        return _(MSG_ONE_SEAT)
    return _(MSG_SEATS).format(count=free)


def near_words(nearness: Nearness, distance_km: float | None, _: Gettext = str) -> str:
    """« À 4 km de chez vous », « Dans votre intercommunalité »…: how near, said plainly."""
    if nearness == Nearness.REMOTE:
        return _("En ligne : pas besoin de vous déplacer")
    if nearness == Nearness.SAME_EPCI:
        return _("Dans votre intercommunalité")
    if nearness == Nearness.SAME_DEPARTEMENT:
        return _("Dans votre département")
    if distance_km is None:
        return ""
    if distance_km < 1:
        return _("Dans votre commune, à moins de 1 km")
    return _("À {km} km de chez vous").format(km=round(distance_km))


@pass_context
def _free_seats(page: Any, session: Any) -> str:
    return free_seats_text(session.free_seats, page["_"])


@pass_context
def _when(page: Any, session: Any) -> str:
    return said_span(session.starts_at, session.ends_at, page["lang"])


@pass_context
def _how_near(page: Any, nearness: Nearness, distance_km: float | None) -> str:
    return near_words(nearness, distance_km, page["_"])


@pass_context
def _opening_hours(page: Any, osm: str | None) -> list[str]:
    return readable_hours(osm, page["lang"], page["_"])


TEMPLATE_GLOBALS: dict[str, Any] = {
    "free_seats": _free_seats,
    "session_when": _when,
    "how_near": _how_near,
    "opening_hours": _opening_hours,
    "phone_shown": display_phone,
    "place_address": place_address,
}
