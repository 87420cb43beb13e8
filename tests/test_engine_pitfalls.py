"""Each durable-rules pitfall from the research notes, with a test that fails without its defence."""

import itertools
import json
import threading
from typing import Any

import pytest

from advisor.assess import Advisor
from advisor.compiler import (
    ANCHOR,
    PROFILE_KIND,
    CompiledRuleset,
    CompileError,
    _check_size,
    compile_rulebase,
    widest_node,
)
from advisor.conditions import AllOf, FieldTest
from advisor.engine import Engine, EngineError, _Ruleset
from advisor.rulebase import RuleBase

SMALL_WAREHOUSE = {"project.in_qingyang": True, "project.funding": "enterprise", "project.type": "warehouse",
                   "project.low_risk": True, "project.floor_area_m2": 1200.0}  # flat answers, as profile.answers()


def test_no_fact_stays_behind_from_one_profile_into_the_next(advisor: Advisor) -> None:
    first = advisor.engine.evaluate(SMALL_WAREHOUSE)
    assert "joint-acceptance-small-industrial" in first.fired
    after = advisor.engine.evaluate({})
    assert after.fired == frozenset() and after.concepts == {}
    # the same facts again in the same session: retracted, so not refused as already seen
    assert advisor.engine.evaluate(SMALL_WAREHOUSE) == advisor.engine.evaluate(SMALL_WAREHOUSE) == first


def test_the_1024_session_limit_is_never_reached(advisor: Advisor) -> None:
    for _ in range(1500):
        advisor.engine.evaluate(SMALL_WAREHOUSE)


def test_a_profile_where_no_rule_fires_does_not_crash_thanks_to_the_anchor(rulebase: RuleBase) -> None:
    concept_set, rule_sets = compile_rulebase(rulebase, "anchor_test_")
    for ruleset in (concept_set, *rule_sets):
        assert ruleset.definition[ANCHOR] == {"all": [{"m": PROFILE_KIND}]}
    assert Engine(rulebase).evaluate({}).fired == frozenset()


def test_every_pattern_starts_with_a_positive_type_test(rulebase: RuleBase) -> None:
    concept_set, rule_sets = compile_rulebase(rulebase, "type_test_")
    for ruleset in (concept_set, *rule_sets):
        for name, rule in ruleset.definition.items():
            pattern = rule["all"][0]["m"]
            assert pattern == PROFILE_KIND or pattern["$and"][0] == PROFILE_KIND, name


def test_the_engine_starts_no_background_threads(rulebase: RuleBase) -> None:
    before = threading.active_count()
    Engine(rulebase).evaluate(SMALL_WAREHOUSE)
    assert threading.active_count() == before


def _many_rules(count: int) -> CompiledRuleset:
    definition: dict[str, Any] = {ANCHOR: {"all": [{"m": PROFILE_KIND}]}}
    for index in range(count):
        definition[f"r{index}"] = {"all": [{"m": {"$and": [PROFILE_KIND, {"$gte": {"a.x": index}}]}}]}
    return CompiledRuleset(f"limit_{count}", definition, {}, {"a": frozenset({"x"})})


def test_too_many_matching_tests_raise_instead_of_silently_firing_nothing() -> None:
    ruleset = _Ruleset(_many_rules(80), (f"limit{number}" for number in itertools.count()))

    def fact(x: int) -> str:
        return json.dumps([{"sid": ruleset.sid, "id": "0", "kind": "profile", "a": {"x": x}}])

    assert len(ruleset.run(fact(2), 1)[0]) == 4  # the anchor and r0..r2: the session now exists
    with pytest.raises(EngineError, match="303"):
        ruleset.run(fact(100), 1)
    # the failed session was deleted and a fresh one named: the ruleset still evaluates a smaller match
    assert ruleset.sid == "limit1"
    assert len(ruleset.run(fact(3), 1)[0]) == 5  # the anchor and r0..r3


