"""Staff-page tests: the real app (create_app) served by uvicorn on a loopback port, in this
process, on a fresh SQLite database per test (and its own app on it)."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import Session

from advisor.settings import Settings
from advisor.storage import get_engine, reset_engine, upgrade
from advisor.storage.staff import create_staff
from tests.pgserver import pg_server  # noqa: F401  (fixture)
from tests.servers import serving

PASSWORD = "a long enough secret"


@contextmanager
def staff_server(database_url: str, data_dir: Path) -> Iterator[tuple[str, FastAPI]]:
    """The app on `database_url` under uvicorn on a free loopback port: (base URL, app)."""
    settings = Settings(database_url=database_url, data_dir=data_dir,  # type: ignore[arg-type]
                        secret_key="test-secret-key-for-signing-cookies")
    with serving(settings) as served:
        yield served


@pytest.fixture
def server_app(database: str, tmp_path: Path) -> Iterator[tuple[str, FastAPI]]:
    """The app on this test's database, on a free port."""
    with staff_server(database, tmp_path) as served:
        yield served


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
    with Session(get_engine()) as session:
        create_staff(session, "wang", PASSWORD, "staff")
        create_staff(session, "chief", PASSWORD, "admin")
        session.commit()
    yield url
    reset_engine()


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
