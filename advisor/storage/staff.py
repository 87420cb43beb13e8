"""Staff accounts: creation, authentication with lockout, session nonces, and the admin's tools
(list, unlock, deactivate, reset a password), each audited.

Attempts are counted per login name (existing or not, so the lockout reveals nothing about who
exists) and per client address, atomically and *before* the password is checked: one
INSERT … ON CONFLICT DO UPDATE … RETURNING per key, committed at once, so parallel guesses cannot
all slip in before the count, and an attempt over the limit is refused without hashing anything.
An address is refused earlier than a name, so a flood from one address stops before it locks the
name out for its real owner. A wrong name and a wrong password give the same answer in about the
same time (an unknown name is checked against a dummy hash).
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from ..clock import now
from . import audit
from .fields import text_problem
from .models import LoginThrottle, StaffUser
from .passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password

ROLES = ("staff", "admin")
MAX_PER_ADDRESS = 5  # attempts from one address within the window
MAX_PER_NAME = 10  # attempts at one name from all addresses within the window
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # argon2 takes any length; a bound keeps a login request cheap


class StaffError(ValueError):
    """A staff account cannot be created or changed as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class LoginResult:
    """The user on success; otherwise None and whether the attempt was refused by the lockout."""

    user: StaffUser | None
    locked: bool = False


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or text_problem(name, 80):
        raise StaffError("name must be 1-80 characters without control characters")
    return name


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"password must be at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD or "\x00" in password:
        raise StaffError(f"password must be at most {MAX_PASSWORD} characters, without NUL")


def create_staff(session: Session, name: str, password: str, role: str = "staff") -> StaffUser:
    """A new staff account; raises StaffError for a taken name, a bad role or a short password."""
    name = _check_name(name)
    if role not in ROLES:
        raise StaffError(f"role must be one of {', '.join(ROLES)}")
    _check_password(password)
    if session.exec(select(StaffUser).where(StaffUser.name == name)).first():
        raise StaffError(f"a staff account named {name!r} already exists")
    user = StaffUser(name=name, role=role, password_hash=hash_password(password),
                     session_nonce=secrets.token_hex(16), created_at=now())
    session.add(user)
    session.flush()
    return user


def _count_attempt(session: Session, key: str, limit: int, moment: datetime) -> int:
    """Count one attempt for `key` atomically; the attempts within the window, this one included.

    A row whose last counted attempt is older than the window starts again at 1. Attempts past the
    limit are counted but do not move the window, so a refused guess does not prolong the lock."""
    table = LoginThrottle.__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    cutoff = moment - LOCKOUT
    statement = dialect.insert(table).values(key=key, attempts=1, last_attempt=moment)
    stale = table.c.last_attempt < cutoff
    statement = statement.on_conflict_do_update(index_elements=[table.c.key], set_={
        "attempts": _case(stale, 1, table.c.attempts + 1),
        "last_attempt": _case(stale | (table.c.attempts < limit), moment, table.c.last_attempt),
    }).returning(table.c.attempts)
    return int(session.execute(statement).scalar_one())


def _case(condition, then, otherwise):  # type: ignore[no-untyped-def]
    return case((condition, then), else_=otherwise)


def _keys(name: str, address: str | None) -> list[tuple[str, int]]:
    if text_problem(name, 80):  # NUL or a lone surrogate cannot be stored: count it under its digest
        name = "#" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()
    keys = [(f"name:{name}", MAX_PER_NAME)]
    if address:
        keys.insert(0, (f"addr:{address[:120]}", MAX_PER_ADDRESS))
    return keys


