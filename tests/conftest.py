"""Suite-wide settings: with PARCOURS_REQUIRE_ALL_TESTS=1 (as in CI) a skipped test fails.

`make test` runs the suite in several processes (pytest-xdist); everything a test shares with
the others is either its process's own (databases, ports, the folder below) or read-only.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REQUIRE_ALL = os.environ.get("PARCOURS_REQUIRE_ALL_TESTS") == "1"

# Properties are about results, not speed: several test processes share the machine, so an
# example's time says nothing (speed is measured by bench/).
settings.register_profile(
    "suite", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("suite")


@pytest.fixture(scope="session", autouse=True)
def own_working_directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The service keeps its files under ./var (uploaded scans, the key): each test process
    works in a folder of its own, so that one process never sees another's uploads, and the
    repository gets no var/ from the tests."""
    here = Path.cwd()
    folder = tmp_path_factory.mktemp("cwd")
    os.chdir(folder)
    try:
        yield folder
    finally:
        os.chdir(here)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under pytest-xdist this runs in each worker and in the controller, whose reporter
    receives every worker's reports (skips at collection included): its count is the run's."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    skipped = len(reporter.stats.get("skipped", []))
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        reporter.write_line("no test was collected: this counts as a failure", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    elif REQUIRE_ALL and skipped:
        reporter.write_line(
            f"{skipped} test(s) skipped while PARCOURS_REQUIRE_ALL_TESTS=1: failing the run",
            red=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
