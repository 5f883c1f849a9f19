"""statistics: people counted per year, départements' counts, the published cells

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types
from sqlalchemy.dialects import postgresql

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stat_cell',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=20), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('parent', sa.String(length=24), nullable=True),
    sa.Column('departement', sa.String(length=3), nullable=True),
    sa.Column('region', sa.String(length=3), nullable=True),
    sa.Column('cells', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('year', 'indicator', 'level', 'code', name=op.f('pk_stat_cell'))
    )
    with op.batch_alter_table('stat_cell', schema=None) as batch_op:
        batch_op.create_index('ix_stat_cell_level_departement', ['year', 'indicator', 'level', 'departement'], unique=False)
        batch_op.create_index('ix_stat_cell_level_region', ['year', 'indicator', 'level', 'region'], unique=False)
        batch_op.create_index('ix_stat_cell_parent', ['year', 'indicator', 'parent'], unique=False)

    op.create_table('stat_raw',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('departement', sa.String(length=3), nullable=False),
    sa.Column('counts', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('forced', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('year', 'departement', name=op.f('pk_stat_raw'))
    )
    op.create_table('stat_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('refreshed_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('watermark', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stat_state'))
    )
    op.create_table('stat_subject',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('subject', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('diagnostic_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('person_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('diagnostics', sa.Integer(), nullable=False),
    sa.Column('departement', sa.String(length=3), nullable=True),
    sa.Column('commune', sa.String(length=5), nullable=True),
    sa.Column('age_band', sa.String(length=30), nullable=False),
    sa.Column('frequency', sa.String(length=20), nullable=False),
    sa.Column('equipment', sa.String(length=120), nullable=False),
    sa.Column('profile', sa.String(length=20), nullable=False),
    sa.Column('levels', sa.String(length=10), nullable=False),
    sa.Column('needs', sa.String(length=400), nullable=False),
    sa.Column('autonomy', sa.String(length=10), nullable=False),
    sa.Column('pathway', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['diagnostic_id'], ['diagnostic.id'], name=op.f('fk_stat_subject_diagnostic_id_diagnostic'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_stat_subject_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('year', 'subject', name=op.f('pk_stat_subject'))
    )
    with op.batch_alter_table('stat_subject', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stat_subject_diagnostic_id'), ['diagnostic_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stat_subject_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_stat_subject_year_departement', ['year', 'departement'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('stat_subject', schema=None) as batch_op:
        batch_op.drop_index('ix_stat_subject_year_departement')
        batch_op.drop_index(batch_op.f('ix_stat_subject_person_id'))
        batch_op.drop_index(batch_op.f('ix_stat_subject_diagnostic_id'))

    op.drop_table('stat_subject')
    op.drop_table('stat_state')
    op.drop_table('stat_raw')
    with op.batch_alter_table('stat_cell', schema=None) as batch_op:
        batch_op.drop_index('ix_stat_cell_parent')
        batch_op.drop_index('ix_stat_cell_level_region')
        batch_op.drop_index('ix_stat_cell_level_departement')

    op.drop_table('stat_cell')
