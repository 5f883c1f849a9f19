"""coordinator scope: the département or région whose statistics a coordinator reads

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope_departement', sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column('scope_region', sa.String(length=2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('scope_region')
        batch_op.drop_column('scope_departement')
