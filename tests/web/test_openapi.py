"""The OpenAPI document validates against the OpenAPI specification, with every endpoint documented."""

import httpx
import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.anyio


async def test_the_openapi_document_is_valid(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    validate(spec)  # raises on any violation of the OpenAPI 3.1 schema
    paths = set(spec["paths"])
    assert {"/api/v1/assessments", "/api/v1/provisions", "/api/v1/provisions/{provision_id}", "/api/v1/questions",
            "/api/v1/questions/next", "/api/v1/schemas/profile", "/healthz"} <= paths
