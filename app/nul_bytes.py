"""NUL characters are refused at the door, before any handler can hand one to the database.

PostgreSQL cannot store U+0000 in text (SQLite can), so one slipped into an alias, a search, a
login e-mail or a session cookie used to fail as a 500 on one database only. A person never
types one: every request carrying one gets a 400 (problem+json on the API, the French error
page elsewhere), whatever the route, and routes written later are covered too.

Checked: the path, the query string, the cookies (Litestar percent-decodes them, and octal
escapes in quoted values), and url-encoded or JSON bodies. Multipart bodies are not: their
files are binary.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send

from app.errors import Problem

# An escaped NUL is `\u0000` whose backslash is not itself escaped: preceded by an even run of
# backslashes (`\\u0000` is a backslash, then the text "u0000").
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_COOKIE_NUL = (b"%00", b"\\000")


def json_has_nul(body: bytes | bytearray) -> bool:
    """A raw NUL byte, or one escaped as JSON allows."""
    return b"\x00" in body or (b"\\u0000" in body and _JSON_NUL.search(body) is not None)


def form_has_nul(body: bytes | bytearray) -> bool:
    """A url-encoded body: `%00` decodes to NUL."""
    return b"\x00" in body or b"%00" in body


def _header(scope: Scope, name: bytes) -> bytes:
    return next((value for key, value in scope["headers"] if key == name), b"")


def _refusal() -> Problem:
    return Problem(400, "La demande contient un caractère nul (U+0000), refusé partout.")


def _carries_nul(scope: Scope) -> bool:
    """A NUL in what every request carries, before its body."""
    query = scope.get("query_string", b"")
    cookie = _header(scope, b"cookie")
    return (
        "\x00" in scope["path"]
        or form_has_nul(query)
        or any(marker in cookie for marker in _COOKIE_NUL)
    )


class NulByteMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if _carries_nul(scope):
            raise _refusal()
        content_type = _header(scope, b"content-type").lower()
        if content_type.startswith(b"multipart/"):
            await next_app(scope, receive, send)
            return
        check = form_has_nul if b"x-www-form-urlencoded" in content_type else json_has_nul
        await next_app(scope, _checked(receive, check), send)


def _checked(receive: Receive, has_nul: Callable[[bytearray], bool]) -> Receive:
    """The same body, refused with a 400 once complete if it holds a NUL.

    The chunks pass through as they come (the body size limit still applies while they
    arrive); the copy kept is checked when the last one is read, before anything decodes it.
    """
    seen = bytearray()

    async def receive_checked() -> ReceiveMessage:
        message = await receive()
        if message["type"] == "http.request":
            seen.extend(message.get("body", b""))
            if not message.get("more_body", False) and has_nul(seen):
                raise _refusal()
        return message

    return receive_checked
