"""The PDFs: forms drawn exactly from the layout, unique serials, English, attestations."""

from __future__ import annotations

import datetime as dt

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest

from printables.codes import aruco_dictionary
from printables.layout import Layout
from printables.pdf import Issuer, render_attestation, render_forms
from printables.reader import read_image
from printables.texts import TEXTS
from referentiel.i18n import localized
from referentiel.models import Referential
from referentiel.scoring import score
from tests.printables.conftest import SERIAL
from tests.printables.corpus import render_blank


def _text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def test_markers_are_printed_where_the_layout_says(layout: Layout, blank_300: np.ndarray) -> None:
    detector = cv2.aruco.ArucoDetector(aruco_dictionary(), cv2.aruco.DetectorParameters())
    corners, ids, _ = detector.detectMarkers(blank_300)
    found = {int(i): c.reshape(4, 2) for i, c in zip(ids.ravel(), corners, strict=True)}
    px_per_mm = 300 / 25.4
    for marker in layout.markers:
        expected = np.array([marker.rect.x, marker.rect.y]) * px_per_mm
        assert np.abs(found[marker.id][0] - expected).max() < 0.25 * px_per_mm


def test_each_form_has_its_own_serial_in_its_qr_code(ref: Referential) -> None:
    pdf = render_forms(ref, 3, person="P-9")
    document = pdfium.PdfDocument(pdf)
    assert len(document) == 3
    document.close()
    readings = [read_image(render_blank(pdf, 150, page)) for page in range(3)]
    serials = {r.sheet_id for r in readings}
    assert len(serials) == 3 and None not in serials
    assert all(r.sheet is not None and r.sheet.person == "P-9" for r in readings)
    assert all(f"N° {s[:4]}-" in _text(pdf) for s in serials if s)


def test_the_english_form_is_read_with_its_own_layout(ref: Referential) -> None:
    pdf = render_forms(ref, 1, lang="en", serials=[SERIAL])
    assert "Tick one box on each line." in _text(pdf)
    reading = read_image(render_blank(pdf, 200))
    assert (reading.status, reading.sheet and reading.sheet.lang) == ("ok", "en")


def test_progress_is_reported_and_serials_are_checked(ref: Referential) -> None:
    done: list[int] = []
    render_forms(ref, 2, serials=["AAAA0001", "AAAA0002"], progress=done.append)
    assert done == [2]
    with pytest.raises(ValueError, match="même numéro"):
        render_forms(ref, 2, serials=["AAAA0001", "AAAA0001"])
    with pytest.raises(ValueError, match="numéros de feuille"):
        render_forms(ref, 3, serials=["AAAA0001"])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_attestation_says_levels_and_autonomy_in_plain_words(
    ref: Referential, lang: str
) -> None:
    result = score(ref, {"E1.1": 3, "E1.3": 2, "C1.1": 1, "P2.1": 0}, knows_help=True)
    pdf = render_attestation(
        ref,
        result,
        "Mme L.",
        dt.date(2026, 11, 22),
        lang=lang,
        needs=["caf", "proches"],  # type: ignore[arg-type]
    )
    document = pdfium.PdfDocument(pdf)
    assert len(document) == 1
    document.close()
    text = " ".join(_text(pdf).split())
    assert "Mme L." in text
    if lang == "fr":
        assert "22 novembre 2026" in text and "Mes démarches CAF" in text
        assert "Mes impôts" not in text  # only the needs the person named
        assert ref.domains[0].plain_label in text and "Je sais où trouver de l" in text
    else:
        assert "November 22, 2026" in text and "My CAF paperwork" in text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_attestation_marks_estimated_levels_and_a_profile_to_complete(
    ref: Referential, lang: str
) -> None:
    rule = ref.inferences[0]
    result = score(ref, dict.fromkeys(rule.items, 0))
    assert result.profile is None
    pdf = render_attestation(ref, result, "M. B.", dt.date(2026, 11, 22), lang=lang)  # type: ignore[arg-type]
    text = " ".join(_text(pdf).split())
    texts = TEXTS[lang]  # type: ignore[index]
    estimated = sum(d.inferred for d in result.domains)
    assert estimated and text.count(texts.attestation_estimated) == estimated
    assert texts.attestation_to_complete in text


def test_an_attestation_alone_on_paper_says_where_it_comes_from(ref: Referential) -> None:
    result = score(ref, {"E1.1": 1, "C1.1": 0}, knows_help=False)
    issuer = Issuer(
        service="parcours-numérique – https://parcours.example.fr/",
        structure="Médiathèque de Moulins",
        resume_code="ABCD-EFGH",
        resume_address="https://parcours.example.fr/reprendre",
    )
    text = " ".join(
        _text(render_attestation(ref, result, None, dt.date(2026, 11, 22), issuer=issuer)).split()
    )
    assert "parcours-numérique – https://parcours.example.fr/" in text
    assert "Établie le 22 novembre 2026 Structure : Médiathèque de Moulins" in text  # no alias
    assert (
        "Pour revoir ce résultat en ligne, tapez le code ABCD-EFGH sur "
        "https://parcours.example.fr/reprendre"
    ) in text
    bare = " ".join(_text(render_attestation(ref, result, "M. B.", dt.date(2026, 11, 22))).split())
    assert "Établie le 22 novembre 2026 pour M. B." in bare and "tapez le code" not in bare


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_attestation_at_zero_says_not_yet_as_the_result_page_does(
    ref: Referential, lang: str
) -> None:
    result = score(ref, {item.id: 0 for item in ref.items}, knows_help=True)
    shown = localized(ref, lang)
    pdf = render_attestation(ref, result, "Mme L.", dt.date(2026, 11, 22), lang=lang)  # type: ignore[arg-type]
    text = " ".join(_text(pdf).split())
    assert text.count(shown.scale.values[0].as_level) == len(ref.domains)
    assert shown.scale.values[0].label not in text
