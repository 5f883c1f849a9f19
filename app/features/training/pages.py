"""Where a trainer lands after logging in: what they can do here, said plainly, starting with
their structure's offer (places, workshops, sessions and registrations, at /pro/offre)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from app.access import TRAINER_HOME, Permission, needs
from app.db.models import User
from app.features.accounts import PAGE_ERRORS
from app.web import page


class TrainerPages(Controller):
    path = TRAINER_HOME
    include_in_schema = False
    opt = needs(Permission.TRAINING)
    exception_handlers = PAGE_ERRORS

    @get("/")
    async def home(
        self,
        user: NamedDependency[User],
        request: Request[Any, Any, Any],
    ) -> Template:
        return page(request, "training/home.html", structure=user.structure.name)
