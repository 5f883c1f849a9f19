"""A visitor's display preferences (language, larger text), kept in cookies named and secured
like every cookie of the service: `__Host-` and `Secure` behind https (`Settings.cookie_name`)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response

LANGUAGE = "lang"
TEXT_SIZE = "texte"
YEAR = 365 * 24 * 3600


def _name(request: Request[Any, Any, Any], preference: str) -> str:
    return str(request.app.state.settings.cookie_name(preference))


def read(request: Request[Any, Any, Any], preference: str) -> str | None:
    return request.cookies.get(_name(request, preference))


def keep(
    response: Response[Any], request: Request[Any, Any, Any], preference: str, value: str
) -> None:
    response.set_cookie(
        _name(request, preference),
        value,
        max_age=YEAR,
        samesite="lax",
        httponly=True,
        secure=bool(request.app.state.settings.secure_cookies),
    )


def forget(response: Response[Any], request: Request[Any, Any, Any]) -> None:
    for preference in (LANGUAGE, TEXT_SIZE):
        response.delete_cookie(_name(request, preference))
