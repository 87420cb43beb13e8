"""The audit log: logins, exports, deletions and key changes. Details never hold profile data."""

from sqlmodel import Session, col, select

from ..clock import now
from .models import AuditEvent, StaffUser


def record(session: Session, action: str, actor: StaffUser | None = None, detail: str = "") -> None:
    """Add one audit event to the session (committed with the caller's transaction)."""
    session.add(AuditEvent(at=now(), actor_id=actor.id if actor else None,
                           actor_name=actor.name if actor else None, action=action, detail=detail[:500]))


def recent(session: Session, limit: int = 100) -> list[AuditEvent]:
    """The newest audit events first."""
    return list(session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)))
