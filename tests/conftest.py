"""Suite-wide settings: with PARCOURS_REQUIRE_ALL_TESTS=1 (as in CI) a skipped test fails."""

from __future__ import annotations

import os

import pytest

REQUIRE_ALL = os.environ.get("PARCOURS_REQUIRE_ALL_TESTS") == "1"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
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
