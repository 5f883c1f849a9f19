"""The `parcours` command as a user runs it: real process, real exit codes, no traceback."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from referentiel import load_referential

REF = load_referential()
PARCOURS = shutil.which("parcours", path=str(Path(sys.executable).parent))


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    assert PARCOURS, "the console script is installed with the package"
    return subprocess.run(
        [PARCOURS, *args], input=stdin, capture_output=True, text=True, timeout=60, check=False
    )


def test_check_passes_on_the_shipped_referential():
    done = run("referentiel", "check")
    assert done.returncode == 0, done.stderr
    assert f"Référentiel {REF.version} valide" in done.stdout


def test_export_json_is_the_whole_referential():
    done = run("referentiel", "export", "--format", "json")
    data = json.loads(done.stdout)
    assert data["version"] == REF.version
    assert len(data["items"]) == len(REF.items)


def test_export_csv_has_one_row_per_item_with_its_mappings():
    done = run("referentiel", "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["item"] for r in rows] == [i.id for i in REF.items]
    assert all(r["crcn"] and r["coop"] for r in rows)


def test_score_prints_levels_profile_autonomy_and_explanations():
    payload = {"answers": {i.id: 3 for i in REF.items}, "context": {"knows_help": True}}
    done = run("score", "-", stdin=json.dumps(payload))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["version"] == REF.version
    assert result["profile"] == "autonome"
    assert {c["level"] for c in result["competences"]} == {3}
    assert {a["need"] for a in result["autonomy"]} == {n.code for n in REF.needs}
    assert result["explanations"]["competences"]["E1"]


def test_score_reads_a_file(tmp_path):
    path = tmp_path / "diag.json"
    path.write_text(json.dumps({"answers": {"E1.1": 2}}), encoding="utf-8")
    done = run("score", str(path))
    assert done.returncode == 0
    assert json.loads(done.stdout)["competences"][0]["items"] >= 0


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"answers": {"Z9.9": 1}}, "answers.Z9.9 : item inconnu"),
        ({"answers": {"E1.1": 7}}, "answers.E1.1 : réponse 7 hors de l'échelle"),
        ({"answers": {"E1.1": 1}, "version": "1999.1"}, "version de référentiel inconnue"),
        ({"answers": {}, "evidence": [{"kind": "pix", "competence": "E1"}]}, "pix_level"),
        ({"answer": {}}, "answer : champ inconnu"),
    ],
)
def test_bad_input_gives_exit_2_and_one_line_per_problem(payload, expected):
    done = run("score", "-", stdin=json.dumps(payload))
    assert done.returncode == 2
    assert expected in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_every_problem_is_listed_not_only_the_first():
    done = run("score", "-", stdin=json.dumps({"answers": {"E1.1": 9, "E1.2": "x", "Q": 1}}))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 3


def test_invalid_json_is_one_clear_line():
    done = run("score", "-", stdin="{not json")
    assert done.returncode == 2
    assert done.stderr.startswith("erreur : JSON invalide ligne 1")
    assert "Traceback" not in done.stderr
