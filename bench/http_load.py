"""HTTP load: complete diagnostics posted to the real service, on SQLite and on PostgreSQL.

Run with `make bench` (or `python bench/http_load.py --duration 5` for a quick look). For each
database the service is started as a user starts it (`parcours serve`, one uvicorn process, on
a free loopback port, fresh database), then wrk keeps 16 connections busy posting complete
paper diagnostics (the 24 items of the « papier » form, random 0-4 values, a unique
Idempotency-Key per request; see http_load.lua) to POST /api/v1/diagnostics. In the same run,
a minimal Litestar app with one trivial route, served the same way, gives the baseline.

PostgreSQL: a fresh database on PARCOURS_TEST_POSTGRES_URL when it is set; otherwise a
throwaway cluster (Debian's PostgreSQL binaries, loopback only, default durability settings:
fsync stays on) in a temporary directory, stopped and deleted at the end.

Prints requests/s, p50/p99 latency, errors (non-2xx responses and socket errors), the server's
CPU time per request (read from /proc: it moves much less than requests/s when other processes
share the machine), and the ratio diagnostics/s ÷ baseline requests/s per database.
Goals (issue 3): >= 1,000 diagnostics/s on each database, p99 <= 50 ms, 0 errors, ratio >= 0.1.
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LUA = HERE / "http_load.lua"
SECRET = "bench-secret-key-not-for-production"
GOAL_RPS = 1_000
GOAL_P99_MS = 50.0
GOAL_RATIO = 0.1
PARCOURS = Path(sys.executable).parent / "parcours"

if str(ROOT) not in sys.path:  # `python bench/http_load.py` from anywhere
    sys.path.insert(0, str(ROOT))


@dataclass
class Figures:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    socket_errors: int  # connect, read, write errors and timeouts (no answer within 5 s)
    timeouts: int
    non2xx: int
    server_cpu: float | None = None  # share of one core used by the server process
    load: float | None = None  # 1-minute load average when the run started (other processes)
    samples: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float | None:
        """Server CPU time per request: unlike requests/s, hardly moved by other processes."""
        if self.server_cpu is None or not self.requests:
            return None
        return self.server_cpu * self.seconds / self.requests * 1000

    @property
    def errors(self) -> int:
        return self.socket_errors + self.non2xx


# --- processes ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s:\n{tail(log)}")


def tail(log: Path, size: int = 3000) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-size:] if log.exists() else ""


def _stat(pid: int | str) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of a process and its children (the workers; Linux /proc)."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat(entry.name)
        except OSError:  # gone meanwhile
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def serve(
    command: list[str], health: str, workdir: Path, env: dict[str, str] | None = None
) -> Iterator[Served]:
    """Start a server process on a free loopback port ({port} in ``command``); stop it after.
    ``env``: more environment variables for it."""
    port = free_port()
    log = workdir / f"server-{port}.log"
    env = {**os.environ, "PARCOURS_SECRET_KEY": SECRET, **(env or {})}
    env.pop("PARCOURS_DATABASE_URL", None)
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [part.format(port=port) for part in command],
            cwd=workdir,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + health, process, log)
        yield Served(url, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def parcours_command(database_url: str, workers: int) -> list[str]:
    return [
        str(PARCOURS),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
        "--database-url",
        database_url,
        "--workers",
        str(workers),
    ]


# --- PostgreSQL -----------------------------------------------------------------------------


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(re.sub(r"\D", "", Path(p).parts[-3]) or 0),
    )
    if not found:
        raise RuntimeError("PostgreSQL binaries not found: apt-get install postgresql")
    bin_dir = Path(found[-1]).parent
    top = Path(tempfile.mkdtemp(prefix="parcours-bench-pg-"))
    port = free_port()
    if os.geteuid() == 0:
        shutil.chown(top, user="postgres")
    data = top / "data"
    subprocess.run(
        _as_postgres(
            [str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"]
        ),
        check=True,
        capture_output=True,
    )  # --no-sync only skips initdb's own final flush; the server runs with fsync on
    options = f"-p {port} -k {top} -c listen_addresses=127.0.0.1"
    pg_ctl = str(bin_dir / "pg_ctl")
    subprocess.run(
        _as_postgres(
            [pg_ctl, "-D", str(data), "-l", str(top / "log"), "-w", "-o", options, "start"]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres([pg_ctl, "-D", str(data), "-m", "fast", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(top, ignore_errors=True)


async def _admin(url: str, statement: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new database on a PostgreSQL server, dropped afterwards."""
    name = f"parcours_bench_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    try:
        yield re.sub(r"/[^/]*$", f"/{name}", server_url)
    finally:
        asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def postgres_database() -> Iterator[str]:
    given = os.environ.get("PARCOURS_TEST_POSTGRES_URL")
    if given:
        with fresh_database(given) as url:
            yield url
        return
    with throwaway_cluster() as server_url, fresh_database(server_url) as url:
        yield url


