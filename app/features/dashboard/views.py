"""What the territory pages show, built from the statistics layer and the published offer.

Every count of people comes from :mod:`app.features.statistics`, already published (cells of
fewer than 11 people hidden, complementary cells too); nothing here reads a diagnostic, a
person or a booking. The offer (places and sessions) is public and read through the search.
Each figure keeps the numbers it draws, so that its table and its CSV say exactly the same.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from app.features.dashboard import geo, svg
from app.features.dashboard.offer import OfferPlace, coverage, offer_places
from app.features.statistics import (
    SUPPRESSED,
    Indicator,
    Kind,
    Level,
    Row,
    Territory,
    descendants,
    no_show_rate,
    specs,
    statistics_rows,
    statistics_table,
)
from app.i18n import gettext_for
from app.territories import communes
from referentiel import load_referential
from referentiel.i18n import localized

Gettext = Callable[[str], str]
MIN_DISTANCE_KM, MAX_DISTANCE_KM = 5, 100
MIN_WEEKS, MAX_WEEKS = 1, 26


@cache
def _referential_words(lang: str) -> dict[str, str]:
    """The statistics' labels that come from the referential (answers, profiles, needs,
    autonomy levels, domains), in French, with their words in ``lang``."""
    french, there = load_referential(), localized(load_referential(), lang)
    pairs = [
        (a, b)
        for one, other in zip(french.context_questions, there.context_questions, strict=True)
        for a, b in zip(one.options or (), other.options or (), strict=True)
    ]
    for kind in ("profiles", "needs", "autonomy_levels"):
        pairs += zip(getattr(french, kind), getattr(there, kind), strict=True)
    words = {a.label: b.label for a, b in pairs}
    _ = gettext_for(lang)
    for a, b in zip(french.domains, there.domains, strict=True):
        words[f"Niveau : {a.label}"] = _("Niveau : {domain}").format(domain=b.label)
        words[a.label] = b.label  # the badges' columns
    for level in "01234":  # the levels of the scale, as the statistics name them
        words[f"Niveau {level}"] = _("Niveau {level}").format(level=level)
    return words


def translator(lang: str) -> Gettext:
    """The page's gettext, which also puts the referential's labels in the page's language."""
    _ = gettext_for(lang)
    words = _referential_words(lang)
    return lambda text: words.get(text) or _(text)


def number(value: float) -> str:
    """« 1 234 », « 12,5 »: as people read numbers in France."""
    text = f"{value:,.1f}" if value % 1 else f"{value:,.0f}"
    return text.replace(",", "\u202f").replace(".", ",")


def shown(count: int | None) -> str:
    return SUPPRESSED if count is None else number(count)


@dataclass
class Figure:
    """One indicator for one or two territories: its chart and the same numbers as a table."""

    key: str
    title: str
    columns: list[tuple[str, str]]  # (code, label)
    series: list[str]  # territory names
    counts: list[list[int | None]]  # per column, per territory
    note: str = ""
    extra: list[tuple[str, list[str]]] = field(default_factory=list)  # a rate under the table
    chart: Markup = field(default_factory=Markup)


def _figure(_: Gettext, indicator: Indicator, rows: Sequence[Row], names: Sequence[str]) -> Figure:
    spec = specs()[indicator]
    if indicator == Indicator.PEOPLE:
        columns = [("total", _("Personnes")), ("diagnostics", _("Diagnostics"))]
        counts = [[r.total.count for r in rows], [r.diagnostics for r in rows]]
    else:
        columns = [(c.code, _(c.label)) for c in spec.columns]
        counts = [[r.cell(code).count for r in rows] for code, _label in columns]
        if spec.total_label:  # its own total (people booked, people with a badge) first
            columns.insert(0, ("total", _(spec.total_label)))
            counts.insert(0, [r.total.count for r in rows])
    figure = Figure(indicator.value, _(spec.label), columns, list(names), counts)
    if spec.kind == Kind.SEVERAL:
        figure.note = _(
            "Une personne peut compter dans plusieurs lignes : les lignes ne font pas le total."
        )
    if indicator == Indicator.BOOKINGS:
        rates = [no_show_rate(r) for r in rows]
        figure.extra.append(
            (
                _("Absences sans prévenir, sur les personnes attendues"),
                [SUPPRESSED if r is None else f"{number(round(100 * r, 1))} %" for r in rates],
            )
        )
    bars = [
        svg.Bar(label, tuple(count)) for (_c, label), count in zip(columns, counts, strict=True)
    ]
    figure.chart = svg.bars(
        f"fig-{indicator.value}",
        bars,
        title=figure.title,
        desc=_("Diagramme en barres ; les mêmes nombres sont dans le tableau qui suit."),
        series=names if len(names) > 1 else (),
        fmt=number,
    )
    return figure


