"""Helpers of the batch-job tests: `advisor serve` processes on one database, polling a job, reading its rows."""

import contextlib
import csv
import io
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.servers import advisor_serve, clean_env


def job_env(database_url: str, data_dir: Path, **settings: Any) -> dict[str, str]:
    """The environment of a server or worker: this database, this data folder, quick heartbeats."""
    env = clean_env(ADVISOR_DATABASE_URL=database_url, ADVISOR_DATA_DIR=str(data_dir),
                    ADVISOR_SECRET_KEY="test-secret-key-for-signing-cookies", ADVISOR_BATCH_WORKERS="1",
                    ADVISOR_BATCH_HEARTBEAT_SECONDS="0.5")
    env.update({f"ADVISOR_{name.upper()}": str(value) for name, value in settings.items()})
    return env


@contextmanager
def served(env: dict[str, str], log: Path, workers: int = 1) -> Iterator[str]:
    """`advisor serve` with this environment on a free port, stopped (with the workers it started) on exit."""
    with advisor_serve(env, log, "--workers", str(workers), "--log-level", "warning", "--no-access-log") as server:
        yield server.url


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
