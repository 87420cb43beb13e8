"""Remembered findings (advisor/memo.py) and kept renderings give exactly the advice a fresh explanation
gives: for other enterprises met before, for numbers around a threshold, and on either side of a date."""

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.assess import Advisor
from advisor.present import Presenter
from advisor.rulebase import RuleBase
from advisor.synth import ProfileFactory

AS_OF = date(2026, 11, 28)


@pytest.fixture(scope="module")
def warm(rulebase: RuleBase) -> tuple[Advisor, Presenter]:
    """An advisor that has met 400 other enterprises, and its presenter. Its memo is large enough that
    nothing is dropped here, so its growth counts what was explained afresh."""
    advisor, presenter = Advisor(rulebase, memo_size=100_000), Presenter(rulebase)
    for profile in ProfileFactory(rulebase, seed=101).profiles(400):
        presenter.compact_json(advisor.assess_data(profile, AS_OF), "zh")
    return advisor, presenter


@pytest.fixture(scope="module")
def cold(rulebase: RuleBase) -> tuple[Advisor, Presenter]:
    """An advisor that remembers one finding at a time: every rule is explained afresh."""
    return Advisor(rulebase, memo_size=1), Presenter(rulebase)


def _documents(pair: tuple[Advisor, Presenter], profile: dict, lang: str = "zh") -> tuple[dict, ...]:
    advisor, presenter = pair
    assessment = advisor.assess_data(profile, AS_OF)
    return tuple(json.loads(render(assessment, lang))  # type: ignore[arg-type, operator]
                 for render in (presenter.assessment_json, presenter.expanded_json, presenter.compact_json))


def test_a_warm_advisor_advises_new_enterprises_as_a_fresh_one_does(warm: tuple[Advisor, Presenter],
                                                                    cold: tuple[Advisor, Presenter],
                                                                    rulebase: RuleBase) -> None:
    remembered = len(warm[0].memo)
    for index, profile in enumerate(ProfileFactory(rulebase, seed=202).profiles(150)):
        lang = "en" if index % 3 == 0 else "zh"
        assert _documents(warm, profile, lang) == _documents(cold, profile, lang), profile
    assert len(warm[0].memo) > remembered  # new enterprises brought new answers to remember


def test_a_warm_advisor_meets_most_findings_again(warm: tuple[Advisor, Presenter], rulebase: RuleBase) -> None:
    advisor, _ = warm
    before = len(advisor.memo)
    profiles = list(ProfileFactory(rulebase, seed=303).profiles(100))
    for profile in profiles:
        advisor.assess_data(profile, AS_OF)
    explained = len(advisor.memo) - before
    assert explained < 0.2 * 100 * len(rulebase.rules)  # measured: about 5 a profile of 123 rules


@settings(max_examples=60, deadline=None)
@given(area=st.one_of(st.integers(1300, 1700), st.floats(1499, 1501, allow_nan=False)),
       low_risk=st.sampled_from([True, False, None]))
def test_floor_areas_around_the_1500_m2_threshold_are_never_mixed_up(warm: tuple[Advisor, Presenter],
                                                                       cold: tuple[Advisor, Presenter],
                                                                       area: float, low_risk: bool | None) -> None:
    project = {"has_project": True, "in_qingyang": True, "type": "warehouse", "floor_area_m2": area,
               "funding": "enterprise"}
    if low_risk is not None:
        project["low_risk"] = low_risk
    profile = {"enterprise": {"in_qingyang": True}, "project": project}
    assert _documents(warm, profile) == _documents(cold, profile)


def test_a_kept_rendering_follows_the_assessment_date(warm: tuple[Advisor, Presenter]) -> None:
    advisor, presenter = warm
    start_up = {"enterprise": {"in_qingyang": True}, "registration": {"starting_company": True}}
    passed = {}
    for as_of in (date(2020, 12, 1), AS_OF, date(2020, 12, 1)):
        assessment = advisor.assess_data(start_up, as_of)
        full = json.loads(presenter.assessment_json(assessment, "zh"))
        compact = json.loads(presenter.compact_json(assessment, "zh"))
        finding = next(f for f in full["findings"] if f["id"] == "startup-half-working-day")
        brief = next(f for f in compact["findings"] if f["id"] == "startup-half-working-day")
        assert finding["target_passed"] == brief["target_passed"]
        passed[as_of] = (finding["target_passed"], finding["nature_text"])
    assert passed[date(2020, 12, 1)] == (False, "方案目标（2020年底前）")
    assert passed[AS_OF] == (True, "方案所定目标期限已过，现行做法以承办部门为准")


def test_the_memo_stays_within_its_bound(rulebase: RuleBase,
                                         cold: tuple[Advisor, Presenter]) -> None:
    small = Advisor(rulebase, memo_size=200), Presenter(rulebase)
    sizes = []
    for profile in ProfileFactory(rulebase, seed=404).profiles(30):
        assert _documents(small, profile) == _documents(cold, profile)  # what it carries over is still right
        sizes.append(len(small[0].memo))
    assert max(sizes) <= 200
    assert min(sizes[5:]) < max(sizes)  # it started afresh when full, and went on advising
