"""Alembic environment: runs the migrations on the connection (holding the migration lock) or the engine
handed over by advisor.storage.migrate."""

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

from advisor.storage import models  # noqa: F401  (registers the tables on the metadata)
from advisor.storage.db import get_engine


def _migrate(connection: Connection) -> None:
    # render_as_batch: SQLite cannot ALTER most things; batch mode rebuilds the table instead.
    context.configure(connection=connection, target_metadata=SQLModel.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()


given = context.config.attributes.get("connection")
if given is not None:
    _migrate(given)
else:
    with (context.config.attributes.get("engine") or get_engine()).connect() as connection:
        _migrate(connection)