async def dashboard(
    db: AsyncSession,
    _: Gettext,
    territories: Sequence[Territory],
    period: int,
) -> list[Figure]:
    """Every indicator for the territory (and the one compared with it, if any)."""
    names = [t.name for t in territories]
    figures = []
    for indicator in specs():
        rows = await statistics_rows(db, indicator, period, territories)
        figures.append(_figure(_, indicator, rows, names))
    return figures


@dataclass
class Breakdown:
    """People and diagnostics of each territory one level down, with its link."""

    level: Level
    rows: list[tuple[Territory, str, str]]  # territory, people, diagnostics
    total: tuple[str, str]


async def breakdown(db: AsyncSession, within: Territory, level: Level, period: int) -> Breakdown:
    table = await statistics_table(db, Indicator.PEOPLE, period, level, within)
    return Breakdown(
        level,
        [(r.territory, shown(r.total.count), shown(r.diagnostics)) for r in table.rows],
        (shown(table.summary.total.count), shown(table.summary.diagnostics)),
    )


def figures_csv(figures: Sequence[Figure], period: int) -> bytes:
    """The dashboard as one CSV: one line per territory, indicator and column."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["annee", "territoire", "indicateur", "colonne", "libelle", "valeur"])
    for figure in figures:
        for (code, label), counts in zip(figure.columns, figure.counts, strict=True):
            for name, count in zip(figure.series, counts, strict=True):
                writer.writerow([period, name, figure.key, code, label, shown(count)])
        for label, values in figure.extra:
            for name, value in zip(figure.series, values, strict=True):
                writer.writerow([period, name, figure.key, "taux_absence", label, value])
    return out.getvalue().encode("utf-8-sig")


def table_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


# --- maps ------------------------------------------------------------------------------------


def map_levels(within: Territory) -> list[Level]:
    """What a map of ``within`` can be coloured by: communes and EPCI where their outlines
    are shipped (a département), départements otherwise (a région, France)."""
    if within.level == Level.DEPARTEMENT:
        return [Level.EPCI, Level.COMMUNE] if within.code in geo.WITH_COMMUNES else []
    if within.level in (Level.REGION, Level.FRANCE):
        return [Level.DEPARTEMENT]
    return []


def _areas(within: Territory, level: Level) -> tuple[svg.Area, ...]:
    if level == Level.COMMUNE:
        return geo.communes_of(within.code)
    if level == Level.EPCI:
        return geo.epcis_of(within.code)
    codes = frozenset(t.code for t in descendants(within, Level.DEPARTEMENT))
    return geo.departements(codes)


def area_code(node: Territory) -> str:
    """The outline of a node: an EPCI cut at a département's border is its SIREN there."""
    if node.level == Level.EPCI and node.departement and node.code.endswith(f"-{node.departement}"):
        return node.code.removesuffix(f"-{node.departement}")
    return node.code


def _area_of(insee: str, level: Level) -> str:
    """The outline a commune lies in, at the map's level."""
    commune = communes()[insee]
    if level == Level.COMMUNE:
        return insee
    if level == Level.EPCI:
        return commune.epci or "sans-epci"
    return commune.departement


@dataclass
class MapView:
    svg: Markup
    rows: list[tuple[str, str, str]]  # name, value, places with sessions
    places: list[OfferPlace]