def authenticate(session: Session, name: str, password: str, address: str | None = None) -> LoginResult:
    """Check a login from `address` (None: no address limit, e.g. the command line) and record it.

    Commits the attempt count before the password is checked (so parallel requests see it), and
    commits the outcome; never raises for a bad name or password."""
    name = name.strip()[:80]
    moment = now()
    over = False
    for key, limit in _keys(name, address):
        # One short transaction per key: no transaction ever holds two throttle rows (no deadlock).
        over = _count_attempt(session, key, limit, moment) > limit or over
        session.commit()
    _expire_stale(session, moment)
    session.commit()
    # Only real text can be a name or a password: NUL or a lone surrogate is a failed attempt, not an error.
    plain = not text_problem(name, 80) and not text_problem(password, MAX_PASSWORD)
    user = session.exec(select(StaffUser).where(StaffUser.name == name)).first() if plain else None
    if over:
        audit.record(session, "login_locked", user)
        session.commit()
        return LoginResult(None, locked=True)
    # Always one hash check, so the time does not tell whether the name exists.
    stored = user.password_hash if user else DUMMY_HASH
    ok = verify_password(password, stored) if plain else False
    if ok and user is not None and user.active:
        session.execute(delete(LoginThrottle).where(col(LoginThrottle.key) == f"name:{name}"))
        if address:  # a good login does not count against its address
            session.execute(update(LoginThrottle).where(col(LoginThrottle.key) == f"addr:{address[:120]}")
                            .values(attempts=LoginThrottle.attempts - 1))
        if needs_rehash(stored):  # a legacy scrypt hash (or older argon2 cost) becomes current argon2id
            user.password_hash = hash_password(password)
            session.add(user)
        audit.record(session, "login", user)
        session.commit()
        return LoginResult(user)
    audit.record(session, "login_failed", user)
    session.commit()
    return LoginResult(None)


def _expire_stale(session: Session, moment: datetime) -> None:
    # Every attempted name leaves a row: rows past the window hold nothing and are deleted.
    session.execute(delete(LoginThrottle).where(col(LoginThrottle.last_attempt) < moment - LOCKOUT))


def rotate_nonce(session: Session, user: StaffUser) -> None:
    """End every session of `user` (at logout)."""
    user.session_nonce = secrets.token_hex(16)
    session.add(user)


@dataclass(frozen=True, slots=True)
class StaffRow:
    """One account as the admin sees it."""

    id: int
    name: str
    role: str
    active: bool
    locked: bool


def list_staff(session: Session) -> list[StaffRow]:
    """Every account by name, with whether its name is locked out now (its next attempt would be refused)."""
    cutoff = now() - LOCKOUT
    locked = set(session.exec(select(LoginThrottle.key).where(col(LoginThrottle.attempts) >= MAX_PER_NAME,
                                                              col(LoginThrottle.last_attempt) >= cutoff)))
    return [StaffRow(user.id or 0, user.name, user.role, user.active, f"name:{user.name}" in locked)
            for user in session.exec(select(StaffUser).order_by(col(StaffUser.name)))]


def _account(session: Session, name: str) -> StaffUser:
    user = session.exec(select(StaffUser).where(StaffUser.name == name.strip())).first() \
        if not text_problem(name, 80) else None
    if user is None:
        raise StaffError(f"no staff account named {name!r}")
    return user


def unlock(session: Session, name: str, actor: StaffUser | None = None) -> None:
    """Clear the lockout of an account's name (its addresses' counts expire on their own). Caller commits."""
    user = _account(session, name)
    session.execute(delete(LoginThrottle).where(col(LoginThrottle.key) == f"name:{user.name}"))
    audit.record(session, "staff_unlock", actor, f"account {user.name}")


def set_active(session: Session, name: str, active: bool, actor: StaffUser | None = None) -> None:
    """Deactivate (or reactivate) an account; deactivating ends its sessions. Caller commits."""
    user = _account(session, name)
    if actor is not None and actor.id == user.id and not active:
        raise StaffError("an admin cannot deactivate their own account")
    user.active = active
    rotate_nonce(session, user)
    audit.record(session, "staff_activate" if active else "staff_deactivate", actor, f"account {user.name}")


def reset_password(session: Session, name: str, password: str, actor: StaffUser | None = None) -> None:
    """Give an account a new password, end its sessions and clear its lockout. Caller commits."""
    user = _account(session, name)
    _check_password(password)
    user.password_hash = hash_password(password)
    rotate_nonce(session, user)
    session.execute(delete(LoginThrottle).where(col(LoginThrottle.key) == f"name:{user.name}"))
    audit.record(session, "staff_reset_password", actor, f"account {user.name}")
