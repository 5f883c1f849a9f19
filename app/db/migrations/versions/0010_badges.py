"""badges: issuer keys, credentials, status lists, wallet links

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 06:53:25.891175
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types
from sqlalchemy.dialects import postgresql

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('issuer_key',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('structure_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('key_id', sa.String(length=64), nullable=False),
    sa.Column('public_key_multibase', sa.String(length=100), nullable=False),
    sa.Column('secret_encrypted', sa.LargeBinary(), nullable=False),
    sa.Column('retired_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['structure_id'], ['structure.id'], name=op.f('fk_issuer_key_structure_id_structure'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issuer_key')),
    sa.UniqueConstraint('structure_id', 'key_id', name=op.f('uq_issuer_key_structure_id'))
    )
    op.create_table('status_list',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('structure_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('length', sa.Integer(), nullable=False),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['structure_id'], ['structure.id'], name=op.f('fk_status_list_structure_id_structure'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_list')),
    sa.UniqueConstraint('structure_id', 'purpose', 'number', name=op.f('uq_status_list_structure_id'))
    )
    op.create_table('wallet_link',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('person_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('revoked_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('last_used_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_wallet_link_created_by_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_wallet_link_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wallet_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_wallet_link_token_hash'))
    )
    with op.batch_alter_table('wallet_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wallet_link_person_id'), ['person_id'], unique=False)

    op.create_table('credential',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('structure_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('person_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('evidence_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('achievement', sa.String(length=60), nullable=False),
    sa.Column('competence', sa.String(length=10), nullable=True),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('body', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('issued_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('valid_until', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('issued_by', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('status_list_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('status_index', sa.Integer(), nullable=False),
    sa.Column('revoked_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('revoked_reason', sa.String(length=300), nullable=True),
    sa.Column('revoked_by', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence_record.id'], name=op.f('fk_credential_evidence_id_evidence_record'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['issued_by'], ['user.id'], name=op.f('fk_credential_issued_by_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_credential_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revoked_by'], ['user.id'], name=op.f('fk_credential_revoked_by_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['status_list_id'], ['status_list.id'], name=op.f('fk_credential_status_list_id_status_list'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['structure_id'], ['structure.id'], name=op.f('fk_credential_structure_id_structure'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credential')),
    sa.UniqueConstraint('status_list_id', 'status_index', name=op.f('uq_credential_status_list_id'))
    )
    with op.batch_alter_table('credential', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credential_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_credential_structure_issued', ['structure_id', 'issued_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('credential', schema=None) as batch_op:
        batch_op.drop_index('ix_credential_structure_issued')
        batch_op.drop_index(batch_op.f('ix_credential_person_id'))

    op.drop_table('credential')
    with op.batch_alter_table('wallet_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wallet_link_person_id'))

    op.drop_table('wallet_link')
    op.drop_table('status_list')
    op.drop_table('issuer_key')
