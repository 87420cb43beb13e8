"""The database engine: SQLite in the data folder by default, PostgreSQL through DATABASE_URL.

SQLite runs in WAL mode with synchronous=FULL: a commit that returned has reached the disk, so
an acknowledged consultation survives a killed process or a power cut.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

from ..settings import read_settings


def data_dir() -> Path:
    """The folder for the SQLite file and the generated secret key (ADVISOR_DATA_DIR, default ./data)."""
    return read_settings().data_dir


def database_url() -> str:
    """DATABASE_URL (or ADVISOR_DATABASE_URL), else the SQLite file data/advisor.db.

    postgres:// and postgresql:// URLs are given the psycopg driver."""
    url = read_settings().database_url.strip()
    if not url:
        return f"sqlite:///{data_dir() / 'advisor.db'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the dialect and driver spelled out.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    """A new engine for `url` (default database_url()); creates the SQLite folder when needed."""
    url = url or database_url()
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # hide_parameters: an error message never carries the values of a statement (names, profiles) into a log.
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


_engine: Engine | None = None


def get_engine() -> Engine:
    """The process-wide engine for database_url(), created on first use."""
    global _engine
    if _engine is None:
        _engine = make_engine()
    return _engine


def reset_engine() -> None:
    """Dispose of the process-wide engine so the next get_engine() reads DATABASE_URL again (tests)."""
    global _engine
    if _engine is not None:
        _engine.dispose()
    _engine = None


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
