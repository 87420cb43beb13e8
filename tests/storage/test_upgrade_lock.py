"""`advisor db upgrade` started on several hosts at once: one migrates while the others wait for its lock,
then find the schema current (real PostgreSQL: an advisory lock; SQLite: a file lock)."""

import fcntl
import json
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from advisor.storage import make_engine
from advisor.storage.migrate import LOCK_KEY, current_revision, head_revision
from tests.pgserver import db_url, pg_server  # noqa: F401  (fixtures)
from tests.servers import ROOT, clean_env

WAITING = "another process is upgrading this database; waiting for it"


def _upgrade(url: str, folder: Path) -> subprocess.Popen[bytes]:
    """`advisor db upgrade` as a host would start it; its stdout and stderr go to files in `folder`."""
    folder.mkdir()
    with (folder / "out").open("wb") as out, (folder / "err").open("wb") as err:
        return subprocess.Popen([sys.executable, "-m", "advisor", "db", "upgrade"], cwd=ROOT, stdout=out,
                                stderr=err, env=clean_env(ADVISOR_DATABASE_URL=url, ADVISOR_DATA_DIR=str(folder)))


def _said(folder: Path) -> list[str]:
    """What the upgrade wrote to stderr: each JSON log line's message, any other line (a traceback) as it is."""
    said = []
    for line in (folder / "err").read_text().splitlines():
        if line.strip():
            try:
                said.append(json.loads(line)["message"])
            except ValueError:
                said.append(line)
    return said


class _HeldLock:
    """The migration lock of a database, taken here as another host's upgrade would hold it."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.sqlite = parsed.drivername.startswith("sqlite")
        if self.sqlite:
            self.file = open(f"{parsed.database}.migrate-lock", "a")  # noqa: SIM115  (held across the test)
            fcntl.flock(self.file, fcntl.LOCK_EX)
        else:
            self.connection = psycopg.connect(host=parsed.host, port=parsed.port, user=parsed.username,
                                              dbname=parsed.database, autocommit=True)
            self.connection.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))

    def release(self) -> None:
        if self.sqlite:
            fcntl.flock(self.file, fcntl.LOCK_UN)
            self.file.close()
        else:
            self.connection.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
            self.connection.close()


def test_two_hosts_upgrading_at_once_take_turns(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    folders = [tmp_path / "host-a", tmp_path / "host-b"]
    held = _HeldLock(db_url)  # another host's upgrade, under way
    upgrades: list[subprocess.Popen[bytes]] = []
    try:
        upgrades = [_upgrade(db_url, folder) for folder in folders]
        deadline = time.monotonic() + 120
        while not all(WAITING in _said(folder) for folder in folders):  # both started, both waiting
            assert time.monotonic() < deadline and all(process.poll() is None for process in upgrades), \
                [_said(folder) for folder in folders]
            time.sleep(0.2)
        engine = make_engine(db_url)
        assert current_revision(engine) is None  # neither went ahead
    except BaseException:
        for process in upgrades:  # a failure here leaves no upgrade running into the next test
            process.kill()
            process.wait()
        raise
    finally:
        held.release()
    for process in upgrades:
        process.wait(timeout=180)
    assert [process.returncode for process in upgrades] == [0, 0], [_said(folder) for folder in folders]
    head = head_revision()
    assert all(f"at revision {head}" in (folder / "out").read_text() for folder in folders)
    assert current_revision(engine) == head
    assert {"staff_user", "batch_job", "alembic_version"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_two_upgrades_started_together_both_succeed(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    folders = [tmp_path / "host-a", tmp_path / "host-b"]
    upgrades = [_upgrade(db_url, folder) for folder in folders]
    for process in upgrades:
        process.wait(timeout=180)
    assert [process.returncode for process in upgrades] == [0, 0], [_said(folder) for folder in folders]
    engine = make_engine(db_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()
