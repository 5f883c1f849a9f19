"""scans on disk: a batch keeps the path of its file, not its bytes; page-by-page scheduling

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import os
import uuid

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types

from app.config import uploads_dir

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_batches = sa.table(
    'scan_batch',
    sa.column('id', advanced_alchemy.types.guid.GUID(length=16)),
    sa.column('status', sa.String(10)),
    sa.column('content', sa.LargeBinary()),
    sa.column('path', sa.String(64)),
)
_unread = _batches.c.status != 'DONE'


def upgrade() -> None:
    with op.batch_alter_table('scan_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('path', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('stepped_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True))
    # Files not read yet move from the database to the uploads folder, one at a time.
    connection = op.get_bind()
    waiting = connection.execute(sa.select(_batches.c.id).where(_unread, _batches.c.content.is_not(None)))
    for (batch_id,) in waiting.all():
        content = connection.execute(sa.select(_batches.c.content).where(_batches.c.id == batch_id)).scalar_one()
        name = uuid.uuid4().hex
        descriptor = os.open(uploads_dir() / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, 'wb') as file:
            file.write(content)
        connection.execute(_batches.update().where(_batches.c.id == batch_id).values(path=name, content=None))
    # A batch is now read a page at a time, QUEUED between pages: one left RUNNING by the old
    # worker resumes after its last stored page.
    connection.execute(_batches.update().where(_batches.c.status == 'RUNNING').values(status='QUEUED'))
    with op.batch_alter_table('scan_batch', schema=None) as batch_op:
        batch_op.drop_column('content')
        batch_op.drop_index(batch_op.f('ix_scan_batch_structure_id'))
        batch_op.create_index('ix_scan_batch_structure_stepped', ['structure_id', 'stepped_at'], unique=False)

    with op.batch_alter_table('scan_page', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scan_page_diagnostic_id'), ['diagnostic_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scan_page_person_ref'), ['person_ref'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('scan_page', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scan_page_person_ref'))
        batch_op.drop_index(batch_op.f('ix_scan_page_diagnostic_id'))

    with op.batch_alter_table('scan_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content', sa.LargeBinary(), nullable=True))
        batch_op.drop_index('ix_scan_batch_structure_stepped')
        batch_op.create_index(batch_op.f('ix_scan_batch_structure_id'), ['structure_id'], unique=False)
    connection = op.get_bind()
    waiting = connection.execute(sa.select(_batches.c.id, _batches.c.path).where(_unread, _batches.c.path.is_not(None)))
    for batch_id, name in waiting.all():
        path = uploads_dir() / name
        if path.exists():
            connection.execute(_batches.update().where(_batches.c.id == batch_id).values(content=path.read_bytes()))
            path.unlink()
    with op.batch_alter_table('scan_batch', schema=None) as batch_op:
        batch_op.drop_column('stepped_at')
        batch_op.drop_column('path')
