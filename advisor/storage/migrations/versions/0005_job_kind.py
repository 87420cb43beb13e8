"""job kind: a registry screening (batch) or a reform simulation, in one table of durable jobs

Simulations are jobs like batches: they take the same slots, workers, heartbeats and retention; `kind`
says which one a job runs and which API answers for it. Existing jobs are batches.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batch_job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False,
                                      server_default="batch"))
        batch_op.create_index(batch_op.f("ix_batch_job_kind"), ["kind"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("batch_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_batch_job_kind"))
        batch_op.drop_column("kind")
