"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and the app's
settings pointed at it: the `mailer` fixture (tests/app/conftest.py) of every test that reads
the e-mails the outbox sends."""

from __future__ import annotations

import contextlib
import email
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from aiosmtpd.controller import Controller

from app.config import Settings

if TYPE_CHECKING:
    from tests.app.conftest import Backend


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Inbox:
    """What arrived; ``refuse`` maps an address to the answer its RCPT gets (« 451 … »)."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook names)
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@dataclass
class Mailer:
    inbox: Inbox
    settings: Settings


@contextlib.contextmanager
def smtp_server(backend: Backend) -> Iterator[Mailer]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings = backend.settings.model_copy(
            update={
                "smtp_host": "127.0.0.1",
                "smtp_port": controller.port,
                "smtp_starttls": False,
                "mail_from": "ateliers@parcours.example",
            }
        )
        yield Mailer(inbox, settings)
    finally:
        controller.stop()
