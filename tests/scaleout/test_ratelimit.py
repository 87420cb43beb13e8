"""Rate limits on /api/v1: per partner key and per client address, with RateLimit-* headers and a
429 problem+json carrying Retry-After; counted in a real Redis server, one limit for every worker
process of several servers; requests without a valid key limited per address before their 401."""

import asyncio
import logging
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from advisor.settings import Settings, SettingsError, read_settings
from tests.redisserver import redis_url  # noqa: F401  (fixture)
from tests.servers import advisor_serve, clean_env, free_port, serving

from .conftest import KeyedDatabase


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


def test_missing_and_wrong_keys_are_limited_per_address_before_their_401(keyed_db: KeyedDatabase) -> None:
    settings = Settings(api_keys_required=True, rate_limit_anonymous="5/hour", rate_limit_keyed="100/hour")
    with serving(settings) as (url, _), httpx.Client(base_url=url) as client:
        missing = [client.get("/api/v1/schemas/profile") for _ in range(3)]
        wrong = [client.get("/api/v1/schemas/profile", headers={"X-API-Key": f"qyk_guess{n}"}) for n in range(4)]
        assert [r.status_code for r in missing + wrong] == [401] * 5 + [429] * 2
        assert [r.headers["RateLimit-Remaining"] for r in missing + wrong[:2]] == ["4", "3", "2", "1", "0"]
        assert "Retry-After" in wrong[-1].headers
        # A partner with its key is counted on its own: a flood of guesses from its address does not stop it.
        assert client.get("/api/v1/schemas/profile", headers={"X-API-Key": keyed_db.key}).status_code == 200


def test_two_servers_with_three_workers_share_one_limit_through_redis(redis_url: str, tmp_path: Path) -> None:  # noqa: F811
    env = clean_env(ADVISOR_DATABASE_URL=f"sqlite:///{tmp_path / 'advisor.db'}", ADVISOR_DATA_DIR=str(tmp_path),
                    ADVISOR_SECRET_KEY="s" * 40, ADVISOR_RATE_LIMIT_STORAGE=redis_url,
                    ADVISOR_RATE_LIMIT_ANONYMOUS="30/hour")
    migrated = subprocess.run([sys.executable, "-m", "advisor", "db", "upgrade"], env=env, capture_output=True,
                              timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    with advisor_serve(env, tmp_path / "a.log", "--workers", "2", "--log-level", "warning") as first, \
            advisor_serve(env, tmp_path / "b.log", "--log-level", "warning") as second:
        # A new connection each, so the first server's two workers share the requests too.
        answers = [httpx.get(f"{server.url}/api/v1/schemas/profile", headers={"Connection": "close"}, timeout=30)
                   for _ in range(30) for server in (first, second)]
    statuses = [answer.status_code for answer in answers]
    assert statuses.count(200) == 30 and statuses.count(429) == 30, statuses
    assert statuses[:30] == [200] * 30  # one count: the 31st request, whichever process took it, is refused
    remaining = [int(answer.headers["RateLimit-Remaining"]) for answer in answers[:30]]
    assert remaining == list(range(29, -1, -1))


def test_a_redis_server_away_leaves_the_api_answering_and_is_logged(keyed_db: KeyedDatabase,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    gone = f"redis://127.0.0.1:{free_port()}/0"
    settings = Settings(rate_limit_storage=gone, rate_limit_anonymous="2/hour")
    with caplog.at_level(logging.WARNING, logger="web.ratelimit"), serving(settings) as (url, _), \
            httpx.Client(base_url=url, timeout=30) as client:
        answers = [client.get("/api/v1/schemas/profile") for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200] * 4  # not a 500: the advice stays available
    assert not any("RateLimit-Limit" in answer.headers for answer in answers)
    messages = [record.getMessage() for record in caplog.records]
    assert any("does not answer" in message and "ADVISOR_RATE_LIMIT_STORAGE" in message for message in messages)
    assert sum("did not answer" in message for message in messages) == 1  # said once, not per request
