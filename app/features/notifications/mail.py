"""An outbox row as an e-mail, and the SMTP connection that sends it (settings from the
environment, README « Notifications »)."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import urlsplit

import aiosmtplib

from app.config import Settings
from app.db.models import OutboxMessage
from app.db.types import as_utc

INVITATION_FILE = "invitation.ics"


def _method(ics: str) -> str:
    for line in ics.splitlines():
        if line.startswith("METHOD:"):
            return line.removeprefix("METHOD:").strip()
    return "PUBLISH"


def message_id(row: OutboxMessage, settings: Settings) -> str:
    """The same on every attempt: a message sent twice (a crash between sending and marking
    it sent) is one message to mail clients that drop duplicates."""
    host = urlsplit(settings.public_url).hostname or "localhost"
    return f"<outbox-{row.id}@{host}>"


def as_email(row: OutboxMessage, settings: Settings) -> EmailMessage:
    """The text, and when there is one the invitation twice, as mail clients expect it: a
    ``text/calendar; method=…`` alternative (what Outlook and Gmail act on) and an
    ``invitation.ics`` file (what the others offer to open)."""
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = row.recipient
    email["Subject"] = row.subject
    email["Date"] = format_datetime(as_utc(row.created_at))
    email["Message-ID"] = message_id(row, settings)
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office answers
    email.set_content(row.body)
    if row.ics:
        method = _method(row.ics)
        email.add_alternative(row.ics, subtype="calendar", params={"method": method})
        email.add_attachment(
            row.ics.encode(), maintype="application", subtype="ics", filename=INVITATION_FILE
        )
    return email


def smtp_client(settings: Settings) -> aiosmtplib.SMTP:
    return aiosmtplib.SMTP(
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username or None,
        password=settings.smtp_password or None,
        use_tls=settings.smtp_tls,
        # Required when asked: a relay that does not offer it is refused, not sent to in clear.
        start_tls=settings.smtp_starttls and not settings.smtp_tls,
        timeout=30,
    )
