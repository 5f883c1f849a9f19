"""statistics: the people who received badges per year; what the refresh reads since it last ran

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stat_badge',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('person_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('departement', sa.String(length=3), nullable=True),
    sa.Column('commune', sa.String(length=5), nullable=True),
    sa.Column('badges', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_stat_badge_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('year', 'person_id', name=op.f('pk_stat_badge'))
    )
    with op.batch_alter_table('stat_badge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stat_badge_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_stat_badge_year_departement', ['year', 'departement'], unique=False)

    with op.batch_alter_table('credential', schema=None) as batch_op:
        batch_op.create_index('ix_credential_updated', ['updated_at'], unique=False)

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index('ix_person_updated', ['updated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('ix_person_updated')

    with op.batch_alter_table('credential', schema=None) as batch_op:
        batch_op.drop_index('ix_credential_updated')

    with op.batch_alter_table('stat_badge', schema=None) as batch_op:
        batch_op.drop_index('ix_stat_badge_year_departement')
        batch_op.drop_index(batch_op.f('ix_stat_badge_person_id'))

    op.drop_table('stat_badge')
