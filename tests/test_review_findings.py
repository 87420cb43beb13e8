"""The review of 2026-12-02 (issue 17 §2), one test per finding, as an owner would read the advice: what the
plan grants is not denied, what only a department can settle stays undetermined, and district-wide figures are
never a promise to one enterprise."""

from datetime import date

import pytest

from advisor.assess import Advisor
from advisor.conditions import fields_of
from advisor.present import Presenter
from advisor.rulebase import SCOPE_FIELDS, RuleBase

AS_OF = date(2026, 12, 2)
IN_QINGYANG = {"enterprise": {"in_qingyang": True}}


def finding(advisor: Advisor, presenter: Presenter, profile: dict, rule_id: str, lang: str = "zh") -> dict:
    document = presenter.assessment_dict(advisor.assess_data(profile, as_of=AS_OF), lang)  # type: ignore[arg-type]
    return next(item for item in document["findings"] if item["id"] == rule_id)


@pytest.mark.parametrize("rule_id", ["high-tech-support-policies", "high-quality-innovation-space"])
def test_an_enterprise_without_a_high_tech_certificate_is_not_turned_away(advisor: Advisor, presenter: Presenter,
                                                                          rule_id: str) -> None:
    # 「在鼓励引进和培育市场主体…给予大力扶持」: the plan asks for no certificate, so none is asked.
    shown = finding(advisor, presenter, {"enterprise": {"in_qingyang": True, "industry": "commerce"}}, rule_id)
    assert shown["status"] == "eligible"
    assert shown["missing"] == []


@pytest.mark.parametrize("rule_id", ["high-tech-support-policies", "high-quality-innovation-space"])
def test_only_the_scope_decides_support_the_plan_gives_every_market_entity(rulebase: RuleBase, rule_id: str) -> None:
    assert fields_of(rulebase.rules[rule_id].condition) <= SCOPE_FIELDS


def test_an_unlisted_high_tech_industry_is_undetermined_not_denied(advisor: Advisor, presenter: Presenter) -> None:
    profile = {"enterprise": {"in_qingyang": True, "industry": "other"}}
    shown = finding(advisor, presenter, profile, "key-encouraged-industries")
    assert shown["status"] == "undetermined"
    assert [item["field"] for item in shown["missing"]] == ["innovation.other_high_tech_industry"]
    assert "认定为准" in shown["benefit"]


def test_an_expert_alone_does_not_get_the_talent_card(advisor: Advisor, presenter: Presenter) -> None:
    profile = {**IN_QINGYANG, "talent": {"recruiting_talent": True}}
    shown = finding(advisor, presenter, profile, "jinxiu-qingyang-talent-card")
    assert shown["status"] == "undetermined"
    assert [item["field"] for item in shown["missing"]] == ["talent.talent_card_confirmed"]
    assert "以区人才工作部门认定为准" in shown["benefit"]


def test_bankruptcy_funding_aid_is_for_hard_cases_only(advisor: Advisor, presenter: Presenter) -> None:
    profile = {"legal": {"qingyang_court": True, "in_bankruptcy": True}}
    aid = finding(advisor, presenter, profile, "bankruptcy-difficult-case-funding-aid")
    assert aid["status"] == "undetermined"
    assert [item["field"] for item in aid["missing"]] == ["legal.bankruptcy_difficult_case"]
    assert finding(advisor, presenter, profile, "bankruptcy-coordination-and-tax")["status"] == "eligible"
    easy = {"legal": {"qingyang_court": True, "in_bankruptcy": True, "bankruptcy_difficult_case": False}}
    assert finding(advisor, presenter, easy, "bankruptcy-difficult-case-funding-aid")["status"] == "not_eligible"


def test_simple_deregistration_follows_the_registration_not_the_court(advisor: Advisor,
                                                                      presenter: Presenter) -> None:
    elsewhere_court = {"enterprise": {"in_qingyang": True}, "legal": {"qingyang_court": False, "in_bankruptcy": True}}
    assert finding(advisor, presenter, elsewhere_court, "bankruptcy-simple-deregistration")["status"] == "eligible"
    registered_elsewhere = {"enterprise": {"in_qingyang": False}, "legal": {"qingyang_court": True,
                                                                            "in_bankruptcy": True}}
    shown = finding(advisor, presenter, registered_elsewhere, "bankruptcy-simple-deregistration")
    assert shown["status"] == "not_eligible"
    assert [item["field"] for item in shown["failing"]] == ["enterprise.in_qingyang"]


