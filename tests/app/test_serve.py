"""`parcours serve` started as a newcomer starts it (`make run`): a fresh directory, the embedded
SQLite database, the demo data, then the same directory served again by several workers."""

from __future__ import annotations

import re
import signal
import sqlite3
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.http_load import PARCOURS, serve
from referentiel import load_referential

PAPER_ITEMS = [item.id for item in load_referential().form_items("papier")]


IN_CLEAR = "n'est pas en https"


@contextmanager
def serving(
    workdir: Path, *options: str, env: dict[str, str] | None = None
) -> Iterator[tuple[str, str]]:
    """The service on a free loopback port, as the benchmark starts it; yields (base URL, what
    it printed), and checks it stopped cleanly. ``env``: more environment variables."""
    command = [str(PARCOURS), "serve", "--port", "{port}", *options]
    with serve(command, "/sante", workdir, env) as served:
        yield served.url, served.log.read_text()
    # uvicorn shuts down cleanly, then exits by the signal it was sent
    assert served.process.returncode in (0, -signal.SIGTERM), served.log.read_text()
    assert "Traceback" not in served.log.read_text()


def _login(client: httpx.Client, email: str, password: str) -> None:
    client.get("/pro/connexion")
    response = client.post(
        "/pro/connexion",
        data={
            "email": email,
            "password": password,
            "_csrf_token": client.cookies["csrftoken"],
            "next": "/pro",
        },
    )
    assert response.status_code == 303, response.text


def _post(url: str, key: str) -> httpx.Response:
    return httpx.post(
        url + "/api/v1/diagnostics",
        json={"answers": dict.fromkeys(PAPER_ITEMS, 2)},
        headers={"Idempotency-Key": key},
        timeout=30,
    )


def _count(workdir: Path, table: str) -> int:
    with sqlite3.connect(workdir / "var" / "parcours.sqlite3") as db:
        found: int = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        return found


def test_make_run_gives_a_working_service_with_demo_data_loaded_once(tmp_path: Path) -> None:
    with serving(tmp_path, "--demo") as (url, printed):
        accounts = re.findall(r"mediator\s+(\S+)\s+mot de passe : (\S+)", printed)
        assert len(accounts) == 1, printed
        assert IN_CLEAR not in printed  # on this machine, plain http is fine
        email, password = accounts[0]
        with httpx.Client(base_url=url) as client:
            _login(client, email, password)
            dashboard = client.get("/pro").text
            for alias in ("Mme R.", "M. K.", "Léa"):
                assert alias in dashboard
            person = re.search(r'href="/pro/personnes/([0-9a-f-]{36})"[^>]*>\s*Léa', dashboard)
            assert person is not None, dashboard
            timeline = client.get(f"/pro/personnes/{person.group(1)}").text
        # Léa came three times, two months apart: three dates on her timeline.
        dates = re.findall(r'<th scope="row"><a href="/pro/personnes/[^"]+">([^<]+)<span', timeline)
        assert len(dates) == 3 and len(set(dates)) == 3, dates
        assert _post(url, "first-run").status_code == 201

    people, diagnostics = _count(tmp_path, "person"), _count(tmp_path, "diagnostic")
    with serving(tmp_path, "--demo") as (_, printed_again):
        assert f"{email}  mot de passe : {password}" in printed_again
    assert (_count(tmp_path, "person"), _count(tmp_path, "diagnostic")) == (people, diagnostics)


def test_several_workers_share_the_database_and_a_key_is_used_once(tmp_path: Path) -> None:
    with serving(tmp_path, "--workers", "2") as (url, _):
        before = _count(tmp_path, "diagnostic")
        with ThreadPoolExecutor(max_workers=16) as pool:
            distinct = list(pool.map(lambda i: _post(url, f"k-{i}"), range(40)))
            same_key = str(uuid.uuid4())
            repeated = list(pool.map(lambda _: _post(url, same_key), range(12)))
    assert [r.status_code for r in distinct] == [201] * 40
    assert len({r.json()["id"] for r in distinct}) == 40
    codes = sorted(r.status_code for r in repeated)
    assert codes == [200] * 11 + [201], codes
    assert len({r.json()["id"] for r in repeated}) == 1
    assert all(
        r.headers.get("Idempotent-Replayed") == "true" for r in repeated if r.status_code == 200
    )
    assert _count(tmp_path, "diagnostic") == before + 41


def test_serving_badges_at_a_public_address_in_clear_is_warned_about(tmp_path: Path) -> None:
    """Badges would name their keys and revocation list at an address read in clear: the
    operator is told at start that none will be issued."""
    public_url = "http://parcours.example.fr"
    with serving(tmp_path, env={"PARCOURS_PUBLIC_URL": public_url}) as (_, printed):
        assert f"PARCOURS_PUBLIC_URL ({public_url}) {IN_CLEAR}" in printed
