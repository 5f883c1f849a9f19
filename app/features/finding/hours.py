"""Opening hours made readable: the OpenStreetMap syntax the standards use (« Mo-Fr
09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off ») said the way a notice on a door says it
(« Du lundi au vendredi : de 9 h à 12 h et de 14 h à 17 h »).

The usual rules (days or ranges of days, hours or « off », public holidays, « 24/7 ») are
said in words; any other rule is shown as it is written, never dropped: a person still reads
something true.
"""

from __future__ import annotations

import re
from datetime import time

from babel.dates import get_day_names

from app.i18n import Gettext
from app.when import said_clock

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_DAY_PART = r"(?:Mo|Tu|We|Th|Fr|Sa|Su|PH)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?"
_RULE = re.compile(
    rf"^(?P<days>{_DAY_PART}(?:,{_DAY_PART})*)\s+(?P<hours>off|closed|"
    r"\d\d:\d\d-\d\d:\d\d(?:,\d\d:\d\d-\d\d:\d\d)*)$"
)
_SPAN = re.compile(r"(\d\d):(\d\d)-(\d\d):(\d\d)")


def _day(code: str, lang: str) -> str:
    return str(get_day_names("wide", locale=lang)[DAYS.index(code)])


def _days(text: str, lang: str, _: Gettext) -> str:
    parts = []
    for part in text.split(","):
        if part == "PH":
            parts.append(_("les jours fériés"))
        elif "-" in part:
            first, last = part.split("-")
            parts.append(
                _("du {first} au {last}").format(first=_day(first, lang), last=_day(last, lang))
            )
        else:
            parts.append(_day(part, lang))
    return _(" et ").join(parts) if len(parts) <= 2 else ", ".join(parts)


def _clock(hours: str, minutes: str, lang: str) -> str:
    hour = int(hours)
    if hour == 24:
        return _clock("0", minutes, lang)
    return said_clock(time(hour, int(minutes)), lang)


def _hours(text: str, lang: str, _: Gettext) -> str:
    if text in {"off", "closed"}:
        return _("fermé")
    spans = [
        _("de {start} à {end}").format(start=_clock(a, b, lang), end=_clock(c, d, lang))
        for a, b, c, d in _SPAN.findall(text)
    ]
    return _(" et ").join(spans)


def readable_hours(osm: str | None, lang: str = "fr", _: Gettext = str) -> list[str]:
    """One line per rule, in words; a rule not understood stays as written."""
    if not osm or not osm.strip():
        return []
    lines = []
    for rule in (r.strip() for r in osm.split(";")):
        if not rule:
            continue
        if rule == "24/7":
            lines.append(_("Tous les jours, à toute heure"))
            continue
        found = _RULE.match(rule)
        if found is None:
            lines.append(rule)
            continue
        days = _days(found["days"], lang, _)
        said = _("{days} : {hours}").format(days=days, hours=_hours(found["hours"], lang, _))
        lines.append(said[:1].upper() + said[1:])
    return lines
