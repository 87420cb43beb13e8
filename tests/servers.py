"""Servers for tests, in one place: a free loopback port, the app under uvicorn in a thread, `advisor serve`
(or any server command) in its own process group, each waited for until it answers and always stopped.

Nothing here sleeps inside an event loop: these are for plain (synchronous) tests and fixtures.
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from advisor.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 90.0


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on at this moment, on `host` (loopback by default)."""
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[Any] | None = None, log: Path | None = None,
                  seconds: float = START_SECONDS, verify: bool = True) -> None:
    """Wait until GET `url` answers 200; fail with the log's tail if the process exits or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            pytest.fail(f"{url}: the server exited with {process.returncode}: {_tail(log)}")
        try:
            if httpx.get(url, timeout=2, verify=verify).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"{url} did not answer within {seconds:.0f} s: {_tail(log)}")


def _tail(log: Path | None) -> str:
    return log.read_text(errors="replace")[-3000:] if log is not None and log.exists() else "(no log)"


def stop(process: subprocess.Popen[Any], seconds: float = 30) -> None:
    """SIGTERM the process group a server was started in (its workers too), then SIGKILL what is left."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=seconds)


@dataclass(frozen=True)
class Served:
    """A server started by `running`: its base URL, process and log file."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def running(command: Sequence[str], url: str, log: Path, env: dict[str, str] | None = None,
            cwd: Path = ROOT, ready: str = "/healthz", verify: bool = True) -> Iterator[Served]:
    """Start `command` in its own process group (stdout and stderr to `log`), wait for `url + ready`,
    and stop the group on leaving the block."""
    with log.open("ab") as out:
        process = subprocess.Popen(list(command), cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until_up(url + ready, process, log, verify=verify)
        yield Served(url, process, log)
    finally:
        stop(process)


def clean_env(**variables: str) -> dict[str, str]:
    """This process's environment without any advisor setting, plus `variables`."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("ADVISOR_") and key not in ("DATABASE_URL", "SECRET_KEY", "API_KEYS_REQUIRED")}
    return {**env, **variables}


@contextmanager
def advisor_serve(env: dict[str, str], log: Path, *args: str, port: int | None = None,
                  executable: Sequence[str] = (sys.executable, "-m", "advisor"), cwd: Path = ROOT,
                  ready: str = "/healthz") -> Iterator[Served]:
    """`advisor serve` on a free loopback port with exactly `env` (see clean_env), waited for and stopped."""
    port = port or free_port()
    command = [*executable, "serve", "--port", str(port), *args]
    with running(command, f"http://127.0.0.1:{port}", log, env=env, cwd=cwd, ready=ready) as served:
        yield served


@contextmanager
def serving(settings: Settings) -> Iterator[tuple[str, Any]]:
    """create_app(settings) under uvicorn on a free loopback port, in a thread of this process; yields
    (base URL, app). Leaving the block shuts the server down through its lifespan."""
    from web.app import create_app

    app = create_app(settings)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                pytest.fail(f"the app did not start on port {port}")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(timeout=30)
