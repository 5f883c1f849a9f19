"""evidence: the Pix level of an imported Pix result

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 07:35:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('evidence_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pix_level', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('evidence_record', schema=None) as batch_op:
        batch_op.drop_column('pix_level')
