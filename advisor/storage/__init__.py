"""Storage for the service window: staff accounts, consultation records, partner API keys, audit log.

One SQL database through sqlmodel: an embedded SQLite file by default (./data/advisor.db), or
PostgreSQL when DATABASE_URL says so. The schema changes only through the Alembic migrations in
migrations/; `advisor db upgrade` applies them. Nothing from the web layer is imported here.
"""

from .db import database_url, engine_for, get_engine, make_engine, reset_engine, session_scope, write_with_retry
from .migrate import upgrade
from .models import (
    AdviceBase,
    ApiClient,
    AuditEvent,
    Consultation,
    ConsultationFinding,
    ConsultationGap,
    LoginThrottle,
    Provision,
    StaffUser,
)

__all__ = [
    "AdviceBase",
    "ApiClient",
    "AuditEvent",
    "Consultation",
    "ConsultationFinding",
    "ConsultationGap",
    "LoginThrottle",
    "Provision",
    "StaffUser",
    "database_url",
    "engine_for",
    "get_engine",
    "make_engine",
    "reset_engine",
    "session_scope",
    "upgrade",
    "write_with_retry",
]
