"""Staff accounts: creation, authentication with lockout, session nonces.

A wrong name and a wrong password give the same answer in about the same time: an unknown name
is checked against a dummy hash, and failures are throttled per login name whether it exists or not.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from . import audit
from .clock import now
from .models import LoginThrottle, StaffUser
from .passwords import DUMMY_HASH, hash_password, verify_password

ROLES = ("staff", "admin")
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 10


class StaffError(ValueError):
    """A staff account cannot be created as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class LoginResult:
    """The user on success; otherwise None and whether the name is locked out."""

    user: StaffUser | None
    locked: bool = False


def create_staff(session: Session, name: str, password: str, role: str = "staff") -> StaffUser:
    """A new staff account; raises StaffError for a taken name, a bad role or a short password."""
    name = name.strip()
    if not name or len(name) > 80:
        raise StaffError("name must be 1-80 characters")
    if role not in ROLES:
        raise StaffError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"password must be at least {MIN_PASSWORD} characters")
    if session.exec(select(StaffUser).where(StaffUser.name == name)).first():
        raise StaffError(f"a staff account named {name!r} already exists")
    user = StaffUser(name=name, role=role, password_hash=hash_password(password),
                     session_nonce=secrets.token_hex(16), created_at=now())
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, name: str, password: str) -> LoginResult:
    """Check a login and record it (throttle, audit); the caller commits."""
    name = name.strip()[:80]
    throttle = session.get(LoginThrottle, name)
    moment = now()
    user = session.exec(select(StaffUser).where(StaffUser.name == name)).first()
    # Always run one scrypt so the time does not tell whether the name exists.
    ok = verify_password(password, user.password_hash if user else DUMMY_HASH) and user is not None and user.active
    if throttle and throttle.locked_until and throttle.locked_until > moment:
        audit.record(session, "login_locked", user)
        return LoginResult(None, locked=True)
    if ok:
        if throttle:
            session.delete(throttle)
        audit.record(session, "login", user)
        return LoginResult(user)
    throttle = throttle or LoginThrottle(name=name)
    throttle.failures += 1
    throttle.last_failure = moment
    if throttle.failures >= MAX_FAILURES:
        throttle.locked_until = moment + LOCKOUT
        throttle.failures = 0
    session.add(throttle)
    audit.record(session, "login_failed", user)
    return LoginResult(None, locked=throttle.locked_until is not None and throttle.locked_until > moment)


def rotate_nonce(session: Session, user: StaffUser) -> None:
    """End every session of `user` (at logout)."""
    user.session_nonce = secrets.token_hex(16)
    session.add(user)
