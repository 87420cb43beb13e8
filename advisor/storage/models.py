"""The tables. Each consultation keeps the advice it was given, compressed against a base document
of its rule-base version stored once (advice_base, content-addressed), so its slip prints the same
advice after the rules change; findings and gaps are also kept as small rows (a provision number
instead of its texts) so the statistics and the search are plain SQL."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import JSON, BigInteger, Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class StaffUser(SQLModel, table=True):
    """A window staff member; role is staff or admin. The password is stored as an argon2id hash."""

    __tablename__ = "staff_user"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True, index=True)
    role: str = Field(default="staff", max_length=10)
    password_hash: str = Field(max_length=255)
    # Changed at logout: a signed session cookie made before it no longer opens a session.
    session_nonce: str = Field(max_length=64)
    active: bool = True
    created_at: datetime


class LoginThrottle(SQLModel, table=True):
    """Login attempts per key ("name:" + login name, existing or not, or "addr:" + client address),
    counted before the password is checked; a row older than the lockout window is stale and deleted."""

    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True, max_length=160)
    attempts: int = 0
    last_attempt: datetime = Field(index=True)


class Consultation(SQLModel, table=True):
    """One window consultation: the answers, the advice given (both languages, compressed against
    its advice_base), who gave it and when. The list and the export read only the small columns."""

    __tablename__ = "consultation"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(index=True)
    week: date = Field(index=True)  # Monday of the ISO week of created_at: portable per-week statistics
    staff_id: int = Field(foreign_key="staff_user.id", index=True)
    staff_name: str = Field(max_length=80)
    applicant_name: str | None = Field(default=None, max_length=200, index=True)
    # The applicant chose not to give a name ("不留姓名"): a record has a name or this, never neither.
    name_withheld: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    credit_code: str | None = Field(default=None, max_length=18, index=True)
    contact: str | None = Field(default=None, max_length=200)
    lang: str = Field(default="zh", max_length=2)
    as_of: date
    rulebase_version: str = Field(max_length=64)
    eligible: int = 0
    undetermined: int = 0
    not_eligible: int = 0
    eligible_rules: str = Field(default="", sa_column=Column(Text, nullable=False))  # space-separated rule ids
    profile: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    advice_base: str = Field(foreign_key="advice_base.hash", max_length=64)
    # zstd of the JSON {"zh": document, "en": document}, with the advice_base text as its dictionary
    advice: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class AdviceBase(SQLModel, table=True):
    """The advice documents (both languages) of the first consultation advised with one rule-base
    version, stored once under the SHA-256 of their JSON: the static texts of that version, against
    which every later record's advice is compressed to a few kilobytes."""

    __tablename__ = "advice_base"

    hash: str = Field(primary_key=True, max_length=64)
    rulebase_version: str = Field(max_length=64, index=True)
    body: str = Field(sa_column=Column(Text, nullable=False))


class Provision(SQLModel, table=True):
    """A rule id and its article, numbered once, so a finding row holds a number rather than texts."""

    __tablename__ = "provision"

    id: int | None = Field(default=None, primary_key=True)
    rule_id: str = Field(max_length=80, unique=True)
    article: str = Field(max_length=16, index=True)


class ConsultationFinding(SQLModel, table=True):
    """The status of one provision (rule) in one consultation."""

    __tablename__ = "consultation_finding"

    consultation_id: int = Field(foreign_key="consultation.id", primary_key=True, ondelete="CASCADE")
    provision_id: int = Field(foreign_key="provision.id", primary_key=True)
    status: str = Field(max_length=16)
    # Whether the provision belongs to a topic the consultation ticked (or serves every enterprise):
    # the statistics count a provision only over the consultations that asked about it.
    in_topics: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})


class ConsultationTopic(SQLModel, table=True):
    """A topic (catalog/questions.yaml) the consultation ticked, for the statistics per topic."""

    __tablename__ = "consultation_topic"

    consultation_id: int = Field(foreign_key="consultation.id", primary_key=True, ondelete="CASCADE")
    topic: str = Field(max_length=40, primary_key=True, index=True)


