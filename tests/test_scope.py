"""Scope: what the plan's sentence needs in Qingyang. A construction or utility measure is for a site there
(whoever builds or connects), an enterprise service for an enterprise registered or operating there, a move
for an enterprise moving in, 标准地 for a site in a function zone, a court measure for a case the Qingyang
court hears. Out of scope is not_eligible naming the test; unknown scope is undetermined."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.assess import Advisor
from advisor.rulebase import SCOPE_FIELDS, RuleBase, ScopeCombination
from advisor.synth import ProfileFactory

SMALL_WAREHOUSE = {"has_project": True, "funding": "enterprise", "type": "warehouse", "low_risk": True,
                   "floor_area_m2": 1200, "small_scale": True, "needs_planning_permit": True}
CONSTRUCTION = ("joint-acceptance-small-industrial", "list-commitment-80-days", "one-stop-small-industrial",
                "planning-permit-10-days", "online-construction-approval")
ENTERPRISE = ("electronic-licence-and-seal", "hotline-96963-24h", "sme-service-activities",
              "inclusive-prudent-enforcement")


def statuses(advisor: Advisor, profile: dict) -> dict[str, str]:
    return {f.rule.id: f.status for f in advisor.assess_data(profile).findings}


def test_every_scope_test_is_used_and_construction_rules_are_about_the_site(rulebase: RuleBase) -> None:
    for rule in rulebase.rules.values():
        if rule.theme == "construction":
            assert rule.spec.scope == "site_in_qingyang", rule.id
    scopes = {name for rule in rulebase.rules.values() for name in rule.spec.scope_tests}
    assert scopes == set(SCOPE_TESTS_AS_READ)
    assert any(isinstance(rule.spec.scope, ScopeCombination) for rule in rulebase.rules.values())


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
    assert joint["scope"] == "site_in_qingyang"
    assert [failing["field"] for failing in joint["failing"]] == ["project.in_qingyang"]
    assert "项目或用水用气地点在青羊区吗" in joint["failing"][0]["text"]


# The scope tests as a reader of the plan states them (independently of advisor.rulebase), three-valued:
# each reads the answers (enterprise, moving in, site, site in a zone, court) and gives True / False / None.
SCOPE_FIELDS_BY_LETTER = {"e": "enterprise.in_qingyang", "m": "registration.moving_into_qingyang",
                          "s": "project.in_qingyang", "z": "project.in_function_zone", "c": "legal.qingyang_court"}


def _and(*values: bool | None) -> bool | None:
    return False if False in values else (None if None in values else True)


def _or(*values: bool | None) -> bool | None:
    return True if True in values else (None if None in values else False)


SCOPE_TESTS_AS_READ = {
    "enterprise_in_qingyang": lambda a: a["e"],
    "moving_into_qingyang": lambda a: a["m"],
    "site_in_qingyang": lambda a: a["s"],
    "site_in_function_zone": lambda a: _and(a["s"], a["z"]),  # a site outside Qingyang is in none of its zones
    "court_qingyang": lambda a: a["c"],
}


def in_scope(rule, answers: dict[str, bool | None]) -> bool | None:
    scope = rule.spec.scope
    if isinstance(scope, ScopeCombination):
        values = [SCOPE_TESTS_AS_READ[name](answers) for name in scope.tests]
        return _or(*values) if scope.any else _and(*values)
    return SCOPE_TESTS_AS_READ[scope](answers) if scope in SCOPE_TESTS_AS_READ else True


def expected(plan_only: str, scope: bool | None) -> str:
    if scope is True or plan_only == "not_eligible":
        return plan_only
    return "not_eligible" if scope is False else "undetermined"


def with_scope(profile: dict, answers: dict[str, bool | None]) -> dict:
    out = {section: dict(values) for section, values in profile.items()}
    for letter, path in SCOPE_FIELDS_BY_LETTER.items():
        section, name = path.split(".")
        out.setdefault(section, {}).pop(name, None)
        if answers[letter] is not None:
            out[section][name] = answers[letter]
    return {section: values for section, values in out.items() if values}


def test_the_reading_covers_every_scope_question() -> None:
    assert set(SCOPE_FIELDS_BY_LETTER.values()) == SCOPE_FIELDS


RICH = {"enterprise": {"size": "small", "needs_tax_services": True, "needs_government_services": True,
                       "function_zone": "culture_finance_business", "key_enterprise": True},
        "project": {**SMALL_WAREHOUSE, "acquires_land": True, "district_major": True},
        "registration": {"starting_company": True, "moving_within_city": True},
        "utilities": {"needs_gas": True, "user_type": "non_residential", "gas_works": "small_micro",
                      "needs_water": True, "water_pipe_dn": 50, "water_external_works": False, "needs_power": True},
        "legal": {"commercial_lawsuit": True}}
ALL_IN = {letter: True for letter in SCOPE_FIELDS_BY_LETTER}


def test_every_combination_of_scope_answers_for_every_rule(advisor: Advisor, rulebase: RuleBase) -> None:
    plan_only = statuses(advisor, with_scope(RICH, ALL_IN))
    assert sum(status == "eligible" for status in plan_only.values()) > 40  # the base exercises the scopes
    for values in itertools.product((True, False, None), repeat=len(SCOPE_FIELDS_BY_LETTER)):
        answers = dict(zip(SCOPE_FIELDS_BY_LETTER, values, strict=True))
        found = statuses(advisor, with_scope(RICH, answers))
        for rule in rulebase.rules.values():
            assert found[rule.id] == expected(plan_only[rule.id], in_scope(rule, answers)), (rule.id, answers)


ANSWER = st.sampled_from([True, False, None])
ANSWERS = st.fixed_dictionaries({letter: ANSWER for letter in SCOPE_FIELDS_BY_LETTER})


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), answers=ANSWERS)
def test_scope_only_narrows_the_plans_own_condition(advisor: Advisor, rulebase: RuleBase, seed: int,
                                                    answers: dict[str, bool | None]) -> None:
    """On any generated profile, the scope answers only narrow what the plan's condition gives."""
    base = next(iter(ProfileFactory(rulebase, seed=seed).profiles(1)))
    # moving into Qingyang also settles moving within Chengdu (a concept infers it): answer that here
    base.setdefault("registration", {}).setdefault("moving_within_city", True)
    plan_only = statuses(advisor, with_scope(base, ALL_IN))
    found = statuses(advisor, with_scope(base, answers))
    for rule in rulebase.rules.values():
        assert found[rule.id] == expected(plan_only[rule.id], in_scope(rule, answers)), rule.id


def test_out_of_scope_names_the_test(advisor: Advisor) -> None:
    finding = next(f for f in advisor.assess_data(with_scope(RICH, {**ALL_IN, "z": False})).findings
                   if f.rule.id == "standard-land-sme")
    assert finding.status == "not_eligible"
    assert [check.subject for check in finding.failing] == ["project.in_function_zone"]
