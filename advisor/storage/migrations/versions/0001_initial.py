"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-27 05:56:44.508424
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)

    op.create_table('login_throttle',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_failure', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('staff_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('session_nonce', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_user_name'), ['name'], unique=True)

    op.create_table('api_client',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('key_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('request_count', sa.Integer(), nullable=False),
    sa.Column('last_used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('api_client', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_client_key_hash'), ['key_hash'], unique=True)

    op.create_table('consultation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('staff_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('applicant_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('credit_code', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=True),
    sa.Column('contact', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('rulebase_version', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('eligible', sa.Integer(), nullable=False),
    sa.Column('undetermined', sa.Integer(), nullable=False),
    sa.Column('not_eligible', sa.Integer(), nullable=False),
    sa.Column('profile', sa.JSON(), nullable=False),
    sa.Column('snapshot_zh', sa.JSON(), nullable=False),
    sa.Column('snapshot_en', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_applicant_name'), ['applicant_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_credit_code'), ['credit_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_staff_id'), ['staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_week'), ['week'], unique=False)

    op.create_table('consultation_finding',
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('article', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('week', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('consultation_id', 'rule_id')
    )
    with op.batch_alter_table('consultation_finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_finding_rule_id'), ['rule_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_finding_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_finding_week'), ['week'], unique=False)

    op.create_table('consultation_gap',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('week', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consultation_gap', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_gap_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_gap_key'), ['key'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_gap_week'), ['week'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('consultation_gap', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_gap_week'))
        batch_op.drop_index(batch_op.f('ix_consultation_gap_key'))
        batch_op.drop_index(batch_op.f('ix_consultation_gap_consultation_id'))

    op.drop_table('consultation_gap')
    with op.batch_alter_table('consultation_finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_finding_week'))
        batch_op.drop_index(batch_op.f('ix_consultation_finding_status'))
        batch_op.drop_index(batch_op.f('ix_consultation_finding_rule_id'))

    op.drop_table('consultation_finding')
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_week'))
        batch_op.drop_index(batch_op.f('ix_consultation_staff_id'))
        batch_op.drop_index(batch_op.f('ix_consultation_credit_code'))
        batch_op.drop_index(batch_op.f('ix_consultation_created_at'))
        batch_op.drop_index(batch_op.f('ix_consultation_applicant_name'))

    op.drop_table('consultation')
    with op.batch_alter_table('api_client', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_client_key_hash'))

    op.drop_table('api_client')
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_user_name'))

    op.drop_table('staff_user')
    op.drop_table('login_throttle')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
