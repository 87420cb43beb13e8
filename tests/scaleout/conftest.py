"""Fixtures for the scale-out tests: migrated databases (SQLite file and PostgreSQL) with an admin and a
partner key."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from advisor.storage import get_engine, reset_engine, upgrade
from advisor.storage.apikeys import create_key
from advisor.storage.staff import create_staff
from tests.pgserver import db_url, pg_server  # noqa: F401  (fixtures)

PASSWORD = "a long enough secret"


@dataclass(frozen=True)
class KeyedDatabase:
    """A migrated database with an admin `chief` and one partner key."""

    url: str
    engine: Engine
    key: str
    key_id: int


@pytest.fixture
def keyed_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[KeyedDatabase]:  # noqa: F811
    """The app's database (ADVISOR_DATABASE_URL) migrated, with an admin and a key for 蓉易享."""
    monkeypatch.setenv("ADVISOR_DATABASE_URL", db_url)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    reset_engine()
    upgrade()
    with Session(get_engine(), expire_on_commit=False) as session:
        admin = create_staff(session, "chief", PASSWORD, "admin")
        client, key = create_key(session, "蓉易享", admin)
        session.commit()
    assert client.id is not None
    yield KeyedDatabase(db_url, get_engine(), key, client.id)
    reset_engine()
