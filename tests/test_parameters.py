"""The plan's numbers as dated parameters: the plan's own numbers in its own words, named by the rules, and
the value in force on a day chosen by as_of."""

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from advisor.assess import Advisor
from advisor.catalog import load_catalog, squash
from advisor.conditions import FieldTest
from advisor.parameters import PARAMETERS_FILE, load_table
from advisor.paths import RULES_DIR
from advisor.present import Presenter
from advisor.rulebase import RuleBase, collect, parameter_uses

# The plan's numbers, read off catalog/plan.txt by hand: (parameter, value, article).
PLAN_NUMBERS = {
    "construction.joint_acceptance.max_floor_area_m2": (1500, "（四）"),
    "construction.local_construction_permit.min_height_m": (100, "（四）"),
    "construction.phased_acceptance.min_buildings": (2, "（四）"),
    "construction.list_commitment.committed_working_days": (80, "（四）"),
    "construction.simple_low_risk.committed_working_days": (20, "（四）"),
    "investment.planning_permit.committed_working_days": (10, "（三）"),
    "investment.planning_permit.previous_working_days": (13, "（三）"),
    "business.annual_tax_time.committed_hours": (100, "（十）"),
    "business.annual_tax_time.previous_hours": (120, "（十）"),
    "people.residence_permit.committed_working_days": (7, "（七）"),
    "people.residence_permit.previous_working_days": (15, "（七）"),
    "people.visa_stay_permit.committed_working_days": (5, "（七）"),
    "people.visa_stay_permit.previous_working_days": (10, "（七）"),
    "utilities.gas_small_micro.committed_working_days": (4, "（十四）"),
    "utilities.gas_other_works.committed_working_days": (6, "（十四）"),
    "utilities.water_three_zero.max_pipe_dn": (50, "（十四）"),
    "legal.commercial_cases.committed_days": (90, "（二十七）"),
}


def test_the_base_parameters_are_the_plans_numbers_in_the_plans_words(rulebase: RuleBase) -> None:
    catalog = load_catalog()
    table = rulebase.parameters.parameters
    assert {name: (parameter.plan_value, parameter.spec.article) for name, parameter in table.items()} == PLAN_NUMBERS
    for name, parameter in table.items():
        assert len(parameter.history) == 1, name  # the plan's value only: nothing has changed it
        assert squash(parameter.spec.words or "") in squash(catalog.articles[parameter.spec.article or ""].text)
        assert parameter.spec.stated_as or str(int(parameter.plan_value or 0)) in squash(parameter.spec.words or "")


def test_every_parameter_is_used_and_every_rule_threshold_names_one(rulebase: RuleBase) -> None:
    uses = parameter_uses(rulebase)
    assert all(uses.values()), [name for name, found in uses.items() if not found]
    assert ("concept", "small_low_risk_industrial", "project.floor_area_m2") in \
        uses["construction.joint_acceptance.max_floor_area_m2"]
    assert ("rule", "planning-permit-10-days", "time_limit.before") in \
        uses["investment.planning_permit.previous_working_days"]
    # the number the engine and the explainer compare with is the parameter's
    water = rulebase.rules["water-three-zero"].condition
    [test] = [item for item in water.items if isinstance(item, FieldTest) and item.path == "utilities.water_pipe_dn"]
    assert (test.op, test.value, test.param) == ("lte", 50, "utilities.water_three_zero.max_pipe_dn")


@pytest.fixture
def copies(tmp_path: Path) -> tuple[Path, Path]:
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    parameters = tmp_path / "parameters.yaml"
    shutil.copy(PARAMETERS_FILE, parameters)
    return rules, parameters


def _edit_parameter(path: Path, name: str, **changes: object) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["parameters"][name].update(changes)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _problems(rules: Path, parameters: Path) -> list[str]:
    rulebase, problems = collect(rules, parameters)
    assert rulebase is None
    return [str(problem) for problem in problems]


