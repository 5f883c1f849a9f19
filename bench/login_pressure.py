"""Login pressure: a resident's question page while four clients try wrong passwords.

Goal (security issue): while four clients try wrong passwords in a loop, the p99 of a
resident's question page stays within 2x its value at rest. Run with `make bench`, or
`python bench/login_pressure.py --duration 10 --scenarios same` for a quick look.

Each scenario gets a fresh service, started as a user starts it: `parcours serve` (one
process, as `make run` runs it) on a new SQLite file in a temporary directory, a mediator made
with `parcours users create`, and a resident diagnostic started through the pages (GET / for
the CSRF cookie, POST /diagnostic, the redirect to its question page), which gives the page and
the browser's cookies. wrk then GETs that page as that browser on one connection (one resident
clicking as fast as the page comes back, see http_load.lua), first at rest, then while four
clients post wrong passwords to /pro/connexion in a loop, each with its own CSRF token.

Scenarios: `same`, the four clients try the mediator's account; `accounts`, each tries an
account of its own (four mediators); `unknown`, every attempt names an e-mail no account has.

Prints, per scenario, wrk's figures at rest and under pressure, both p99s and their ratio, and
how the login attempts were answered: how many, how fast, with which statuses (400: wrong
password, 429: refused for too many attempts, ...). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from http_load import PARCOURS, ROOT, Figures, Served, measure, parcours_command, serve

GOAL_RATIO = 2.0
CLIENTS = 4
PASSWORD = "banc-d-essai-mediatrice"  # what `users create` reads on stdin (12 characters or more)
WRONG_PASSWORD = "pas-le-bon-mot-de-passe"
SCENARIOS = {
    "same": "the four clients try the mediator's account",
    "accounts": "each client tries an account of its own",
    "unknown": "every attempt names an unknown e-mail",
}


@dataclass
class Attempts:
    """How the login attempts were answered, counted by the four clients together."""

    outcomes: Counter[int | str] = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, outcome: int | str, seconds: float) -> None:
        with self.lock:
            self.outcomes[outcome] += 1
            self.seconds.append(seconds)

    @property
    def count(self) -> int:
        return len(self.seconds)

    def percentile_ms(self, share: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0

    def statuses(self) -> str:
        """Each answer (a status, or the error when none came) and how often it came."""
        counted = sorted(self.outcomes.items(), key=str)
        return ", ".join(f"{k}: {n:,}" for k, n in counted) or "-"

    def shown(self) -> str:
        return (
            f"{self.count:,} login attempts in {self.elapsed:.1f} s ({self.rate:,.1f}/s), "
            f"answered in p50 {self.percentile_ms(0.5):.0f} ms, "
            f"p99 {self.percentile_ms(0.99):.0f} ms; statuses {self.statuses()}"
        )


@dataclass
class Outcome:
    scenario: str
    rest: Figures
    pressed: Figures
    attempts: Attempts

    @property
    def ratio(self) -> float:
        return self.pressed.p99_ms / self.rest.p99_ms if self.rest.p99_ms else float("inf")


# --- the service, as its users reach it -------------------------------------------------------


def create_mediator(database_url: str, workdir: Path, email: str) -> None:
    """`parcours users create`, the password typed on standard input."""
    subprocess.run(
        [str(PARCOURS), "users", "create", email, "--role", "mediator", "--structure", "Banc"],
        input=PASSWORD,
        text=True,
        cwd=workdir,
        env={**os.environ, "PARCOURS_DATABASE_URL": database_url},
        check=True,
        capture_output=True,
    )


def resident_question_page(url: str) -> tuple[str, str]:
    """Start a diagnostic as a resident's browser does: its question page, and the Cookie
    header that browser sends."""
    with httpx.Client(base_url=url, timeout=30) as browser:
        browser.get("/")
        started = browser.post("/diagnostic", data={"_csrf_token": browser.cookies["csrftoken"]})
        path = started.headers.get("location", "")
        if started.status_code != 303 or not path.endswith("/question"):
            raise RuntimeError(f"POST /diagnostic: {started.status_code} {started.text[:300]}")
        shown = browser.get(path)
        if shown.status_code != 200:
            raise RuntimeError(f"GET {path}: {shown.status_code} {shown.text[:300]}")
        return path, "; ".join(f"{c.name}={c.value}" for c in browser.cookies.jar)


def try_wrong_passwords(
    url: str, email: Callable[[], str], stop: threading.Event, attempts: Attempts
) -> None:
    """One client posting the login form with a wrong password, again and again."""
    with httpx.Client(base_url=url, timeout=60) as client:
        client.get("/pro/connexion")
        form = {"password": WRONG_PASSWORD, "_csrf_token": client.cookies["csrftoken"]}
        while not stop.is_set():
            started = time.perf_counter()
            try:
                response = client.post("/pro/connexion", data={**form, "email": email()})
            except httpx.TransportError as error:
                attempts.record(type(error).__name__, time.perf_counter() - started)
                continue
            attempts.record(response.status_code, time.perf_counter() - started)


def emails(scenario: str, accounts: list[str]) -> list[Callable[[], str]]:
    """The e-mail each of the four clients types at each attempt."""
    if scenario == "same":
        return [_always(accounts[0])] * CLIENTS
    if scenario == "accounts":
        return [_always(email) for email in accounts]
    return [lambda: f"inconnu-{uuid.uuid4().hex[:12]}@example.org"] * CLIENTS


def _always(email: str) -> Callable[[], str]:
    return lambda: email


# --- the measure ------------------------------------------------------------------------------


def under_pressure(
    served: Served,
    args: argparse.Namespace,
    script: list[str],
    typed: list[Callable[[], str]],
) -> tuple[Figures, Attempts]:
    """wrk's figures while the clients try wrong passwords (from their first answers on)."""
    attempts, stop = Attempts(), threading.Event()
    with ThreadPoolExecutor(len(typed)) as pool:
        started = time.perf_counter()
        clients = [
            pool.submit(try_wrong_passwords, served.url, email, stop, attempts) for email in typed
        ]
        while attempts.count < len(typed) and not any(c.done() for c in clients):
            time.sleep(0.01)
        try:
            figures = measure(script[1], served, args, script)
        finally:
            stop.set()
            for client in clients:
                client.result()
        attempts.elapsed = time.perf_counter() - started
    return figures, attempts


