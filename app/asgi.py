"""The composition root: `create_app()` wires settings, database, sessions, CSRF, templates,
errors and the features' controllers."""

from __future__ import annotations

import base64
from datetime import timedelta
from pathlib import Path
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from advanced_alchemy.extensions.litestar.store import SQLAlchemyStore
from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Litestar, Request, get
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import FromQuery
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from app import preferences
from app.access import ROLE_LABELS, Permission, allowed, home_of, needs, permission_guard
from app.access_log import AccessLog
from app.audit import audit_keys, provide_auditor
from app.config import Settings, get_settings
from app.db.engine import make_alchemy_config, make_engine
from app.db.models import StoreEntry
from app.errors import handle_error
from app.features.accounts import dependencies as accounts_dependencies
from app.features.accounts.account_pages import MyAccountPages
from app.features.accounts.middleware import AuthMiddleware
from app.features.accounts.pages import AccountPages
from app.features.accounts.totp import TotpBox
from app.features.admin.pages import AdminPages
from app.features.badges.api import CredentialApi
from app.features.badges.ledger_pages import StructureBadgePages
from app.features.badges.observed_pages import ObservedTaskPages
from app.features.badges.pages import PersonBadgePages
from app.features.badges.pix_pages import PixPages
from app.features.badges.public import BadgePublic, CompetencePages
from app.features.bookings.api import BookingApi
from app.features.bookings.pages import PersonBookingPages, RegistrationPages
from app.features.catalogue.api import PlaceApi, WorkshopApi
from app.features.catalogue.pages import OfferPages
from app.features.dashboard.pages import DashboardPages
from app.features.diagnostics import dependencies as diagnostics_dependencies
from app.features.diagnostics.api import DiagnosticApi
from app.features.diagnostics.pages import DiagnosticSteps, ResidentPages
from app.features.diagnostics.paper_pages import PaperPages
from app.features.diagnostics.person_pages import PersonDiagnosticPages
from app.features.exports.api import ExportApi
from app.features.exports.pages import OpenDataPages
from app.features.finding import TEMPLATE_GLOBALS as FINDING_GLOBALS
from app.features.finding.api import SessionSearchApi
from app.features.finding.pages import BookingPages, FindingPages
from app.features.forms.pages import FormPages
from app.features.notifications.feeds import StructureFeed
from app.features.notifications.worker import outbox_worker_lifespan
from app.features.pathways.api import PersonPathwayApi, RecommendationApi
from app.features.pathways.pages import PersonPathwayPages
from app.features.people import dependencies as people_dependencies
from app.features.people.api import PeopleApi
from app.features.people.pages import MediatorPages
from app.features.scans import dependencies as scans_dependencies
from app.features.scans.api import ScanApi
from app.features.scans.pages import ScanPages
from app.features.scans.worker import scan_worker_lifespan
from app.features.schedule.api import SessionApi, create_sessions
from app.features.schedule.pages import SchedulePages
from app.features.statistics.pages import StatisticsOpenData
from app.features.training.pages import TrainerPages
from app.features.verification import verifier
from app.features.verification.api import VerifyApi
from app.features.verification.pages import VerifierPages
from app.features.wallet.pages import PersonWalletPages, WalletPages
from app.headers import STATIC_CACHE, SecurityHeaders
from app.housekeeping import housekeeping
from app.nul_bytes import NulByteMiddleware
from app.openapi import openapi_config
from app.sessions import RotatingSessionConfig
from app.throttle import Throttles
from app.web import address_breaks, local_date, pictogram, whole_words

HERE = Path(__file__).parent


@get("/preferences/texte", include_in_schema=False, opt=needs(Permission.PUBLIC))
async def toggle_large_text(
    request: Request[Any, Any, Any], retour: FromQuery[str] = "/"
) -> Redirect:
    """A link, not a script: switching text size works without JavaScript."""
    target = retour if retour.startswith("/") and not retour.startswith("//") else "/"
    response = Redirect(path=target, status_code=303)
    large = preferences.read(request, preferences.TEXT_SIZE) == "grand"
    preferences.keep(response, request, preferences.TEXT_SIZE, "normal" if large else "grand")
    return response


@get("/sante", include_in_schema=False, opt=needs(Permission.PUBLIC))
async def health() -> dict[str, str]:
    return {"status": "ok"}


