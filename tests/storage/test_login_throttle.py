"""Login throttling under parallel guesses, stale rows, legacy hashes, text no database accepts,
and the admin's tools on the command line; on SQLite and PostgreSQL."""

import base64
import hashlib
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session, select

from advisor.clock import now
from advisor.storage import AuditEvent, LoginThrottle, StaffUser, make_engine, upgrade
from advisor.storage import staff as staff_module
from advisor.storage.staff import LOCKOUT, MAX_PER_ADDRESS, authenticate, create_staff

ROOT = Path(__file__).resolve().parents[2]
RIGHT = "a long enough secret"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    upgrade(engine)
    with Session(engine) as session:
        create_staff(session, "wang", RIGHT)
        session.commit()
    yield engine
    engine.dispose()


def test_forty_parallel_guesses_get_at_most_five_password_checks(engine: Engine,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    checks: list[str] = []
    real_verify = staff_module.verify_password
    monkeypatch.setattr(staff_module, "verify_password",
                        lambda password, stored: checks.append(password) or real_verify(password, stored))
    results: list[object] = []
    barrier = threading.Barrier(40)

    def guess(number: int) -> None:
        barrier.wait()
        try:
            with Session(engine) as session:
                password = RIGHT if number == 39 else f"guess {number}"
                results.append(authenticate(session, "wang", password, "198.51.100.7"))
        except Exception as error:
            results.append(error)

    threads = [threading.Thread(target=guess, args=(number,)) for number in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    errors = [result for result in results if isinstance(result, Exception)]
    assert errors == [] and len(results) == 40
    assert len(checks) <= MAX_PER_ADDRESS
    refused = [result for result in results if getattr(result, "locked", False)]
    assert len(refused) >= 40 - MAX_PER_ADDRESS


def test_stale_throttle_rows_are_deleted(engine: Engine) -> None:
    with Session(engine) as session:
        for number in range(3):
            authenticate(session, f"nobody-{number}", "guess", "203.0.113.5")
        assert len(session.exec(select(LoginThrottle)).all()) == 4  # three names and one address
        session.execute(update(LoginThrottle).values(last_attempt=now() - LOCKOUT - timedelta(minutes=1)))
        session.commit()
        authenticate(session, "someone-else", "guess", "203.0.113.6")
        keys = set(session.exec(select(LoginThrottle.key)).all())
    assert keys == {"name:someone-else", "addr:203.0.113.6"}


def test_a_legacy_scrypt_hash_logs_in_and_becomes_argon2id(engine: Engine) -> None:
    salt = os.urandom(16)
    digest = hashlib.scrypt(RIGHT.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32, maxmem=64 * 2**20)
    legacy = f"scrypt${2**14}$8$1${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    with Session(engine) as session:
        session.execute(update(StaffUser).where(StaffUser.name == "wang").values(password_hash=legacy))
        session.commit()
        assert authenticate(session, "wang", "wrong password").user is None
        assert authenticate(session, "wang", RIGHT).user is not None
        stored = session.exec(select(StaffUser.password_hash).where(StaffUser.name == "wang")).one()
    assert stored.startswith("$argon2id$")
    with Session(engine) as session:
        assert authenticate(session, "wang", RIGHT).user is not None


@pytest.mark.parametrize("name", ["wa\x00ng", "\ud800", "w" * 10_000])
def test_a_name_no_database_stores_is_a_failed_login_not_an_error(engine: Engine, name: str) -> None:
    with Session(engine) as session:
        result = authenticate(session, name, "pass\x00word", "192.0.2.1")
    assert result.user is None


def _advisor(*args: str, url: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "advisor", *args], input=stdin, capture_output=True, text=True,
                          env=dict(os.environ, DATABASE_URL=url), cwd=ROOT, timeout=120)


def test_staff_commands_unlock_deactivate_reset_and_list(engine: Engine, db_url: str) -> None:
    with Session(engine) as session:
        for number in range(staff_module.MAX_PER_NAME + 1):
            authenticate(session, "wang", "guess", f"10.9.0.{number}")
        assert authenticate(session, "wang", RIGHT, "10.9.1.1").locked
    listed = _advisor("staff", "list", url=db_url)
    assert listed.returncode == 0 and "wang" in listed.stdout and "locked" in listed.stdout
    assert _advisor("staff", "unlock", "wang", url=db_url).returncode == 0
    with Session(engine) as session:
        assert authenticate(session, "wang", RIGHT, "10.9.1.2").user is not None
    new_password = "another long secret"
    reset = _advisor("staff", "reset-password", "wang", "--password-stdin", url=db_url, stdin=new_password + "\n")
    assert reset.returncode == 0, reset.stderr and new_password not in reset.stdout + reset.stderr
    with Session(engine) as session:
        assert authenticate(session, "wang", RIGHT).user is None
        assert authenticate(session, "wang", new_password).user is not None
    assert _advisor("staff", "deactivate", "wang", url=db_url).returncode == 0
    with Session(engine) as session:
        assert authenticate(session, "wang", new_password).user is None
        actions = [event.action for event in session.exec(select(AuditEvent))]
    assert {"staff_unlock", "staff_reset_password", "staff_deactivate"} <= set(actions)
    unknown = _advisor("staff", "unlock", "nobody", url=db_url)
    assert unknown.returncode == 1 and "no staff account" in unknown.stderr
