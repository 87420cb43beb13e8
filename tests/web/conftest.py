"""Fixtures for the web tests: one app per session, an httpx client on its ASGI interface, a live server."""

import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from advisor.settings import Settings
from web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`advisor serve` on a free loopback port, as a user would start it."""
    port = _free_port()
    workdir = tmp_path_factory.mktemp("serve")
    log = (workdir / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "advisor", "serve", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log,
        env={"PATH": "/usr/bin:/bin", "ADVISOR_DATABASE_URL": f"sqlite:///{workdir / 'advisor.db'}"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if process.poll() is not None:
                pytest.fail(f"server exited: {(workdir / 'server.log').read_text()}")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("server did not start within 30 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
