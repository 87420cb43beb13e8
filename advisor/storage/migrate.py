"""Alembic, configured in code: the migration scripts live in this package, no alembic.ini."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from .db import get_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic Config for our migrations; env.py runs them on `engine` (default get_engine())."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine or get_engine()
    return config


def upgrade(engine: Engine | None = None, revision: str = "head") -> None:
    """Apply the migrations up to `revision` (default the newest)."""
    command.upgrade(alembic_config(engine), revision)


def head_revision() -> str | None:
    """The newest migration's revision id."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(engine: Engine | None = None) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with (engine or get_engine()).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
