"""« Noter une tâche observée »: a mediator notes a task they saw the person do alone; the
evidence is written and its badge issued in one go (see ``observed``).

The form is on the person's page; this page shows it again, with what to correct, when what was
sent cannot be noted (nothing is written then).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.audit import Auditor
from app.db.models import Person, User
from app.features.accounts import PAGE_ERRORS
from app.features.badges.api import ISSUING
from app.features.badges.observed import note_observed_task, read_task_form, today_in_paris
from app.features.people import PERSON
from app.throttle import per_user
from app.web import Form, Msg, error_summary, field_labels, flash, one, page, see_other

LABELS = {"item": ("tache", "Tâche observée"), "day": ("tache-jour", "Jour où elle a été faite")}


def _form(
    request: Request[Any, Any, Any],
    person: Person,
    values: dict[str, str],
    errors: dict[str, Msg] | None = None,
) -> Template:
    errors = errors or {}
    return page(
        request,
        "badges/observed_task.html",
        status=422 if errors else 200,
        person=person,
        task=values,
        task_errors=errors,
        summary=error_summary(request, errors, field_labels(request, LABELS)),
        today=today_in_paris().isoformat(),
    )


class ObservedTaskPages(Controller):
    path = "/pro/personnes/{person_id:uuid}/taches-observees"
    include_in_schema = False
    opt = needs(Permission.PEOPLE)
    exception_handlers = PAGE_ERRORS
    dependencies = PERSON

    @get("/")
    async def show(
        self, request: Request[Any, Any, Any], person: NamedDependency[Person]
    ) -> Template:
        return _form(request, person, {"item": "", "day": today_in_paris().isoformat()})

    @post("/", guards=[per_user(ISSUING)])
    async def note(
        self,
        *,
        request: Request[Any, Any, Any],
        person: NamedDependency[Person],
        user: NamedDependency[User],
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
        data: Form,
    ) -> Template | Redirect:
        values = {"item": one(data, "item")[:20], "day": one(data, "day")[:20]}
        sent = read_task_form(values["item"], values["day"])
        if sent.problems or sent.day is None:
            return _form(request, person, values, sent.problems)
        noted = await note_observed_task(db_session, person, sent.item_id, sent.day, user)
        auditor.record(db_session, "evidence.record", "person", person.id)
        if noted.new_badge and noted.badge is not None:
            auditor.record(db_session, "credential.issue", "credential", noted.badge.id)
        await db_session.commit()  # before the session store writes the notice (SQLite)
        if noted.badge is None:
            flash(request, "Tâche observée notée. Elle compte pour son prochain résultat.")
        else:
            flash(
                request,
                "Tâche observée notée. Badge de la personne : {name}",
                name=noted.badge.body["name"],
            )
        return see_other(f"/pro/personnes/{person.id}#badges")
