"""The OpenAPI document validates and is a contract a generated client can rely on."""

from typing import Any

import httpx
import jsonschema
import pytest
import referencing
import referencing.jsonschema
from openapi_spec_validator import validate

from advisor.present import Presenter
from advisor.questions import load_questions
from advisor.rulebase import RuleBase
from advisor.settings import Settings
from tests.offices import with_contact
from tests.web.conftest import WAREHOUSE
from web.api.models import NextQuestions, Provision, ProvisionList, QuestionCatalogDocument
from web.app import create_app

pytestmark = pytest.mark.anyio
PROBLEM = "application/problem+json"


@pytest.fixture
async def spec(client: httpx.AsyncClient) -> dict:
    return (await client.get("/openapi.json")).json()  # type: ignore[no-any-return]


def _operations(spec: dict) -> list[tuple[str, str, dict]]:
    return [(path, method, op) for path, ops in spec["paths"].items() for method, op in ops.items()]


async def test_the_openapi_document_is_valid(spec: dict) -> None:
    validate(spec)  # raises on any violation of the OpenAPI 3.1 schema
    paths = set(spec["paths"])
    assert {"/api/v1/assessments", "/api/v1/provisions", "/api/v1/provisions/{provision_id}", "/api/v1/questions",
            "/api/v1/questions/next", "/api/v1/schemas/profile", "/healthz"} <= paths


async def test_operation_ids_are_the_route_functions_in_camel_case(spec: dict) -> None:
    ids = {(method, path): op["operationId"] for path, method, op in _operations(spec)}
    assert ids[("post", "/api/v1/assessments")] == "createAssessment"
    assert ids[("get", "/api/v1/provisions")] == "listProvisions"
    assert ids[("get", "/api/v1/provisions/{provision_id}")] == "getProvision"
    assert ids[("get", "/api/v1/questions")] == "listQuestions"
    assert ids[("post", "/api/v1/questions/next")] == "nextQuestions"
    assert ids[("get", "/api/v1/schemas/profile")] == "getProfileSchema"
    assert len(set(ids.values())) == len(ids)
    assert all(value.isascii() and value.isalnum() for value in ids.values())


async def test_title_is_ascii_with_the_chinese_name_as_metadata(spec: dict) -> None:
    assert spec["info"]["title"] == "Qingyang Policy Advisor API"
    assert spec["info"]["x-name-zh"] == "青羊惠企政策顾问"


async def test_every_error_is_a_problem_under_its_real_media_type(spec: dict) -> None:
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for path, method, op in _operations(spec):
        errors = {status: response for status, response in op["responses"].items() if status[0] in "45"}
        assert "500" in errors, (method, path)
        for status, response in errors.items():
            assert list(response["content"]) == [PROBLEM], (method, path, status)
            assert response["content"][PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}
        if path.startswith("/api/"):
            assert {"401", "429"} <= set(errors), (method, path)
        if "requestBody" in op:
            assert {"400", "413", "415", "422"} <= set(errors), (method, path)
    assert "404" in spec["paths"]["/api/v1/provisions/{provision_id}"]["get"]["responses"]
    assert "503" in spec["paths"]["/api/v1/batches"]["post"]["responses"]
    problem = spec["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail"} <= set(problem["required"])


async def test_the_profile_is_a_typed_component_with_labels_units_and_options(spec: dict) -> None:
    schemas = spec["components"]["schemas"]
    for request in ("AssessmentRequest", "NextQuestionsRequest"):
        assert schemas[request]["properties"]["profile"]["$ref"] == "#/components/schemas/Profile"
    profile = schemas["Profile"]
    catalog = load_questions()
    assert set(profile["properties"]) == {section.id for section in catalog.sections}
    project = schemas["ProjectSection"]
    assert project["additionalProperties"] is False
    area = project["properties"]["floor_area_m2"]
    assert area["anyOf"][0]["type"] == "number" and area["anyOf"][0]["minimum"] == 0
    assert area["x-unit"] == {"zh": "平方米", "en": "m²"} and area["x-label"]["zh"]
    funding = project["properties"]["funding"]
    assert {"$ref": "#/components/schemas/ProjectFunding"} in funding["anyOf"]  # a named type, not ...Type0
    enum = schemas["ProjectFunding"]["enum"]
    assert [option["value"] for option in funding["x-options"]] == enum
    question = catalog.by_path["project.funding"]
    assert funding["x-options"][0] == {"value": question.options[0].value, "zh": question.options[0].zh,
                                       "en": question.options[0].en}
    assert {"type": "boolean"} in project["properties"]["low_risk"]["anyOf"]


