"""Helpers of the batch-job tests: `advisor serve` processes on one database, polling a job, reading its rows."""

import contextlib
import csv
import io
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]


def job_env(database_url: str, data_dir: Path, **settings: Any) -> dict[str, str]:
    """The environment of a server or worker: this database, this data folder, quick heartbeats."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("ADVISOR_") and key not in ("DATABASE_URL", "SECRET_KEY", "API_KEYS_REQUIRED")}
    env.update({"ADVISOR_DATABASE_URL": database_url, "ADVISOR_DATA_DIR": str(data_dir),
                "ADVISOR_SECRET_KEY": "test-secret-key-for-signing-cookies", "ADVISOR_BATCH_WORKERS": "1",
                "ADVISOR_BATCH_HEARTBEAT_SECONDS": "0.5"})
    env.update({f"ADVISOR_{name.upper()}": str(value) for name, value in settings.items()})
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(env: dict[str, str], log: Path, workers: int = 1) -> Iterator[str]:
    """`advisor serve` with this environment on a free port, stopped (with the workers it started) on exit."""
    port = _free_port()
    with log.open("ab") as out:
        process = subprocess.Popen([sys.executable, "-m", "advisor", "serve", "--port", str(port), "--workers",
                                    str(workers), "--log-level", "warning", "--no-access-log"],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            if process.poll() is not None:
                raise AssertionError(f"server exited: {log.read_text()}")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise AssertionError("server did not start within 60 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_for(client: httpx.Client, url: str, until: tuple[str, ...] = ("done", "failed"),
              seconds: float = 180, **headers: str) -> dict[str, Any]:
    """Poll a job's status URL until its state is one of `until`."""
    deadline = time.monotonic() + seconds
    status: dict[str, Any] = {}
    while time.monotonic() < deadline:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        status = response.json()
        if status["state"] in until:
            return status
        time.sleep(0.2)
    raise AssertionError(f"the job did not reach {until}: {status}")


def csv_rows(text: str) -> list[dict[str, str]]:
    """The records of a downloaded CSV file."""
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def kill_worker(worker: str) -> None:
    """SIGKILL a batch worker (host:pid) and its pool: as if its host had lost power."""
    pid = int(worker.rsplit(":", 1)[1])
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)  # the server starts each worker in its own session
