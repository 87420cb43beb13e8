"""Staff-page tests: the real app (create_app) served by uvicorn on a loopback port, in this
process, on a fresh SQLite database per test."""

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import make_url
from sqlmodel import Session

from advisor.storage import get_engine, reset_engine, upgrade
from advisor.storage.staff import create_staff
from tests.pgserver import PgServer, pg_server  # noqa: F401  (fixture)

PASSWORD = "a long enough secret"


@pytest.fixture(scope="session")
def server_app() -> Iterator[tuple[str, FastAPI]]:
    """The app on a free port; the database it uses is whatever DATABASE_URL names at request time."""
    os.environ.setdefault("SECRET_KEY", "test-secret-key-for-signing-cookies")
    from web.app import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(600):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", app
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def server_url(server_app: tuple[str, FastAPI]) -> str:
    return server_app[0]


@pytest.fixture
def keys_required(server_app: tuple[str, FastAPI]) -> Iterator[None]:
    """The running app with ADVISOR_API_KEYS_REQUIRED=true for one test."""
    app = server_app[1]
    before = app.state.settings
    app.state.settings = before.model_copy(update={"api_keys_required": True})
    yield
    app.state.settings = before


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated empty SQLite database with a staff member `wang` and an admin `chief`."""
    yield from seeded(f"sqlite:///{tmp_path / 'advisor.db'}", monkeypatch)


def seeded(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the server at `url`, migrate it and add `wang` (staff) and `chief` (admin); for fixtures."""
    monkeypatch.setenv("DATABASE_URL", url)
    reset_engine()
    upgrade()
    # The server's batch housekeeping thread may have begun making an engine for the previous URL just
    # before the change and set it just after: start again until the process's engine is this database's.
    for _ in range(100):
        if get_engine().url == make_url(url):
            break
        reset_engine()
    with Session(get_engine()) as session:
        create_staff(session, "wang", PASSWORD, "staff")
        create_staff(session, "chief", PASSWORD, "admin")
        session.commit()
    yield url
    # The server closes a request's session just after sending its answer: let it give the connection
    # back before the pool is disposed, or PostgreSQL's connection is left to the garbage collector.
    pool = get_engine().pool
    for _ in range(200):
        if getattr(pool, "checkedout", lambda: 0)() == 0:
            break
        time.sleep(0.05)
    reset_engine()


@pytest.fixture(params=["sqlite", "postgresql"])
def both_databases(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The server's database, migrated, with `wang` (staff) and `chief` (admin): SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'advisor.db'}"
    else:
        server: PgServer = request.getfixturevalue("pg_server")
        url = server.create_database()
    yield from seeded(url, monkeypatch)


@pytest.fixture
def client(server_url: str, database: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server_url, follow_redirects=True, timeout=30) as client:
        yield client


def csrf_from(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def login(client: httpx.Client, name: str, password: str = PASSWORD) -> None:
    """Log in through the login form, as a browser would."""
    token = csrf_from(client.get("/staff/login").text)
    response = client.post("/staff/login", data={"name": name, "password": password, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
