"""Partner API keys: created and revoked by admins, checked per request, counted per key.

Keys are 256-bit random strings, so a plain SHA-256 of the key is a safe thing to store. The web
layer checks keys against a cached copy of the active ones (`active_keys`) and writes the request
counts in batches (`add_usage`), so a request costs no database round trip.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, or_, update
from sqlmodel import Session, col, select

from ..clock import now
from . import audit
from .models import ApiClient, StaffUser

PREFIX = "qyk_"


def digest(key: str) -> str:
    """The stored form of a key: its SHA-256 in hex."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ActiveKey:
    """What a request needs to know about a valid key."""

    id: int
    name: str


def create_key(session: Session, name: str, admin: StaffUser | None) -> tuple[ApiClient, str]:
    """A new key for a partner; returns the record and the key, which is shown once and never stored.
    `admin` is None when an operator creates it on the command line."""
    key = PREFIX + secrets.token_urlsafe(32)
    client = ApiClient(name=name.strip()[:120] or "partner", prefix=key[:10], key_hash=digest(key),
                       created_at=now(), created_by=admin.id if admin else None)
    session.add(client)
    session.flush()
    audit.record(session, "apikey_create", admin, f"key {client.id} ({client.prefix}…) for {client.name}")
    return client, key


def revoke_key(session: Session, client_id: int, admin: StaffUser | None) -> bool:
    """Revoke a key; False when there is no such active key. Caller commits."""
    client = session.get(ApiClient, client_id)
    if client is None or client.revoked_at is not None:
        return False
    client.revoked_at = now()
    session.add(client)
    audit.record(session, "apikey_revoke", admin, f"key {client.id} ({client.prefix}…)")
    return True


def active_keys(session: Session) -> dict[str, ActiveKey]:
    """Every key not revoked, by its hash (one SELECT; partners number in the dozens, not millions)."""
    rows = session.exec(select(ApiClient.key_hash, ApiClient.id, ApiClient.name)
                        .where(col(ApiClient.revoked_at).is_(None)))
    return {key_hash: ActiveKey(ident, name) for key_hash, ident, name in rows if ident is not None}


def add_usage(session: Session, usage: dict[int, tuple[int, datetime]]) -> None:
    """Add counted requests to each key: {key id: (requests, time of the last one)}. Caller commits.

    Each row gets one `UPDATE ... SET request_count = request_count + n`, so writers on several
    workers and hosts never lose each other's counts.
    """
    for ident, (count, last_used) in sorted(usage.items()):  # one lock order: no deadlock between hosts
        last = col(ApiClient.last_used_at)
        later = case((or_(last.is_(None), last < last_used), last_used), else_=last)  # another host's may be newer
        session.exec(update(ApiClient).where(col(ApiClient.id) == ident)  # type: ignore[call-overload]
                     .values(request_count=ApiClient.request_count + count, last_used_at=later))


def list_keys(session: Session) -> list[ApiClient]:
    """Every key, newest first."""
    return list(session.exec(select(ApiClient).order_by(col(ApiClient.id).desc())))
