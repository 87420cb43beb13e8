"""Alembic, configured in code: the migration scripts live in this package, no alembic.ini.

Every upgrade of a database takes a lock first, so several hosts (or a host's `ExecStartPre` and an
operator) may start `advisor db upgrade` at once: one migrates, the others wait and then find the
schema current. On PostgreSQL the lock is a session advisory lock held by the connection that runs
the migrations; on SQLite an exclusive lock (flock) on a file beside the database, whose own
locking does not cover DDL under Python's sqlite3.
"""

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from .db import get_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The advisory lock key every migrator of a PostgreSQL database takes ("QYAD" as a number).
LOCK_KEY = 0x51594144
log = logging.getLogger("advisor.storage.migrate")


def alembic_config(engine: Engine | None = None, connection: Connection | None = None) -> Config:
    """An Alembic Config for our migrations; env.py runs them on `connection`, else on `engine`
    (default get_engine())."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine or get_engine()
    config.attributes["connection"] = connection
    return config


@contextmanager
def migration_lock(engine: Engine) -> Iterator[Connection]:
    """A connection to run migrations on, holding the database's migration lock until the block ends."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            if not connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}).scalar():
                log.warning("another process is upgrading this database; waiting for it")
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
            connection.commit()
            try:
                yield connection
            finally:
                connection.rollback()  # a failed migration leaves its transaction open: end it, then unlock
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
                connection.commit()
            return
        database = engine.url.database
        if engine.dialect.name != "sqlite" or not database or database == ":memory:":
            yield connection
            return
        with open(f"{database}.migrate-lock", "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.warning("another process is upgrading this database; waiting for it")
                fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield connection
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def upgrade(engine: Engine | None = None, revision: str = "head") -> None:
    """Apply the migrations up to `revision` (default the newest), one migrator at a time per database."""
    engine = engine or get_engine()
    with migration_lock(engine) as connection:
        command.upgrade(alembic_config(engine, connection), revision)


def head_revision() -> str | None:
    """The newest migration's revision id."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(engine: Engine | None = None) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with (engine or get_engine()).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
