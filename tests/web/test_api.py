"""The JSON API through the ASGI app: results, every error shape, languages, limits, CORS, docs."""

import json
import re

import httpx
import pytest

from web.api.models import AssessmentDocument, CompactAssessmentDocument, ExpandedAssessmentDocument

from .conftest import WAREHOUSE, expand

pytestmark = pytest.mark.anyio
PROBLEM = "application/problem+json"


def _finding(document: dict, rule_id: str) -> dict:
    return next(f for f in document["findings"] if f["id"] == rule_id)


async def test_warehouse_gets_joint_acceptance_with_its_quote(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/assessments", json={"profile": WAREHOUSE, "as_of": "2024-03-01"})
    assert response.status_code == 200
    document = response.json()
    AssessmentDocument.model_validate(document)  # the documented shape is the real one
    joint = _finding(document, "joint-acceptance-small-industrial")
    assert joint["status"] == "eligible" and "quote" not in joint  # the quote is the catalog's, by id
    assert "1500 平方米以下" in _finding(await expand(client, document), joint["id"])["quote"]
    assert document["as_of"] == "2024-03-01" and document["lang"] == "zh"
    assert sum(document["counts"].values()) == len(document["findings"])


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_full_document_is_the_expanded_one_by_reference_and_a_fifth_of_it(
        client: httpx.AsyncClient, lang: str) -> None:
    body = {"profile": WAREHOUSE, "lang": lang, "topics": ["project"]}
    full = await client.post("/api/v1/assessments", json=body)
    expanded = await client.post("/api/v1/assessments", json={**body, "view": "expanded"})
    ExpandedAssessmentDocument.model_validate(expanded.json())
    assert full.json()["view"] == "full" and expanded.json()["view"] == "expanded"
    # the same information: what the links and ids name, joined in, is the self-contained document
    assert await expand(client, full.json()) == expanded.json()
    assert len(full.content) <= 100_000 and len(full.content) * 4.5 < len(expanded.content)
    # a concept read by many provisions stands once
    concepts = [node["concept"] for node in full.json()["checks"].values() if node["kind"] == "concept"]
    assert len(concepts) == len(set(concepts))


async def test_not_eligible_names_the_failing_value_and_the_smallest_change(client: httpx.AsyncClient) -> None:
    profile = {"project": {**WAREHOUSE["project"], "floor_area_m2": 1800, "self_held": False}}
    document = (await client.post("/api/v1/assessments", json={"profile": profile, "lang": "en"})).json()
    joint = _finding(document, "joint-acceptance-small-industrial")
    assert joint["status"] == "not_eligible"
    texts = json.dumps([document["checks"][ident] for ident in joint["failing"]], ensure_ascii=False)
    assert "1,800" in texts and "300" in texts


async def test_compact_view_gives_the_same_statuses_without_texts(client: httpx.AsyncClient) -> None:
    profile = {"project": {**WAREHOUSE["project"], "floor_area_m2": 1800, "self_held": False}}
    full = (await client.post("/api/v1/assessments", json={"profile": profile, "view": "expanded"})).json()
    response = await client.post("/api/v1/assessments", json={"profile": profile, "view": "compact"})
    compact = response.json()
    CompactAssessmentDocument.model_validate(compact)
    assert {f["id"]: f["status"] for f in compact["findings"]} == {f["id"]: f["status"] for f in full["findings"]}
    joint = _finding(compact, "joint-acceptance-small-industrial")
    assert joint["failing"] == [{"field": "project.floor_area_m2", "op": "lte", "required": 1500, "value": 1800.0,
                                 "gap": {"direction": "decrease", "amount": 300.0, "strict": False}}]
    assert "quote" not in joint
    assert len(response.content) * 5 < len(json.dumps(full, ensure_ascii=False).encode())


@pytest.mark.parametrize(("how", "expected"), [
    ({"json": {"profile": {}, "lang": "en"}}, "en"),
    ({"json": {"profile": {}}, "params": {"lang": "en"}}, "en"),
    ({"json": {"profile": {}}, "headers": {"accept-language": "en-GB,en;q=0.9,zh;q=0.5"}}, "en"),
    ({"json": {"profile": {}}, "headers": {"accept-language": "fr, zh-CN;q=0.8"}}, "zh"),
    ({"json": {"profile": {}}}, "zh"),
])
async def test_language_from_body_query_or_header(client: httpx.AsyncClient, how: dict, expected: str) -> None:
    document = (await client.post("/api/v1/assessments", **how)).json()
    assert document["lang"] == expected
    assert ("本结果为政策咨询意见" in document["disclaimer"]) == (expected == "zh")


async def test_each_bad_field_is_named_in_the_request_language(client: httpx.AsyncClient) -> None:
    body = {"profile": {"project": {"floor_area_m2": "abc", "type": "castle"}, "enterprise": {"in_qingyang": "maybe"}},
            "lang": "en"}
    response = await client.post("/api/v1/assessments", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["status"] == 422 and problem["title"] == "Invalid input"
    errors = {e["path"]: e["message"] for e in problem["errors"]}
    assert set(errors) == {"project.floor_area_m2", "project.type", "enterprise.in_qingyang"}
    assert errors["project.floor_area_m2"] == "must be a number"
    zh = (await client.post("/api/v1/assessments", json={**body, "lang": "zh"})).json()
    assert {e["path"]: e["message"] for e in zh["errors"]}["project.floor_area_m2"] == "应为数字"


@pytest.mark.parametrize(("body", "path", "message"), [
    ({}, "profile", "is required"),
    ({"profile": []}, "profile", "must be a JSON object"),
    ({"profile": {}, "lang": "fr"}, "lang", "is not one of: 'zh' or 'en'"),
    ({"profile": {}, "as_of": "yesterday"}, "as_of", "must be a date (YYYY-MM-DD)"),
    ({"profile": {}, "as_of": "2019-01-01"}, "as_of",
     "the plan is in force from 2020-11-23; the date cannot be earlier"),
    ({"profile": {}, "colour": "red"}, "colour", "is not a known field"),
    ({"profile": {"shop": {}}}, "shop", "is not a known field"),
])
async def test_request_errors_name_the_member(client: httpx.AsyncClient, body: dict, path: str, message: str) -> None:
    response = await client.post("/api/v1/assessments", json=body, params={"lang": "en"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    assert {"path": path, "message": message} in response.json()["errors"]


async def test_malformed_json_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/assessments", content=b'{"profile": ', params={"lang": "en"},
                                 headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["errors"][0]["path"] == "(body)"


async def test_body_over_the_limit_is_413(client: httpx.AsyncClient) -> None:
    big = {"profile": {}, "padding": "x" * 30_000}
    response = await client.post("/api/v1/assessments", json=big, headers={"accept-language": "en"})
    assert response.status_code == 413
    assert response.headers["content-type"].startswith(PROBLEM)
    assert "20000 bytes" in response.json()["detail"]


async def test_body_over_the_limit_without_a_length_is_413(client: httpx.AsyncClient) -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(30):
            yield b" " * 1000

    response = await client.post("/api/v1/assessments", content=chunks(),
                                 headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["title"] == "请求内容过大"


async def test_cors_only_for_configured_origins(client: httpx.AsyncClient) -> None:
    preflight = {"access-control-request-method": "POST", "access-control-request-headers": "content-type"}
    allowed = await client.options("/api/v1/assessments",
                                   headers={"origin": "https://rongyixiang.example", **preflight})
    assert allowed.headers["access-control-allow-origin"] == "https://rongyixiang.example"
    other = await client.options("/api/v1/assessments", headers={"origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in other.headers
    simple = await client.get("/healthz", headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers


async def test_a_preflight_is_logged_and_a_refusal_carries_the_cors_headers(client: httpx.AsyncClient) -> None:
    origin = {"origin": "https://rongyixiang.example"}
    preflight = await client.options("/api/v1/assessments", headers={**origin, "access-control-request-method": "POST"})
    assert preflight.status_code == 200 and preflight.headers["x-request-id"]
    assert preflight.headers["x-content-type-options"] == "nosniff"
    assert "rulebase-version" not in preflight.headers  # CORS answers it, not the API
    too_large = await client.post("/api/v1/assessments", json={"profile": {}, "pad": "x" * 30_000}, headers=origin)
    assert too_large.status_code == 413
    assert too_large.headers["access-control-allow-origin"] == "https://rongyixiang.example"
    assert too_large.headers["rulebase-version"] and too_large.headers["x-request-id"]


async def test_provisions_list_one_and_unknown(client: httpx.AsyncClient) -> None:
    listing = (await client.get("/api/v1/provisions", params={"article": "（四）", "lang": "en"})).json()
    ids = [p["id"] for p in listing["provisions"]]
    assert "joint-acceptance-small-industrial" in ids
    assert all(p["article"] == "（四）" for p in listing["provisions"])
    one = (await client.get("/api/v1/provisions/joint-acceptance-small-industrial")).json()
    assert one["quote"].startswith("推行验收登记同步办理")
    assert "project.floor_area_m2" in one["fields"]
    assert one["materials"][0]["name"]
    missing = await client.get("/api/v1/provisions/no-such-rule", headers={"accept-language": "en"})
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith(PROBLEM)
    assert missing.json()["detail"] == "no provision with id no-such-rule"


async def test_questions_carry_types_labels_units_and_affected_provisions(client: httpx.AsyncClient) -> None:
    catalog = (await client.get("/api/v1/questions")).json()
    area = next(q for q in catalog["questions"] if q["field"] == "project.floor_area_m2")
    assert area["type"] == "number" and area["unit"]["zh"] and area["label"]["en"]
    assert "joint-acceptance-small-industrial" in area["affects"]
    funding = next(q for q in catalog["questions"] if q["field"] == "project.funding")
    assert {o["value"] for o in funding["options"]} >= {"enterprise", "government"}
    assert any(t["id"] == "project" for t in catalog["topics"])


async def test_next_questions_put_the_most_settling_first(client: httpx.AsyncClient) -> None:
    partial = {"project": {"funding": "enterprise", "type": "warehouse", "low_risk": True}}
    response = await client.post("/api/v1/questions/next", json={"profile": partial, "limit": 50})
    assert response.status_code == 200
    questions = response.json()["questions"]
    counts = [len(q["settles"]) for q in questions]
    assert counts == sorted(counts, reverse=True)
    fields = [q["field"] for q in questions]
    assert "project.floor_area_m2" in fields
    assert not set(fields) & {"project.funding", "project.type", "project.low_risk"}  # answered: never asked again
    bad = await client.post("/api/v1/questions/next", json={"profile": {}, "limit": 0}, params={"lang": "en"})
    assert bad.status_code == 422 and bad.json()["errors"] == [{"path": "limit", "message": "must be at least 1"}]


async def test_profile_schema_and_health(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/api/v1/schemas/profile")).json()
    assert "project" in schema["properties"]
    health = (await client.get("/healthz")).json()
    assert health["status"] == "ok" and health["rules"] > 100


async def test_openapi_has_a_worked_example_and_docs_need_no_network(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    post = spec["paths"]["/api/v1/assessments"]["post"]
    example = post["responses"]["200"]["content"]["application/json"]["example"]
    assert example["findings"][0]["id"] == "joint-acceptance-small-industrial"
    assert example["findings"][0]["status"] == "eligible"
    AssessmentDocument.model_validate(example)  # the default view's shape, each condition it names included
    assert all(finding["conditions"] in example["checks"] for finding in example["findings"])
    assert "warehouse" in post["requestBody"]["content"]["application/json"]["examples"]
    docs = (await client.get("/docs")).text
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs)
    assert assets and all(url.startswith("/") for url in assets)
    for url in assets:
        assert (await client.get(url)).status_code == 200


async def test_unknown_method_is_a_problem(client: httpx.AsyncClient) -> None:
    response = await client.delete("/api/v1/assessments")
    assert response.status_code == 405
    assert response.headers["content-type"].startswith(PROBLEM)


async def test_api_answers_carry_the_rule_base_version_and_their_language(client: httpx.AsyncClient) -> None:
    health = (await client.get("/healthz")).json()
    english = await client.post("/api/v1/assessments", json={"profile": {}, "lang": "en"},
                                headers={"accept-language": "zh"})
    assert english.headers["rulebase-version"] == health["rulebase_version"]
    assert english.headers["content-language"] == "en"  # the body's lang wins over the header
    problem = await client.post("/api/v1/assessments", json={"profile": {"x": {}}}, params={"lang": "en"})
    assert problem.status_code == 422 and problem.headers["content-language"] == "en"
    assert problem.headers["rulebase-version"] == health["rulebase_version"]
    missing = await client.get("/api/v1/provisions/nothing", headers={"accept-language": "en"})
    assert missing.headers["content-language"] == "en"
    assert (await client.get("/api/v1/questions")).headers["content-language"] == "zh, en"
    too_large = await client.post("/api/v1/assessments", json={"profile": {}, "pad": "x" * 30_000})
    assert too_large.status_code == 413 and too_large.headers["rulebase-version"] == health["rulebase_version"]


@pytest.mark.parametrize("path", ["/api/v1/provisions", "/api/v1/provisions/joint-acceptance-small-industrial",
                                  "/api/v1/questions", "/api/v1/schemas/profile"])
async def test_catalog_endpoints_answer_304_to_a_current_etag(client: httpx.AsyncClient, path: str) -> None:
    first = await client.get(path, params={"lang": "en"})
    assert first.status_code == 200 and first.content
    etag = first.headers["etag"]
    assert "max-age" in first.headers["cache-control"] and "accept-language" in first.headers["vary"].lower()
    again = await client.get(path, params={"lang": "en"}, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    listed = await client.get(path, params={"lang": "en"}, headers={"if-none-match": f'"other", {etag}'})
    assert listed.status_code == 304
    stale = await client.get(path, params={"lang": "en"}, headers={"if-none-match": 'W/"stale"'})
    assert stale.status_code == 200 and stale.content == first.content


async def test_each_language_and_article_has_its_own_etag(client: httpx.AsyncClient) -> None:
    zh = await client.get("/api/v1/provisions")
    en = await client.get("/api/v1/provisions", params={"lang": "en"})
    article = await client.get("/api/v1/provisions", params={"article": "（四）", "lang": "en"})
    assert len({zh.headers["etag"], en.headers["etag"], article.headers["etag"]}) == 3
    other_language = await client.get("/api/v1/provisions", params={"lang": "en"},
                                      headers={"if-none-match": zh.headers["etag"]})
    assert other_language.status_code == 200 and other_language.content == en.content


async def test_the_full_document_is_gzipped_when_accepted(client: httpx.AsyncClient) -> None:
    body = {"profile": WAREHOUSE, "lang": "en"}
    plain = await client.post("/api/v1/assessments", json=body, headers={"accept-encoding": "identity"})
    zipped = await client.post("/api/v1/assessments", json=body, headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) * 4 < len(plain.content)
    assert zipped.json() == plain.json()  # httpx decodes it: the same document


async def test_catalog_answers_are_gzipped_once_and_equal_the_plain_ones(client: httpx.AsyncClient) -> None:
    plain = await client.get("/api/v1/provisions", headers={"accept-encoding": "identity"})
    zipped = await client.get("/api/v1/provisions", headers={"accept-encoding": "gzip, deflate"})
    assert "content-encoding" not in plain.headers and zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) * 4 < len(plain.content)
    assert zipped.content == plain.content  # httpx decodes it
    assert zipped.headers["etag"] == plain.headers["etag"]
    assert "accept-encoding" in zipped.headers["vary"].lower() and "accept-encoding" in plain.headers["vary"].lower()


async def test_a_body_not_sent_as_json_is_415(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/assessments", content=b'{"profile": {}}',
                                 headers={"content-type": "text/plain"}, params={"lang": "en"})
    assert response.status_code == 415
    assert response.headers["content-type"].startswith(PROBLEM)
    assert "application/json" in response.json()["detail"]


async def test_a_server_error_is_a_problem_not_plain_text() -> None:
    from fastapi import APIRouter

    from advisor.settings import Settings
    from web.app import create_app

    app = create_app(Settings())
    broken = APIRouter()

    @broken.get("/api/v1/broken", include_in_schema=False)
    @broken.get("/broken-page", include_in_schema=False)
    async def broken_route() -> None:
        raise RuntimeError("a bug")

    app.include_router(broken)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get("/api/v1/broken", headers={"accept-language": "en"})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["status"] == 500 and problem["title"] == "Internal server error"
    assert "a bug" not in response.text  # the cause goes to the log, not to the caller
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        page = await http.get("/broken-page", headers={"accept": "text/html"})
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert "服务器内部错误" in page.text and "a bug" not in page.text
