"""credential: one live badge per person and achievement (two requests at once gave two)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 10:10:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from advanced_alchemy.types import GUID, DateTimeUTC

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

LIVE = sa.text("revoked_at IS NULL")
REASON = "Doublon d'un badge déjà délivré pour la même compétence et le même niveau."

credential = sa.table(
    "credential",
    sa.column("id", GUID(length=16)),
    sa.column("person_id", GUID(length=16)),
    sa.column("achievement", sa.String(60)),
    sa.column("issued_at", DateTimeUTC(timezone=True)),
    sa.column("revoked_at", DateTimeUTC(timezone=True)),
    sa.column("revoked_reason", sa.String(300)),
    sa.column("updated_at", DateTimeUTC(timezone=True)),
)


def upgrade() -> None:
    # A second live badge of the same achievement, if any was issued: the first one stays,
    # the later ones are revoked (the status list then says so to every verifier).
    c = credential.c
    rows = op.get_bind().execute(
        sa.select(c.id, c.person_id, c.achievement)
        .where(c.revoked_at.is_(None), c.person_id.is_not(None))
        .order_by(c.person_id, c.achievement, c.issued_at, c.id)
    )
    seen: set[tuple[object, str]] = set()
    later = []
    for row in rows:
        key = (row.person_id, row.achievement)
        if key in seen:
            later.append(row.id)
        seen.add(key)
    if later:
        now = datetime.now(UTC)
        op.get_bind().execute(
            credential.update()
            .where(c.id.in_(later))
            .values(revoked_at=now, revoked_reason=REASON, updated_at=now)
        )
    with op.batch_alter_table('credential', schema=None) as batch_op:
        batch_op.create_index(
            'uq_credential_live',
            ['person_id', 'achievement'],
            unique=True,
            postgresql_where=LIVE,
            sqlite_where=LIVE,
        )


def downgrade() -> None:
    with op.batch_alter_table('credential', schema=None) as batch_op:
        batch_op.drop_index('uq_credential_live')
