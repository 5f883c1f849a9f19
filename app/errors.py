"""Errors: RFC 9457 problem+json under /api, a plain French page everywhere else."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.plugins.problem_details import ProblemDetailsException
from litestar.response import Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from app.i18n import gettext_for, request_language

log = logging.getLogger(__name__)
API_PREFIX = "/api/"

TITLES = {
    400: "La demande contient une erreur",
    401: "Il faut vous connecter",
    403: "Vous n'avez pas accès à cette page",
    404: "Page introuvable",
    405: "Action non prévue ici",
    409: "Conflit avec une autre modification",
    413: "Le fichier ou le contenu envoyé est trop gros",
    415: "Format de contenu non pris en charge",
    422: "Certaines valeurs ne conviennent pas",
    429: "Trop de demandes : réessayez dans un moment",
    500: "Une erreur est survenue de notre côté",
}


class Problem(ProblemDetailsException):
    """An error a person can act on: a title, a detail, and the list of problems if several.

    ``detail`` may hold ``{placeholders}`` filled from ``params``: pages translate the text
    first, then fill it in.
    """

    def __init__(
        self,
        status_code: int,
        detail: str,
        problems: list[str] | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        payload = {"problems": problems} if problems else {}
        payload.update(extra)
        self.template = detail
        self.params = dict(params or {})
        super().__init__(
            status_code=status_code,
            title=TITLES.get(status_code, TITLES[400]),
            detail=detail.format(**self.params) if self.params else detail,
            type_=f"https://parcours-numerique.fr/problemes/{status_code}",
            extra=payload or None,
            headers=headers,
        )

    def shown(self, gettext: Callable[[str], str]) -> str:
        """The detail in the reader's language: the text translated, then filled in."""
        return gettext(self.template).format(**self.params) if self.params else gettext(self.detail)


# What the decoder says of a value that does not fit, in the words of the rest of the service.
_DECODER_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Expected `int`, got `\w+`"), "un nombre entier est attendu"),
    (re.compile(r"Expected `str`, got `\w+`"), "un texte est attendu"),
    (re.compile(r"Expected `int` <= (\d+)"), "au plus {0}"),
    (re.compile(r"Expected `int` >= (\d+)"), "au moins {0}"),
    (re.compile(r"Expected `str` of length <= (\d+)"), "{0} caractères au plus"),
    (re.compile(r"Expected `str` of length >= (\d+)"), "{0} caractère(s) au moins"),
    (re.compile(r"Expected `object`, got `\w+`"), "un objet est attendu"),
    (re.compile(r"Expected `array`, got `\w+`"), "une liste est attendue"),
    (re.compile(r"Object contains unknown field `([^`]+)`"), "champ inconnu : {0}"),
    (re.compile(r"Invalid enum value (.+)"), "valeur inconnue : {0}"),
    (re.compile(r"Invalid UUID"), "identifiant invalide"),
    (re.compile(r"Missing required"), "champ obligatoire"),
)


def in_french(message: str) -> str:
    """A decoder's message about a value, in plain French where its words are known."""
    for pattern, words in _DECODER_WORDS:
        found = pattern.search(message)
        if found:
            return words.format(*found.groups())
    return message


def _status_and_detail(exc: Exception) -> tuple[int, str, list[str] | None]:
    if isinstance(exc, Problem):
        problems = exc.extra.get("problems") if isinstance(exc.extra, dict) else None
        return exc.status_code, exc.detail, problems
    if isinstance(exc, ValidationException):
        problems = [
            f"{e.get('key') or e.get('source') or 'contenu'} : {in_french(str(e.get('message')))}"
            for e in (exc.extra if isinstance(exc.extra, list) else [])
        ]
        return 400, "Le contenu envoyé n'a pas la forme attendue.", problems or None
    if isinstance(exc, HTTPException):
        return exc.status_code, TITLES.get(exc.status_code, exc.detail), None
    if isinstance(exc, RecursionError):  # the JSON decoder's own depth limit
        return 400, "Le contenu JSON est imbriqué trop profondément.", None
    log.exception("unexpected error", exc_info=exc)
    return HTTP_500_INTERNAL_SERVER_ERROR, "Réessayez dans un moment.", None


def handle_error(request: Request, exc: Exception) -> Response[Any]:  # type: ignore[type-arg]
    status, detail, problems = _status_and_detail(exc)
    headers = dict(getattr(exc, "headers", None) or {})
    if request.url.path.startswith(API_PREFIX):
        if status == 401:
            headers.setdefault("WWW-Authenticate", 'Bearer realm="parcours-numerique"')
        problem = exc if isinstance(exc, Problem) else Problem(status, detail, problems)
        response = problem.to_response(request)
        response.headers.update(headers)
        return response
    from app.features.accounts.guards import current_user  # it imports app.access, which imports us

    _ = gettext_for(request_language(request))
    shown = exc.shown(_) if isinstance(exc, Problem) else _(detail)
    return Template(
        template_name="error.html",
        context={
            "status": status,
            "title": _(TITLES.get(status, TITLES[400])),
            "detail": shown,
            "problems": problems or [],
            "_": _,
            "lang": request_language(request),
            "user": current_user(request),  # a professional keeps the way out (logout)
        },
        status_code=status,
        media_type=MediaType.HTML,
        headers=headers,
    )