def test_a_block_evaluated_in_one_session_gives_each_profile_its_own_answer(advisor: Advisor,
                                                                            rulebase: RuleBase) -> None:
    from advisor.profile import answers, parse_profile
    from advisor.synth import ProfileFactory

    raw = list(ProfileFactory(rulebase, seed=7).profiles(300))
    block = [answers(parse_profile(r)) for r in raw]
    assert advisor.engine.evaluate_many(block) == [advisor.engine.evaluate(facts) for facts in block]
    assert advisor.engine.evaluate_many([]) == []  # an empty session would crash the engine


def test_the_rule_base_rulesets_stay_under_the_engine_limit_for_a_profile_meeting_everything(
        advisor: Advisor, rulebase: RuleBase) -> None:
    # Merge the eligible examples of every rule: one profile that satisfies as many rules as it can.
    merged: dict[str, dict[str, Any]] = {}
    for rule in rulebase.rules.values():
        for example in rule.spec.examples:
            if example.expect == "eligible":
                for section, values in example.profile.items():
                    merged.setdefault(section, {}).update(values)
    assessment = advisor.assess_data(merged)
    eligible = assessment.by_status("eligible")
    assert len(eligible) >= 0.9 * len(rulebase.rules)


def test_values_of_the_wrong_type_never_reach_the_engine(advisor: Advisor) -> None:
    with pytest.raises(EngineError):
        advisor.engine.evaluate({"project.floor_area_m2": float("inf")})
    with pytest.raises(EngineError):
        advisor.engine.evaluate({"project.floor_area_m2": 1e-05})
    with pytest.raises(EngineError):
        advisor.engine.evaluate({"project.floor_area_m2": [1200]})


def test_a_number_sent_as_text_is_compared_as_a_number(advisor: Advisor) -> None:
    # As a string, "900" >= "1500" would compare as text; the profile converts it first.
    profile = {"project": {"in_qingyang": True, "funding": "enterprise", "type": "warehouse", "low_risk": True,
                           "floor_area_m2": "900"}}
    [joint] = [f for f in advisor.assess_data(profile).findings if f.rule.id == "joint-acceptance-small-industrial"]
    assert joint.status == "eligible"


def test_tiny_numbers_are_accepted_without_exponent_notation(advisor: Advisor) -> None:
    profile = {"project": {"in_qingyang": True, "funding": "enterprise", "type": "warehouse", "low_risk": True,
                           "floor_area_m2": 0.00001}}
    assert advisor.assess_data(profile).findings


def test_a_rule_whose_two_branches_both_hold_gives_one_finding(advisor: Advisor) -> None:
    profile = {"project": {"in_qingyang": True, "in_industrial_park": True, "type": "factory",
                           "in_list_commitment": True}}
    assessment = advisor.assess_data(profile)
    deferred = [f for f in assessment.findings if f.rule.id == "deferred-documents"]
    assert len(deferred) == 1 and deferred[0].status == "eligible"
    assert len({f.rule.id for f in assessment.findings}) == len(assessment.findings)


def test_an_error_inside_a_consequence_is_raised_and_the_session_still_deleted(rulebase: RuleBase) -> None:
    engine = Engine(rulebase)
    engine._concept_set.meaning.pop("social_investment=true")  # the consequence will fail on this name
    with pytest.raises(KeyError):
        engine.evaluate({"project.funding": "enterprise"})
    for _ in range(1100):  # more than the 1,024 live sessions a ruleset allows: none were left behind
        engine.evaluate({})


def test_a_ruleset_too_wide_for_the_engine_is_refused_when_compiling() -> None:
    wide = [FieldTest("project.floor_area_m2", "gte", float(index)) for index in range(70)]
    assert widest_node(wide) == 71  # 70 distinct tests under the type test, and the anchor
    with pytest.raises(CompileError, match="split it"):
        _check_size("wide", wide)
    both = AllOf((FieldTest("enterprise.in_qingyang", "eq", True), FieldTest("ip.ip_dispute", "eq", True)))
    shared = [both] * 70
    assert widest_node(shared) == 2


def test_the_shipped_rulesets_are_within_the_limit(rulebase: RuleBase) -> None:
    _, rule_sets = compile_rulebase(rulebase, "width_test_")
    assert len(rule_sets) <= 3  # few asserts per profile
