"""Errors: RFC 9457 problem+json under /api, a plain French page everywhere else."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from litestar.plugins.problem_details import ProblemDetailsException
from litestar.response import Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from app.i18n import gettext_for, request_language

log = logging.getLogger(__name__)
API_PREFIX = "/api/"
# The public addresses of badges serve programs too: they answer problems in JSON to any
# caller that does not ask for a page.
BADGES_PREFIX = "/badges/"

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
_TYPES = {
    "int": "un nombre entier",
    "float": "un nombre",
    "str": "un texte",
    "bool": "true ou false",
    "object": "un objet",
    "array": "une liste",
    "null": "null",
    "uuid": "un identifiant",
    "datetime": "une date et une heure",
}
_SIZES = {"str": "caractères", "array": "éléments", "object": "champs", "bytes": "octets"}


def _expected(types: str) -> str:
    named = [_TYPES.get(t.strip(), "une autre valeur") for t in types.split("|")]
    return " ou ".join(dict.fromkeys(named)) + " est attendu"


_DECODER_WORDS: tuple[tuple[re.Pattern[str], Callable[..., str]], ...] = (
    (re.compile(r"Expected `([^`]+)`, got `\w+`"), _expected),
    (re.compile(r"Expected `(?:int|float)` <= (\S+)"), "au plus {0}".format),
    (re.compile(r"Expected `(?:int|float)` >= (\S+)"), "au moins {0}".format),
    (re.compile(r"Expected `(?:int|float)` < (\S+)"), "moins de {0}".format),
    (re.compile(r"Expected `(?:int|float)` > (\S+)"), "plus de {0}".format),
    (re.compile(r"Expected `str` of length <= (\d+)"), "{0} caractères au plus".format),
    (re.compile(r"Expected `str` of length >= (\d+)"), "{0} caractère(s) au moins".format),
    (
        re.compile(r"Expected `(\w+)` of length <= (\d+)"),
        lambda kind, n: f"{n} {_SIZES.get(kind, 'éléments')} au plus",
    ),
    (
        re.compile(r"Expected `(\w+)` of length >= (\d+)"),
        lambda kind, n: f"{n} {_SIZES.get(kind, 'éléments')} au moins",
    ),
    (re.compile(r"Expected `str` matching regex"), lambda: "la forme ne convient pas"),
    (re.compile(r"Object contains unknown field `([^`]+)`"), "champ inconnu : {0}".format),
    (re.compile(r"Object missing required field `([^`]+)`"), "champ obligatoire : {0}".format),
    (re.compile(r"Invalid enum value (.+)"), "valeur inconnue : {0}".format),
    (re.compile(r"Invalid UUID"), lambda: "identifiant invalide"),
    (re.compile(r"Invalid RFC3339|Invalid ISO ?8601"), lambda: "date invalide"),
    (re.compile(r"Missing required"), lambda: "champ obligatoire"),
)
UNKNOWN_SHAPE = "cette valeur ne convient pas"


def in_french(message: str) -> str:
    """A decoder's message about a value, in plain French (a message it does not know is
    said in general words: never the decoder's English)."""
    for pattern, words in _DECODER_WORDS:
        found = pattern.search(message)
        if found:
            return words(*found.groups())
    return UNKNOWN_SHAPE


BODY = "data"  # how the decoder names the body as a whole
EMPTY_BODY = f"'{BODY}'"  # what it says when there is no body at all


def _decoder_problem(error: Mapping[str, Any]) -> str:
    """One line per value the decoder refused: ``where : what is expected``."""
    key = str(error.get("key") or error.get("source") or "contenu")
    message = str(error.get("message"))
    if key != BODY:
        return f"{key} : {in_french(message)}"
    if message == EMPTY_BODY:
        return "corps de la requête : un objet JSON est attendu, il est vide"
    field = re.search(r"field `([^`]+)`", message)
    if field:  # a missing or unknown field: named as the other fields are
        return f"{field.group(1)} : {in_french(message).split(' : ')[0]}"
    return f"corps de la requête : {in_french(message)}"


