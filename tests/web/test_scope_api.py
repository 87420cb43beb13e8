"""The three scope scenarios of issue 17 through the JSON API."""

import httpx
import pytest

from tests import scenarios
from web.api.models import AssessmentDocument

from .conftest import expand

pytestmark = pytest.mark.anyio


async def findings(client: httpx.AsyncClient, profile: dict) -> dict[str, dict]:
    response = await client.post("/api/v1/assessments", json={"profile": profile, "as_of": "2021-06-01"})
    assert response.status_code == 200, response.text
    AssessmentDocument.model_validate(response.json())  # combined scopes fit the documented shape
    return {finding["id"]: finding for finding in (await expand(client, response.json()))["findings"]}


async def test_an_enterprise_moving_in_gets_the_move_by_commitment(client: httpx.AsyncClient) -> None:
    found = await findings(client, scenarios.MOVING_IN)
    for rule_id in scenarios.MOVING_IN_ELIGIBLE:
        assert found[rule_id]["status"] == "eligible", rule_id


async def test_a_builder_registered_elsewhere_gets_the_utility_commitments(client: httpx.AsyncClient) -> None:
    found = await findings(client, scenarios.OUTSIDE_BUILDER)
    for rule_id in scenarios.OUTSIDE_BUILDER_ELIGIBLE:
        assert found[rule_id]["status"] == "eligible", rule_id
    assert found["electronic-licence-and-seal"]["status"] == "not_eligible"  # enterprise services stay in Qingyang


@pytest.mark.parametrize("profile", [scenarios.SME_ELSEWHERE, scenarios.SME_OUTSIDE_ZONE])
async def test_an_sme_outside_qingyang_or_a_zone_is_not_told_standard_land(client: httpx.AsyncClient,
                                                                           profile: dict) -> None:
    finding = (await findings(client, profile))[scenarios.STANDARD_LAND]
    assert finding["status"] == "not_eligible"
    assert finding["scope"] == "site_in_function_zone"
