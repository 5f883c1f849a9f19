"""`parcours print` and `parcours scan` as a user runs them: real process, exit codes, no
traceback."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium

from printables.layout import build_layout
from referentiel import load_referential
from tests.printables.corpus import Filling, draw, encode, render_blank

PARCOURS = shutil.which("parcours", path=str(Path(sys.executable).parent))


def run(*args: str | Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    assert PARCOURS, "the console script is installed with the package"
    return subprocess.run(
        [PARCOURS, *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _pages(pdf: Path) -> int:
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def test_print_and_read_back_forms(tmp_path: Path) -> None:
    pdf = tmp_path / "formulaires.pdf"
    done = run("print", "numerimetre", "--count", "2", "--lang", "en", "--person", "P-1", "-o", pdf)
    assert done.returncode == 0, done.stderr
    assert _pages(pdf) == 2
    read = run("scan", "read", pdf, "--json")
    assert read.returncode == 0, read.stderr
    pages = [json.loads(line) for line in read.stdout.splitlines()]
    assert [p["page"] for p in pages] == [1, 2]
    assert set(pages[0]) == {
        "file",
        "page",
        "sheet_id",
        "form_version",
        "status",
        "answers",
        "context",
        "error",
    }
    assert all(
        p["status"] == "ok" and p["form_version"] == load_referential().version for p in pages
    )
    assert pages[0]["sheet_id"] != pages[1]["sheet_id"]


def test_print_refuses_bad_options_without_a_traceback(tmp_path: Path) -> None:
    for args in (
        ("--count", "0"),
        ("--lang", "de"),
        ("--person", "Jean Dupont"),
    ):
        done = run("print", "numerimetre", *args, "-o", tmp_path / "x.pdf")
        assert done.returncode == 2, args
        assert "Traceback" not in done.stderr


def test_print_layout_gives_every_box_in_millimetres() -> None:
    done = run("print", "layout", "--json")
    assert done.returncode == 0, done.stderr
    layout = json.loads(done.stdout)
    assert layout["page"] == {"width": 210.0, "height": 297.0}
    assert layout["unit"] == "mm" and len(layout["markers"]) == 4
    assert set(layout["qr"]) == {"x", "y", "w", "h"}
    items = [f for f in layout["fields"] if f["kind"] == "item"]
    assert len(items) == len(load_referential().forms.papier.items or ())
    assert [b["value"] for b in items[0]["boxes"]] == ["0", "1", "2", "3", "4", "?"]
    assert set(items[0]["boxes"][0]) == {"value", "x", "y", "w", "h"}


def test_scan_summary_and_exit_codes(tmp_path: Path) -> None:
    pdf = tmp_path / "f.pdf"
    assert run("print", "numerimetre", "-o", pdf).returncode == 0
    layout = build_layout(load_referential(), "fr")
    image = render_blank(pdf.read_bytes(), 200)
    draw(image, 200, layout, Filling({"E1.1": [("1", "tick"), ("3", "tick")]}), random.Random(1))
    doubtful = tmp_path / "doute.png"
    doubtful.write_bytes(encode(image))
    not_a_form = tmp_path / "note.txt"
    not_a_form.write_text("pas une image", encoding="utf-8")
    crops = tmp_path / "crops"
    done = run("scan", "read", doubtful, not_a_form, "--crops", crops)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert "À VÉRIFIER" in lines[0] and "E1.1" in lines[0]
    assert "ERREUR" in lines[1] and "ni une image" in lines[1]
    assert [p.name for p in crops.iterdir()] == ["doute-p1-E1.1.png"]
    missing = run("scan", "read", tmp_path / "absent.jpg")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_print_an_attestation(tmp_path: Path) -> None:
    out = tmp_path / "attestation.pdf"
    diagnostic = json.dumps({"answers": {"E1.1": 3, "C1.1": 2}, "context": {"needs": ["caf"]}})
    done = run(
        "print",
        "attestation",
        "-",
        "--alias",
        "M. B.",
        "--date",
        "2026-11-22",
        "-o",
        out,
        stdin=diagnostic,
    )
    assert done.returncode == 0, done.stderr
    assert _pages(out) == 1
    bad = run("print", "attestation", "-", "--alias", "M. B.", "-o", out, stdin="{")
    assert bad.returncode == 2 and "JSON invalide" in bad.stderr