def run_scenario(scenario: str, args: argparse.Namespace) -> Outcome:
    print(f"== {scenario}: {SCENARIOS[scenario]}", flush=True)
    with tempfile.TemporaryDirectory(prefix="parcours-bench-") as tmp:
        workdir = Path(tmp)
        database_url = f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}"
        with serve(parcours_command(database_url, 1), "/sante", workdir) as served:
            accounts = [
                f"mediatrice-{n}@example.org"
                for n in range(CLIENTS if scenario == "accounts" else 1)
            ]
            for email in accounts:
                create_mediator(database_url, workdir, email)
            path, cookie = resident_question_page(served.url)
            print(f"   at rest: GET {path}")
            rest = measure(
                f"{scenario}-rest", served, args, ["page", f"{scenario}-rest", path, cookie]
            )
            print(f"   under pressure: GET {path} while {CLIENTS} clients try wrong passwords")
            pressed, attempts = under_pressure(
                served,
                args,
                ["page", f"{scenario}-pressure", path, cookie],
                emails(scenario, accounts),
            )
    outcome = Outcome(scenario, rest, pressed, attempts)
    print(f"   {attempts.shown()}")
    print(
        f"   question page p99: {rest.p99_ms:.1f} ms at rest, {pressed.p99_ms:.1f} ms under "
        f"pressure: {outcome.ratio:.1f}x ({'ok' if outcome.ratio <= GOAL_RATIO else 'MISS'}: "
        f"goal <= {GOAL_RATIO:g}x)",
        flush=True,
    )
    return outcome


def summary(outcomes: list[Outcome]) -> None:
    print()
    print(
        f"{'':10} {'rest p50':>8} {'rest p99':>8} {'press p50':>9} {'press p99':>9} {'ratio':>6}"
        f"   {'logins/s':>8}   login statuses"
    )
    for o in outcomes:
        print(
            f"{o.scenario:10} {o.rest.p50_ms:8.1f} {o.rest.p99_ms:8.1f} {o.pressed.p50_ms:9.1f} "
            f"{o.pressed.p99_ms:9.1f} {o.ratio:5.1f}x   {o.attempts.rate:8.1f}   "
            f"{o.attempts.statuses()}"
        )
    print(f"(ms; goal: p99 under pressure <= {GOAL_RATIO:g}x p99 at rest)")


def revision() -> str:
    """The commit measured, so that a before and an after can be told apart."""
    found = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.strip() or "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=15, help="seconds per measure (15)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds before each (2)")
    parser.add_argument(
        "--connections", type=int, default=1, help="wrk connections on the page (1: one resident)"
    )
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument(
        "--scenarios", default=",".join(SCENARIOS), help=f"comma-separated: {', '.join(SCENARIOS)}"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 1
    wanted = args.scenarios.split(",")
    unknown = [s for s in wanted if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")
    print(
        f"revision {revision()}; wrk: {args.connections} connection(s), {args.threads} "
        f"thread(s), {args.duration:g} s per measure after {args.warmup:g} s of warm-up; "
        f"{CLIENTS} login clients; {os.cpu_count()} CPU core(s)",
        flush=True,
    )
    summary([run_scenario(scenario, args) for scenario in wanted])
    return 0


if __name__ == "__main__":
    sys.exit(main())
