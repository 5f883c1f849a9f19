"""The headers every answer carries: what the browser may load and run for our pages, and no
caching of anything computed for a request.

A plain ASGI wrapper put around Litestar's router (see `create_app`), not a route middleware:
answers given before any route is found (an unknown path, a wrong method) get them too.
"""

from __future__ import annotations

from litestar.datastructures import CacheControlHeader
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

# Only our own files run and style the pages: no inline script, style attribute or event
# handler, and no other origin. `data:` images: the scanned rows shown for review are inline
# PNGs, and Swagger UI's stylesheet draws its icons as data: SVGs.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# Nothing here needs a device or a sensor: a page that asks for one is not ours.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
# Files that are the same for everyone may be kept an hour; every other answer is
# `no-store` (a shared library PC, the back button, a proxy must not keep a result or a
# person's record).
STATIC_CACHE = CacheControlHeader(max_age=3600)
DEFAULT_HEADERS: tuple[tuple[bytes, bytes], ...] = tuple(
    (name.encode(), value.encode())
    for name, value in (
        ("cache-control", "no-store"),
        ("content-security-policy", CONTENT_SECURITY_POLICY),
        ("x-frame-options", "DENY"),  # frame-ancestors for browsers that predate it
        ("x-content-type-options", "nosniff"),
        # Our addresses hold diagnostic and person ids: they never leave for another site.
        ("referrer-policy", "same-origin"),
        ("permissions-policy", PERMISSIONS_POLICY),
        # Ignored over plain HTTP (a laptop); behind the TLS proxy, a year of HTTPS only. Not
        # includeSubDomains: the service often lives beside other sites of a département.
        ("strict-transport-security", "max-age=31536000"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
    )
)


class SecurityHeaders:
    """Adds each of `DEFAULT_HEADERS` to every HTTP answer whose route did not set its own
    (the static files set their Cache-Control): a route that needs another value says so
    where it is written, and no answer carries a header twice."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in DEFAULT_HEADERS if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
