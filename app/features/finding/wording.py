"""How a search's result is said to people: free seats in words (« 3 places libres », never
« 9/12 »: the person wants to know whether they can come, not how full it is)."""

from __future__ import annotations

from app.i18n import Gettext

MSG_ONE_SEAT = "1 place libre"
MSG_SEATS = "{count} places libres"
MSG_FULL = "Complet : vous pouvez vous inscrire sur la liste d'attente"


def free_seats_text(free: int, _: Gettext = str) -> str:
    if free <= 0:
        return _(MSG_FULL)
    if free == 1:
        return _(MSG_ONE_SEAT)
    return _(MSG_SEATS).format(count=free)
