"""The response headers /openapi.json declares are those the server sends, status by status.

Requests that draw every kind of answer (200, 202, 304, 400, 401, 404, 413, 415, 422, 429, 503) from the
served app; for each, the headers of web/response_headers.py that were sent must be declared on that
operation's response, and those declared as required must have been sent.
"""

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from advisor.settings import Settings
from advisor.storage import reset_engine
from web.app import create_app
from web.response_headers import HEADERS

WAREHOUSE = {"project": {"type": "warehouse", "floor_area_m2": 1200}}
REGISTRY = "id,project.type,project.floor_area_m2\nW-1,warehouse,1200\n"


def _declared(spec: dict[str, Any], method: str, path: str, status: int) -> dict[str, bool]:
    """The headers the document declares for this answer: name → required."""
    for template, operations in spec["paths"].items():
        if method.lower() in operations and re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path):
            response = operations[method.lower()]["responses"][str(status)]
            return {name: spec["components"]["headers"][name].get("required", False)
                    for name in response.get("headers", {})}
    raise AssertionError(f"{method} {path} is not an operation of the document")


def _check(spec: dict[str, Any], response: httpx.Response) -> set[str]:
    """Compare one answer's headers with the declaration; the documented headers it carried."""
    request = response.request
    declared = _declared(spec, request.method, request.url.path, response.status_code)
    sent = {name for name in HEADERS if name in response.headers}
    where = f"{request.method} {request.url.path} {response.status_code}"
    assert sent <= set(declared), f"{where}: sent but not declared: {sent - set(declared)}"
    required = {name for name, needed in declared.items() if needed}
    assert required <= sent, f"{where}: declared as always sent but missing: {required - sent}"
    return sent


def test_the_partner_servers_answers_carry_what_is_declared(partner_server: tuple[str, str]) -> None:
    url, key = partner_server
    spec = httpx.get(f"{url}/openapi.json", timeout=30).json()
    keyed = {"X-API-Key": key}
    with httpx.Client(base_url=url, timeout=60) as http:
        provisions = http.get("/api/v1/provisions", headers=keyed)
        accepted = http.post("/api/v1/batches", headers={**keyed, "Idempotency-Key": "headers-1"},
                             files={"file": ("registry.csv", REGISTRY, "text/csv")})
        answers = [
            http.get("/healthz"),
            http.get("/readyz"),
            http.post("/api/v1/assessments", headers=keyed, json={"profile": WAREHOUSE}),
            http.post("/api/v1/assessments", headers={**keyed, "content-type": "application/json"}, content=b"{"),
            http.post("/api/v1/assessments", json={"profile": WAREHOUSE}),
            http.post("/api/v1/assessments", headers=keyed, content=b"x" * (2 << 20)),
            http.post("/api/v1/assessments", headers={**keyed, "content-type": "text/plain"}, content=b"{}"),
            http.post("/api/v1/assessments", headers=keyed, json={"profile": {"project": {"floor_area_m2": "x"}}}),
            provisions,
            http.get("/api/v1/provisions", headers={**keyed, "If-None-Match": provisions.headers["etag"]}),
            http.get("/api/v1/provisions", headers=keyed, params={"lang": "fr"}),
            http.get("/api/v1/provisions/joint-acceptance-small-industrial", headers=keyed),
            http.get("/api/v1/provisions/no-such-provision", headers=keyed),
            http.get("/api/v1/questions", headers=keyed),
            http.post("/api/v1/questions/next", headers=keyed, json={"profile": {}}),
            http.get("/api/v1/schemas/profile", headers=keyed),
            accepted,
            http.post("/api/v1/batches", headers={**keyed, "Idempotency-Key": "headers-1"},
                      files={"file": ("registry.csv", REGISTRY, "text/csv")}),
            http.post("/api/v1/batches", headers=keyed, files={"file": ("registry.pdf", REGISTRY, "text/csv")}),
            http.post("/api/v1/batches", headers=keyed, files={"file": ("registry.csv", "nothing,known\n1,2\n")}),
            http.get(f"/api/v1/batches/{accepted.json()['id']}", headers=keyed),
            http.get("/api/v1/batches/0123456789abcdef", headers=keyed),
            http.get("/api/v1/batches/0123456789abcdef/files/results", headers=keyed),
        ]
    statuses = sorted({answer.status_code for answer in answers})
    assert statuses == [200, 202, 304, 400, 401, 404, 413, 415, 422], statuses
    sent = [_check(spec, answer) for answer in answers]
    assert all("X-Request-ID" in names for names in sent)
    assert "Idempotent-Replayed" in sent[17] and "Idempotent-Replayed" not in sent[16]


@pytest.fixture
def unreachable_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # a server socket in a folder that does not exist: refused at once
    monkeypatch.setenv("ADVISOR_DATABASE_URL", "postgresql+psycopg://advisor@/advisor?host=/nonexistent/advisor-db")
    reset_engine()
    yield
    reset_engine()


@pytest.mark.anyio
async def test_a_429_and_a_503_carry_what_is_declared(unreachable_database: None) -> None:
    app = create_app(Settings(rate_limit_anonymous="2/minute"))
    spec = json.loads(json.dumps(app.openapi()))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        answers = [await http.get("/api/v1/questions") for _ in range(3)]
        answers.append(await http.get("/readyz"))
    assert [answer.status_code for answer in answers] == [200, 200, 429, 503]
    sent = [_check(spec, answer) for answer in answers]
    assert {"Retry-After", "RateLimit-Reset"} <= sent[2] and "Retry-After" in sent[3]
