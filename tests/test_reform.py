"""Reforms: checked like the base, applied to copies, and never changing what the base advises."""

import asyncio
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.assess import Advisor
from advisor.cli import main
from advisor.present import Presenter
from advisor.reform import affected_rules, check_reform
from advisor.rulebase import RuleBase, load_rulebase

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "reforms"
DAY = date(2027, 1, 1)


def _write(path: Path, **reform: object) -> Path:
    base = {"reform": "test-reform", "title": {"zh": "测试", "en": "test"}, "in_force_from": "2027-01-01"}
    path.write_text(yaml.safe_dump({**base, **reform}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _problems(path: Path, rulebase: RuleBase) -> list[str]:
    checked = check_reform(path, rulebase)
    assert checked.reform is None
    return [str(problem) for problem in checked.problems]


def test_the_shipped_reforms_are_clean_and_say_what_they_change(rulebase: RuleBase) -> None:
    found = {path.stem: check_reform(path, rulebase) for path in sorted(EXAMPLES.glob("*.yaml"))}
    assert set(found) == {"joint-acceptance-2000", "water-dn80", "simple-low-risk-by-size"}
    assert all(checked.problems == [] and checked.reform is not None for checked in found.values())
    assert found["joint-acceptance-2000"].changed_examples == [
        ("joint-acceptance-small-industrial", "1,800 m² warehouse", "not_eligible", "eligible")]
    assert found["water-dn80"].changed_examples == [("water-three-zero", "DN80 connection", "not_eligible", "eligible")]
    simple = found["simple-low-risk-by-size"]
    assert simple.reform is not None and simple.reform.replaced == {"simple-low-risk-20-days"}
    # a department's classification no longer decides: what the definition does to the base's own examples
    assert simple.changed_examples == [
        ("simple-low-risk-20-days", "small simple low-risk warehouse", "eligible", "undetermined"),
        ("simple-low-risk-20-days", "not simple low-risk", "not_eligible", "undetermined")]


def test_the_reformed_rule_base_changes_only_what_the_reform_says(rulebase: RuleBase) -> None:
    reform = check_reform(EXAMPLES / "joint-acceptance-2000.yaml", rulebase).reform
    assert reform is not None
    reformed = reform.at(DAY)
    assert reformed.values["construction.joint_acceptance.max_floor_area_m2"] == 2000
    # the number feeds the concept of a small industrial project, so every rule using it may change
    assert affected_rules(rulebase.at(DAY), reformed) == [
        "one-stop-small-industrial", "simple-low-risk-20-days", "joint-acceptance-small-industrial",
        "zero-cost-small-warehousing"]
    assert reformed.version.startswith(rulebase.version + "+reform.")


def test_a_reform_never_changes_what_the_base_advises(rulebase: RuleBase, advisor: Advisor) -> None:
    profile = {"project": {"in_qingyang": True, "funding": "enterprise", "type": "warehouse", "low_risk": True,
                           "floor_area_m2": 1800}}
    before = [(f.rule.id, f.status) for f in advisor.assess_data(profile, DAY).findings]
    for path in sorted(EXAMPLES.glob("*.yaml")):
        assert check_reform(path, rulebase).reform is not None
    assert load_rulebase() is rulebase
    area = rulebase.parameters.parameters["construction.joint_acceptance.max_floor_area_m2"]
    assert [value.value for _, value in area.history] == [1500]
    assert rulebase.at(DAY) is rulebase and "reform" not in rulebase.themes
    assert [(f.rule.id, f.status) for f in Advisor(rulebase).assess_data(profile, DAY).findings] == before
    assert dict(before)["joint-acceptance-small-industrial"] == "not_eligible"


def test_a_reform_naming_what_does_not_exist_is_refused(tmp_path: Path, rulebase: RuleBase) -> None:
    path = _write(tmp_path / "bad.yaml", parameters={"construction.joint_acceptance.max_area": 2000,
                                                      "utilities.water_three_zero.max_pipe_dn": 65.5},
                  switch_off=["no-such-rule"])
    assert _problems(path, rulebase) == [
        "bad.yaml: construction.joint_acceptance.max_area: no parameter of the plan has this name "
        "(catalog/parameters.yaml)",
        "bad.yaml: utilities.water_three_zero.max_pipe_dn: 65.5 is not a whole number of dn_mm",
        "bad.yaml: no-such-rule: switch_off names no rule of the base"]


def test_a_reform_before_the_plan_or_with_unknown_keys_is_refused(tmp_path: Path, rulebase: RuleBase) -> None:
    assert _problems(_write(tmp_path / "early.yaml", in_force_from="2019-01-01"), rulebase) == [
        "early.yaml: (reform): in_force_from must be after the plan's 2020-11-23"]
    problems = _problems(_write(tmp_path / "typo.yaml", parameter={"x.y": 1}), rulebase)
    assert problems == ["typo.yaml: (reform): parameter: Extra inputs are not permitted"]


def _added_rule(**changes: object) -> dict:
    spec = yaml.safe_load((EXAMPLES / "simple-low-risk-by-size.yaml").read_text(encoding="utf-8"))
    rule = spec["add_rules"][0]
    rule.update(changes)
    return {key: spec[key] for key in ("new_parameters",)} | {"switch_off": ["simple-low-risk-20-days"],
                                                              "add_rules": [rule]}


def test_an_added_rule_is_checked_like_the_base(tmp_path: Path, rulebase: RuleBase) -> None:
    retyped = _added_rule(quote="小型社会投资简易低风险项目的审批环节不超过六个")
    assert _problems(_write(tmp_path / "quote.yaml", **retyped), rulebase) == [
        "quote.yaml: simple-low-risk-20-days: quote is not verbatim in the plan (white space aside)"]
    bare = _added_rule(when={"field": "project.height_m", "lte": 24})
    assert _problems(_write(tmp_path / "bare.yaml", **bare), rulebase) == [
        "bare.yaml: simple-low-risk-20-days: project.height_m is compared with the bare number 24: name its "
        "parameter, {param: NAME} (catalog/parameters.yaml)"]
    rule = _added_rule()["add_rules"][0]
    rule["examples"][0]["profile"]["project"]["height_m"] = 30  # expected eligible, but 30 m is over the 24 m
    wrong = _added_rule(examples=rule["examples"])
    assert _problems(_write(tmp_path / "wrong.yaml", **wrong), rulebase) == [
        "wrong.yaml: simple-low-risk-20-days: example 'small 2,500 m², 18 m enterprise-funded project': expected "
        "eligible, got not_eligible"]


def test_an_added_rule_must_not_take_a_kept_rules_id(tmp_path: Path, rulebase: RuleBase) -> None:
    clash = _added_rule()
    clash["switch_off"] = []
    clash["add_rules"][0]["id"] = "water-three-zero"
    assert _problems(_write(tmp_path / "clash.yaml", **clash), rulebase) == [
        "clash.yaml: water-three-zero: rule id is used twice (switch the base's rule off to replace it)"]


def test_rules_check_reform_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "check", "--reform", str(EXAMPLES / "water-dn80.yaml")]) == 0
    out = capsys.readouterr().out
    assert "reform water-dn80 (from 2027-01-01): 1 parameter(s) changed" in out
    assert "changes the base's example water-three-zero: 'DN80 connection': not_eligible -> eligible" in out
    bad = _write(tmp_path / "bad.yaml", switch_off=["no-such-rule"])
    assert main(["rules", "check", "--reform", str(bad)]) == 1
    assert "bad.yaml: no-such-rule: switch_off names no rule of the base" in capsys.readouterr().out
    assert main(["rules", "check", "--reform", str(tmp_path / "missing.yaml")]) == 4


