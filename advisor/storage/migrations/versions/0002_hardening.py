"""records that stay small, atomic login throttle

- The advice documents move from two JSON columns per consultation into one zstd frame compressed
  against its rule-base version's base (advice_base, stored once); every existing record is
  converted and its documents come back unchanged. The list columns gain eligible_rules.
- Finding rows name their provision by number (provision table) and lose their copies of the week,
  the article and the rule id; gap rows become one per consultation and field, with the number of
  findings it affected; the indexes only the old statistics used are dropped.
- login_throttle is keyed by name or address and counts attempts; its rows are transient, so it
  is recreated empty.

Revision ID: 0002
Revises: 0001
"""

import json

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlmodel import Session

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_consultation = sa.table("consultation", sa.column("id", sa.Integer), sa.column("snapshot_zh", sa.JSON),
                         sa.column("snapshot_en", sa.JSON), sa.column("advice_base", sa.String),
                         sa.column("advice", sa.LargeBinary), sa.column("eligible_rules", sa.Text))
_string = sqlmodel.sql.sqltypes.AutoString


def _convert_advice() -> None:
    from advisor.storage.advice import pack_expanded

    bind = op.get_bind()
    session = Session(bind=bind)
    last = 0
    while True:  # a batch at a time: memory stays flat on a large table
        rows = bind.execute(sa.select(_consultation.c.id, _consultation.c.snapshot_zh, _consultation.c.snapshot_en)
                            .where(_consultation.c.id > last).order_by(_consultation.c.id).limit(200)).all()
        if not rows:
            break
        for number, zh, en in rows:
            documents = {"zh": json.loads(zh) if isinstance(zh, str) else zh,
                         "en": json.loads(en) if isinstance(en, str) else en}
            base, advice = pack_expanded(session, documents)
            eligible = " ".join(f["id"] for f in documents["zh"]["findings"] if f["status"] == "eligible")
            bind.execute(_consultation.update().where(_consultation.c.id == number).values(
                advice_base=base, advice=advice, eligible_rules=eligible))
            last = number


def upgrade() -> None:
    op.create_table("advice_base",
                    sa.Column("hash", _string(length=64), nullable=False),
                    sa.Column("rulebase_version", _string(length=64), nullable=False),
                    sa.Column("body", sa.Text(), nullable=False),
                    sa.PrimaryKeyConstraint("hash"))
    op.create_index("ix_advice_base_rulebase_version", "advice_base", ["rulebase_version"], unique=False)
    with op.batch_alter_table("consultation") as batch_op:
        batch_op.add_column(sa.Column("eligible_rules", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("advice_base", _string(length=64), nullable=True))
        batch_op.add_column(sa.Column("advice", sa.LargeBinary(), nullable=True))
    _convert_advice()
    with op.batch_alter_table("consultation") as batch_op:
        batch_op.alter_column("advice_base", existing_type=_string(length=64), nullable=False)
        batch_op.alter_column("advice", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.alter_column("eligible_rules", existing_type=sa.Text(), server_default=None)
        batch_op.create_foreign_key("fk_consultation_advice_base", "advice_base", ["advice_base"], ["hash"])
        batch_op.drop_column("snapshot_zh")
        batch_op.drop_column("snapshot_en")

    op.create_table("provision",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("rule_id", _string(length=80), nullable=False),
                    sa.Column("article", _string(length=16), nullable=False),
                    sa.PrimaryKeyConstraint("id"), sa.UniqueConstraint("rule_id"))
    op.create_index("ix_provision_article", "provision", ["article"], unique=False)
    op.execute("INSERT INTO provision (rule_id, article) SELECT rule_id, min(article) FROM consultation_finding "
               "GROUP BY rule_id ORDER BY rule_id")

    op.create_table("consultation_finding_new",
                    sa.Column("consultation_id", sa.Integer(), nullable=False),
                    sa.Column("provision_id", sa.Integer(), nullable=False),
                    sa.Column("status", _string(length=16), nullable=False),
                    sa.ForeignKeyConstraint(["consultation_id"], ["consultation.id"], ondelete="CASCADE"),
                    sa.ForeignKeyConstraint(["provision_id"], ["provision.id"]),
                    sa.PrimaryKeyConstraint("consultation_id", "provision_id"))
    op.execute("INSERT INTO consultation_finding_new (consultation_id, provision_id, status) "
               "SELECT f.consultation_id, p.id, f.status FROM consultation_finding f "
               "JOIN provision p ON p.rule_id = f.rule_id")
    op.create_table("consultation_gap_new",
                    sa.Column("consultation_id", sa.Integer(), nullable=False),
                    sa.Column("kind", _string(length=8), nullable=False),
                    sa.Column("key", _string(length=120), nullable=False),
                    sa.Column("findings", sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(["consultation_id"], ["consultation.id"], ondelete="CASCADE"),
                    sa.PrimaryKeyConstraint("consultation_id", "kind", "key"))
    op.execute("INSERT INTO consultation_gap_new (consultation_id, kind, key, findings) "
               "SELECT consultation_id, kind, key, count(*) FROM consultation_gap GROUP BY consultation_id, kind, key")
    op.drop_table("consultation_gap")
    op.drop_table("consultation_finding")
    op.rename_table("consultation_finding_new", "consultation_finding")
    op.rename_table("consultation_gap_new", "consultation_gap")

    op.drop_table("login_throttle")
    op.create_table("login_throttle",
                    sa.Column("key", _string(length=160), nullable=False),
                    sa.Column("attempts", sa.Integer(), nullable=False),
                    sa.Column("last_attempt", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
                    sa.PrimaryKeyConstraint("key"))
    op.create_index("ix_login_throttle_last_attempt", "login_throttle", ["last_attempt"], unique=False)


def downgrade() -> None:
    # The old layout held two full documents per record; going back would rebuild them from the
    # packed advice. Not automated: restore the backup taken before `advisor db upgrade` instead.
    raise NotImplementedError("0002 cannot be downgraded; restore the database backup made before upgrading")