async def test_catalog_answers_are_typed_and_match_their_schemas(spec: dict, client: httpx.AsyncClient) -> None:
    def schema_of(path: str, method: str = "get") -> str:
        return spec["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]

    assert schema_of("/api/v1/provisions").endswith("/ProvisionList")
    assert schema_of("/api/v1/provisions/{provision_id}").endswith("/Provision")
    assert schema_of("/api/v1/questions").endswith("/QuestionCatalogDocument")
    assert schema_of("/api/v1/questions/next", "post").endswith("/NextQuestions")
    ProvisionList.model_validate((await client.get("/api/v1/provisions")).json())
    Provision.model_validate((await client.get("/api/v1/provisions/joint-acceptance-small-industrial")).json())
    QuestionCatalogDocument.model_validate((await client.get("/api/v1/questions")).json())
    NextQuestions.model_validate((await client.post("/api/v1/questions/next", json={"profile": {}})).json())


async def test_the_served_profile_schema_carries_the_same_labels(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/api/v1/schemas/profile")).json()
    reference = schema["properties"]["project"]["anyOf"][0]["$ref"]
    project = schema["$defs"][reference.rsplit("/", 1)[1]]
    assert project["properties"]["floor_area_m2"]["x-unit"]["en"] == "m²"


async def test_the_api_key_is_a_security_scheme(spec: dict) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert schemes["apiKey"] == {**schemes["apiKey"], "type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert schemes["bearer"]["scheme"] == "bearer"
    security = spec["paths"]["/api/v1/assessments"]["post"]["security"]
    assert {"apiKey": []} in security and {} in security  # keys are not required by this app's settings
    assert "security" not in spec["paths"]["/healthz"]["get"]


def test_with_keys_required_the_key_is_not_optional() -> None:
    spec = create_app(Settings(api_keys_required=True)).openapi()
    security = spec["paths"]["/api/v1/questions"]["get"]["security"]
    assert security == [{"apiKey": []}, {"bearer": []}]


def _closed(node: Any) -> Any:
    """The schema with every object that lists its properties closed to others (what 'typed' promises)."""
    if isinstance(node, dict):
        closed = {key: _closed(value) for key, value in node.items()}
        if "properties" in closed and "additionalProperties" not in closed:
            closed["additionalProperties"] = False
        return closed
    if isinstance(node, list):
        return [_closed(item) for item in node]
    return node


def _checker(spec: dict) -> Any:
    """check(body, component): `body` validates against the component with every object closed."""
    registry = referencing.Registry().with_resource("urn:openapi", referencing.Resource.from_contents(
        _closed(spec), default_specification=referencing.jsonschema.DRAFT202012))

    def check(body: Any, component: str) -> None:
        validator = jsonschema.Draft202012Validator({"$ref": f"urn:openapi#/components/schemas/{component}"},
                                                    registry=registry)
        errors = sorted(validator.iter_errors(body), key=lambda error: list(error.absolute_path))
        assert not errors, [(list(error.absolute_path), error.message[:200]) for error in errors[:5]]

    return check


async def test_every_member_of_an_answer_is_declared_with_its_type(spec: dict, client: httpx.AsyncClient) -> None:
    """Real answers (a full, an expanded and a compact assessment with eligible, undetermined and failed findings, the
    catalog, the next questions) validate against the document with no member left undeclared."""
    check = _checker(spec)
    over = {"project": {"in_qingyang": True, "has_project": True, "funding": "enterprise", "type": "warehouse",
                        "low_risk": True, "floor_area_m2": 2400},
            "enterprise": {"credit_code": "91510105MA6C8X0X1Y", "size": "small", "employees": 20,
                           "revenue_10k_yuan": 900, "size_sector": "warehousing"}}
    for lang in ("zh", "en"):
        full = (await client.post("/api/v1/assessments", json={"profile": over, "lang": lang})).json()
        assert {f["status"] for f in full["findings"]} == {"eligible", "undetermined", "not_eligible"}
        assert full["warnings"] and full["size_by_standard"] and any(f["failing"] for f in full["findings"])
        check(full, "AssessmentDocument")
        check((await client.post("/api/v1/assessments", json={"profile": over, "view": "expanded",
                                                               "lang": lang})).json(), "ExpandedAssessmentDocument")
        check((await client.post("/api/v1/assessments", json={"profile": over, "view": "compact",
                                                               "lang": lang})).json(), "CompactAssessmentDocument")
        check((await client.get("/api/v1/provisions", params={"lang": lang})).json(), "ProvisionList")
    check((await client.get("/api/v1/questions")).json(), "QuestionCatalogDocument")
    check((await client.post("/api/v1/questions/next", json={"profile": over})).json(), "NextQuestions")


async def test_an_offices_sourced_contact_is_declared_with_its_page(spec: dict, rulebase: RuleBase) -> None:
    """Where a public page gives an office's address, hours and phone (none does in the shipped catalog, so
    tests.offices brings one), the answer's `contact` and the page it comes from are declared members too."""
    check = _checker(spec)
    app = create_app(Settings(rate_limit_anonymous=""))
    app.state.presenter = Presenter(with_contact(rulebase, "dept-housing-construction"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        for lang in ("zh", "en"):
            answer = await client.post("/api/v1/assessments",
                                       json={"profile": WAREHOUSE, "lang": lang, "view": "expanded"})
            document = answer.json()
            contacts = [office["contact"] for finding in document["findings"]
                        for office in finding["handled_by"] + finding["channels"] if office.get("contact")]
            assert contacts and contacts[0]["phone"] == "028-00000000"
            assert contacts[0]["source"]["url"] == "https://example.gov.cn/office"
            check(document, "ExpandedAssessmentDocument")