class ConsultationGap(SQLModel, table=True):
    """A failing condition (kind failing) or an unanswered question (kind missing) in one
    consultation, with how many of its findings it affected: one row per field, not per finding."""

    __tablename__ = "consultation_gap"

    consultation_id: int = Field(foreign_key="consultation.id", primary_key=True, ondelete="CASCADE")
    kind: str = Field(max_length=8, primary_key=True)
    key: str = Field(max_length=120, primary_key=True)  # the field path or concept id
    findings: int = 1


class ApiClient(SQLModel, table=True):
    """A partner system's API key; only its SHA-256 is kept (keys are long random strings)."""

    __tablename__ = "api_client"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    prefix: str = Field(max_length=16)  # the first characters, to recognise a key in the admin list
    key_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime
    created_by: int | None = Field(default=None, foreign_key="staff_user.id")
    revoked_at: datetime | None = None
    request_count: int = 0
    last_used_at: datetime | None = None


class AuditEvent(SQLModel, table=True):
    """Logins, exports, deletions and key changes: who, what, when. Never profile data."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor_id: int | None = Field(default=None, index=True)
    actor_name: str | None = Field(default=None, max_length=80)
    action: str = Field(max_length=32, index=True)
    detail: str = Field(default="", max_length=500)


class BatchJob(SQLModel, table=True):
    """A registry screening submitted over HTTP (advisor/storage/jobs.py): who owns it, where it stands.

    The files live in the batch folder (shared by every host); the state lives here, so any host answers
    for any job. `slot` (unique, one of ADVISOR_BATCH_MAX_JOBS) is held while the job is queued or running:
    the unique index is what makes taking a slot atomic. `lease` changes at every claim, and a worker's
    writes carry it, so a worker that was given up for dead cannot overwrite its successor's.
    """

    __tablename__ = "batch_job"
    __table_args__ = (UniqueConstraint("owner", "idempotency_key", name="uq_batch_job_owner_idempotency_key"),)

    id: str = Field(primary_key=True, max_length=32)
    # batch (a registry screening, web/api/batches.py) or simulation (a reform over a registry, simulations.py)
    kind: str = Field(default="batch", max_length=12, index=True, sa_column_kwargs={"server_default": "batch"})
    owner: str = Field(max_length=40, index=True)  # key:ID, staff:ID or anonymous
    idempotency_key: str | None = Field(default=None, max_length=255)
    request_hash: str = Field(max_length=64)  # SHA-256 of the upload and options: a replay must match
    slot: int | None = Field(default=None, unique=True, index=True)
    state: str = Field(max_length=10, index=True)  # queued, running, done, failed
    filename: str = Field(max_length=255)
    input_name: str = Field(max_length=32)  # input.csv, input.jsonl or input.xlsx in the job's folder
    lang: str = Field(default="zh", max_length=2)
    status_url: str = Field(max_length=2000)
    created_at: datetime = Field(index=True)
    started_at: datetime | None = None
    heartbeat_at: datetime | None = None
    finished_at: datetime | None = Field(default=None, index=True)
    attempts: int = 0
    lease: str | None = Field(default=None, max_length=32)
    worker: str | None = Field(default=None, max_length=200)  # host:pid of the worker running it
    rows: int = 0
    failed: int = 0
    fraction: float | None = None
    result_dir: str | None = Field(default=None, max_length=64)
    output_bytes: int = Field(default=0, sa_type=BigInteger)
    error: str | None = Field(default=None, max_length=2000)
    webhook_url: str | None = Field(default=None, max_length=2000)
    webhook_secret: str | None = Field(default=None, max_length=64)
    notify_attempts: int = 0
    notify_after: datetime | None = None
    notified_at: datetime | None = None
    notify_error: str | None = Field(default=None, max_length=500)
