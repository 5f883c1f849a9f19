"""Sessions imported from a spreadsheet: the encodings French spreadsheets write, the columns
refused with the list of expected ones, a report line by line, nothing saved when a line
fails (unless the valid lines are asked for), a line imported twice refused; and any file
at all gets a report or a clean success, never a server error, never half saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.db.models import Session, Workshop
from tests.app.test_people_api import assert_problem

URL = "/api/v1/sessions/import"


def _day(days: int = 10) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%d/%m/%Y")


def _names(backend, trainer) -> tuple[str, str]:
    async def go(db):
        workshop = await db.get(Workshop, trainer.offer.workshop_id)
        from app.db.models import Place

        place = await db.get(Place, trainer.offer.place_id)
        return workshop.title, place.name

    return backend.run(go)


def _count(backend, trainer) -> int:
    return backend.run(
        lambda db: db.scalar(
            select(func.count())
            .select_from(Session)
            .where(Session.structure_id == trainer.offer.structure_id)
        )
    )


def _send(client, trainer, content: bytes, **params):
    return client.post(
        URL,
        files={"file": ("seances.csv", content, "text/csv")},
        params=params,
        headers=trainer.headers,
    )


def test_a_spreadsheet_in_windows_1252_or_utf8_with_bom_is_imported(client, trainer, backend):
    workshop, place = _names(backend, trainer)
    text = (
        "atelier;date;début;fin;lieu;places;note\r\n"
        f"{workshop};{_day(10)};14h;16 h 30;{place};12;Apportez votre téléphone\r\n"
        f"{workshop.upper()};{_day(11)};9:30;;{place};8;Équipe réduite\r\n"
    )
    for content in (text.encode("cp1252"), ("\ufeff" + text).encode("utf-8")):
        day_shift = 20 if content.startswith(b"\xef\xbb\xbf") else 0
        shifted = content.replace(_day(10).encode(), _day(10 + day_shift).encode()).replace(
            _day(11).encode(), _day(11 + day_shift).encode()
        )
        answer = _send(client, trainer, shifted)
        assert answer.status_code == 201, answer.text
        assert (answer.json()["created"], answer.json()["problems"]) == (2, [])
    session = client.get(f"/api/v1/sessions/{answer.json()['session_ids'][0]}").json()
    assert session["note"] == "Apportez votre téléphone"
    assert session["when"].endswith("de 14 h à 16 h 30")
    second = client.get(f"/api/v1/sessions/{answer.json()['session_ids'][1]}").json()
    assert second["when"].endswith("de 9 h 30 à 11 h 30")  # the workshop's two hours


def test_time_cells_saved_with_their_seconds_are_read(client, trainer, backend):
    # A spreadsheet's time cells come out as « 10:00:00 » in its CSV; a time with seconds
    # other than 00 is not a time anyone means for a session.
    workshop, place = _names(backend, trainer)
    text = (
        "atelier;date;début;fin;lieu;places\r\n"
        f"{workshop};{_day(12)};10:00:00;12:30:00;{place};8\r\n"
    )
    answer = _send(client, trainer, text.encode("cp1252"))
    assert answer.status_code == 201, answer.text
    session = client.get(f"/api/v1/sessions/{answer.json()['session_ids'][0]}").json()
    assert session["when"].endswith("de 10 h à 12 h 30")
    odd = text.replace(_day(12), _day(13)).replace("10:00:00", "10:00:30")
    assert _send(client, trainer, odd.encode("cp1252")).status_code == 422


def test_wrong_columns_are_refused_with_the_expected_ones(client, trainer):
    answer = _send(client, trainer, b"workshop,day,seats\nx,y,z\n")
    problem = assert_problem(answer, 422)
    assert problem["problems"] == [
        "Les colonnes ne conviennent pas (manquantes : atelier, date, début, places ; "
        "inconnues : workshop, day, seats). Colonnes attendues : atelier, date, début, fin, "
        "lieu, lien, places, inscriptions, note (atelier, date, début et places sont "
        "obligatoires)."
    ]


def test_each_wrong_line_is_reported_and_nothing_is_saved_unless_asked(client, trainer, backend):
    workshop, place = _names(backend, trainer)
    content = (
        "atelier;date;début;lieu;places\n"
        f"{workshop};{_day(12)};14:00;{place};10\n"
        f"Atelier inconnu;{_day(12)};14:00;{place};10\n"
        f"{workshop};31/02/2027;25h;{place};dix\n"
        f"{workshop};01/01/2020;10:00;{place};4\n"
    ).encode()
    before = _count(backend, trainer)
    problem = assert_problem(_send(client, trainer, content), 422)
    assert problem["detail"] == "Le fichier n'est pas importé : rien n'a été enregistré."
    assert problem["problems"] == [
        "ligne 3, atelier : Atelier introuvable dans votre structure : vérifiez son nom.",
        "ligne 4, date : Date illisible : écrivez-la comme 08/12/2026.",
        "ligne 4, début : Heure illisible : écrivez-la comme 14:00 ou 14 h 30.",
        "ligne 4, places : Écrivez un nombre entier, par exemple 12.",
        "ligne 5, date : Cette date est passée : choisissez une date à venir.",
    ]
    assert _count(backend, trainer) == before

    partial = _send(client, trainer, content, valid_lines="true")
    assert partial.status_code == 201, partial.text
    assert (partial.json()["created"], len(partial.json()["problems"])) == (1, 5)
    assert _count(backend, trainer) == before + 1

    again = assert_problem(_send(client, trainer, content, valid_lines="true"), 422)
    assert "ligne 2, — : Cette séance a déjà été importée." in again["problems"]
    assert _count(backend, trainer) == before + 1


def test_the_same_line_twice_in_one_file_is_refused(client, trainer, backend):
    workshop, place = _names(backend, trainer)
    line = f"{workshop};{_day(13)};10:00;{place};10\n"
    problem = assert_problem(
        _send(client, trainer, ("atelier;date;début;lieu;places\n" + line + line).encode()), 422
    )
    assert problem["problems"] == ["ligne 3, — : Ligne identique à la ligne 2."]


def test_a_file_neither_utf8_nor_windows_1252_is_refused_in_words(client, trainer):
    problem = assert_problem(_send(client, trainer, b"atelier;date\n\x81\x8d\x90;x\n"), 422)
    assert problem["problems"] == [
        "Le fichier ne se lit ni en UTF-8 ni en Windows-1252 : enregistrez-le en CSV UTF-8."
    ]


HEADERS = ["atelier", "date", "début", "fin", "lieu", "lien", "places", "inscriptions", "note"]
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "14:00",
            "14h",
            "25:61",
            "08/12/2027",
            "2027-02-31",
            "0",
            "12",
            "-3",
            "https://visio.example.org/a",
            "fermées",
            '"',
            ";",
            "\r\n",
        ]
    ),
)


@st.composite
def spreadsheets(draw) -> tuple[bytes, bool]:
    """Random bytes, or a CSV with random columns (often the right ones) and random cells."""
    valid_lines = draw(st.booleans())
    if draw(st.booleans()):
        return draw(st.binary(max_size=300)), valid_lines
    names = draw(st.one_of(st.just(HEADERS), st.lists(st.sampled_from([*HEADERS, "x", ""]))))
    rows = draw(st.lists(st.lists(CELLS, min_size=len(names), max_size=len(names) + 1), max_size=4))
    sep = draw(st.sampled_from([";", ",", "\t"]))
    text = "\n".join(sep.join(row) for row in [names, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return text.encode(encoding, errors="replace"), valid_lines


def test_any_file_gets_a_report_or_a_clean_success_never_half_saved(client, trainer, backend):
    # 50 files: under the 60 imports an hour an account may send.
    @settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
    @given(spreadsheets())
    def run(drawn: tuple[bytes, bool]) -> None:
        content, valid_lines = drawn
        before = _count(backend, trainer)
        answer = _send(client, trainer, content, valid_lines=str(valid_lines).lower())
        after = _count(backend, trainer)
        assert answer.status_code in {201, 422}, answer.text
        if answer.status_code == 422:
            assert after == before and assert_problem(answer, 422)["problems"]
        else:
            body = answer.json()
            assert after == before + body["created"]
            assert valid_lines or not body["problems"]

    run()