def _markers(_: Gettext, places: Sequence[OfferPlace]) -> list[svg.Marker]:
    return [
        svg.Marker(
            p.name,
            p.lat,
            p.lon,
            p.sessions,
            _("{name} : {count} séance(s)").format(name=p.name, count=p.sessions),
        )
        for p in places
    ]


def legend_words(_: Gettext) -> svg.Words:
    return svg.Words(
        _("< 11 : moins de 11 personnes, le nombre n'est pas montré"),
        _("Pas de données"),
        lambda low, high: _("de {low} à {high}").format(low=low, high=high),
    )


async def needs_map(
    db: AsyncSession,
    _: Gettext,
    *,
    within: Territory,
    level: Level,
    indicator: Indicator,
    column: str,
    period: int,
    weeks: int,
    now: datetime | None = None,
) -> MapView:
    """A département (or région, or France) coloured by one column of one indicator, with
    the places that have sessions in the coming weeks on top."""
    table = await statistics_table(db, indicator, period, level, within)
    areas = _areas(within, level)
    values: dict[str, float | None] = {}
    for row in table.rows:
        cell = row.total if column == "total" else row.cell(column)
        values[area_code(row.territory)] = None if cell.count is None else float(cell.count)
    members = [c.insee for c in communes().values() if c.departement in _departements(within)]
    inside = set(members)
    places = [
        p
        for p in await offer_places(db, members, now or datetime.now(UTC), weeks)
        if p.commune_insee in inside
    ]
    label = _column_label(_, indicator, column)
    drawing = svg.choropleth(
        "map",
        areas,
        values,
        legend_words(_),
        number,
        title=_("{what}, par territoire : {where}").format(what=label, where=within.name),
        desc=_("Carte ; les mêmes nombres sont dans le tableau qui suit."),
        markers=_markers(_, places),
        places=_("Lieu avec des séances (plus grand : plus de séances)"),
        outlines=_outlines(within, level),
    )
    sessions: dict[str, int] = {}
    for place in places:
        code = _area_of(place.commune_insee, level)
        sessions[code] = sessions.get(code, 0) + place.sessions
    rows = [
        (
            row.territory.name,
            shown((row.total if column == "total" else row.cell(column)).count),
            number(sessions.get(area_code(row.territory), 0)),
        )
        for row in table.rows
    ]
    return MapView(drawing, rows, places)


def _outlines(within: Territory, level: Level) -> tuple[svg.Area, ...]:
    """Borders drawn over the coloured areas: EPCI over communes, régions over France."""
    if level == Level.COMMUNE:
        return geo.epcis_of(within.code)
    return geo.regions() if within.level == Level.FRANCE else ()


def _departements(within: Territory) -> set[str]:
    if within.level == Level.DEPARTEMENT:
        return {within.code}
    return {t.code for t in descendants(within, Level.DEPARTEMENT)}


def _column_label(_: Gettext, indicator: Indicator, column: str) -> str:
    spec = specs()[indicator]
    if column == "total":
        if indicator == Indicator.PEOPLE:
            return _("Personnes")
        return f"{_(spec.label)} : {_(spec.total_label)}" if spec.total_label else _(spec.label)
    found = next((c.label for c in spec.columns if c.code == column), column)
    return f"{_(spec.label)} : {_(found)}"


def map_choices(_: Gettext) -> list[tuple[str, str]]:
    """(value, label) of what a map can show: people, then each column of each indicator."""
    found = [("people:total", _("Personnes"))]
    for indicator, spec in specs().items():
        if indicator in (Indicator.PEOPLE, Indicator.OFFER):
            continue
        if spec.total_label:
            found.append((f"{indicator.value}:total", f"{_(spec.label)} : {_(spec.total_label)}"))
        found += [
            (f"{indicator.value}:{c.code}", f"{_(spec.label)} : {_(c.label)}") for c in spec.columns
        ]
    return found


# --- white zones ----------------------------------------------------------------------------


