"""The one checklist builder: materials of eligible findings only, once each, either/or as one line,
undetermined findings' materials apart; the CLI text report shows the same."""

import re
import subprocess
import sys

from advisor.assess import Advisor
from tests.walkins import EXAMPLES, WALK_INS


def test_eligible_materials_first_once_each_and_undetermined_apart(advisor: Advisor) -> None:
    assessment = advisor.assess_data(WALK_INS[0].profile)
    status = {finding.rule.id: finding.status for finding in assessment.findings}
    items = assessment.checklist
    materials = [item.material for item in items]
    assert len(materials) == len(set(materials))
    for item in items:
        wanted = "eligible" if item.when == "eligible" else "undetermined"
        assert all(status[rule] == wanted for rule in item.needed_by), item
    eligible_materials = {m for f in assessment.findings if f.status == "eligible" for m in f.rule.spec.materials}
    assert {item.material for item in items if item.when == "eligible"} == eligible_materials
    assert not any("patent" in item.material or "passport" in item.material
                   for item in items if item.when == "eligible")


def test_alternatives_are_one_line(advisor: Advisor) -> None:
    profile = {"project": {"has_project": True, "funding": "enterprise", "type": "warehouse", "low_risk": True,
                           "floor_area_m2": 1200, "self_held": True, "buildings_under_one_permit": 3,
                           "key_level": "district"}}
    items = advisor.assess_data(profile).checklist
    pair = {"five-party-confirmation", "third-party-assessment"}
    lines = [item for item in items if item.material in pair or set(item.alternatives) & pair]
    assert len(lines) == 1 and {lines[0].material, *lines[0].alternatives} == pair


def test_cli_text_report_lists_the_checklist_apart_and_quotes_without_stray_spaces() -> None:
    out = subprocess.run([sys.executable, "-m", "advisor", "assess", str(EXAMPLES / "warehouse-1200.json")],
                         capture_output=True, text=True, check=True).stdout
    checklist = out.split("== 材料清单 ==")[1]
    sure, _, maybe = checklist.partition("== 如确认符合，还需 ==")
    assert "申请表" in sure and "专利" not in sure and "护照" not in sure
    assert "其一即可" in maybe
    quotes = [line for line in out.splitlines() if line.strip().startswith("「")]
    assert quotes and not any(re.search(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]", line) for line in quotes)
