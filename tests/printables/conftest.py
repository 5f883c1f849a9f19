"""Rendered blank sheets, made once per test session: rendering a PDF is the slow part."""

from __future__ import annotations

import numpy as np
import pytest

from printables.layout import Layout, build_layout
from printables.pdf import render_forms
from referentiel import load_referential
from referentiel.models import Referential
from tests.printables.corpus import render_blank

SERIAL = "TEST0000SHEET"
PERSON = "P-0042"


@pytest.fixture(scope="session")
def ref() -> Referential:
    return load_referential()


@pytest.fixture(scope="session")
def layout(ref: Referential) -> Layout:
    return build_layout(ref, "fr")


@pytest.fixture(scope="session")
def blank_pdf(ref: Referential) -> bytes:
    return render_forms(ref, 1, serials=[SERIAL], person=PERSON)


@pytest.fixture(scope="session")
def blank_200(blank_pdf: bytes) -> np.ndarray:
    """The sheet as a clean 200 dpi scan would see it."""
    return render_blank(blank_pdf, 200)


@pytest.fixture(scope="session")
def blank_300(blank_pdf: bytes) -> np.ndarray:
    """The sheet at 300 dpi, to draw on before simulating a scanner or a camera."""
    return render_blank(blank_pdf, 300)
