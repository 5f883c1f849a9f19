"""`parcours outbox send` and `status`, as cron and an operator run them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from app.cli import main
from app.config import get_settings
from tests.app.conftest import Backend
from tests.app.features.notifications.test_worker import book
from tests.app.smtp import Mailer


@pytest.fixture
def environment(mailer: Mailer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings = mailer.settings
    for name, value in {
        "PARCOURS_DATABASE_URL": settings.database_url,
        "PARCOURS_SECRET_KEY": settings.secret_key,
        "PARCOURS_SMTP_HOST": settings.smtp_host,
        "PARCOURS_SMTP_PORT": str(settings.smtp_port),
        "PARCOURS_SMTP_STARTTLS": "false",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_send_delivers_what_is_due_once_and_status_counts_what_waits(
    backend: Backend, mailer: Mailer, environment: None
) -> None:
    book(backend, mailer.settings, "cron@example.org")
    sent = CliRunner().invoke(main, ["outbox", "send"])
    assert sent.exit_code == 0, sent.output
    assert "courriel(s) envoyé(s)" in sent.output
    assert len(mailer.inbox.to("cron@example.org")) == 1
    status = CliRunner().invoke(main, ["outbox", "status"])
    assert status.exit_code == 0
    assert "email\tsent\t" in status.output


def test_send_without_an_smtp_host_says_so_and_fails(
    environment: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARCOURS_SMTP_HOST", "")
    get_settings.cache_clear()
    result = CliRunner().invoke(main, ["outbox", "send"])
    assert result.exit_code == 1
    assert "PARCOURS_SMTP_HOST" in result.output
