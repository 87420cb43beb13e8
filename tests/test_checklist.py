"""The one checklist builder: materials of what applies for the topics asked about, once each, either/or
as one line; what a department's confirmation would add apart; nothing of a provision the enterprise did
not ask about, may not meet or has not claimed; the CLI text report shows the same."""

import re
import subprocess
import sys

import pytest

from advisor.assess import Advisor
from advisor.present import Presenter
from tests.walkins import EXAMPLES, WALK_INS


@pytest.mark.parametrize("walk_in", WALK_INS, ids=lambda w: w.name)
def test_materials_come_only_from_the_answers_cards(advisor: Advisor, presenter: Presenter, walk_in) -> None:
    document = presenter.assessment_dict(advisor.assess_data(walk_in.profile), "zh", walk_in.topics)
    cards = document["answer"]["cards"]
    applying = {rule for card in cards if card["status"] == "eligible" for rule in card["provisions"]}
    likely = {rule for card in cards if card["status"] == "likely" for rule in card["provisions"]}
    materials = [item["id"] for item in document["checklist"]]
    assert len(materials) == len(set(materials))
    for item in document["checklist"]:
        assert set(item["needed_by"]) <= (applying if item["when"] == "eligible" else likely), item
    by_id = {finding["id"]: finding for finding in document["findings"]}
    wanted = {m["id"] for rule in applying for m in by_id[rule]["materials"]}
    assert {item["id"] for item in document["checklist"] if item["when"] == "eligible"} | \
        {other["id"] for item in document["checklist"] for other in item["alternatives"]} >= wanted
    text = " ".join(item["name"] for item in document["checklist"])
    assert "齐全且符合法定形式" not in text  # nothing that restates the legal test


def test_alternatives_are_one_line(advisor: Advisor, presenter: Presenter) -> None:
    profile = {"project": {"in_qingyang": True, "has_project": True, "funding": "enterprise", "type": "warehouse",
                           "low_risk": True, "floor_area_m2": 1200, "self_held": True,
                           "buildings_under_one_permit": 3, "key_level": "district"}}
    items = presenter.assessment_dict(advisor.assess_data(profile), "zh", ["project"])["checklist"]
    pair = {"five-party-confirmation", "third-party-assessment"}
    lines = [item for item in items if item["id"] in pair or {a["id"] for a in item["alternatives"]} & pair]
    assert len(lines) == 1 and {lines[0]["id"], *(a["id"] for a in lines[0]["alternatives"])} == pair


def test_a_start_up_gets_what_founding_a_company_needs_from_public_sources(
        advisor: Advisor, presenter: Presenter) -> None:
    startup = next(walk_in for walk_in in WALK_INS if walk_in.name == "start-up")
    items = presenter.assessment_dict(advisor.assess_data(startup.profile), "zh", startup.topics)["checklist"]
    names = {item["id"]: item for item in items}
    for material, words in (("founder-identity-documents", "身份证"), ("articles-of-association", "章程"),
                            ("registered-address-documents", "住所"), ("registration-application", "申请书"),
                            ("invoice-agent-identity", "身份证明"), ("invoice-seal-imprint", "发票专用章")):
        assert material in names and words in names[material]["name"], material
        assert names[material]["basis"]["kind"] == "public", material  # a named public source, with its date
    assert "legal-rep-id" in names  # the seals: the legal representative's ID


def test_nothing_of_a_provision_not_asked_about_or_not_met(advisor: Advisor, presenter: Presenter) -> None:
    warehouse, tech = WALK_INS[0], WALK_INS[1]
    items = presenter.assessment_dict(advisor.assess_data(warehouse.profile), "zh", warehouse.topics)["checklist"]
    text = " ".join(item["name"] for item in items)
    assert "五方责任主体" not in text and "专利" not in text and "护照" not in text
    # An award the firm did not claim brings no certificate, whether left unanswered or ticked off.
    for profile in (tech.profile, {**tech.profile, "ip": {**tech.profile["ip"], "china_patent_award": False,
                                                          "china_trademark_award": False}}):
        items = presenter.assessment_dict(advisor.assess_data(profile), "zh", tech.topics)["checklist"]
        assert not any("奖" in item["name"] for item in items)
    claimed = {**tech.profile, "ip": {**tech.profile["ip"], "china_patent_award": True}}
    items = presenter.assessment_dict(advisor.assess_data(claimed), "zh", tech.topics)["checklist"]
    assert any("中国专利奖" in item["name"] for item in items)


def test_cli_text_report_lists_the_checklist_apart_and_quotes_without_stray_spaces() -> None:
    out = subprocess.run([sys.executable, "-m", "advisor", "assess", str(EXAMPLES / "warehouse-1200.json")],
                         capture_output=True, text=True, check=True).stdout
    checklist = out.split("== 材料清单 ==")[1]
    assert "申请表" in checklist and "专利" not in checklist and "护照" not in checklist
    quotes = [line for line in out.splitlines() if line.strip().startswith("「")]
    assert quotes and not any(re.search(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]", line) for line in quotes)
