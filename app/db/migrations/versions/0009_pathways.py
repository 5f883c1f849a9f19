"""pathways: recommendations as shown, plans per need with their steps, feedback from people and
mediators, and trained models kept as JSON

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types
from sqlalchemy.dialects import postgresql

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pathway_model',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('rules_version', sa.String(length=20), nullable=False),
    sa.Column('data_hash', sa.String(length=64), nullable=False),
    sa.Column('body', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('metrics', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('trained_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pathway_model')),
    sa.UniqueConstraint('version', name=op.f('uq_pathway_model_version'))
    )
    with op.batch_alter_table('pathway_model', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pathway_model_active'), ['active'], unique=False)

    op.create_table('recommendation',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('diagnostic_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('person_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('structure_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('rules_version', sa.String(length=20), nullable=False),
    sa.Column('model_version', sa.String(length=40), nullable=True),
    sa.Column('context', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('body', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['diagnostic_id'], ['diagnostic.id'], name=op.f('fk_recommendation_diagnostic_id_diagnostic'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_recommendation_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['structure_id'], ['structure.id'], name=op.f('fk_recommendation_structure_id_structure'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation'))
    )
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.create_index('ix_recommendation_diagnostic_created', ['diagnostic_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendation_person_id'), ['person_id'], unique=False)

    op.create_table('pathway',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('diagnostic_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('person_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('recommendation_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('need', sa.String(length=40), nullable=False),
    sa.Column('current', sa.String(length=2), nullable=False),
    sa.Column('proposed_goal', sa.String(length=2), nullable=False),
    sa.Column('goal', sa.String(length=2), nullable=False),
    sa.Column('modality', sa.String(length=20), nullable=False),
    sa.Column('decided_by', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('decided_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by'], ['user.id'], name=op.f('fk_pathway_decided_by_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['diagnostic_id'], ['diagnostic.id'], name=op.f('fk_pathway_diagnostic_id_diagnostic'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_pathway_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], name=op.f('fk_pathway_recommendation_id_recommendation'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pathway')),
    sa.UniqueConstraint('diagnostic_id', 'need', name='uq_pathway_diagnostic_need')
    )
    with op.batch_alter_table('pathway', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pathway_person_id'), ['person_id'], unique=False)

    op.create_table('pathway_feedback',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('recommendation_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('diagnostic_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('person_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('need', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.Enum('RESIDENT', 'ACCEPTED', 'EDITED', 'REPLACED', name='feedbackkind', native_enum=False, length=10), nullable=False),
    sa.Column('value', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('by_user_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['by_user_id'], ['user.id'], name=op.f('fk_pathway_feedback_by_user_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['diagnostic_id'], ['diagnostic.id'], name=op.f('fk_pathway_feedback_diagnostic_id_diagnostic'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_pathway_feedback_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], name=op.f('fk_pathway_feedback_recommendation_id_recommendation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pathway_feedback'))
    )
    with op.batch_alter_table('pathway_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pathway_feedback_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_pathway_feedback_recommendation', ['recommendation_id'], unique=False)

    op.create_table('pathway_step',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('pathway_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('competence', sa.String(length=10), nullable=False),
    sa.Column('from_level', sa.Integer(), nullable=False),
    sa.Column('to_level', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('modality', sa.String(length=20), nullable=False),
    sa.Column('status', sa.Enum('PROPOSED', 'BOOKED', 'DONE', 'DROPPED', name='stepstatus', native_enum=False, length=10), nullable=False),
    sa.Column('origin', sa.Enum('PROPOSED', 'MEDIATOR', name='steporigin', native_enum=False, length=10), nullable=False),
    sa.Column('booking_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], name=op.f('fk_pathway_step_booking_id_booking'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pathway_id'], ['pathway.id'], name=op.f('fk_pathway_step_pathway_id_pathway'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pathway_step')),
    sa.UniqueConstraint('pathway_id', 'position', name='uq_pathway_step_position')
    )
    with op.batch_alter_table('pathway_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pathway_step_booking_id'), ['booking_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('pathway_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pathway_step_booking_id'))

    op.drop_table('pathway_step')
    with op.batch_alter_table('pathway_feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_pathway_feedback_recommendation')
        batch_op.drop_index(batch_op.f('ix_pathway_feedback_person_id'))

    op.drop_table('pathway_feedback')
    with op.batch_alter_table('pathway', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pathway_person_id'))

    op.drop_table('pathway')
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_person_id'))
        batch_op.drop_index('ix_recommendation_diagnostic_created')

    op.drop_table('recommendation')
    with op.batch_alter_table('pathway_model', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pathway_model_active'))

    op.drop_table('pathway_model')