@pytest.mark.parametrize(("rule_id", "profile", "zh", "en"), [
    ("commercial-cases-90-days", {"legal": {"qingyang_court": True, "commercial_lawsuit": True}},
     "全区承诺：平均不超过90日", "District-wide commitment: 90 days or less on average"),
    ("annual-tax-time-100-hours", {"enterprise": {"in_qingyang": True, "needs_tax_services": True}},
     "全区承诺：平均不超过100小时", "District-wide commitment: 100 hours or less on average"),
])
def test_district_wide_figures_read_as_an_average_never_a_promise_to_one(advisor: Advisor, presenter: Presenter,
                                                                         rule_id: str, profile: dict, zh: str,
                                                                         en: str) -> None:
    chinese = finding(advisor, presenter, profile, rule_id)
    assert chinese["nature"] == "commitment" and chinese["time_limit"]["district_average"] is True
    assert chinese["time_limit"]["text"].startswith(zh)
    assert finding(advisor, presenter, profile, rule_id, "en")["time_limit"]["text"].startswith(en)


def test_per_matter_commitments_keep_their_plain_wording(advisor: Advisor, presenter: Presenter) -> None:
    profile = {"project": {"in_qingyang": True, "has_project": True, "needs_planning_permit": True}}
    shown = finding(advisor, presenter, profile, "planning-permit-10-days")
    assert shown["time_limit"]["district_average"] is False
    assert shown["time_limit"]["text"] == "承诺10个工作日（原13个工作日）"


@pytest.mark.parametrize("rule_id", ["sme-financial-relief-plan", "policy-platforms-query-apply-rate",
                                     "good-bad-service-reviews"])
def test_services_are_not_dated_targets(rulebase: RuleBase, rule_id: str) -> None:
    spec = rulebase.rules[rule_id].spec
    assert spec.nature == "service" and spec.target_by is None


def test_a_provincial_key_project_also_on_the_municipal_list_gets_the_local_permit(advisor: Advisor,
                                                                                   presenter: Presenter) -> None:
    tall = {"in_qingyang": True, "key_level": "provincial", "height_m": 150}
    asked = finding(advisor, presenter, {"project": tall}, "district-construction-permit-tall")
    assert [item["field"] for item in asked["missing"]] == ["project.also_municipal_key"]
    both = {"project": {**tall, "also_municipal_key": True}}
    assert finding(advisor, presenter, both, "district-construction-permit-tall")["status"] == "eligible"


def test_only_district_roads_are_approved_in_the_district(advisor: Advisor, presenter: Presenter) -> None:
    city_road = {"project": {"in_qingyang": True, "occupies_road": True, "road_district_owned": False}}
    assert finding(advisor, presenter, city_road, "road-occupation-excavation-approval")["status"] == "not_eligible"
    unknown = {"project": {"in_qingyang": True, "occupies_road": True}}
    shown = finding(advisor, presenter, unknown, "road-occupation-excavation-approval")
    assert [item["field"] for item in shown["missing"]] == ["project.road_district_owned"]


def test_credit_supervision_says_only_what_the_plan_says(rulebase: RuleBase) -> None:
    benefit = rulebase.rules["credit-graded-supervision"].spec.benefit
    assert "检查可能越少" not in benefit.zh and "fewer inspections" not in benefit.en


def test_the_ip_circuit_court_is_about_the_case_not_the_registration(advisor: Advisor,
                                                                    presenter: Presenter) -> None:
    profile = {"enterprise": {"in_qingyang": False}, "ip": {"ip_dispute": True}}
    shown = finding(advisor, presenter, profile, "ip-circuit-court")
    assert shown["status"] == "eligible"
    assert "依法由成都知识产权法庭管辖" in shown["benefit"]
