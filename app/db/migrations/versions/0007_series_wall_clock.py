"""a series' first start is a Paris wall-clock time, kept without a zone

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import advanced_alchemy.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("session_series") as batch:
        batch.alter_column(
            "first_start_local",
            type_=sa.DateTime(timezone=False),
            existing_type=advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            existing_nullable=False,
            postgresql_using="first_start_local AT TIME ZONE 'Europe/Paris'",
        )


def downgrade() -> None:
    with op.batch_alter_table("session_series") as batch:
        batch.alter_column(
            "first_start_local",
            type_=advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            existing_type=sa.DateTime(timezone=False),
            existing_nullable=False,
            postgresql_using="first_start_local AT TIME ZONE 'Europe/Paris'",
        )
