"""Starting and supervising `advisor batch-worker` processes from a server: the one owner of that mechanism.

A server that accepts uploads starts a worker after each one (`WorkerPool.start`); while it runs, its
supervision loop (`WorkerPool.supervise`) gives up on jobs whose worker died (any host's), starts a
worker when jobs wait (after a restart, or a job given another try) and removes expired jobs. A worker
runs in its own session, so it outlives a server restart; the job state lives in the database, so
nothing here needs to survive the process.
"""

import asyncio
import logging
import os
import subprocess
import sys
import threading
import time
from datetime import datetime

from sqlalchemy import Engine

from ..settings import Settings
from ..storage import jobs
from .worker import batch_root, reap, stale_before, sweep_expired

log = logging.getLogger("advisor.batch.supervisor")

SWEEP_EVERY_SECONDS = 3600.0


def worker_env(settings: Settings) -> dict[str, str]:
    """The environment of a worker: this server's own settings (whatever the environment said), so the
    worker screens with the server's database and batch folder."""
    env = dict(os.environ)
    for old in ("DATABASE_URL", "SECRET_KEY", "API_KEYS_REQUIRED"):
        env.pop(old, None)  # an alias without the prefix would win over ADVISOR_*
    for name, value in settings.environment().items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


class WorkerPool:
    """The worker processes one server process started, and the housekeeping that keeps jobs moving."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.engine = engine
        self._children: set[subprocess.Popen[bytes]] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start `advisor batch-worker` in its own session; a thread reaps it when it exits."""
        batch_root(self.settings).mkdir(parents=True, exist_ok=True)
        # Its JSON log lines go where the server's go (stderr: the journal, Docker's log), not to a file.
        child = subprocess.Popen([sys.executable, "-m", "advisor", "batch-worker"], stdout=subprocess.DEVNULL,
                                 stdin=subprocess.DEVNULL, start_new_session=True, env=worker_env(self.settings))
        with self._lock:
            self._children.add(child)

        def wait() -> None:
            child.wait()
            with self._lock:
                self._children.discard(child)

        threading.Thread(target=wait, name="batch-worker-reaper", daemon=True).start()

    def running(self) -> bool:
        """Whether a worker this process started is still running."""
        with self._lock:
            return any(child.poll() is None for child in self._children)

    def check_stale(self, engine: Engine) -> None:
        """Give up on jobs whose worker stopped beating; start a worker for those queued again."""
        if any(item.requeued for item in reap(self.settings, engine)):
            self.start()

    def is_stale(self, heartbeat_at: datetime | None) -> bool:
        """Whether a running job's last heartbeat says its worker is lost."""
        return heartbeat_at is not None and heartbeat_at < stale_before(self.settings)

    def housekeeping(self, sweep: bool) -> None:
        """One turn: reap lost jobs, remove expired ones (when `sweep`), start a worker if jobs wait."""
        reap(self.settings, self.engine)
        if sweep:
            sweep_expired(self.settings, self.engine)
        if not self.running() and jobs.has_work(self.engine):
            self.start()

    async def supervise(self) -> None:
        """Housekeeping every heartbeat, for ever; a failed turn (e.g. the database not migrated yet) is logged
        by kind and the next one comes."""
        seconds = self.settings.batch_heartbeat_seconds
        last_sweep: float | None = None
        while True:
            sweep = last_sweep is None or time.monotonic() - last_sweep > SWEEP_EVERY_SECONDS
            try:
                await asyncio.to_thread(self.housekeeping, sweep)
                if sweep:
                    last_sweep = time.monotonic()
            except Exception as error:
                log.warning("batch housekeeping failed (%s); trying again in %.1f s", type(error).__name__, seconds)
            await asyncio.sleep(seconds)
