"""Fixtures for the web tests: one app per session, an httpx client on its ASGI interface, a live server."""

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI

from advisor.document import resolve
from advisor.settings import Settings
from tests.servers import advisor_serve, clean_env
from web.app import create_app

WAREHOUSE = {
    "enterprise": {"in_qingyang": True, "size": "small", "ownership": "private"},
    "project": {"in_qingyang": True, "has_project": True, "funding": "enterprise", "type": "warehouse",
                "low_risk": True, "floor_area_m2": 1200, "small_scale": True},
}


@pytest.fixture(scope="session")
def app() -> FastAPI:
    return create_app(Settings(cors_origins=("https://rongyixiang.example",), max_body_bytes=20_000))


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`advisor serve` on a free loopback port, as a user would start it."""
    workdir = tmp_path_factory.mktemp("serve")
    env = clean_env(ADVISOR_DATABASE_URL=f"sqlite:///{workdir / 'advisor.db'}", ADVISOR_DATA_DIR=str(workdir))
    with advisor_serve(env, workdir / "server.log", "--log-level", "warning") as server:
        yield server.url


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def expand(client: httpx.AsyncClient, document: dict) -> dict:
    """A full document joined with the texts it refers to, as a partner does: GET its `texts` links (same
    rule base) and resolve them (advisor.document)."""
    texts = document["texts"]
    provisions = (await client.get(texts["provisions"])).json()
    questions = (await client.get(texts["questions"])).json()
    assert provisions["rulebase_version"] == texts["rulebase_version"] == document["rulebase_version"]
    return resolve(document, provisions, questions)
