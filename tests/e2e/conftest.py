"""Browser tests: the real service in its own process, driven by Debian's Chromium.

The service is started as a user would start it (`parcours serve` on a free loopback port, on a
fresh SQLite file) once for the whole session. Chromium is never downloaded: Playwright launches
/usr/bin/chromium. axe-core comes from `npm ci` (package.json at the repository root).

Without Chromium, Playwright or node_modules/axe-core every test here skips and says why (and
the suite-wide conftest turns those skips into a failure when PARCOURS_REQUIRE_ALL_TESTS=1).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.browsing import AXE, MOBILE, PolicyWatch

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
START_TIMEOUT = 180.0
BADGE_KEY = "e2e-badge-key-not-for-production"


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed: pip install -e '.[dev]'"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: apt-get install chromium (bash .ci/run does)"
    if not AXE.exists():
        return f"{AXE.relative_to(ROOT)} is missing: run `npm ci` at the repository root"
    return None


MISSING = _missing()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)
            if MISSING:
                item.add_marker(pytest.mark.skip(reason=MISSING))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    database: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(
                f"`parcours serve` exited with {server.process.returncode}:\n{server.output()}"
            )
        try:
            with urllib.request.urlopen(f"{server.url}/sante", timeout=2) as response:
                if response.status == 200 and json.load(response) == {"status": "ok"}:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(
        f"`parcours serve` did not answer /sante in {START_TIMEOUT:.0f} s:\n{server.output()}"
    )


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """`parcours serve` on a free loopback port and a fresh SQLite file, stopped at the end."""
    parcours = Path(sys.executable).parent / "parcours"
    assert parcours.exists(), f"{parcours} missing: pip install -e '.[dev]'"
    with tempfile.TemporaryDirectory(prefix="parcours-e2e-") as tmp:
        port = _free_port()
        database = Path(tmp) / "e2e.sqlite3"
        log = Path(tmp) / "server.log"
        env = {
            **os.environ,
            "PARCOURS_SECRET_KEY": "e2e-secret-key-not-for-production",
            # shared with the tests, which issue badges straight into the database
            "PARCOURS_BADGE_KEY": BADGE_KEY,
            # the address printed on paper for the resume code
            "PARCOURS_PUBLIC_URL": f"http://127.0.0.1:{port}",
        }
        env.pop("PARCOURS_DATABASE_URL", None)
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [
                    str(parcours),
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--database-url",
                    f"sqlite+aiosqlite:///{database}",
                ],
                cwd=tmp,  # anything the service writes under ./var stays in the temporary dir
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        running = Server(f"http://127.0.0.1:{port}", process, log, database)
        try:
            _wait_until_up(running)
            yield running
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture(scope="session")
def mediator(server: Server) -> tuple[str, str]:
    """A mediator account (e-mail, password), made with `parcours users create`."""
    email, password = "mediatrice@e2e.example.org", "correct horse battery e2e"
    env = {**os.environ, "PARCOURS_DATABASE_URL": f"sqlite+aiosqlite:///{server.database}"}
    subprocess.run(
        [
            str(Path(sys.executable).parent / "parcours"),
            "users",
            "create",
            email,
            "--role",
            "mediator",
            "--structure",
            "EPN des tests",
        ],
        input=password.encode(),
        env=env,
        cwd=server.database.parent,
        check=True,
        capture_output=True,
    )
    return email, password


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for one test file. Playwright's synchronous API keeps an event loop marked as
    running in this thread while it lives, so it must stop before another file (run after it in
    the same test process) starts one of its own with ``asyncio.run``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_context(browser: Any, server: Server) -> Iterator[Any]:
    """A factory of fresh browser contexts (own cookies), 320 px wide unless told otherwise."""
    opened: list[Any] = []

    def make(**options: Any) -> Any:
        options.setdefault("viewport", MOBILE)
        options.setdefault("locale", "fr-FR")
        context = browser.new_context(base_url=server.url, **options)
        context.set_default_timeout(30_000)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


@pytest.fixture
def page(new_context: Any) -> Any:
    return new_context().new_page()


@pytest.fixture(scope="module")
def shared_page(browser: Any, server: Server) -> Iterator[Any]:
    """One page for every check of a module: a new page per check would cost more than the
    check."""
    context = browser.new_context(base_url=server.url, viewport=MOBILE, locale="fr-FR")
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def policy(shared_page: Any) -> PolicyWatch:
    """What the shared page's context refused under the Content-Security-Policy."""
    return PolicyWatch(shared_page.context)
