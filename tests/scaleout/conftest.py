"""Fixtures for the scale-out tests: migrated databases (SQLite file and PostgreSQL) with an admin and a
partner key, and the app served by uvicorn in a thread (lifespan included, so counts are flushed)."""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import uvicorn
from sqlalchemy import Engine
from sqlmodel import Session

from advisor.settings import Settings
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


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(settings: Settings) -> Iterator[tuple[str, object]]:
    """create_app(settings) under uvicorn on a free loopback port; yields (base URL, app).

    Leaving the block shuts the server down through its lifespan (which writes pending counts)."""
    from web.app import create_app

    app = create_app(settings)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(600):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(timeout=20)
