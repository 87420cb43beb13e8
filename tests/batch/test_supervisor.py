"""The server's batch supervision loop (advisor/batch/supervisor.py) says what went wrong and keeps going."""

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.batch.supervisor import WorkerPool
from advisor.settings import Settings
from advisor.storage import engine_for, reset_engine

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def unmigrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A database file without the tables: every housekeeping turn fails."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    reset_engine()
    yield tmp_path
    reset_engine()


async def test_a_failed_turn_is_logged_by_kind_and_the_loop_goes_on(unmigrated: Path,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(data_dir=unmigrated, batch_heartbeat_seconds=0.05)  # type: ignore[arg-type]
    pool = WorkerPool(settings, engine_for(settings))
    caplog.set_level(logging.WARNING, logger="advisor.batch.supervisor")
    task = asyncio.create_task(pool.supervise())

    async def two_failed_turns() -> None:
        while len(caplog.records) < 2:
            await asyncio.sleep(0.05)

    await asyncio.wait_for(two_failed_turns(), timeout=30)
    assert not task.done()
    task.cancel()
    messages = [record.getMessage() for record in caplog.records]
    assert all(message.startswith("batch housekeeping failed (OperationalError)") for message in messages), messages
    assert not pool.running()
