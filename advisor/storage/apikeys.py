"""Partner API keys: created and revoked by admins, checked per request, counted per key.

Keys are 256-bit random strings, so a plain SHA-256 of the key is a safe thing to store.
"""

import hashlib
import secrets

from sqlalchemy import update
from sqlmodel import Session, col, select

from . import audit
from .clock import now
from .models import ApiClient, StaffUser

PREFIX = "qyk_"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(session: Session, name: str, admin: StaffUser | None) -> tuple[ApiClient, str]:
    """A new key for a partner; returns the record and the key, which is shown once and never stored.
    `admin` is None when an operator creates it on the command line."""
    key = PREFIX + secrets.token_urlsafe(32)
    client = ApiClient(name=name.strip()[:120] or "partner", prefix=key[:10], key_hash=_digest(key),
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


def use_key(session: Session, key: str) -> ApiClient | None:
    """The active client for `key`, its request count raised by one; None for an unknown or revoked key."""
    if not key.startswith(PREFIX):
        return None
    client = session.exec(select(ApiClient).where(ApiClient.key_hash == _digest(key))).first()
    if client is None or client.revoked_at is not None:
        return None
    # One UPDATE ... SET n = n + 1: concurrent requests do not lose counts.
    session.exec(update(ApiClient).where(col(ApiClient.id) == client.id)  # type: ignore[call-overload]
                 .values(request_count=ApiClient.request_count + 1, last_used_at=now()))
    return client


def list_keys(session: Session) -> list[ApiClient]:
    """Every key, newest first."""
    return list(session.exec(select(ApiClient).order_by(col(ApiClient.id).desc())))
