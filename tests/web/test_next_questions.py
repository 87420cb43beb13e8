"""advisor.next_questions: unanswered fields ranked by the undetermined provisions they settle."""

from advisor.assess import Advisor
from advisor.next_questions import next_questions


def test_area_comes_first_for_a_warehouse_without_its_area() -> None:
    advisor = Advisor()
    profile = {"project": {"funding": "enterprise", "type": "warehouse", "low_risk": True, "self_held": False}}
    ranked = next_questions(advisor.assess_data(profile), advisor.rulebase)
    paths = [q.path for q in ranked]
    assert "project.floor_area_m2" in paths
    assert not set(paths) & {"project.funding", "project.type", "project.low_risk", "project.self_held"}
    area = ranked[paths.index("project.floor_area_m2")]
    assert "joint-acceptance-small-industrial" in area.settles
    keys = [(len(q.settles), len(q.affects)) for q in ranked]
    assert keys == sorted(keys, reverse=True)


def test_limit_and_a_settled_profile() -> None:
    advisor = Advisor()
    assert len(next_questions(advisor.assess_data({}), advisor.rulebase, limit=3)) == 3
    full = advisor.assess_data({"project": {"in_qingyang": True, "funding": "enterprise", "type": "warehouse",
                                            "low_risk": True, "floor_area_m2": 1200}})
    ranked = next_questions(full, advisor.rulebase)
    assert all("joint-acceptance-small-industrial" not in q.affects for q in ranked)  # already eligible
