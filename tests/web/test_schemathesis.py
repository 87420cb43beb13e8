"""schemathesis against the app's own /openapi.json: no generated request gets a server error."""

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from advisor.settings import Settings
from advisor.storage import reset_engine, upgrade
from web.app import create_app

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # starlette's TestClient over httpx

DATA_DIR = Path(tempfile.mkdtemp(prefix="advisor-schemathesis-"))  # batch uploads land here, not in ./data
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(Settings(data_dir=DATA_DIR)))


@pytest.fixture(scope="module", autouse=True)
def _database() -> Iterator[None]:
    """A migrated database, as `make run` has (batch jobs are rows of it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", f"sqlite:///{DATA_DIR / 'advisor.db'}")
        reset_engine()
        upgrade()
        yield
        reset_engine()


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500, f"{case.method} {case.path}: {response.status_code} {response.text[:500]}"