def test_a_number_that_does_not_stand_in_its_words_is_reported(copies: tuple[Path, Path]) -> None:
    rules, parameters = copies
    _edit_parameter(parameters, "construction.joint_acceptance.max_floor_area_m2", values={date(2020, 11, 23): 1600})
    assert _problems(rules, parameters) == [
        "parameters.yaml: construction.joint_acceptance.max_floor_area_m2: the plan's value 1600 does not stand in "
        "its words '1500 平方米以下的低风险社会投资小型仓库、厂房等工业类建设项目'"]


def test_words_that_are_not_the_plans_are_reported(copies: tuple[Path, Path]) -> None:
    rules, parameters = copies
    _edit_parameter(parameters, "utilities.water_three_zero.max_pipe_dn", words="DN50 以下的居民用户")
    assert _problems(rules, parameters) == [
        "parameters.yaml: utilities.water_three_zero.max_pipe_dn: words are not verbatim in article （十四） "
        "(white space aside)"]


def test_a_bare_number_in_a_rule_is_reported(copies: tuple[Path, Path]) -> None:
    rules, parameters = copies
    path = rules / "construction.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{param: construction.local_construction_permit.min_height_m}", "100"),
                    encoding="utf-8")
    assert _problems(rules, parameters) == [
        "construction.yaml: district-construction-permit-tall: project.height_m is compared with the bare number "
        "100: name its parameter, {param: NAME} (catalog/parameters.yaml)"]


def test_a_parameter_no_rule_uses_is_reported(copies: tuple[Path, Path]) -> None:
    rules, parameters = copies
    doc = yaml.safe_load(parameters.read_text(encoding="utf-8"))
    doc["parameters"]["construction.joint_acceptance.min_floor_area_m2"] = dict(
        doc["parameters"]["construction.joint_acceptance.max_floor_area_m2"])
    parameters.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert _problems(rules, parameters) == [
        "parameters.yaml: construction.joint_acceptance.min_floor_area_m2: no rule or concept uses this parameter"]


def test_a_parameter_in_another_unit_than_its_field_is_reported(copies: tuple[Path, Path]) -> None:
    rules, parameters = copies
    path = rules / "construction.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{param: construction.local_construction_permit.min_height_m}",
                                 "{param: construction.joint_acceptance.max_floor_area_m2}"), encoding="utf-8")
    problems = _problems(rules, parameters)
    assert problems[0] == ("construction.yaml: district-construction-permit-tall: project.height_m (m) is compared "
                           "with construction.joint_acceptance.max_floor_area_m2, which is in m2")


def test_a_bare_time_limit_is_reported(copies: tuple[Path, Path]) -> None:
    rules, parameters = copies
    path = rules / "people.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{param: people.visa_stay_permit.committed_working_days}", "5"), encoding="utf-8")
    assert _problems(rules, parameters)[0] == (
        "people.yaml: visa-stay-permit-5-days: time_limit.committed is the bare number 5: name its parameter, "
        "{param: NAME} (catalog/parameters.yaml)")


def test_a_later_value_must_name_its_document(copies: tuple[Path, Path]) -> None:
    rules, parameters = copies
    _edit_parameter(parameters, "utilities.water_three_zero.max_pipe_dn",
                    values={date(2020, 11, 23): 50, date(2025, 1, 1): 80})
    assert _problems(rules, parameters) == [
        "parameters.yaml: utilities.water_three_zero.max_pipe_dn: 2025-01-01: a value after the plan's names its "
        "`document` and `words`"]


