"""Pix Orga exports: structures that already test with Pix do not make people test twice."""

from __future__ import annotations

import contextlib
import csv
import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badges.pix import PixImportError, by_our_competence, read_pix_export
from referentiel.answers import evidence_problems
from referentiel.load import load_referential

REF = load_referential()

# The 16 competences as Pix names them in its exports (its learning content: typographic
# apostrophes, « multimedia » without an accent), in Pix's order.
PIX_NAMES = {
    "1.1": "Mener une recherche et une veille d’information",
    "1.2": "Gérer des données",
    "1.3": "Traiter des données",
    "2.1": "Interagir",
    "2.2": "Partager et publier",
    "2.3": "Collaborer",
    "2.4": "S’insérer dans le monde numérique",
    "3.1": "Développer des documents textuels",
    "3.2": "Développer des documents multimedia",
    "3.3": "Adapter les documents à leur finalité",
    "3.4": "Programmer",
    "4.1": "Sécuriser l’environnement numérique",
    "4.2": "Protéger les données personnelles et la vie privée",
    "4.3": "Protéger la santé, le bien-être et l’environnement",
    "5.1": "Résoudre des problèmes techniques",
    "5.2": "Construire un environnement numérique",
}
HEADER = [
    "Nom de l'organisation",
    "ID Campagne",
    "Code",
    "Nom de la campagne",
    "Nom du Participant",
    "Prénom du Participant",
    "Identifiant France Travail",
    "Envoi (O/N)",
    "Date et heure de l'envoi (Europe/Paris)",
    "Nombre de pix total",
    "Certifiable (O/N)",
    "Nombre de compétences certifiables",
    *(
        column
        for name in PIX_NAMES.values()
        for column in (
            f"Niveau pour la compétence {name}",
            f"Nombre de pix pour la compétence {name}",
        )
    ),
]

levels = st.dictionaries(st.sampled_from(sorted(PIX_NAMES)), st.integers(0, 8))
names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(
    lambda s: s.strip() == s and not s.startswith("'")
)
participants = st.lists(st.tuples(names, names, st.none() | levels), min_size=1, max_size=8)


def pix_export(
    rows: list[tuple[str, str, dict[str, int] | None]],
    delimiter: str = ";",
    encoding: str = "utf-8-sig",
) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(HEADER)
    for last, first, shared in rows:
        line = ["Médiathèque de Bourges", "12", "QWERTY456", "Numérique au quotidien", last, first]
        line.append("FT-42")
        if shared is None:
            line += ["Non"] + ["NA"] * (len(HEADER) - 8)
        else:
            line += ["Oui", "2026-11-20 14:05", "52", "Non", "2"]
            for code in PIX_NAMES:
                line += [str(shared[code]) if code in shared else "", "8"]
        writer.writerow(line)
    return out.getvalue().encode(encoding)


@given(participants, st.sampled_from([";", ","]), st.sampled_from(["utf-8-sig", "utf-8"]))
@settings(max_examples=60, deadline=None)
def test_every_participant_and_level_is_read_back(
    rows: list[tuple[str, str, dict[str, int] | None]], delimiter: str, encoding: str
) -> None:
    read = read_pix_export(pix_export(rows, delimiter, encoding), REF)
    assert [(p.last_name, p.first_name) for p in read.participants] == [(r[0], r[1]) for r in rows]
    assert [p.levels if p.shared else None for p in read.participants] == [r[2] for r in rows]
    assert read.campaign_code == "QWERTY456"
    assert read.external_id_label == "Identifiant France Travail"


def test_a_shared_profile_becomes_pix_evidence_for_our_competences() -> None:
    read = read_pix_export(
        pix_export([("Martin", "Awa", {"2.1": 3, "5.2": 1}), ("B", "C", None)]), REF
    )
    awa, other = read.participants
    assert awa.shared_on == date(2026, 11, 20)
    assert awa.external_id == "FT-42"
    evidence = read.evidence(awa)
    assert [(e.kind, e.pix_competence, e.pix_level) for e in evidence] == [
        ("pix", "2.1", 3),
        ("pix", "5.2", 1),
    ]
    assert evidence[0].source == "Pix campagne QWERTY456 envoyé le 20/11/2026"
    assert read.evidence(other) == ()
    parsed, problems = evidence_problems(REF, [e.model_dump() for e in evidence])
    assert (parsed, problems) == (list(evidence), [])
    ours = by_our_competence(REF, awa.levels)
    assert ours["C1"] == {"2.1": 3}
    assert ours["E1"] == ours["E2"] == {"5.2": 1}
    assert "P1" not in ours


