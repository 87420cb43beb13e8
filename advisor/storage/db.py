"""The database engine: SQLite in the data folder by default, PostgreSQL through DATABASE_URL.

SQLite runs in WAL mode with synchronous=FULL: a commit that returned has reached the disk, so
an acknowledged consultation survives a killed process or a power cut. Writers wait for the
lock (busy timeout) and a write that still meets a busy database is retried (`write_with_retry`).
Engines never put SQL parameters into error messages (hide_parameters): answers, names and
contacts must not reach a log through a traceback.
"""

import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel, create_engine

from ..settings import Settings, read_settings

T = TypeVar("T")


def database_url(settings: Settings | None = None) -> str:
    """The database URL of `settings` (default: the environment's): ADVISOR_DATABASE_URL, else the SQLite
    file data/advisor.db. postgres:// and postgresql:// URLs are given the psycopg driver (advisor.settings)."""
    return (settings or read_settings()).resolved_database_url


# How long a connection waits for a locked SQLite database (and keeps trying to switch a new file to WAL).
BUSY_TIMEOUT_SECONDS = 30


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
    _switch_to_wal(cursor)
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _switch_to_wal(cursor: Any) -> None:
    """PRAGMA journal_mode=WAL (kept in the file, so it changes something once per file). Two processes
    opening a new file at the same moment (two hosts' `advisor db upgrade`) can make SQLite answer
    "database is locked" at once, without waiting for the busy timeout: try again for a while."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02 + random.random() * 0.05)


def make_engine(url: str | None = None) -> Engine:
    """A new engine for `url` (default database_url()); creates the SQLite folder when needed."""
    url = url or database_url()
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # A connection per request thread (the server's thread pool has 40): a writer waiting for the
        # SQLite lock holds its connection, so a small pool would time out the others first.
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               hide_parameters=True, pool_size=20, max_overflow=40, pool_timeout=60)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # hide_parameters: an error message never carries the values of a statement (names, profiles) into a log.
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def engine_for(settings: Settings) -> Engine:
    """The process's engine for the database of `settings`, created on first use (one pool per database)."""
    url = settings.resolved_database_url
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = make_engine(url)
        return engine


def get_engine() -> Engine:
    """The engine of the environment's settings: for the command line; the web app uses its own settings'."""
    return engine_for(read_settings())


def reset_engine() -> None:
    """Dispose of every engine so the next use reads its settings again (tests)."""
    with _engines_lock:
        engines = list(_engines.values())
        _engines.clear()
    for engine in engines:
        # A connection still checked out (a batch housekeeping thread's) comes back to the old pool, which
        # nothing refers to: close it then, rather than leave it to the garbage collector (unclosed, which
        # Python 3.13 reports as a ResourceWarning). After dispose(): its new pool must not inherit this.
        old = engine.pool
        engine.dispose()
        event.listen(old, "checkin", _close_returned)


def _close_returned(connection: Any, _record: Any) -> None:
    if connection is not None:
        connection.close()


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def insert_ignoring_duplicates(session: Session, model: type[SQLModel], rows: Sequence[dict[str, Any]]) -> None:
    """INSERT rows, skipping any whose primary key exists (ON CONFLICT DO NOTHING, both databases)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = model.__table__  # type: ignore[attr-defined]
    session.execute(dialect.insert(table).on_conflict_do_nothing(), list(rows))


def is_busy(error: OperationalError) -> bool:
    """Whether an error is SQLite's "database is locked/busy" (worth retrying), not a real fault."""
    text = str(error.orig).lower()
    return "locked" in text or "busy" in text


def write_with_retry(session: Session, write: Callable[[Session], T], attempts: int = 6) -> T:
    """Run `write` on `session` and commit; when SQLite reports a busy database even after its busy
    timeout (a read snapshot that cannot be upgraded to a write fails at once), roll back and run
    the whole write again after a short random pause, so no save is lost to contention."""
    for attempt in range(attempts):
        try:
            result = write(session)
            session.commit()
            return result
        except OperationalError as error:
            session.rollback()
            if attempt == attempts - 1 or not is_busy(error):
                raise
            time.sleep(random.uniform(0.01, 0.05) * 2**attempt)
    raise AssertionError("unreachable")
