"""Concurrent requests share durable-rules' sessions (advisor/groups.py) and still get exactly the answers
they get alone: thousands of synthetic enterprises at once, as asyncio tasks on the app and as threads
over a real server's sockets; and a profile the engine refuses fails alone, not its group."""

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from urllib.parse import urlencode

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from advisor import clock
from advisor.assess import Advisor
from advisor.engine import EngineError
from advisor.present import Presenter
from advisor.profile import answers, parse_profile
from advisor.rulebase import RuleBase
from advisor.settings import Settings
from advisor.synth import ProfileFactory
from tests.servers import free_port
from web.app import create_app

AS_OF = "2026-11-28"
UNLIMITED = ""  # no rate limit: thousands of requests from one address are the point here


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return create_app(Settings(rate_limit_anonymous=UNLIMITED, rate_limit_keyed=UNLIMITED))


def _requests(rulebase: RuleBase, seed: int, count: int) -> list[tuple[str, str, dict | None]]:
    """(method, url, JSON body) for `count` synthetic enterprises: the API's full and compact views in
    both languages, the next questions, and the results page's document."""
    out: list[tuple[str, str, dict | None]] = []
    for index, profile in enumerate(ProfileFactory(rulebase, seed=seed).profiles(count)):
        lang = "en" if index % 3 == 0 else "zh"
        kind = index % 20
        if kind < 16:
            out.append(("POST", "/api/v1/assessments", {"profile": profile, "view": "compact", "lang": lang,
                                                         "as_of": AS_OF}))
        elif kind == 16:
            out.append(("POST", "/api/v1/assessments", {"profile": profile, "lang": lang, "as_of": AS_OF}))
        elif kind < 19:
            out.append(("POST", "/api/v1/questions/next", {"profile": profile, "lang": lang, "as_of": AS_OF}))
        else:
            pairs = [(f"{section}.{name}", ("true" if value else "false") if isinstance(value, bool) else str(value))
                     for section, values in profile.items() for name, value in values.items()]
            out.append(("GET", f"/results.json?{urlencode(pairs)}&lang={lang}", None))
    return out


async def _send(client: httpx.AsyncClient, request: tuple[str, str, dict | None]) -> tuple[int, bytes]:
    method, url, body = request
    response = await client.request(method, url, json=body)
    return response.status_code, response.content


@pytest.mark.anyio
async def test_thousands_of_concurrent_requests_get_the_answers_they_get_one_at_a_time(
        app: FastAPI, rulebase: RuleBase) -> None:
    requests = _requests(rulebase, seed=2020, count=2_000)
    groups = app.state.advisor.groups.counts
    transport = httpx.ASGITransport(app=app)
    with clock.frozen(datetime(2026, 11, 28, 9, 30, tzinfo=UTC)):  # the results page's today
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            before = groups.groups, groups.profiles
            alone = [await _send(client, request) for request in requests]
            assert (groups.groups - before[0], groups.profiles - before[1]) == (len(requests), len(requests))
            before = groups.groups, groups.profiles
            together = await asyncio.gather(*(_send(client, request) for request in requests))
            # ... and now together: every profile was decided, in far fewer engine sessions
            assert groups.profiles - before[1] == len(requests) and groups.groups - before[0] < len(requests) / 10
    assert all(status == 200 for status, _ in alone)
    for request, one, concurrent in zip(requests, alone, together, strict=True):
        assert concurrent == one, request


@pytest.fixture(scope="module")
def server(app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn on a free port in a thread of its own: real sockets, real concurrency."""
    port = free_port()
    served = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, lifespan="off"))
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    try:
        for _ in range(300):
            if served.started:
                break
            time.sleep(0.1)
        else:
            pytest.fail("the server did not start within 30 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        served.should_exit = True
        thread.join(timeout=30)


def test_client_threads_over_real_sockets_never_get_each_others_answers(server: str, rulebase: RuleBase) -> None:
    requests = [request for request in _requests(rulebase, seed=2021, count=1_200)
                if request[1].endswith("/assessments")]
    fresh, presenter = Advisor(rulebase), Presenter(rulebase)  # one at a time, in this process

    def expected(body: dict) -> dict:
        assessment = fresh.assess_data(body["profile"], date.fromisoformat(body["as_of"]))
        render = presenter.compact_json if body.get("view") == "compact" else presenter.assessment_json
        return json.loads(render(assessment, body["lang"]))  # type: ignore[no-any-return]

    def send(chunk: list[tuple[str, str, dict | None]]) -> list[dict]:
        with httpx.Client(base_url=server, timeout=120) as client:
            return [client.request(method, url, json=body).json() for method, url, body in chunk]

    chunks = [requests[start::16] for start in range(16)]
    with ThreadPoolExecutor(len(chunks)) as pool:
        answered = list(pool.map(send, chunks))
    for chunk, documents in zip(chunks, answered, strict=True):
        for (_, _, body), document in zip(chunk, documents, strict=True):
            assert body is not None and document == expected(body), body


@pytest.mark.anyio
async def test_a_profile_the_engine_refuses_fails_alone_and_its_group_is_answered(rulebase: RuleBase) -> None:
    advisor = Advisor(rulebase)
    facts = [answers(parse_profile(profile)) for profile in ProfileFactory(rulebase, seed=2022).profiles(60)]
    refused = dict(facts[17], **{"project.floor_area_m2": float("inf")})  # past the profile model: the engine's
    block = [*facts[:17], refused, *facts[17:]]
    results = await asyncio.gather(*(advisor.groups.evaluate(one) for one in block), return_exceptions=True)
    assert advisor.groups.counts.groups == 1 and advisor.groups.counts.largest == len(block)  # one group
    assert isinstance(results[17], EngineError)
    assert [result for index, result in enumerate(results) if index != 17] == [advisor.engine.evaluate(one)
                                                                               for one in facts]
