"""The answer ranked by worth (README, "How the answer is ranked"), as properties over generated
enterprises and topic choices: a card never ranks above one of a stronger nature and the same topic;
no two cards give the same benefit; a likely card waits only for a department's classification and is
never counted; the API document, the CLI's document and a stored document arrange alike."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.arrange import STRENGTH, arrange_assessment, arranger
from advisor.assess import Advisor
from advisor.present import Presenter
from advisor.rulebase import RuleBase
from advisor.synth import ProfileFactory
from tests.walkins import WALK_INS

TOPICS = st.lists(st.sampled_from(["project", "company", "foreign", "finance", "ip", "talent", "utilities",
                                   "legal", "innovation"]), max_size=3, unique=True)


def strength(rulebase: RuleBase, rule_id: str, passed: bool) -> int:
    """How strongly the plan's sentence binds the district, 0 strongest (README): an own time limit, a
    service (a district-wide average counts as one), a pilot, an exploration, a target, a passed target."""
    spec = rulebase.rules[rule_id].spec
    if passed:
        return 5
    if spec.nature == "commitment" and not (spec.time_limit and not spec.time_limit.district_average):
        return STRENGTH["service"]
    return STRENGTH[spec.nature]


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), topics=TOPICS)
def test_no_card_ranks_above_a_stronger_one_of_the_same_topic(advisor: Advisor, rulebase: RuleBase, seed: int,
                                                               topics: list[str]) -> None:
    profile = next(iter(ProfileFactory(rulebase, seed=seed).profiles(1)))
    assessment = advisor.assess_data(profile)
    answer = arrange_assessment(assessment, rulebase, topics)
    chosen = arranger(rulebase)
    passed = {item.id: item.passed for item in chosen.items_of(assessment)}
    cards = [(card, strength(rulebase, card.provisions[0], passed[card.provisions[0]])) for card in answer.cards]
    for index, (card, mine) in enumerate(cards):
        for later, theirs in cards[index + 1:]:
            shared = chosen.topics_of[card.provisions[0]] & chosen.topics_of[later.provisions[0]]
            assert not shared or mine <= theirs, (card, later)
    benefits = [rulebase.rules[card.provisions[0]].spec.benefit.zh for card in answer.cards]
    assert len(benefits) == len(set(benefits))  # one card per benefit
    status = {finding.rule.id: finding for finding in assessment.findings}
    for card in answer.cards:
        if card.likely:
            finding = status[card.provisions[0]]
            assert finding.status == "undetermined" and set(finding.missing) == set(card.confirm)
            assert all(rulebase.questions.by_path[path].confirm for path in card.confirm)
        else:
            assert all(status[rule].status == "eligible" for rule in card.provisions)
    assert answer.eligible == sum(not card.likely for card in answer.cards)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), topics=TOPICS, lang=st.sampled_from(["zh", "en"]))
def test_a_document_arranges_as_its_assessment(advisor: Advisor, presenter: Presenter, rulebase: RuleBase,
                                              seed: int, topics: list[str], lang: str) -> None:
    """Pages of stored consultations arrange the document's JSON: the same cards as the API's answer."""
    profile = next(iter(ProfileFactory(rulebase, seed=seed).profiles(1)))
    assessment = advisor.assess_data(profile)
    document = presenter.assessment_dict(assessment, lang, topics)  # type: ignore[arg-type]
    chosen = arranger(rulebase)
    again = chosen.arrange(chosen.items_of_document(document), document["answer"]["topics"]).as_dict()
    assert again == {key: value for key, value in document["answer"].items() if key != "text"}


def test_provisions_with_the_same_benefit_are_one_card_naming_the_routes_met(
        advisor: Advisor, rulebase: RuleBase) -> None:
    profile = {**WALK_INS[0].profile, "project": {**WALK_INS[0].profile["project"], "self_held": True}}
    answer = arrange_assessment(advisor.assess_data(profile), rulebase, ["project"])
    joint = [card for card in answer.cards if "joint-acceptance-small-industrial" in card.provisions]
    assert len(joint) == 1 and set(joint[0].provisions) == {"joint-acceptance-small-industrial",
                                                            "joint-acceptance-self-held"}


def test_a_department_classification_is_a_likely_card_not_a_count(advisor: Advisor, rulebase: RuleBase) -> None:
    answer = arrange_assessment(advisor.assess_data(WALK_INS[0].profile), rulebase, ["project"])
    likely = {card.provisions[0]: card for card in answer.cards if card.likely}
    assert likely["simple-low-risk-20-days"].confirm == ("project.simple_low_risk",)
    finding = next(f for f in advisor.assess_data(WALK_INS[0].profile).findings
                   if f.rule.id == "simple-low-risk-20-days")
    assert finding.status == "undetermined"  # the engine's status does not change
    assert answer.eligible == len(answer.cards) - len(likely)
    # Settled by the department: the card applies, or leaves the answer.
    for value, applies in ((True, True), (False, False)):
        profile = {**WALK_INS[0].profile, "project": {**WALK_INS[0].profile["project"], "simple_low_risk": value}}
        again = arrange_assessment(advisor.assess_data(profile), rulebase, ["project"])
        found = [card for card in again.cards if "simple-low-risk-20-days" in card.provisions]
        assert bool(found) == applies and not any(card.likely for card in found)


@pytest.mark.parametrize("walk_in", WALK_INS, ids=lambda w: w.name)
def test_the_walk_ins_first_cards(advisor: Advisor, rulebase: RuleBase, walk_in) -> None:
    answer = arrange_assessment(advisor.assess_data(walk_in.profile), rulebase, walk_in.topics)
    first = [card.provisions[0] for card in answer.cards]
    assert first[0] == walk_in.expected_first
    assert set(walk_in.first_three) <= set(first[:3])
    assert not walk_in.first_three_any or set(walk_in.first_three_any) & set(first[:3])
    assert not rulebase.rules[first[0]].spec.target_by  # never a (passed) target first
    benefits = [rulebase.rules[rule].spec.benefit.zh for rule in first[:5]]
    assert len(set(benefits)) == len(benefits)
