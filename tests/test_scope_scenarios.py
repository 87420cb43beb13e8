"""The three scope scenarios of issue 17 through the `advisor assess` command."""

import json

import pytest

from tests import scenarios
from tests.test_cli import advisor


def assess(profile: dict) -> dict[str, dict]:
    done = advisor("assess", "-", "--format", "json", "--as-of", "2021-06-01", stdin=json.dumps(profile))
    assert done.returncode == 0, done.stderr
    return {finding["id"]: finding for finding in json.loads(done.stdout)["findings"]}


def test_an_enterprise_moving_in_gets_the_move_by_commitment_and_address_declaration() -> None:
    found = assess(scenarios.MOVING_IN)
    for rule_id in scenarios.MOVING_IN_ELIGIBLE:
        assert found[rule_id]["status"] == "eligible", rule_id
        assert found[rule_id]["scope"] == "enterprise_in_qingyang|moving_into_qingyang"
    assert found["tax-one-hall"]["status"] == "not_eligible"  # not yet a Qingyang enterprise for the rest


def test_a_builder_registered_elsewhere_gets_the_gas_and_water_commitments_at_a_qingyang_site() -> None:
    found = assess(scenarios.OUTSIDE_BUILDER)
    for rule_id in scenarios.OUTSIDE_BUILDER_ELIGIBLE:
        assert found[rule_id]["status"] == "eligible", rule_id
    assert found["gas-small-micro-4-days"]["time_limit"]["committed"] == 4
    gas = found["online-gas-application"]
    assert gas["status"] == "eligible" and [office["id"] for office in gas["handled_by"]] == ["gas-company"]
    assert found["online-power-application"]["status"] == "undetermined"  # power not asked: not sent anywhere


@pytest.mark.parametrize(("profile", "failing"), [(scenarios.SME_ELSEWHERE, "project.in_qingyang"),
                                                  (scenarios.SME_OUTSIDE_ZONE, "project.in_function_zone")])
def test_an_sme_outside_qingyang_or_a_function_zone_is_not_told_it_gets_standard_land(profile: dict,
                                                                                       failing: str) -> None:
    finding = assess(profile)[scenarios.STANDARD_LAND]
    assert finding["status"] == "not_eligible"
    assert [item["field"] for item in finding["failing"]] == [failing]


def test_an_sme_whose_site_is_in_a_function_zone_may_get_standard_land() -> None:
    assert assess(scenarios.SME_IN_ZONE)[scenarios.STANDARD_LAND]["status"] == "eligible"