def need_choices(_: Gettext) -> list[tuple[str, str]]:
    return [(n.code, _(n.label)) for n in load_referential().needs]


def need_competences(need: str) -> frozenset[str]:
    found = next(n for n in load_referential().needs if n.code == need)
    return frozenset(found.requires)


@dataclass
class WhiteZones:
    """``rows``: commune, people with the need, the nearest session, and the kind of zone:
    ``many`` (a white zone: no session near, 11 people or more with the need), ``few`` (no
    session near, fewer than 11 people or nobody: the layer does not say which), ``nobody``,
    ``near`` or ``unmeasured``."""

    svg: Markup | None
    rows: list[tuple[str, str, str, str]]
    white: int
    few: int
    unmeasured: list[str]


async def white_zones(
    db: AsyncSession,
    _: Gettext,
    *,
    within: Territory,
    need: str,
    distance_km: int,
    weeks: int,
    period: int,
    now: datetime | None = None,
) -> WhiteZones:
    """The communes of a département where no session serving the need (raising one of the
    competences it asks) runs within ``distance_km`` in the next ``weeks``, with how many
    people named that need there (the statistics layer's cell, « < 11 » included)."""
    table = await statistics_table(db, Indicator.NEEDS, period, Level.COMMUNE, within)
    people = {row.territory.code: row.cell(need).count for row in table.rows}
    codes = sorted(people)
    places = await offer_places(db, codes, now or datetime.now(UTC), weeks, distance_km)
    asked = need_competences(need)
    serving = [p for p in places if p.competences & asked]
    found = {c.insee: c for c in coverage(codes, serving, None, distance_km)}
    within_words = _("Aucune séance à moins de {km} km").format(km=distance_km)
    shades = {
        "many": svg.Shade(
            svg.PALETTE[4],
            _("{none} ; 11 personnes ou plus ont ce besoin").format(none=within_words),
        ),
        "few": svg.Shade(
            svg.HIDDEN,
            _("{none} ; moins de 11 personnes ont ce besoin, ou aucune").format(none=within_words),
        ),
        "nobody": svg.Shade(
            svg.PALETTE[1], _("{none} ; personne n'a dit ce besoin").format(none=within_words)
        ),
        "near": svg.Shade("#ffffff", _("Une séance à moins de {km} km").format(km=distance_km)),
        "unmeasured": svg.Shade("#ffffff", _("Distance inconnue"), dashed=True),
    }
    shading: dict[str, tuple[svg.Shade, str]] = {}
    used: set[str] = set()
    rows = []
    for code in codes:
        cover, count = found[code], people[code]
        if not cover.measurable:
            kind = "unmeasured"
        elif cover.nearest_km is not None:
            kind = "near"
        else:
            kind = "few" if count is None else "many" if count else "nobody"
        nearest = (
            _("à {km} km").format(km=number(cover.nearest_km))
            if cover.nearest_km is not None
            else _("aucune à moins de {km} km").format(km=distance_km)
        )
        shading[code] = (shades[kind], f"{shown(count)} ; {nearest}")
        used.add(kind)
        rows.append((communes()[code].display, shown(count), nearest, kind))
    order = list(shades)
    rows.sort(key=lambda r: (order.index(r[3]), r[0]))
    areas = geo.communes_of(within.code)
    drawing = None
    if areas:
        drawing = svg.area_map(
            "zones",
            areas,
            shading,
            [shade for kind, shade in shades.items() if kind in used],
            title=_("Zones blanches : {where}").format(where=within.name),
            desc=_("Carte ; la liste des communes qui suit dit la même chose."),
            markers=_markers(_, [p for p in serving if p.commune_insee in people]),
            places=_("Lieu avec des séances pour ce besoin (plus grand : plus de séances)"),
            outlines=geo.epcis_of(within.code),
        )
    return WhiteZones(
        drawing,
        rows,
        sum(r[3] == "many" for r in rows),
        sum(r[3] == "few" for r in rows),
        [communes()[c].display for c in codes if not found[c].measurable],
    )
