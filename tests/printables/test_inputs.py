"""Whatever is uploaded, each page gets a result with a clear French message; nothing raises."""

from __future__ import annotations

import io
import random
import re
import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from printables.inputs import Limits, open_document
from printables.layout import Layout, build_layout, layout_for
from printables.pdf import render_forms
from printables.reader import read_file, read_page
from referentiel.models import Referential
from tests.printables.conftest import SERIAL
from tests.printables.corpus import (
    Filling,
    ScanSettings,
    copier_pdf,
    draw,
    encode,
    expected,
    read_values,
    render_blank,
    scan,
)


def _only(data: bytes, limits: Limits | None = None) -> tuple[str, str]:
    pages = read_file(data, "upload", limits)
    assert len(pages) == 1
    return pages[0].status, pages[0].error or ""


def _filled(layout: Layout, blank: np.ndarray) -> tuple[Filling, np.ndarray]:
    filling = Filling({"E1.1": [("3", "tick")], "needs": [("caf", "cross")]})
    image = blank.copy()
    draw(image, 200, layout, filling, random.Random(1))
    return filling, image


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "ni une image"),
        (b"Bonjour, ceci est un texte.", "ni une image"),
        (b"\xff\xd8\xff\xe0" + bytes(500), "abîmé"),
        (b"\x89PNG\r\n\x1a\n" + bytes(40), "abîmé"),
        (b"%PDF-1.7\n% truncated", "PDF abîmé"),
    ],
)
def test_files_that_are_not_images_or_are_broken(data: bytes, message: str) -> None:
    status, error = _only(data)
    assert status == "error"
    assert message in error


