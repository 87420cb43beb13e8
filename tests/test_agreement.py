"""durable-rules and the explainer must agree: the engine's fired set is the explainer's eligible set."""

import asyncio

import pytest

from advisor.assess import Advisor, DisagreementError
from advisor.explainer import Explainer
from advisor.profile import answers, parse_profile
from advisor.rulebase import RuleBase
from advisor.synth import ProfileFactory


def test_engine_and_explainer_agree_on_10000_generated_profiles(advisor: Advisor, rulebase: RuleBase) -> None:
    explainer = Explainer(rulebase)
    factory = ProfileFactory(rulebase, seed=20201123)
    ever_eligible: set[str] = set()
    for raw in factory.profiles(10_000):
        flat = answers(parse_profile(raw))
        result = advisor.engine.evaluate(flat)
        concepts = explainer.concepts(flat)
        eligible = {rule_id for rule_id in rulebase.rules if explainer.rule(rule_id, flat, concepts).result is True}
        assert result.fired == eligible, raw
        assert result.concepts == {c: check.result for c, check in concepts.items() if check.result is not None}
        ever_eligible |= eligible
    # the sample exercises the rule base: nearly every rule fires somewhere in it
    assert len(ever_eligible) >= 0.9 * len(rulebase.rules)


def test_a_disagreement_raises_instead_of_advising(rulebase: RuleBase) -> None:
    # An explainer that evaluates one rule with another rule's condition: the engine disagrees with it.
    advisor = Advisor(rulebase)
    profile = {"project": {"in_qingyang": True, "funding": "enterprise", "type": "warehouse", "low_risk": True,
                           "floor_area_m2": 1200}}
    eligible = {f.rule.id for f in advisor.assess_data(profile).findings if f.status == "eligible"}
    wrong, right = "joint-acceptance-small-industrial", next(r for r in rulebase.rules if r not in eligible)
    advisor = Advisor(rulebase, memo_size=1)
    advisor.explainer._rules[wrong] = advisor.explainer._rules[right]
    with pytest.raises(DisagreementError, match=wrong):
        advisor.assess_data(profile)
    with pytest.raises(DisagreementError, match=wrong):
        asyncio.run(advisor.assess_data_async(profile))
