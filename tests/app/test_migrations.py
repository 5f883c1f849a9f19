"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic import command

from app.db.migrate import alembic_config


def test_migrations_leave_nothing_for_autogenerate_to_add(backend):
    # `check` compares the migrated database with the models and raises on any difference.
    command.check(alembic_config(backend.settings))
