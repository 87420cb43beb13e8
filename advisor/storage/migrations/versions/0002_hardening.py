"""records that stay small, atomic login throttle

The advice documents move from two JSON columns per consultation into the content-addressed
advice_text table (every existing record converted, its documents unchanged); the list columns
gain eligible_rules; login_throttle is keyed by name or address and counts attempts (its rows are
transient, so it is recreated empty).

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
                         sa.column("snapshot_en", sa.JSON), sa.column("advice_zh", sa.String),
                         sa.column("advice_en", sa.String), sa.column("eligible_rules", sa.Text))


def upgrade() -> None:
    from advisor.storage.advice import store_document

    op.create_table("advice_text",
                    sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
                    sa.Column("body", sa.Text(), nullable=False),
                    sa.PrimaryKeyConstraint("hash"))
    with op.batch_alter_table("consultation") as batch_op:
        batch_op.add_column(sa.Column("eligible_rules", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("advice_zh", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column("advice_en", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    bind = op.get_bind()
    session = Session(bind=bind)
    last = 0
    while True:  # a batch at a time: memory stays flat on a large table
        rows = bind.execute(sa.select(_consultation.c.id, _consultation.c.snapshot_zh, _consultation.c.snapshot_en)
                            .where(_consultation.c.id > last).order_by(_consultation.c.id).limit(200)).all()
        if not rows:
            break
        for number, zh, en in rows:
            zh = json.loads(zh) if isinstance(zh, str) else zh
            en = json.loads(en) if isinstance(en, str) else en
            eligible = " ".join(f["id"] for f in zh["findings"] if f["status"] == "eligible")
            bind.execute(_consultation.update().where(_consultation.c.id == number).values(
                advice_zh=store_document(session, zh), advice_en=store_document(session, en),
                eligible_rules=eligible))
            last = number
    session.flush()
    with op.batch_alter_table("consultation") as batch_op:
        batch_op.alter_column("advice_zh", existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False)
        batch_op.alter_column("advice_en", existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False)
        batch_op.alter_column("eligible_rules", existing_type=sa.Text(), server_default=None)
        batch_op.drop_column("snapshot_zh")
        batch_op.drop_column("snapshot_en")

    op.drop_table("login_throttle")
    op.create_table("login_throttle",
                    sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
                    sa.Column("attempts", sa.Integer(), nullable=False),
                    sa.Column("last_attempt", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
                    sa.PrimaryKeyConstraint("key"))
    op.create_index("ix_login_throttle_last_attempt", "login_throttle", ["last_attempt"], unique=False)


def downgrade() -> None:
    from advisor.storage.advice import load_documents

    op.drop_index("ix_login_throttle_last_attempt", table_name="login_throttle")
    op.drop_table("login_throttle")
    op.create_table("login_throttle",
                    sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
                    sa.Column("failures", sa.Integer(), nullable=False),
                    sa.Column("locked_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
                    sa.Column("last_failure", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
                    sa.PrimaryKeyConstraint("name"))
    with op.batch_alter_table("consultation") as batch_op:
        batch_op.add_column(sa.Column("snapshot_zh", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("snapshot_en", sa.JSON(), nullable=True))
    bind = op.get_bind()
    session = Session(bind=bind)
    for number, zh, en in bind.execute(sa.select(_consultation.c.id, _consultation.c.advice_zh,
                                                 _consultation.c.advice_en)).all():
        documents = load_documents(session, [zh, en])
        bind.execute(_consultation.update().where(_consultation.c.id == number).values(
            snapshot_zh=documents[zh], snapshot_en=documents[en]))
    with op.batch_alter_table("consultation") as batch_op:
        batch_op.alter_column("snapshot_zh", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("snapshot_en", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("advice_zh")
        batch_op.drop_column("advice_en")
        batch_op.drop_column("eligible_rules")
    op.drop_table("advice_text")
