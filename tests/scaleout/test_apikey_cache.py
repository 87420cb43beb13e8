"""Partner keys checked from each worker's cache, counted in memory and written in batches:
the counts add up exactly, and a revoked key stops working on every host (SQLite and PostgreSQL)."""

import asyncio
import time

import httpx
import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from advisor.settings import Settings
from advisor.storage import ApiClient, make_engine
from advisor.storage.apikeys import create_key, revoke_key
from advisor.storage.models import StaffUser
from tests.servers import free_port, serving
from web.staff.apikeys import MISS_RELOAD_SECONDS, KeyRegistry

from .conftest import KeyedDatabase

REQUESTS_PER_HOST = 120


async def _hammer(url: str, key: str, count: int) -> list[int]:
    async with httpx.AsyncClient(base_url=url, timeout=60, headers={"X-API-Key": key}) as client:
        semaphore = asyncio.Semaphore(16)

        async def one() -> int:
            async with semaphore:
                return (await client.get("/api/v1/schemas/profile")).status_code

        return await asyncio.gather(*(one() for _ in range(count)))


def test_counts_from_two_hosts_add_up_exactly(keyed_db: KeyedDatabase) -> None:
    # Two "hosts" (two apps, each with its own cache and counts) flush every 50 ms while 16 requests at
    # a time hit each: every flush races the other host's on the same row.
    settings = Settings(api_keys_required=True, api_key_flush_seconds=0.05, rate_limit_keyed="")
    with serving(settings) as (first, _), serving(settings) as (second, _):

        async def both() -> list[list[int]]:
            return await asyncio.gather(_hammer(first, keyed_db.key, REQUESTS_PER_HOST),
                                        _hammer(second, keyed_db.key, REQUESTS_PER_HOST))

        statuses = asyncio.run(both())
    assert [set(s) for s in statuses] == [{200}, {200}]
    with Session(keyed_db.engine) as session:
        client = session.get(ApiClient, keyed_db.key_id)
        assert client is not None
        assert client.request_count == 2 * REQUESTS_PER_HOST
        assert client.last_used_at is not None


def test_requests_are_not_written_one_by_one(keyed_db: KeyedDatabase) -> None:
    settings = Settings(api_keys_required=True, api_key_flush_seconds=3600)
    with serving(settings) as (url, _):
        assert set(asyncio.run(_hammer(url, keyed_db.key, 20))) == {200}
        with Session(keyed_db.engine) as session:  # nothing written yet: the counts wait in memory
            assert session.get(ApiClient, keyed_db.key_id).request_count == 0  # type: ignore[union-attr]
    with Session(keyed_db.engine) as session:  # ... until the server stops
        assert session.get(ApiClient, keyed_db.key_id).request_count == 20  # type: ignore[union-attr]


def test_a_key_revoked_on_one_host_stops_working_on_the_other(keyed_db: KeyedDatabase) -> None:
    settings = Settings(api_keys_required=True, api_key_cache_seconds=0.5)
    with serving(settings) as (first, first_app), serving(settings) as (second, _):
        headers = {"X-API-Key": keyed_db.key}
        for url in (first, second):
            assert httpx.get(f"{url}/api/v1/schemas/profile", headers=headers).status_code == 200

        with Session(keyed_db.engine, expire_on_commit=False) as session:  # an admin on the first host
            admin = session.get(StaffUser, 1)
            assert admin is not None and revoke_key(session, keyed_db.key_id, admin)
            session.commit()
        first_app.state.api_keys.invalidate()  # as the revoke page does
        refused = httpx.get(f"{first}/api/v1/schemas/profile", headers=headers)
        assert refused.status_code == 401  # at once on the host that revoked it
        assert refused.headers["content-type"].startswith("application/problem+json")

        time.sleep(max(settings.api_key_cache_seconds, MISS_RELOAD_SECONDS))
        assert httpx.get(f"{second}/api/v1/schemas/profile", headers=headers).status_code == 401


def test_a_new_key_works_at_once_on_a_host_with_a_fresh_cache(keyed_db: KeyedDatabase) -> None:
    settings = Settings(api_keys_required=True, api_key_cache_seconds=3600)
    with serving(settings) as (url, _):
        assert httpx.get(f"{url}/api/v1/schemas/profile", headers={"X-API-Key": keyed_db.key}).status_code == 200
        with Session(keyed_db.engine, expire_on_commit=False) as session:  # made on another host
            admin = session.get(StaffUser, 1)
            assert admin is not None
            _, new_key = create_key(session, "区大数据中心", admin)
            session.commit()
        time.sleep(MISS_RELOAD_SECONDS)  # an unknown key reloads the cache at most once a second
        assert httpx.get(f"{url}/api/v1/schemas/profile", headers={"X-API-Key": new_key}).status_code == 200
        assert httpx.get(f"{url}/api/v1/schemas/profile", headers={"X-API-Key": "qyk_wrong"}).status_code == 401


def test_a_database_away_for_a_moment_leaves_the_last_copy_in_use(keyed_db: KeyedDatabase) -> None:
    registry = KeyRegistry(keyed_db.engine, cache_seconds=0, flush_seconds=3600)

    async def lookup() -> str | None:
        found = await registry.lookup(keyed_db.key)
        return found.name if found else None

    assert asyncio.run(lookup()) == "蓉易享"
    gone = make_engine(f"postgresql+psycopg://advisor@127.0.0.1:{free_port()}/gone")
    registry.engine = gone
    assert asyncio.run(lookup()) == "蓉易享"  # the copy read before, not a 500
    with pytest.raises(OperationalError):  # a worker that never read the keys has nothing to fall back on
        asyncio.run(KeyRegistry(gone, cache_seconds=0, flush_seconds=3600).lookup(keyed_db.key))
    gone.dispose()
