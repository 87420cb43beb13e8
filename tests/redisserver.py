"""A throw-away Redis server for tests: `redis-server` (Debian package `redis-server`, installed by
scripts/system-deps) on a free loopback port, nothing saved to disk, stopped at the end.

Tests that need it are skipped, with the reason, only when no redis-server binary exists.
"""

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import free_port, stop


def redis_ping(port: int) -> bool:
    """Whether a Redis server answers PING on this loopback port."""
    import redis

    try:
        return bool(redis.Redis(host="127.0.0.1", port=port, socket_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_url() -> Iterator[str]:
    """redis://127.0.0.1:PORT/0 of a private redis-server that lives for one test."""
    binary = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists()
                                              else None)
    if binary is None:
        pytest.skip("redis-server is not installed: run `make system-deps`")
    folder = Path(tempfile.mkdtemp(prefix="advisor-redis-"))
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(folder), "--protected-mode", "yes"]
    with (folder / "redis.log").open("ab") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    try:
        for _ in range(300):
            if process.poll() is not None:
                pytest.fail(f"redis-server exited: {(folder / 'redis.log').read_text()[-2000:]}")
            if redis_ping(port):
                break
            time.sleep(0.05)
        else:
            pytest.fail("redis-server did not answer within 15 s")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)
        shutil.rmtree(folder, ignore_errors=True)
