"""Rate limits on /api/v1: per partner key and per client address, with RateLimit-* headers and a
429 problem+json carrying Retry-After."""

import asyncio

import httpx
import pytest

from advisor.settings import Settings, SettingsError, read_settings

from .conftest import KeyedDatabase
from .servers import serving


def test_anonymous_callers_and_keys_have_their_own_limits(keyed_db: KeyedDatabase) -> None:
    settings = Settings(rate_limit_anonymous="3/minute", rate_limit_keyed="5/minute")
    with serving(settings) as (url, _), httpx.Client(base_url=url) as client:
        first = client.get("/api/v1/schemas/profile")
        assert first.status_code == 200
        assert first.headers["RateLimit-Limit"] == "3"
        assert first.headers["RateLimit-Remaining"] == "2"
        assert 0 < int(first.headers["RateLimit-Reset"]) <= 60
        assert [client.get("/api/v1/schemas/profile").status_code for _ in range(2)] == [200, 200]

        refused = client.get("/api/v1/schemas/profile", headers={"Accept-Language": "en"})
        assert refused.status_code == 429
        assert refused.headers["content-type"].startswith("application/problem+json")
        problem = refused.json()
        assert problem["status"] == 429 and "retry" in problem["detail"]
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert refused.headers["RateLimit-Remaining"] == "0"

        # A partner's key is counted on its own, with its own limit.
        keyed = [client.get("/api/v1/schemas/profile", headers={"X-API-Key": keyed_db.key}) for _ in range(6)]
        assert [r.status_code for r in keyed] == [200] * 5 + [429]
        assert [r.headers["RateLimit-Remaining"] for r in keyed[:5]] == ["4", "3", "2", "1", "0"]
        assert keyed[0].headers["RateLimit-Limit"] == "5"
        # Pages are not API calls: the self-check form still opens.
        assert client.get("/").status_code == 200


def test_parallel_requests_never_exceed_the_limit(keyed_db: KeyedDatabase) -> None:
    settings = Settings(rate_limit_keyed="25/minute")

    async def burst(url: str) -> list[int]:
        async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": keyed_db.key}, timeout=60) as client:
            return [r.status_code for r in await asyncio.gather(
                *(client.get("/api/v1/schemas/profile") for _ in range(40)))]

    with serving(settings) as (url, _):
        statuses = asyncio.run(burst(url))
    assert statuses.count(200) == 25 and statuses.count(429) == 15


def test_a_bad_limit_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_RATE_LIMIT_KEYED", "lots")
    with pytest.raises(SettingsError, match="ADVISOR_RATE_LIMIT_KEYED"):
        read_settings()
