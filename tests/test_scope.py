"""Scope: a construction measure is for a project sited in Qingyang (whoever builds it), an enterprise
service for an enterprise registered or operating there, a court measure for a case the Qingyang court
hears. Out of scope is not_eligible with that reason; unknown scope is undetermined."""

from hypothesis import given
from hypothesis import strategies as st

from advisor.assess import Advisor
from advisor.rulebase import SCOPE_FIELDS, RuleBase

SMALL_WAREHOUSE = {"has_project": True, "funding": "enterprise", "type": "warehouse", "low_risk": True,
                   "floor_area_m2": 1200, "small_scale": True, "needs_planning_permit": True}
CONSTRUCTION = ("joint-acceptance-small-industrial", "list-commitment-80-days", "one-stop-small-industrial",
                "planning-permit-10-days", "online-construction-approval")
ENTERPRISE = ("electronic-licence-and-seal", "hotline-96963-24h", "sme-service-activities",
              "inclusive-prudent-enforcement")


def statuses(advisor: Advisor, profile: dict) -> dict[str, str]:
    return {f.rule.id: f.status for f in advisor.assess_data(profile).findings}


def test_every_rule_has_a_scope_and_construction_rules_are_about_the_project(rulebase: RuleBase) -> None:
    for rule in rulebase.rules.values():
        if rule.theme == "construction":
            assert rule.spec.scope == "project_in_qingyang", rule.id
    scopes = {rule.spec.scope for rule in rulebase.rules.values()}
    assert {"project_in_qingyang", "enterprise_in_qingyang", "court_qingyang", "municipal"} <= scopes


def test_qingyang_enterprise_building_outside_qingyang_gets_no_construction_measure(advisor: Advisor) -> None:
    profile = {"enterprise": {"in_qingyang": True, "size": "small"},
               "project": {"in_qingyang": False, **SMALL_WAREHOUSE}}
    assessment = advisor.assess_data(profile)
    by_id = {f.rule.id: f for f in assessment.findings}
    for rule_id in CONSTRUCTION:
        finding = by_id[rule_id]
        assert finding.status == "not_eligible", rule_id
        assert [check.subject for check in finding.failing] == ["project.in_qingyang"], rule_id
    for rule_id in ENTERPRISE:  # its enterprise services stay, wherever it builds
        assert by_id[rule_id].status == "eligible", rule_id


def test_outside_enterprise_building_in_qingyang_gets_the_construction_measures(advisor: Advisor) -> None:
    profile = {"enterprise": {"in_qingyang": False, "size": "small"},
               "project": {"in_qingyang": True, **SMALL_WAREHOUSE}}
    found = statuses(advisor, profile)
    for rule_id in CONSTRUCTION:
        assert found[rule_id] == "eligible", rule_id
    for rule_id in ENTERPRISE:  # but not the district's enterprise services
        assert found[rule_id] == "not_eligible", rule_id


def test_unknown_site_is_undetermined_and_asks_where_the_project_is(advisor: Advisor) -> None:
    assessment = advisor.assess_data({"enterprise": {"in_qingyang": True}, "project": SMALL_WAREHOUSE})
    joint = next(f for f in assessment.findings if f.rule.id == "joint-acceptance-small-industrial")
    assert joint.status == "undetermined" and joint.missing == ("project.in_qingyang",)
    asked_first = assessment.questions_to_settle()[0][0]
    assert asked_first == "project.in_qingyang"


def test_an_enterprise_outside_qingyang_gets_no_district_enterprise_service(advisor: Advisor,
                                                                            rulebase: RuleBase) -> None:
    # Before scope was modelled, a profile with in_qingyang: false got 23 "eligible" findings.
    profile = {"enterprise": {"in_qingyang": False, "size": "small", "needs_tax_services": True,
                              "needs_government_services": True}}
    found = statuses(advisor, profile)
    for rule in rulebase.rules.values():
        if rule.spec.scope == "enterprise_in_qingyang":
            assert found[rule.id] == "not_eligible", rule.id
    assert found["tax-one-hall"] == "not_eligible" and found["sme-service-activities"] == "not_eligible"


def test_court_measures_are_for_cases_the_qingyang_court_hears(advisor: Advisor) -> None:
    elsewhere = statuses(advisor, {"legal": {"qingyang_court": False, "commercial_lawsuit": True,
                                             "financial_case": True}})
    here = statuses(advisor, {"legal": {"qingyang_court": True, "commercial_lawsuit": True, "financial_case": True}})
    for rule_id in ("commercial-cases-90-days", "financial-court-green-channel", "online-case-filing"):
        assert elsewhere[rule_id] == "not_eligible" and here[rule_id] == "eligible", rule_id


def test_a_municipal_programme_names_its_owner(rulebase: RuleBase) -> None:
    for rule in rulebase.rules.values():
        if rule.spec.scope in ("municipal", "provincial"):
            assert any("成都市" in note.zh or "省" in note.zh for note in rule.spec.notes), rule.id


def test_the_out_of_scope_reason_is_shown(advisor: Advisor, presenter) -> None:
    assessment = advisor.assess_data({"project": {"in_qingyang": False, **SMALL_WAREHOUSE}})
    document = presenter.assessment_dict(assessment, "zh")
    joint = next(f for f in document["findings"] if f["id"] == "joint-acceptance-small-industrial")
    assert joint["scope"] == "project_in_qingyang"
    assert [failing["field"] for failing in joint["failing"]] == ["project.in_qingyang"]
    assert "项目建设地点在青羊区吗" in joint["failing"][0]["text"]


ANSWER = st.sampled_from([True, False, None])


@given(enterprise_here=ANSWER, project_here=ANSWER, court_here=ANSWER)
def test_scope_only_narrows_the_plans_own_condition(advisor: Advisor, rulebase: RuleBase, enterprise_here: bool | None,
                                                    project_here: bool | None, court_here: bool | None) -> None:
    base = {"enterprise": {"size": "small", "needs_tax_services": True}, "project": dict(SMALL_WAREHOUSE),
            "legal": {"commercial_lawsuit": True}}
    inside = {"enterprise": {**base["enterprise"], "in_qingyang": True},
              "project": {**base["project"], "in_qingyang": True},
              "legal": {**base["legal"], "qingyang_court": True}}
    answers = {"enterprise_in_qingyang": enterprise_here, "project_in_qingyang": project_here,
               "court_qingyang": court_here}
    profile = {section: dict(values) for section, values in base.items()}
    for scope, value in answers.items():
        if value is not None:
            section, name = SCOPE_FIELDS[scope].split(".")
            profile[section][name] = value
    plan_only = statuses(advisor, inside)
    found = statuses(advisor, profile)
    for rule in rulebase.rules.values():
        scope = rule.spec.scope
        if scope not in SCOPE_FIELDS:
            assert found[rule.id] == plan_only[rule.id], rule.id
            continue
        answer = answers[scope]
        if answer is True or plan_only[rule.id] == "not_eligible":
            assert found[rule.id] == plan_only[rule.id], rule.id
        elif answer is False:
            assert found[rule.id] == "not_eligible", rule.id
        else:
            assert found[rule.id] == "undetermined", rule.id
