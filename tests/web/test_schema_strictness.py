"""The assessment endpoints accept exactly what their schema allows: checked both ways.

Each request body is judged twice: by the JSON Schema of /openapi.json (jsonschema, formats asserted)
and by the server. A body the schema allows must be answered 200; a body it refuses must be refused
with 400 or 422. Bodies come from schemathesis (its positive and negative generation over the
document) and from hypothesis strategies aimed at the edges: dates around the plan's first day,
credit codes as people type them, numbers and yes/no answers as text.
"""

import json
import string
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
import referencing
import referencing.jsonschema
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from advisor import creditcode
from advisor.settings import Settings
from web.app import create_app

# starlette's TestClient (schemathesis calls an ASGI app with it) warns that it will want httpx2
pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

APP = create_app(Settings(rate_limit_anonymous=""))
SPEC = json.loads(json.dumps(APP.openapi()))
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)
_REGISTRY = referencing.Registry().with_resource(
    "urn:openapi", referencing.Resource.from_contents(SPEC, default_specification=referencing.jsonschema.DRAFT202012))
BODIES = {"createAssessment": "AssessmentRequest", "nextQuestions": "NextQuestionsRequest"}
PATHS = {"createAssessment": "/api/v1/assessments", "nextQuestions": "/api/v1/questions/next"}


def _validator(operation: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({"$ref": f"urn:openapi#/components/schemas/{BODIES[operation]}"},
                                           registry=_REGISTRY,
                                           format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


VALIDATORS = {operation: _validator(operation) for operation in BODIES}


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    from fastapi.testclient import TestClient  # imported here, where the mark hides its warning

    with TestClient(APP) as http:
        yield http


def _agree(operation: str, body: Any, status: int) -> None:
    allowed = VALIDATORS[operation].is_valid(body)
    shown = json.dumps(body, ensure_ascii=False, default=str)[:300]
    if allowed:
        assert status == 200, f"the schema allows {shown}, the server answered {status}"
    else:
        assert status in (400, 422), f"the schema refuses {shown}, the server answered {status}"


@pytest.mark.parametrize("operation", sorted(BODIES))
def test_schemathesis_bodies_are_judged_alike(operation: str) -> None:
    endpoint = SCHEMA.find_operation_by_id(operation)
    bodies = st.one_of(endpoint.as_strategy(generation_mode=GenerationMode.POSITIVE),
                       endpoint.as_strategy(generation_mode=GenerationMode.NEGATIVE))

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=bodies)
    def judged(case: schemathesis.Case) -> None:
        response = case.call()
        body = case.body if isinstance(case.body, dict | list | str | int | float | bool) or case.body is None \
            else object()  # not JSON at all: no schema allows it
        _agree(operation, body, response.status_code)

    judged()


def _assess(client: Any, body: dict[str, Any]) -> int:
    return client.post(PATHS["createAssessment"], json=body).status_code  # type: ignore[no-any-return]


_DATES = st.one_of(
    st.dates().map(lambda day: day.isoformat()),  # the years 1 to 9999, the plan's first day among them
    st.dates().map(lambda day: day.isoformat() + "T00:00:00"),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),  # 2021-02-30 and the like
    st.text(alphabet="0123456789-/T:Z ", max_size=12),
    st.integers(), st.none(),
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(as_of=_DATES)
def test_as_of_is_judged_alike(client: Any, as_of: Any) -> None:
    body = {"profile": {}, "as_of": as_of}
    _agree("createAssessment", body, _assess(client, body))


_TYPED = "".join(sorted(set(creditcode.ALPHABET + creditcode.ALPHABET.lower() + string.ascii_letters)))
_CODES = st.one_of(
    st.from_regex(creditcode.PATTERN, fullmatch=True),
    st.text(alphabet=_TYPED + " \u00a0\u3000\u0663\ufb00-", min_size=16, max_size=22),  # ٣ a digit, ﬀ a letter
    st.text(max_size=70),
    st.integers(),
)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(code=_CODES)
def test_credit_codes_are_judged_alike(client: Any, code: Any) -> None:
    body = {"profile": {"enterprise": {"credit_code": code}}}
    _agree("createAssessment", body, _assess(client, body))


_ANSWERS = st.one_of(st.booleans(), st.integers(-5, 20_000_000), st.floats(allow_nan=False, allow_infinity=False),
                     st.sampled_from(["yes", "是", "true", "1", "1200", "1200.5", "", "warehouse"]), st.none())


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(field=st.sampled_from(["low_risk", "floor_area_m2", "buildings_under_one_permit", "type"]), answer=_ANSWERS)
def test_answers_are_judged_alike(client: Any, field: str, answer: Any) -> None:
    """true/false only for yes/no; numbers (2.0 an integer too) within their bounds; a choice among its values."""
    body = {"profile": {"project": {field: answer}}}
    _agree("createAssessment", body, _assess(client, body))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(limit=st.one_of(st.integers(-3, 105), st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
                       st.text(max_size=3)))
def test_limits_are_judged_alike(client: Any, limit: Any) -> None:
    body = {"profile": {}, "limit": limit}
    _agree("nextQuestions", body, client.post(PATHS["nextQuestions"], json=body).status_code)
