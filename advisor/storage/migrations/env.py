"""Alembic environment: runs the migrations on the engine handed over by advisor.storage.migrate."""

from alembic import context
from sqlmodel import SQLModel

from advisor.storage import models  # noqa: F401  (registers the tables on the metadata)
from advisor.storage.db import get_engine

engine = context.config.attributes.get("engine") or get_engine()
with engine.connect() as connection:
    # render_as_batch: SQLite cannot ALTER most things; batch mode rebuilds the table instead.
    context.configure(connection=connection, target_metadata=SQLModel.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