# --- load -----------------------------------------------------------------------------------


def paper_items() -> list[str]:
    from referentiel import load_referential

    return [item.id for item in load_referential().form_items("papier")]


def check_one(url: str, items: list[str]) -> None:
    """One diagnostic by hand first: a broken service must not be measured."""
    body = json.dumps({"answers": dict.fromkeys(items, 2), "channel": "online"}).encode()
    request = urllib.request.Request(
        url + "/api/v1/diagnostics",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            if response.status != 201:
                raise RuntimeError(f"expected 201, got {response.status}")
    except urllib.error.HTTPError as error:
        raise RuntimeError(
            f"POST /api/v1/diagnostics: {error.code} {error.read()[:500]!r}"
        ) from None


def wrk(url: str, args: argparse.Namespace, seconds: float, script_args: list[str]) -> Figures:
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "5s",
        "-s",
        str(LUA),
        url,
        "--",
        *script_args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    found = re.search(r"^BENCH (\{.*\})$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    data = json.loads(found.group(1))
    return Figures(
        name="",
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        socket_errors=sum(data[k] for k in ("connect", "read", "write", "timeout")),
        timeouts=data["timeout"],
        non2xx=data["non2xx"],
        samples=re.findall(r"^SAMPLE (.*)$", done.stdout, re.MULTILINE),
    )


def measure(name: str, served: Served, args: argparse.Namespace, script: list[str]) -> Figures:
    if args.warmup > 0:
        wrk(served.url, args, args.warmup, [script[0], f"{name}-warmup", *script[2:]])
    load = os.getloadavg()[0]
    before = cpu_seconds(served.process.pid)
    figures = wrk(served.url, args, args.duration, script)
    figures.server_cpu = (cpu_seconds(served.process.pid) - before) / figures.seconds
    figures.name = name
    figures.load = load
    report(figures)
    return figures


def report(f: Figures) -> None:
    cpu = ""
    if f.server_cpu is not None and f.cpu_ms is not None:
        cpu = f", server CPU {f.server_cpu:.0%} of one core = {f.cpu_ms:.2f} ms per request"
    if f.load is not None:
        cpu += f", load average {f.load:.1f} at start"
    print(
        f"   {f.rps:9,.0f} requests/s   p50 {f.p50_ms:6.1f} ms   p90 {f.p90_ms:6.1f} ms   "
        f"p99 {f.p99_ms:6.1f} ms   max {f.max_ms:7.1f} ms"
    )
    print(
        f"   {f.requests:,} requests in {f.seconds:.1f} s; errors {f.errors} "
        f"(non-2xx {f.non2xx}, socket {f.socket_errors} of which {f.timeouts} timeouts > 5 s){cpu}",
        flush=True,
    )
    for sample in f.samples:
        print(f"   first non-2xx answer: {sample}")


def run_baseline(args: argparse.Namespace, workdir: Path) -> Figures:
    print("== baseline: minimal Litestar app, GET / -> small dict (uvicorn, one process)")
    command = [sys.executable, str(Path(__file__).resolve()), "--serve-baseline", "{port}"]
    with serve(command, "/", workdir) as served:
        return measure("baseline", served, args, ["baseline", "baseline"])


def run_service(
    name: str, database_url: str, args: argparse.Namespace, workdir: Path, items: list[str]
) -> Figures:
    shown = database_url.rsplit("@", maxsplit=1)[-1]
    print(
        f"== {name}: parcours serve --workers {args.workers}, POST /api/v1/diagnostics, "
        f"{len(items)} items ({shown})"
    )
    with serve(parcours_command(database_url, args.workers), "/sante", workdir) as served:
        check_one(served.url, items)
        figures = measure(name, served, args, ["diagnostics", name, *items])
        if figures.non2xx:
            print("   last errors logged by the server:")
            for line in server_errors(served.log):
                print(f"     {line}")
        return figures


def server_errors(log: Path, count: int = 5) -> list[str]:
    """The last distinct exception lines of a server log."""
    lines = tail(log, 200_000).splitlines()
    found = [ln.strip() for ln in lines if re.match(r"^\w+(\.\w+)*(Error|Exception)\b", ln.strip())]
    return list(dict.fromkeys(reversed(found)))[:count]


def summary(baseline: Figures | None, runs: list[Figures]) -> None:
    def mark(ok: bool) -> str:
        return "ok " if ok else "MISS"

    print()
    print(
        f"{'':12} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'cpu ms':>6} "
        f"{'ratio':>6}   goals"
    )
    if baseline is not None:
        print(
            f"{'baseline':12} {baseline.rps:8,.0f} {baseline.p50_ms:7.1f} {baseline.p99_ms:7.1f} "
            f"{baseline.errors:6d} {baseline.cpu_ms or 0:6.2f}"
        )
    for f in runs:
        ratio = f.rps / baseline.rps if baseline and baseline.rps else None
        shown_ratio = f"{ratio:6.3f}" if ratio is not None else f"{'-':>6}"
        goals = (
            f"{mark(f.rps >= GOAL_RPS)} >= {GOAL_RPS:,}/s, "
            f"{mark(f.p99_ms <= GOAL_P99_MS)} p99 <= {GOAL_P99_MS:.0f} ms, "
            f"{mark(f.errors == 0)} 0 errors, "
            + (f"{mark(ratio >= GOAL_RATIO)} ratio >= {GOAL_RATIO}" if ratio is not None else "")
        )
        print(
            f"{f.name:12} {f.rps:8,.0f} {f.p50_ms:7.1f} {f.p99_ms:7.1f} {f.errors:6d} "
            f"{f.cpu_ms or 0:6.2f} {shown_ratio}   {goals}"
        )


def serve_baseline(port: int) -> None:
    """The reference: one trivial Litestar route, served like the service (uvicorn, 1 process)."""
    import uvicorn
    from litestar import Litestar, get

    @get("/")
    async def index() -> dict[str, str]:
        return {"status": "ok"}

    uvicorn.run(
        Litestar(route_handlers=[index]),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        proxy_headers=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30, help="seconds per run (30)")
    parser.add_argument("--warmup", type=float, default=3, help="seconds before each run (3)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--threads", type=int, default=1, help="wrk threads (1: the server gets the other core)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes of the service (1, as `make run` starts it; CPU counted for all)",
    )
    parser.add_argument(
        "--only",
        default="baseline,sqlite,postgresql",
        help="comma-separated subset of baseline,sqlite,postgresql",
    )
    parser.add_argument("--serve-baseline", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_baseline:
        serve_baseline(args.serve_baseline)
        return 0
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 1
    wanted = set(args.only.split(","))
    items = paper_items()
    print(
        f"wrk: {args.connections} connections, {args.threads} thread(s), {args.duration:g} s per "
        f"run after {args.warmup:g} s of warm-up; {os.cpu_count()} CPU core(s)",
        flush=True,
    )
    baseline: Figures | None = None
    runs: list[Figures] = []
    with tempfile.TemporaryDirectory(prefix="parcours-bench-") as tmp:
        workdir = Path(tmp)
        if "baseline" in wanted:
            baseline = run_baseline(args, workdir)
        if "sqlite" in wanted:
            url = f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}"
            runs.append(run_service("sqlite", url, args, workdir, items))
        if "postgresql" in wanted:
            try:
                with postgres_database() as url:
                    runs.append(run_service("postgresql", url, args, workdir, items))
            except (RuntimeError, subprocess.CalledProcessError, OSError) as error:
                print(f"== postgresql: not measured: {error}")
    summary(baseline, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
