"""`advisor db upgrade` and `advisor staff create`: the password is never echoed or printed."""

import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session

from advisor.storage import make_engine
from advisor.storage.migrate import current_revision, head_revision
from advisor.storage.staff import authenticate

ROOT = Path(__file__).resolve().parents[2]
SECRET = "window-secret-42!"


def _advisor(*args: str, url: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DATABASE_URL=url)
    return subprocess.run([sys.executable, "-m", "advisor", *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def test_upgrade_then_create_the_first_admin(db_url: str) -> None:
    upgraded = _advisor("db", "upgrade", url=db_url)
    assert upgraded.returncode == 0, upgraded.stderr
    engine = make_engine(db_url)
    assert current_revision(engine) == head_revision()
    created = _advisor("staff", "create", "chief", "--admin", "--password-stdin", url=db_url, stdin=SECRET + "\n")
    assert created.returncode == 0, created.stderr
    assert "created admin chief" in created.stdout
    assert SECRET not in created.stdout + created.stderr
    again = _advisor("staff", "create", "chief", "--password-stdin", url=db_url, stdin=SECRET + "\n")
    assert again.returncode == 3 and "already exists" in again.stderr  # a data error
    with Session(engine) as session:
        user = authenticate(session, "chief", SECRET).user
        assert user is not None and user.role == "admin"
    engine.dispose()