def _templates() -> TemplateConfig[JinjaTemplateEngine]:
    environment = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(
        local_date=local_date,
        pictogram=pictogram,
        role_labels=ROLE_LABELS,
        home_of=home_of,
        # may(user, "offer"): whether a page shows a way in that the role may use.
        may=lambda user, name: allowed(user, Permission(name)),
    )
    environment.globals.update(FINDING_GLOBALS)
    environment.filters["b64"] = lambda text: base64.b64encode(str(text).encode()).decode()
    environment.filters["whole"] = whole_words
    environment.filters["address"] = address_breaks
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment))


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    engine = make_engine(settings)
    alchemy = make_alchemy_config(settings, engine)
    # Sessions are written while a request may still hold its own connection: on SQLite,
    # whose pool is a single connection, they need a pool of their own.
    session_store = make_alchemy_config(settings, make_engine(settings))
    scan_worker, scan_lifespan = scan_worker_lifespan(alchemy)
    outbox_worker, outbox_lifespan = outbox_worker_lifespan(alchemy, settings)
    keys = audit_keys(settings.secrets())
    badge_checks = verifier(settings.verify_seconds)
    sessions = RotatingSessionConfig(
        idle_seconds=settings.idle_minutes * 60,
        secure=settings.secure_cookies,
        samesite="lax",
        httponly=True,
        key=settings.cookie_name("session"),
        # The API authenticates with bearer tokens; files that caches may keep get no cookie.
        exclude=["/api/", "/static/", "/sante", "/schema"],
    )
    app = Litestar(
        route_handlers=[
            ResidentPages,
            DiagnosticSteps,
            AccountPages,
            MyAccountPages,
            AdminPages,
            MediatorPages,
            PaperPages,
            PersonDiagnosticPages,
            FormPages,
            TrainerPages,
            DashboardPages,
            OfferPages,
            DiagnosticApi,
            PeopleApi,
            PlaceApi,
            WorkshopApi,
            BookingApi,
            RegistrationPages,
            PersonBookingPages,
            ScanPages,
            ScanApi,
            SessionApi,
            SchedulePages,
            ExportApi,
            OpenDataPages,
            StatisticsOpenData,
            StructureFeed,
            SessionSearchApi,
            RecommendationApi,
            PersonPathwayApi,
            PersonPathwayPages,
            CredentialApi,
            PersonBadgePages,
            ObservedTaskPages,
            StructureBadgePages,
            BadgePublic,
            CompetencePages,
            PixPages,
            create_sessions,  # after SessionSearchApi: same path (see its comment)
            FindingPages,
            BookingPages,
            VerifierPages,
            VerifyApi,
            WalletPages,
            PersonWalletPages,
            toggle_large_text,
            health,
            create_static_files_router(
                path="/static",
                directories=[HERE / "static"],
                opt=needs(Permission.PUBLIC),
                cache_control=STATIC_CACHE,
            ),
        ],
        guards=[permission_guard],
        # What handlers are given by name: the caller, the services (one home each).
        dependencies={
            "auditor": Provide(provide_auditor, sync_to_thread=False),
            **accounts_dependencies.DEPENDENCIES,
            **diagnostics_dependencies.DEPENDENCIES,
            **people_dependencies.DEPENDENCIES,
            **scans_dependencies.DEPENDENCIES,
        },
        plugins=[SQLAlchemyPlugin(config=alchemy)],
        stores={"sessions": SQLAlchemyStore(session_store, model=StoreEntry, namespace="sessions")},
        middleware=[
            NulByteMiddleware(),  # first: nothing reads a cookie or a body before it
            sessions.middleware,
            AuthMiddleware(alchemy.get_session, timedelta(hours=settings.absolute_hours), keys),
        ],
        csrf_config=CSRFConfig(
            secret=settings.secret(),
            cookie_name=settings.cookie_name("csrftoken"),
            cookie_secure=settings.secure_cookies,
            cookie_samesite="lax",
            exclude=["/api/", "/static/", "/schema"],
        ),
        template_config=_templates(),
        openapi_config=openapi_config(),
        exception_handlers={Exception: handle_error},
        lifespan=[housekeeping(engine, settings), scan_lifespan, outbox_lifespan],
        on_shutdown=[badge_checks.close],
        state=State(
            {
                "scan_worker": scan_worker,
                "outbox_worker": outbox_worker,
                "engine": engine,
                "settings": settings,
                "throttles": Throttles(settings.secret()),
                "audit_keys": keys,
                "totp_box": TotpBox(settings.secrets()),
                "verifier": badge_checks,
            }
        ),
        request_max_body_size=settings.max_body_bytes,
        debug=settings.debug,
    )
    # Around Litestar's router rather than inside it: answers given before a route is found
    # (an unknown path, a wrong method) are logged and get the headers too.
    app.asgi_handler = AccessLog(SecurityHeaders(app.asgi_handler))
    return app
