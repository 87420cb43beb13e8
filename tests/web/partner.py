"""The server the generated clients talk to (tests/web/test_client*.py, test_response_headers.py): one per session."""

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.batch.jobservers import job_env, served

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def partner_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """`advisor serve` as a partner meets it: keys required, batch workers on; its URL and a partner key."""
    folder = tmp_path_factory.mktemp("partner")
    env = job_env(f"sqlite:///{folder / 'advisor.db'}", folder, api_keys_required="true")
    created = subprocess.run([sys.executable, "-m", "advisor", "apikey", "create", "蓉易享"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)  # migrates the new database first
    assert created.returncode == 0, created.stderr
    with served(env, folder / "server.log") as url:
        yield url, created.stdout.strip()
