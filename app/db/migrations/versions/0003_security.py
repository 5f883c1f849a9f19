"""security: attempt counters, audit trail, token expiry, second factor, corrections

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 17:49:40.539374
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('throttle',
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('window_start', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('last_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_throttle'))
    )
    with op.batch_alter_table('throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_throttle_last_at'), ['last_at'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('actor_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('structure_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('target_type', sa.String(length=20), nullable=True),
    sa.Column('target', sa.String(length=64), nullable=True),
    sa.Column('token_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('address', sa.String(length=45), nullable=True),
    sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_audit_event_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['structure_id'], ['structure.id'], name=op.f('fk_audit_event_structure_id_structure'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['token_id'], ['api_token.id'], name=op.f('fk_audit_event_token_id_api_token'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_actor_at', ['actor_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_event_at', ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_structure_id'), ['structure_id'], unique=False)
        batch_op.create_index('ix_audit_event_target', ['target'], unique=False)

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('revoked_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True))
    # Tokens made before expiry existed get the default lifetime from today.
    tokens = sa.table('api_token', sa.column('expires_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)))
    op.execute(tokens.update().values(expires_at=datetime.now(UTC) + timedelta(days=90)))
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False)

    with op.batch_alter_table('diagnostic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supersedes_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_diagnostic_supersedes_id'), ['supersedes_id'])
        batch_op.create_foreign_key(batch_op.f('fk_diagnostic_supersedes_id_diagnostic'), 'diagnostic', ['supersedes_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('credentials_changed_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('credentials_changed_at')
        batch_op.drop_column('must_change_password')

    with op.batch_alter_table('diagnostic', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_diagnostic_supersedes_id_diagnostic'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_diagnostic_supersedes_id'), type_='unique')
        batch_op.drop_column('supersedes_id')

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('expires_at')

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_target')
        batch_op.drop_index(batch_op.f('ix_audit_event_structure_id'))
        batch_op.drop_index('ix_audit_event_at')
        batch_op.drop_index('ix_audit_event_actor_at')

    op.drop_table('audit_event')
    with op.batch_alter_table('throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_throttle_last_at'))

    op.drop_table('throttle')
