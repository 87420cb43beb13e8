"""The statuses a reader of the plan expects for the joint acceptance fast track of （四）."""

from hypothesis import given
from hypothesis import strategies as st

from advisor.assess import Advisor

WAREHOUSE = {"in_qingyang": True, "funding": "enterprise", "type": "warehouse", "low_risk": True}
RULE = "joint-acceptance-small-industrial"


def finding(advisor: Advisor, project: dict, rule: str = RULE):
    assessment = advisor.assess_data({"project": project})
    return next(f for f in assessment.findings if f.rule.id == rule)


def test_1200_m2_low_risk_warehouse_gets_joint_acceptance(advisor: Advisor) -> None:
    assert finding(advisor, {**WAREHOUSE, "floor_area_m2": 1200}).status == "eligible"


def test_1500_m2_is_included_because_yixia_includes_the_number(advisor: Advisor) -> None:
    assert finding(advisor, {**WAREHOUSE, "floor_area_m2": 1500}).status == "eligible"


def test_1800_m2_not_self_held_is_not_eligible_300_m2_over(advisor: Advisor) -> None:
    project = {**WAREHOUSE, "floor_area_m2": 1800, "self_held": False}
    small = finding(advisor, project)
    assert small.status == "not_eligible"
    [failed] = small.failing
    assert failed.subject == "project.floor_area_m2"
    assert failed.actual == 1800
    assert failed.gap is not None and failed.gap.direction == "decrease" and failed.gap.amount == 300
    assert finding(advisor, project, "joint-acceptance-self-held").status == "not_eligible"


def test_area_not_given_is_undetermined_and_asks_for_the_area(advisor: Advisor) -> None:
    result = finding(advisor, WAREHOUSE)
    assert result.status == "undetermined"
    assert result.missing == ("project.floor_area_m2",)


def test_unanswered_is_never_read_as_no(advisor: Advisor) -> None:
    assessment = advisor.assess_data({})
    assert {f.status for f in assessment.findings} == {"undetermined"}


def test_self_held_project_gets_joint_acceptance_whatever_its_area(advisor: Advisor) -> None:
    project = {"in_qingyang": True, "self_held": True, "floor_area_m2": 90000}
    result = finding(advisor, project, "joint-acceptance-self-held")
    assert result.status == "eligible"


@given(area=st.floats(min_value=0, max_value=1_000_000, allow_nan=False))
def test_threshold_at_1500_m2(advisor: Advisor, area: float) -> None:
    result = finding(advisor, {**WAREHOUSE, "floor_area_m2": area})
    area = round(area, 4)  # the profile keeps 4 decimals
    assert result.status == ("eligible" if area <= 1500 else "not_eligible")
    if area > 1500:
        assert abs(result.failing[0].gap.amount - (area - 1500)) < 1e-6


@given(dn=st.integers(min_value=1, max_value=3000))
def test_water_three_zero_threshold_at_dn50(advisor: Advisor, dn: int) -> None:
    profile = {"project": {"in_qingyang": True},
               "utilities": {"user_type": "non_residential", "needs_water": True, "water_pipe_dn": dn,
                             "water_external_works": False}}
    result = next(f for f in advisor.assess_data(profile).findings if f.rule.id == "water-three-zero")
    assert result.status == ("eligible" if dn <= 50 else "not_eligible")
