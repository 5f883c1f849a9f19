"""Finding a commune from what a person types: a name however written, a postal code, an
arrondissement, a code and a name, a small typo; and a stored commune shown in a form so that
it is sent back unchanged."""

from __future__ import annotations

import html
import random
import re
import unicodedata
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.db.models import Consent, Person, User
from app.features.diagnostics.paper import read_commune
from app.features.people.consent import CONSENT_VERSION
from app.territories import (
    arrondissements,
    as_typed,
    by_postal_code,
    communes,
    fold,
    how_to_type,
    search,
)
from tests.app.conftest import login

COMMUNES = sorted(communes().values(), key=lambda c: c.insee)
POSTAL_CODES: dict[str, set[str]] = {}
for _commune in COMMUNES:
    for _code in _commune.postal_codes:
        POSTAL_CODES.setdefault(_code, set()).add(_commune.insee)


def first(typed: str) -> str:
    found = search(typed).communes
    assert found, typed
    return found[0].insee


@pytest.mark.parametrize(
    ("typed", "insee"),
    [
        ("moulins", "03190"),  # three communes: the biggest first
        ("MOULINS", "03190"),
        ("lhay les roses", "94038"),  # L'Haÿ-les-Roses: no apostrophe, no accent, no hyphen
        ("L HAY LES ROSES", "94038"),
        ("l'haÿ-les-roses", "94038"),
        ("st etienne", "42218"),  # Saint-Étienne
        ("Saint Etienne", "42218"),
        ("ST-ÉTIENNE", "42218"),
        ("saintetienne", "42218"),
        ("ste maxime", "83115"),  # Sainte-Maxime
        ("Lyon 3e", "69123"),  # an arrondissement is its commune
        ("lyon 3ème", "69123"),
        ("Lyon 3eme arrondissement", "69123"),
        ("Paris 15", "75056"),
        ("paris 15e", "75056"),
        ("Paris 16e arrondissement", "75056"),
        ("Marseille 1er", "13055"),
        ("marseille 13e", "13055"),
        ("13001", "13055"),  # a postal code: Marseille, not Aix (INSEE code 13001)
        ("13 001", "13055"),
        ("29200", "29019"),  # Brest
        ("75015", "75056"),
        ("03000 Moulins", "03190"),  # a code and a name
        ("03190 Moulins", "03190"),  # the INSEE code and the name
        ("03000 moulins", "03190"),
        ("75015 Paris 15e", "75056"),
        ("2a004", "2A004"),  # Ajaccio, its INSEE code in lower case
        ("75056", "75056"),  # an INSEE code that is no postal code
        ("Bordaux", "33063"),  # typos: the closest names are offered
        ("Strasbourgg", "67482"),
        ("Marseile", "13055"),
        ("Moulns", "03190"),
        ("03190 Herison", "03127"),  # a typo in the name after a code
    ],
)
def test_what_people_type_finds_their_commune_first(typed: str, insee: str) -> None:
    assert first(typed) == insee


def test_a_postal_code_never_offers_the_commune_whose_insee_code_it_is() -> None:
    """13001 is Aix-en-Provence's INSEE code and a postal code of Marseille."""
    assert [c.name for c in search("13001").communes] == ["Marseille"]
    assert "Moulins" not in {c.name for c in search("03190").communes}


def test_every_postal_code_finds_exactly_the_communes_it_serves() -> None:
    wrong = {
        code: (served, {c.insee for c in search(code).communes})
        for code, served in POSTAL_CODES.items()
        if {c.insee for c in search(code).communes} != served
    }
    assert wrong == {}


@settings(max_examples=200, deadline=None)
@given(
    code=st.sampled_from(sorted(POSTAL_CODES)),
    before=st.sampled_from(["", " ", "  "]),
    split=st.booleans(),
)
def test_a_postal_code_is_read_with_spaces_around_or_inside(
    code: str, before: str, split: bool
) -> None:
    typed = before + (f"{code[:2]} {code[2:]}" if split else code) + before
    assert {c.insee for c in search(typed).communes} == POSTAL_CODES[code]


