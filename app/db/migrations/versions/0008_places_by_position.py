"""places by position: the search for sessions near a commune reads places in a box of
latitudes and longitudes before measuring the exact distance

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.create_index('ix_place_latitude_longitude', ['latitude', 'longitude'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.drop_index('ix_place_latitude_longitude')
