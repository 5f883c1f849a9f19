"""What `parcours serve` leaves behind on the machine: files that only the service's user can
read, and an access log that says what happened without saying who or about whom."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.http_load import Served, serve
from referentiel import load_referential

PARCOURS = Path(sys.executable).parent / "parcours"
PAPER_ITEMS = [item.id for item in load_referential().form_items("papier")]
DATABASE = "parcours.sqlite3"


@contextmanager
def served(workdir: Path) -> Iterator[Served]:
    """`parcours serve` on the embedded database, with the umask most systems have (so that a
    file made without care would be readable by everyone)."""
    previous = os.umask(0o022)
    try:
        with serve([str(PARCOURS), "serve", "--port", "{port}"], "/sante", workdir) as running:
            yield running
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _post_diagnostic(url: str) -> str:
    response = httpx.post(
        url + "/api/v1/diagnostics",
        json={"answers": dict.fromkeys(PAPER_ITEMS, 2)},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    identifier: str = response.json()["id"]
    return identifier


def test_a_first_start_makes_var_and_the_database_private(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PARCOURS_DATABASE_URL"}
    previous = os.umask(0o022)
    try:
        subprocess.run(
            [str(PARCOURS), "db", "upgrade"], cwd=tmp_path, env=env, check=True, capture_output=True
        )
    finally:
        os.umask(previous)
    assert _mode(tmp_path / "var") == 0o700
    assert _mode(tmp_path / "var" / DATABASE) == 0o600


def test_the_database_and_its_journal_files_stay_private_while_serving(tmp_path: Path) -> None:
    # var/ and the database as an earlier version left them: readable by everyone.
    var = tmp_path / "var"
    var.mkdir()
    var.chmod(0o755)
    (var / DATABASE).touch()
    (var / DATABASE).chmod(0o644)
    with served(tmp_path) as running:
        _post_diagnostic(running.url)  # written to the -wal file, indexed in the -shm file
        files = {path.name: _mode(path) for path in var.iterdir() if path.name != "secret_key"}
        var_mode = _mode(var)
    assert var_mode == 0o700
    # the database and its journal files, and the folder uploaded scans wait in
    assert files == {
        DATABASE: 0o600,
        f"{DATABASE}-wal": 0o600,
        f"{DATABASE}-shm": 0o600,
        "uploads": 0o700,
    }


def test_the_access_log_has_one_json_line_per_request_and_nothing_personal(
    tmp_path: Path,
) -> None:
    with served(tmp_path) as running:
        url = running.url
        identifier = _post_diagnostic(url)
        with httpx.Client(base_url=url, timeout=30) as client:
            requests = [
                client.get(f"/diagnostic/{identifier}/resultat"),
                client.get("/pro", params={"q": "Josiane Bernard"}),
                client.get("/reprendre", params={"code": "SECR-ETCD"}),
                client.get("/personnes/Josiane-Bernard"),
                client.get(f"/api/v1/diagnostics/{identifier}"),
            ]
    output = running.log.read_text(encoding="utf-8")
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert [(line["method"], line["route"], line["status"]) for line in lines[-6:]] == [
        ("POST", "/api/v1/diagnostics", 201),
        ("GET", "/diagnostic/{diagnostic_id}/resultat", requests[0].status_code),
        ("GET", "/pro", 303),
        ("GET", "/reprendre", 200),
        ("GET", None, 404),  # no route: the path is not written at all
        ("GET", "/api/v1/diagnostics/{diagnostic_id}", 200),
    ]
    for line in lines:
        assert set(line) == {"time", "method", "route", "status", "ms"}
        assert isinstance(line["ms"], float | int) and line["ms"] >= 0
    for secret in (identifier, "Josiane", "SECR", "python-httpx"):
        assert secret not in output
    assert '"GET /' not in output  # uvicorn's own access log stays off
