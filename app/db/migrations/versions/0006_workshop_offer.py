"""the workshop offer: places, workshops, sessions, bookings, evidence, outbox

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types
from sqlalchemy.dialects import postgresql

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('place',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('structure_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('pivot', sa.String(length=14), nullable=True),
    sa.Column('address', sa.String(length=250), nullable=False),
    sa.Column('address_complement', sa.String(length=250), nullable=True),
    sa.Column('postal_code', sa.String(length=5), nullable=False),
    sa.Column('commune_insee', sa.String(length=5), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('typologies', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('website', sa.String(length=500), nullable=True),
    sa.Column('opening_hours', sa.String(length=500), nullable=True),
    sa.Column('summary', sa.String(length=280), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('directions', sa.String(length=500), nullable=True),
    sa.Column('services', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('publics', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('specific_support', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('fees', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('national_programmes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('labels', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('access_modes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('support_modes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('mobility', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('accessibility_url', sa.String(length=500), nullable=True),
    sa.Column('accessibility', sa.String(length=500), nullable=True),
    sa.Column('booking_url', sa.String(length=500), nullable=True),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['structure_id'], ['structure.id'], name=op.f('fk_place_structure_id_structure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_place'))
    )
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_place_commune_insee'), ['commune_insee'], unique=False)
        batch_op.create_index('ix_place_structure_name', ['structure_id', 'name'], unique=False)

    op.create_table('workshop',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('structure_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('competences', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('themes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('modality', sa.Enum('INDIVIDUAL', 'COLLECTIVE', 'SELF_STUDY', 'REMOTE', name='modality', native_enum=False, length=12), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('publics', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('price', sa.String(length=40), nullable=False),
    sa.Column('price_detail', sa.String(length=200), nullable=True),
    sa.Column('accessibility', sa.String(length=500), nullable=True),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('exit_check', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['structure_id'], ['structure.id'], name=op.f('fk_workshop_structure_id_structure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop'))
    )
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.create_index('ix_workshop_structure_title', ['structure_id', 'title'], unique=False)

    op.create_table('session_series',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('structure_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('workshop_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('rrule', sa.String(length=500), nullable=False),
    sa.Column('first_start_local', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['structure_id'], ['structure.id'], name=op.f('fk_session_series_structure_id_structure'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_session_series_workshop_id_workshop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_series'))
    )
    op.create_table('session',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('structure_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('workshop_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('place_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('series_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('starts_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('ends_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('remote_url', sa.String(length=500), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('confirmed_count', sa.Integer(), nullable=False),
    sa.Column('waiting_count', sa.Integer(), nullable=False),
    sa.Column('registration_open', sa.Boolean(), nullable=False),
    sa.Column('cancelled_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), nullable=True),
    sa.Column('detached', sa.Boolean(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('import_key', sa.String(length=64), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.CheckConstraint('capacity >= 1', name=op.f('ck_session_session_capacity_positive')),
    sa.CheckConstraint('confirmed_count <= capacity', name=op.f('ck_session_session_not_oversold')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_session_session_ends_after_start')),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_session_place_id_place'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['series_id'], ['session_series.id'], name=op.f('fk_session_series_id_session_series'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['structure_id'], ['structure.id'], name=op.f('fk_session_structure_id_structure'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_session_workshop_id_workshop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session')),
    sa.UniqueConstraint('import_key', name=op.f('uq_session_import_key'))
    )
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.create_index('ix_session_place_starts', ['place_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_series_id'), ['series_id'], unique=False)
        batch_op.create_index('ix_session_starts', ['starts_at'], unique=False)
        batch_op.create_index('ix_session_structure_starts', ['structure_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_session_workshop_starts', ['workshop_id', 'starts_at'], unique=False)

    op.create_table('booking',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('session_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('person_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('diagnostic_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('holder', sa.String(length=340), nullable=False),
    sa.Column('contact_email', sa.String(length=320), nullable=True),
    sa.Column('contact_phone', sa.String(length=20), nullable=True),
    sa.Column('status', sa.Enum('CONFIRMED', 'WAITING', 'CANCELLED', name='bookingstatus', native_enum=False, length=10), nullable=False),
    sa.Column('queued', sa.BigInteger(), nullable=False),
    sa.Column('attendance', sa.Enum('UNKNOWN', 'SEEN', 'EXCUSED', 'REVOKED', 'NOSHOW', name='attendance', native_enum=False, length=10), nullable=False),
    sa.Column('exit_check_passed', sa.Boolean(), nullable=True),
    sa.Column('exit_checked_by', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('exit_checked_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('booked_by', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('cancelled_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('cancelled_by', sa.String(length=20), nullable=True),
    sa.Column('reminded_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booked_by'], ['user.id'], name=op.f('fk_booking_booked_by_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['diagnostic_id'], ['diagnostic.id'], name=op.f('fk_booking_diagnostic_id_diagnostic'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['exit_checked_by'], ['user.id'], name=op.f('fk_booking_exit_checked_by_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_booking_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_booking_session_id_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking')),
    )
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.create_index('ix_booking_person', ['person_id'], unique=False)
        batch_op.create_index('ix_booking_session_status_queued', ['session_id', 'status', 'queued'], unique=False)
        batch_op.create_index('uq_booking_live_holder', ['session_id', 'holder'], unique=True, sqlite_where=sa.text("status IN ('CONFIRMED', 'WAITING')"), postgresql_where=sa.text("status IN ('CONFIRMED', 'WAITING')"))

    op.create_table('evidence_record',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('person_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('structure_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('competence', sa.String(length=10), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('booking_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('workshop_title', sa.String(length=150), nullable=True),
    sa.Column('observed', sa.String(length=1000), nullable=False),
    sa.Column('recorded_by', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('recorded_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], name=op.f('fk_evidence_record_booking_id_booking'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_evidence_record_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by'], ['user.id'], name=op.f('fk_evidence_record_recorded_by_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['structure_id'], ['structure.id'], name=op.f('fk_evidence_record_structure_id_structure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_record'))
    )
    with op.batch_alter_table('evidence_record', schema=None) as batch_op:
        batch_op.create_index('ix_evidence_person_competence', ['person_id', 'competence'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_record_booking_id'), ['booking_id'], unique=False)

    op.create_table('outbox_message',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('channel', sa.Enum('EMAIL', 'SMS', name='outboxchannel', native_enum=False, length=10), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('ics', sa.Text(), nullable=True),
    sa.Column('booking_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('status', sa.Enum('PENDING', 'SENT', 'FAILED', name='outboxstatus', native_enum=False, length=10), nullable=False),
    sa.Column('due_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], name=op.f('fk_outbox_message_booking_id_booking'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index('ix_outbox_status_due', ['status', 'due_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_status_due')
        batch_op.drop_index(batch_op.f('ix_outbox_message_booking_id'))

    op.drop_table('outbox_message')
    with op.batch_alter_table('evidence_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_record_booking_id'))
        batch_op.drop_index('ix_evidence_person_competence')

    op.drop_table('evidence_record')
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_index('uq_booking_live_holder', sqlite_where=sa.text("status IN ('CONFIRMED', 'WAITING')"), postgresql_where=sa.text("status IN ('CONFIRMED', 'WAITING')"))
        batch_op.drop_index('ix_booking_session_status_queued')
        batch_op.drop_index('ix_booking_person')

    op.drop_table('booking')
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.drop_index('ix_session_workshop_starts')
        batch_op.drop_index('ix_session_structure_starts')
        batch_op.drop_index('ix_session_starts')
        batch_op.drop_index(batch_op.f('ix_session_series_id'))
        batch_op.drop_index('ix_session_place_starts')

    op.drop_table('session')
    op.drop_table('session_series')
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.drop_index('ix_workshop_structure_title')

    op.drop_table('workshop')
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.drop_index('ix_place_structure_name')
        batch_op.drop_index(batch_op.f('ix_place_commune_insee'))

    op.drop_table('place')