def test_a_file_saved_again_by_a_french_spreadsheet_is_read() -> None:
    data = pix_export([("Lefèvre", "Zoé", {"1.1": 2})], encoding="cp1252")
    read = read_pix_export(data.replace(b"2026-11-20 14:05", b"20/11/2026"), REF)
    assert read.participants[0].last_name == "Lefèvre"
    assert read.participants[0].shared_on == date(2026, 11, 20)


def test_the_formula_guard_pix_adds_is_taken_off_names() -> None:
    read = read_pix_export(pix_export([("'=Bono", "'@Jean", None)]), REF)
    assert (read.participants[0].last_name, read.participants[0].first_name) == ("=Bono", "@Jean")


def _with_cell(data: bytes, column: str, row: int, value: str) -> bytes:
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    table[row][table[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(table)
    return out.getvalue().encode()


def test_every_bad_value_is_reported_with_its_line_and_nothing_is_read() -> None:
    data = pix_export([("A", "B", {"2.1": 3}), ("C", "D", {"2.1": 1}), ("E", "F", None)])
    data = _with_cell(data, "Niveau pour la compétence Interagir", 1, "trois")
    data = _with_cell(data, "Niveau pour la compétence Collaborer", 2, "9")
    data = _with_cell(data, "Niveau pour la compétence Programmer", 3, "2")
    data = _with_cell(data, "Envoi (O/N)", 3, "Peut-être")
    with pytest.raises(PixImportError) as raised:
        read_pix_export(data, REF)
    assert raised.value.problems == [
        "ligne 2, « Niveau pour la compétence Interagir » : « trois » n'est pas un niveau Pix "
        "(0 à 8)",
        "ligne 3, « Niveau pour la compétence Collaborer » : « 9 » n'est pas un niveau Pix (0 à 8)",
        "ligne 4, « Envoi (O/N) » : « Peut-être » au lieu de Oui ou Non",
        "ligne 4, « Niveau pour la compétence Programmer » : un niveau alors que le profil n'est "
        "pas envoyé",
    ]


def test_an_unknown_competence_column_is_reported() -> None:
    data = pix_export([("A", "B", None)]).replace(
        "Niveau pour la compétence Programmer".encode(), "Niveau pour la compétence Coder".encode()
    )
    with pytest.raises(PixImportError, match="« Niveau pour la compétence Coder » : compétence"):
        read_pix_export(data, REF)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "la colonne « Nom du Participant » manque"),
        ("Nom du Participant;Prénom du Participant;Date\nA;B;1\n".encode(), "collecte de profils"),
        (pix_export([("A", "B", None)]) + b"X;Y\n", "ligne 3 : 2 valeurs au lieu de"),
        (pix_export([("A", "B", None)]) + b'"X;Y\n', "ligne illisible"),
        (pix_export([])[:-1], "aucun participant"),
        (b"x" * (21 * 1024 * 1024), "trop lourd"),
    ],
)
def test_a_file_that_is_not_a_readable_export_says_why(data: bytes, says: str) -> None:
    with pytest.raises(PixImportError, match=says):
        read_pix_export(data, REF)


@given(st.binary(max_size=400))
@settings(max_examples=150, deadline=None)
def test_no_bytes_make_the_import_raise_anything_but_a_pix_import_error(data: bytes) -> None:
    for candidate in (data, pix_export([("A", "B", {"1.1": 1})]) + data):
        with contextlib.suppress(PixImportError):
            read_pix_export(candidate, REF)


def test_the_pix_names_match_every_crcn_competence_of_the_referential() -> None:
    assert sorted(PIX_NAMES) == sorted(c.code for c in REF.frameworks.crcn_competences)