def _png_header(width: int, height: int) -> bytes:
    """A tiny PNG that announces a huge image."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    body = struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    idat = zlib.compress(bytes(1000))
    data_chunk = b"IDAT" + idat
    body += struct.pack(">I", len(idat)) + data_chunk + struct.pack(">I", zlib.crc32(data_chunk))
    return b"\x89PNG\r\n\x1a\n" + body


@pytest.mark.parametrize("size", [(30_000, 30_000), (100_000, 100_000)])
def test_a_decompression_bomb_is_refused_before_decoding(size: tuple[int, int]) -> None:
    status, error = _only(_png_header(*size))
    assert status == "error"
    assert "bombe de décompression" in error


def test_an_oversized_upload_is_refused() -> None:
    status, error = _only(bytes(3000), Limits(max_file_bytes=1000))
    assert (status, "trop volumineux" in error) == ("error", True)


def test_a_page_that_is_not_our_form() -> None:
    rng = np.random.default_rng(0)
    image = cv2.GaussianBlur(rng.integers(0, 255, (1200, 900), np.uint8), (0, 0), 5)
    status, error = _only(encode(image, 80))
    assert status == "error"
    assert "carrés noirs des coins" in error


def test_an_older_referential_version_is_read_with_its_own_layout(
    ref: Referential, monkeypatch: pytest.MonkeyPatch
) -> None:
    papier = ref.forms.papier.model_copy(update={"items": ("E1.1", "E2.1", "C1.1")})
    old = ref.model_copy(
        update={"version": "2025.1", "forms": ref.forms.model_copy(update={"papier": papier})}
    )
    monkeypatch.setattr("printables.layout.load_version", lambda v: old if v == "2025.1" else ref)
    layout_for.cache_clear()
    try:
        layout = build_layout(old)
        filling = Filling({"E2.1": [("4", "tick")], "knows_help": [("yes", "cross")]})
        image = render_blank(render_forms(old, 1, serials=[SERIAL]), 200)
        draw(image, 200, layout, filling, random.Random(2))
        page = read_file(encode(image), "old.png")[0]
    finally:
        layout_for.cache_clear()
    assert (page.status, page.form_version) == ("ok", "2025.1")
    assert set(page.answers) == {"E1.1", "E2.1", "C1.1"}
    assert read_values(page) == expected(layout, filling)


def test_an_unknown_referential_version_is_an_error(ref: Referential) -> None:
    future = ref.model_copy(update={"version": "2099.1"})
    image = render_blank(render_forms(future, 1, serials=[SERIAL]), 150)
    status, error = _only(encode(image, 85))
    assert status == "error"
    assert "2099.1" in error and "ne connaît pas" in error


def test_a_multi_page_pdf_gives_one_result_per_page(layout: Layout, blank_200: np.ndarray) -> None:
    filling, image = _filled(layout, blank_200)
    pages = read_file(copier_pdf(image, np.full((800, 600), 255, np.uint8)), "lot.pdf")
    assert [(p.page, p.status) for p in pages] == [(1, "ok"), (2, "error")]
    assert read_values(pages[0]) == expected(layout, filling)
    assert "carrés noirs" in (pages[1].error or "")


def test_a_huge_pdf_page_is_refused_alone() -> None:
    document = pdfium.PdfDocument.new()
    document.new_page(595, 842)
    document.new_page(14_000, 14_000)  # almost 5 m square
    buffer = io.BytesIO()
    document.save(buffer)
    pages = read_file(buffer.getvalue(), "lot.pdf")
    assert pages[1].status == "error" and "démesurée" in (pages[1].error or "")
    assert pages[0].status == "error" and "carrés noirs" in (pages[0].error or "")


def test_too_many_pages_is_refused(blank_200: np.ndarray) -> None:
    frames = [Image.fromarray(blank_200[:100, :100])] * 3
    buffer = io.BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:])
    status, error = _only(buffer.getvalue(), Limits(max_pages=2))
    assert (status, "trop de pages" in error) == ("error", True)


@pytest.mark.parametrize("kind", ["HEIF", "TIFF", "WEBP"])
def test_phone_and_scanner_formats(kind: str, layout: Layout, blank_200: np.ndarray) -> None:
    filling, image = _filled(layout, blank_200)
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, kind, quality=90)
    page = read_file(buffer.getvalue(), f"sheet.{kind.lower()}")[0]
    assert page.status == "ok", page.error
    assert read_values(page) == expected(layout, filling)


def test_exif_orientation_is_applied(layout: Layout, blank_200: np.ndarray) -> None:
    filling, image = _filled(layout, blank_200)
    stored = Image.fromarray(np.ascontiguousarray(np.rot90(image)))  # the camera's raw frame
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", exif=exif, quality=90)
    page = read_file(buffer.getvalue(), "photo.jpg")[0]
    assert page.status == "ok"
    assert read_values(page) == expected(layout, filling)


def test_a_scan_at_low_resolution_still_identifies_the_sheet(blank_300: np.ndarray) -> None:
    page = read_file(scan(blank_300, 300, ScanSettings(dpi=100), random.Random(3)), "s.jpg")[0]
    assert (page.status, page.sheet_id) == ("ok", SERIAL)


MAGICS = [b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*", b"GIF8", b"BM", b"%PDF-"]


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
@settings(max_examples=60, deadline=None)
@given(magic=st.sampled_from(MAGICS), rest=st.binary(max_size=300), name=st.text(min_size=1))
def test_a_broken_file_is_named_in_plain_french(magic: bytes, rest: bytes, name: str) -> None:
    """Whatever the bytes, the message names the file and never quotes a library's words
    (« cannot identify image file <_io.BytesIO object at 0x7f…> »)."""
    pages = read_file(magic + rest, name)
    for page in pages:
        if page.page is None:
            assert page.error and page.error.startswith(f"« {name} » : ")
        assert not re.search(r"0x[0-9a-f]|object at|cannot|failed|error", page.error or "", re.I)


def test_a_file_on_disk_reads_as_its_bytes(
    tmp_path: Path, layout: Layout, blank_200: np.ndarray
) -> None:
    """The service reads uploads from disk, a page at a time: same pages, same answers."""
    filling, image = _filled(layout, blank_200)
    lot = copier_pdf(image, np.full((800, 600), 255, np.uint8), image)
    for name, data in (("lot.pdf", lot), ("photo.png", encode(image))):
        path = tmp_path / name
        path.write_bytes(data)
        from_disk = [p.model_dump() for p in read_file(path, name)]
        assert from_disk == [p.model_dump() for p in read_file(data, name)]
        with open_document(path) as opened:
            one_by_one = [
                read_page(opened, name, n).model_dump() for n in range(1, opened.pages + 1)
            ]
        assert one_by_one == from_disk
    assert read_values(read_file(tmp_path / "photo.png", "photo.png")[0]) == expected(
        layout, filling
    )


def test_a_file_gone_from_disk_is_a_clear_error(tmp_path: Path) -> None:
    [page] = read_file(tmp_path / "absent.jpg", "photo.jpg")
    assert page.status == "error"
    assert page.error == "« photo.jpg » : le fichier déposé n'a pas pu être relu sur le serveur"
