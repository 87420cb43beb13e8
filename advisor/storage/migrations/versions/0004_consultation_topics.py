"""consultation topics, applicant name withheld, findings counted for the ticked topics

- consultation_topic: the topics a consultation ticked, so the statistics can be read per topic.
- consultation_finding.in_topics: whether the provision belongs to a ticked topic (or serves every
  enterprise); the statistics count a provision only over the consultations that asked about it.
  Earlier records did not keep their topics: their findings stay counted (true).
- consultation.name_withheld: the applicant chose not to leave a name (不留姓名).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("consultation_topic",
                    sa.Column("consultation_id", sa.Integer(), nullable=False),
                    sa.Column("topic", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
                    sa.ForeignKeyConstraint(["consultation_id"], ["consultation.id"], ondelete="CASCADE"),
                    sa.PrimaryKeyConstraint("consultation_id", "topic"))
    op.create_index("ix_consultation_topic_topic", "consultation_topic", ["topic"], unique=False)
    with op.batch_alter_table("consultation_finding") as batch_op:
        batch_op.add_column(sa.Column("in_topics", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("consultation") as batch_op:
        batch_op.add_column(sa.Column("name_withheld", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("consultation") as batch_op:
        batch_op.drop_column("name_withheld")
    with op.batch_alter_table("consultation_finding") as batch_op:
        batch_op.drop_column("in_topics")
    op.drop_index("ix_consultation_topic_topic", table_name="consultation_topic")
    op.drop_table("consultation_topic")