# --- the plan and a reform side by side: no engine, evaluator, memo or rendering shared wrongly ------------

JOINT = "joint-acceptance-small-industrial"
BEFORE_THE_REFORM = date(2026, 12, 31)


def _warehouse(area: int) -> dict[str, object]:
    return {"project": {"in_qingyang": True, "has_project": True, "funding": "enterprise", "type": "warehouse",
                        "low_risk": True, "floor_area_m2": area}}


@pytest.fixture(scope="module")
def side_by_side(rulebase: RuleBase) -> tuple[Advisor, Advisor, Presenter]:
    """Warm advisors of the plan and of the 2,000 m² reform (their memos big enough to keep every answer), and
    the one presenter a server renders both with."""
    reform = check_reform(EXAMPLES / "joint-acceptance-2000.yaml", rulebase).reform
    assert reform is not None
    return Advisor(rulebase, memo_size=100_000), Advisor(reform.rulebase, memo_size=100_000), Presenter(rulebase)


def _joint(advisor: Advisor, presenter: Presenter, area: int, day: date) -> tuple[str, object]:
    """The joint-acceptance status of a warehouse of `area` m², and the limit its failing test names (rendered)."""
    assessment = advisor.assess_data(_warehouse(area), day)
    finding = next(f for f in assessment.findings if f.rule.id == JOINT)
    rendered = next(f for f in presenter.assessment_dict(assessment, "en")["findings"] if f["id"] == JOINT)
    assert rendered["status"] == finding.status
    limits = {item.get("required") for item in rendered["failing"] if item.get("field") == "project.floor_area_m2"}
    return finding.status, limits.pop() if limits else None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(areas=st.lists(st.sampled_from([1200, 1500, 1501, 1800, 2000, 2001, 2400]) | st.integers(0, 3000),
                      min_size=1, max_size=8))
def test_the_plan_and_a_reform_interleaved_each_keep_their_own_threshold(
        side_by_side: tuple[Advisor, Advisor, Presenter], areas: list[int]) -> None:
    """The same warehouse assessed by the plan, the reform, the plan again and the reform before its day, in any
    order and again and again: eligible up to 1,500 m² under the plan (and under the reform before 2027), up to
    2,000 m² under the reform; a failing area names the limit of whichever advised (memo, compiled explainer,
    engine and rendering kept apart)."""
    plan, reformed, presenter = side_by_side
    for area in areas:
        for advisor, day, limit in ((plan, DAY, 1500), (reformed, DAY, 2000), (plan, DAY, 1500),
                                    (reformed, BEFORE_THE_REFORM, 1500), (reformed, DAY, 2000)):
            status, named = _joint(advisor, presenter, area, day)
            assert (status, named) == (("eligible", None) if area <= limit else ("not_eligible", limit)), \
                (area, advisor.rulebase.version, day)


def test_concurrent_assessments_of_the_plan_and_a_reform_are_decided_apart(
        side_by_side: tuple[Advisor, Advisor, Presenter]) -> None:
    """Concurrent callers (an event loop, whose profiles durable-rules decides in groups) asking the plan and the
    reform about the same 1,800 m² warehouse each get their own rule base's answer."""
    plan, reformed, _ = side_by_side

    async def ask() -> list[str]:
        calls = [advisor.assess_data_async(_warehouse(1800), DAY) for _ in range(6) for advisor in (plan, reformed)]
        return [next(f.status for f in found.findings if f.rule.id == JOINT) for found in await asyncio.gather(*calls)]

    assert asyncio.run(ask()) == ["not_eligible", "eligible"] * 6
    assert plan.dated(DAY) is plan and reformed.dated(DAY) is reformed
    assert reformed.dated(BEFORE_THE_REFORM) is not reformed and reformed.dated(BEFORE_THE_REFORM).memo is not plan.memo