# Why a body is not JSON, from the decoder's words; a form's body is recognised by its type.
_JSON_HINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"truncated"), "il s'arrête avant la fin, ou il est vide"),
    (re.compile(r"invalid character \(byte (\d+)\)"), "caractère inattendu à l'octet {0}"),
    (re.compile(r"trailing characters \(byte (\d+)\)"), "caractères en trop à l'octet {0}"),
    (re.compile(r"UTF-8"), "il n'est pas écrit en UTF-8"),
)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def not_json(request: Request, reason: str) -> Problem:  # type: ignore[type-arg]
    """The answer to a body that does not read as JSON, with a hint to fix it."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media in FORM_TYPES:
        hint = (
            f"il est envoyé comme un formulaire ({media}) ; envoyez un objet JSON avec "
            "l'en-tête Content-Type: application/json"
        )
    else:
        found = ((p.search(reason), words) for p, words in _JSON_HINTS)
        hint = next(
            (words.format(*m.groups()) for m, words in found if m), "il ne se lit pas en JSON"
        )
    return Problem(400, "Le corps de la requête doit être du JSON : {hint}.", params={"hint": hint})


@functools.cache
def domain_errors() -> dict[type[Exception], tuple[int, str | None]]:
    """What each domain error answers, on the API and on the pages alike: its status and
    detail (None: the error's own message), its problems listed. One table instead of a
    try/except in each handler; a controller may still answer one its own way (the resident's
    pages send a finished diagnostic to its result). Read once the features are imported:
    they import this module."""
    from app.features.bookings import (
        AlreadyBookedError,
        AttendanceError,
        BookingError,
        BookingNotFoundError,
        CapacityError,
        ContactError,
        NoContactError,
        SessionNotFoundError,
    )
    from app.features.catalogue import CatalogueError
    from app.features.diagnostics import (
        AlreadyCorrectedError,
        CompletedError,
        DiagnosticError,
        IdempotencyConflictError,
    )
    from app.features.exports import UnknownDepartementError
    from app.features.finding import SearchError
    from app.features.people import PeopleError
    from app.features.scans import ScanError
    from app.features.schedule import ScheduleError, SessionLockedError
    from referentiel.submission import SubmissionError

    invalid = "Le diagnostic contient des valeurs à corriger."
    return {
        CompletedError: (409, "Ce diagnostic est terminé : il ne change plus."),
        AlreadyCorrectedError: (409, invalid),
        DiagnosticError: (422, invalid),
        SubmissionError: (422, invalid),
        IdempotencyConflictError: (
            422,
            "Cette clé Idempotency-Key a déjà servi pour un autre diagnostic.",
        ),
        PeopleError: (422, "La fiche contient des valeurs à corriger."),
        CatalogueError: (422, "Certaines valeurs de l'offre sont à corriger."),
        ScanError: (409, None),
        ScheduleError: (422, "La séance contient des valeurs à corriger."),
        SessionLockedError: (409, None),
        UnknownDepartementError: (422, None),
        SessionNotFoundError: (404, None),
        BookingNotFoundError: (404, None),
        NoContactError: (422, None),
        ContactError: (422, "L'adresse e-mail ou le numéro de téléphone ne convient pas."),
        CapacityError: (422, CapacityError.message),
        AttendanceError: (422, AttendanceError.message),
        AlreadyBookedError: (409, None),
        BookingError: (409, None),  # closed, cancelled, already started
        SearchError: (422, "Les critères de recherche contiennent des valeurs à corriger."),
    }


def as_problem(exc: Exception) -> Exception:
    """A domain error as the Problem its table entry says; anything else as it is."""
    table = domain_errors()
    found = next((table[k] for k in type(exc).__mro__ if k in table), None)
    if found is None:
        return exc
    status, detail = found
    lines = getattr(exc, "lines", None)
    problems = lines() if callable(lines) else getattr(exc, "problems", None)
    return Problem(
        status,
        detail or str(exc),
        problems if isinstance(problems, list) and detail else None,
    )


def _status_and_detail(exc: Exception) -> tuple[int, str, list[str] | None]:
    if isinstance(exc, Problem):
        problems = exc.extra.get("problems") if isinstance(exc.extra, dict) else None
        return exc.status_code, exc.detail, problems
    if isinstance(exc, ValidationException):
        problems = [_decoder_problem(e) for e in (exc.extra if isinstance(exc.extra, list) else [])]
        return 400, "Le contenu envoyé n'a pas la forme attendue.", problems or None
    if isinstance(exc, HTTPException):
        return exc.status_code, TITLES.get(exc.status_code, exc.detail), None
    if isinstance(exc, RecursionError):  # the JSON decoder's own depth limit
        return 400, "Le contenu JSON est imbriqué trop profondément.", None
    log.exception("unexpected error", exc_info=exc)
    return HTTP_500_INTERNAL_SERVER_ERROR, "Réessayez dans un moment.", None


def _answers_json(request: Request) -> bool:  # type: ignore[type-arg]
    path = request.url.path
    if path.startswith(API_PREFIX):
        return True
    html, json = "text/html", "application/json"
    return path.startswith(BADGES_PREFIX) and request.accept.best_match([json, html]) != html


def handle_error(request: Request, exc: Exception) -> Response[Any]:  # type: ignore[type-arg]
    if isinstance(exc, HTTPException) and isinstance(exc.__cause__, SerializationException):
        exc = not_json(request, str(exc.__cause__))
    exc = as_problem(exc)
    status, detail, problems = _status_and_detail(exc)
    headers = dict(getattr(exc, "headers", None) or {})
    if _answers_json(request):
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