@pytest.fixture
def changed_in_2025(copies: tuple[Path, Path]) -> RuleBase:
    """A district that raised joint acceptance to 2,000 m² and shortened the planning permit to 8 days in 2025."""
    rules, parameters = copies
    _edit_parameter(parameters, "construction.joint_acceptance.max_floor_area_m2", values={
        date(2020, 11, 23): 1500,
        date(2025, 1, 1): {"value": 2000, "document": "青委办字〔2024〕99号（测试用）", "words": "2000平方米以下"}})
    _edit_parameter(parameters, "investment.planning_permit.committed_working_days", values={
        date(2020, 11, 23): 10,
        date(2025, 1, 1): {"value": 8, "document": "青委办字〔2024〕99号（测试用）", "words": "8个工作日"}})
    rulebase, problems = collect(rules, parameters)
    assert rulebase is not None, problems
    return rulebase


WAREHOUSE_1800 = {"project": {"in_qingyang": True, "funding": "enterprise", "type": "warehouse", "low_risk": True,
                              "floor_area_m2": 1800}}


def _finding(advisor: Advisor, profile: dict, day: date, rule_id: str):  # type: ignore[no-untyped-def]
    assessment = advisor.assess_data(profile, day)
    return assessment, next(f for f in assessment.findings if f.rule.id == rule_id)


def test_as_of_picks_the_value_in_force_on_the_day(changed_in_2025: RuleBase) -> None:
    advisor = Advisor(changed_in_2025)
    before, finding = _finding(advisor, WAREHOUSE_1800, date(2024, 12, 31), "joint-acceptance-small-industrial")
    assert finding.status == "not_eligible"
    [failed] = finding.failing
    assert (failed.required, failed.actual, failed.gap.amount) == (1500, 1800, 300)  # type: ignore[union-attr]
    after, finding = _finding(advisor, WAREHOUSE_1800, date(2025, 1, 1), "joint-acceptance-small-industrial")
    assert finding.status == "eligible"
    assert after.rulebase_version != before.rulebase_version == changed_in_2025.version
    # the smallest change reads the number in force too
    _, finding = _finding(advisor, dict(WAREHOUSE_1800, project={**WAREHOUSE_1800["project"], "floor_area_m2": 2300}),
                          date(2025, 6, 1), "joint-acceptance-small-industrial")
    assert (finding.failing[0].required, finding.failing[0].gap.amount) == (2000, 300)  # type: ignore[union-attr]


def test_one_engine_per_distinct_set_of_values(changed_in_2025: RuleBase) -> None:
    advisor = Advisor(changed_in_2025)
    assert advisor.dated(date(2021, 3, 1)) is advisor is advisor.dated(date(2024, 12, 31))
    later = advisor.dated(date(2025, 1, 1))
    assert later is not advisor and later is advisor.dated(date(2026, 12, 3))
    assert later.engine is not advisor.engine and later.dated(date(2022, 1, 1)) is advisor
    assert changed_in_2025.at(date(2025, 2, 1)) is changed_in_2025.at(date(2030, 1, 1))


def test_a_time_limit_shows_the_value_in_force(changed_in_2025: RuleBase) -> None:
    advisor, presenter = Advisor(changed_in_2025), Presenter(changed_in_2025)
    profile = {"project": {"in_qingyang": True, "needs_planning_permit": True}}
    texts = []
    for day in (date(2024, 12, 31), date(2025, 1, 1)):
        document = presenter.assessment_dict(advisor.assess_data(profile, day), "zh")
        finding = next(f for f in document["findings"] if f["id"] == "planning-permit-10-days")
        texts.append(finding["time_limit"]["text"])
    assert texts == ["承诺10个工作日（原13个工作日）", "承诺8个工作日（原13个工作日）"]


def test_the_shipped_base_is_one_rule_base_on_every_day(rulebase: RuleBase, advisor: Advisor) -> None:
    assert rulebase.at(date(2020, 11, 23)) is rulebase is rulebase.at(date(2030, 1, 1))
    assert advisor.dated(date(2026, 12, 3)) is advisor
    table, problems = load_table()
    assert problems == [] and {start for p in table.parameters.values() for start, _ in p.history} == {
        date(2020, 11, 23)}
