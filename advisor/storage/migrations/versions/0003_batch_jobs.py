"""batch jobs: state of registry screenings in the database, shared by every host

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 04:40:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('batch_job',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('request_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=True),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('input_name', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('status_url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('heartbeat_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('worker', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('fraction', sa.Float(), nullable=True),
    sa.Column('result_dir', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('output_bytes', sa.BigInteger(), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('webhook_url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('webhook_secret', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('notify_attempts', sa.Integer(), nullable=False),
    sa.Column('notify_after', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('notified_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('notify_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('owner', 'idempotency_key', name='uq_batch_job_owner_idempotency_key')
    )
    with op.batch_alter_table('batch_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batch_job_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_batch_job_finished_at'), ['finished_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_batch_job_owner'), ['owner'], unique=False)
        batch_op.create_index(batch_op.f('ix_batch_job_slot'), ['slot'], unique=True)
        batch_op.create_index(batch_op.f('ix_batch_job_state'), ['state'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('batch_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_batch_job_state'))
        batch_op.drop_index(batch_op.f('ix_batch_job_slot'))
        batch_op.drop_index(batch_op.f('ix_batch_job_owner'))
        batch_op.drop_index(batch_op.f('ix_batch_job_finished_at'))
        batch_op.drop_index(batch_op.f('ix_batch_job_created_at'))

    op.drop_table('batch_job')