def _without_accents(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


@settings(max_examples=300, deadline=None)
@given(
    commune=st.sampled_from(COMMUNES),
    case=st.sampled_from([str.lower, str.upper, str.title, lambda s: s]),
    accents=st.booleans(),
    separator=st.sampled_from(["-", " ", ""]),
    saint=st.sampled_from(["Saint", "St", "saint", "ST"]),
)
def test_every_commune_is_found_by_its_name_however_it_is_written(
    commune, case, accents, separator, saint
) -> None:
    name = commune.name
    if separator:  # « St » glued to the next word is not how anyone writes it
        name = re.sub(r"\bSaint(e?)\b", lambda m: saint + m.group(1), name)
    name = re.sub(r"[-' ]", separator, name)
    typed = case(_without_accents(name) if accents else name)
    found = search(typed)
    assert not found.near, typed
    assert commune in found.communes, typed
    # and nothing else than its namesakes
    assert {fold(c.name) for c in found.communes} == {fold(commune.name)}, typed


LETTERS = "abcdefghijklmnopqrstuvwxyz"


@st.composite
def one_typo(draw: st.DrawFn, name: str) -> str:
    """A letter missing, doubled, swapped with the next one, or another letter instead."""
    positions = [i for i, char in enumerate(name) if char.isalpha()]
    i = draw(st.sampled_from(positions))
    kind = draw(st.sampled_from(["missing", "extra", "swapped", "wrong"]))
    letter = draw(st.sampled_from(LETTERS))
    if kind == "missing":
        return name[:i] + name[i + 1 :]
    if kind == "extra":
        return name[:i] + letter + name[i:]
    if kind == "swapped" and i + 1 < len(name) and name[i + 1].isalpha():
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name[:i] + letter + name[i + 1 :]


FEW = 8  # names offered up to the right one (16,000 random typos: 6 at worst, 96 % first)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), commune=st.sampled_from([c for c in COMMUNES if len(fold(c.name)) >= 5]))
def test_a_name_with_one_typo_offers_the_commune_among_the_first_names(data, commune) -> None:
    typed = data.draw(one_typo(commune.name))
    found = search(typed)
    assume(found.near)  # else the typo spells another commune's name (Givry typed Giry)
    names = list(dict.fromkeys(fold(c.name) for c in found.communes))
    assert fold(commune.name) in names[:FEW], (typed, names[:FEW])
    assert commune in found.communes, typed


def test_nothing_is_found_for_what_no_commune_is_called() -> None:
    assert search("Zzyzx-sur-Mer").communes == ()
    assert search("").communes == ()
    assert search("03190 Paris").communes == ()  # a code with another commune's name
    assert search("99999").communes == ()


def test_every_arrondissement_is_its_commune() -> None:
    assert len(arrondissements()) == 20 + 9 + 16
    for name, insee in arrondissements().items():
        assert first(name) == insee, name
    # and each arrondissement's postal codes are its commune's
    for code in ("75001", "75116", "69009", "13016"):
        assert len(by_postal_code(code)) == 1


def test_every_commune_can_be_typed_without_ambiguity() -> None:
    """What the ambiguity message tells to type always gives that commune and no other."""
    stuck = [c for c in COMMUNES if search(how_to_type(c)).one != c]
    assert stuck == []


def test_an_ambiguous_postal_code_lists_what_to_type_and_that_answer_is_accepted() -> None:
    # 03190: the INSEE code of Moulins and the postal code of eleven other communes
    insee, problem = read_commune("03190")
    assert insee is None and problem is not None
    offered = problem.params["candidates"]
    assert "« 03190 Hérisson »" in offered and "Moulins" not in offered
    assert read_commune("03190 Hérisson") == ("03127", None)
    assert read_commune("03000 Moulins") == ("03190", None)
    assert read_commune("03190 Moulins") == ("03190", None)  # the INSEE code works too


def test_a_misspelt_name_is_not_picked_but_offered() -> None:
    insee, problem = read_commune("Strasbourgg")
    assert insee is None and problem is not None
    assert "« 67000 Strasbourg »" in problem.params["candidates"]


def test_every_stored_commune_reads_back_as_itself_from_a_form() -> None:
    """A form shows a stored commune as `as_typed` gives it; sent back unchanged, it is the
    same commune, also when its INSEE code is another commune's postal code (03190)."""
    changed = [c.insee for c in COMMUNES if read_commune(as_typed(c.insee)) != (c.insee, None)]
    assert changed == []


def _communes_to_save(count: int) -> list[str]:
    """Moulins, then half each: communes whose INSEE code is also a postal code that several
    communes share (Moulins's trap; there are 2,247), and one commune for each of as many
    postal codes that several communes share (all 4,205 would take 3,999 communes). Every
    commune is read back without HTTP by the test above."""
    shared = sorted(code for code, served in POSTAL_CODES.items() if len(served) > 1)
    trap = [c.insee for c in COMMUNES if c.insee in POSTAL_CODES.keys() & shared]
    rng = random.Random(9)
    chosen = dict.fromkeys(["03190", *rng.sample(trap, (count - 1) // 2)])
    for code in rng.sample(shared, len(shared)):
        if len(chosen) >= count:
            break
        if not POSTAL_CODES[code] & chosen.keys():
            chosen[min(POSTAL_CODES[code])] = None
    return list(chosen)


def _field(form: str, name: str) -> str:
    text = re.search(rf'name="{name}" value="([^"]*)"', form)
    assert text, form
    return html.unescape(text.group(1))


def _selected(form: str, name: str) -> str:
    select_ = re.search(rf'<select[^>]*name="{name}".*?</select>', form, re.S)
    assert select_, form
    chosen = re.search(r'<option value="([^"]*)" selected', select_.group(0))
    return chosen.group(1) if chosen else ""


def test_a_thousand_people_are_saved_unchanged_from_their_form(backend, client) -> None:
    """The edit form of a person in each of a thousand communes (`_communes_to_save`), sent
    back as it is shown: it saves, and nothing changes."""
    email, _ = backend.user()
    insee_codes = _communes_to_save(1000)

    async def seed(db):  # type: ignore[no-untyped-def]
        user = await db.scalar(select(User).where(User.email == email))
        people = [
            Person(
                structure_id=user.structure_id,
                alias=f"Personne {insee}",
                birth_year_band="soixante_dix_plus",
                commune_insee=insee,
                consents=[Consent(text_version=CONSENT_VERSION, given_at=datetime.now(UTC))],
            )
            for insee in insee_codes
        ]
        db.add_all(people)
        await db.commit()
        return {p.id: p.commune_insee for p in people}

    seeded = backend.run(seed)
    login(client, email)
    token = client.cookies.get("csrftoken")
    refused = {}
    for person_id, insee in seeded.items():
        form = client.get(f"/pro/personnes/{person_id}/modifier").text
        sent = {
            "_csrf_token": token,
            "alias": _field(form, "alias"),
            "birth_year_band": _selected(form, "birth_year_band"),
            "commune": _field(form, "commune"),
        }
        saved = client.post(
            f"/pro/personnes/{person_id}/modifier", data=sent, follow_redirects=False
        )
        if saved.status_code != 303:
            refused[insee] = (sent["commune"], saved.status_code)
    assert refused == {}

    async def stored(db):  # type: ignore[no-untyped-def]
        rows = await db.execute(select(Person.id, Person.commune_insee, Person.birth_year_band))
        return {row.id: (row.commune_insee, row.birth_year_band) for row in rows}

    now = backend.run(stored)
    assert {i: now[i] for i in seeded} == {i: (c, "soixante_dix_plus") for i, c in seeded.items()}
