"""The plan in time: every output says which plan, in force since when, that later plans may have changed
it and where to check; a dated target is live before its date and marked as past after it."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from advisor.assess import Advisor
from advisor.currency import age_years
from advisor.messages import message_text
from advisor.present import Presenter
from advisor.textreport import render_text

ROOT = Path(__file__).resolve().parents[1]
START_UP = {"enterprise": {"in_qingyang": True}, "registration": {"starting_company": True}}
LATER_PLANS = {"zh": "此后出台的营商环境方案可能已调整或替代",
               "en": "Later business-environment plans may have changed"}


def _finding(document: dict, rule_id: str) -> dict:
    return next(f for f in document["findings"] if f["id"] == rule_id)


def test_a_2020_target_is_live_in_december_2020(advisor: Advisor, presenter: Presenter) -> None:
    document = presenter.assessment_dict(advisor.assess_data(START_UP, date(2020, 12, 1)), "zh")
    start = _finding(document, "startup-half-working-day")
    assert start["status"] == "eligible" and start["nature"] == "target"
    assert start["target_by"] == "2020-12-31" and start["target_passed"] is False
    assert start["nature_text"] == "方案目标（2020年底前）"
    assert start["time_limit"] is None  # a target gets no "承诺" badge
    assert document["plan"]["age_years"] == 0


def test_the_same_target_is_marked_past_its_date_in_2026(advisor: Advisor, presenter: Presenter) -> None:
    for lang in ("zh", "en"):
        document = presenter.assessment_dict(advisor.assess_data(START_UP, date(2026, 11, 28)), lang)
        start = _finding(document, "startup-half-working-day")
        assert start["target_passed"] is True
        assert start["nature_text"] == message_text("nature_target_passed").get(lang)
    assert message_text("nature_target_passed").zh == "方案所定目标期限已过，现行做法以承办部门为准"
    assert document["plan"]["age_years"] == 6


def test_the_target_passes_the_day_after_its_date(advisor: Advisor, presenter: Presenter) -> None:
    on_the_day = presenter.compact_dict(advisor.assess_data(START_UP, date(2020, 12, 31)), "en")
    next_day = presenter.compact_dict(advisor.assess_data(START_UP, date(2021, 1, 1)), "en")
    assert _finding(on_the_day, "startup-half-working-day")["target_passed"] is False
    assert _finding(next_day, "startup-half-working-day")["target_passed"] is True


def test_commitments_pilots_and_explorations_say_what_they_are(advisor: Advisor, presenter: Presenter) -> None:
    document = presenter.assessment_dict(advisor.assess_data({}, date(2026, 11, 28)), "zh")
    assert _finding(document, "planning-permit-10-days")["time_limit"]["text"] == "承诺10个工作日（原13个工作日）"
    assert _finding(document, "planning-permit-10-days")["target_passed"] is False  # a commitment has no date
    assert _finding(document, "name-declaration-commitment")["nature_text"] == "试点"
    assert _finding(document, "standard-land-sme")["nature_text"] == "探索中，以部门答复为准"
    zero_cost = _finding(document, "zero-cost-small-warehousing")  # 力争: an undated aim
    assert zero_cost["nature"] == "target" and zero_cost["target_passed"] is False
    assert all(f["time_limit"] is None for f in document["findings"] if f["nature"] != "commitment")


def test_age_counts_whole_years_from_2020_11_23() -> None:
    assert age_years(date(2020, 11, 23)) == 0
    assert age_years(date(2021, 11, 22)) == 0
    assert age_years(date(2021, 11, 23)) == 1
    assert age_years(date(2026, 11, 28)) == 6


def _assert_plan(plan: dict, as_of: str) -> None:
    assert plan["id"] == "青委办字〔2020〕55号" and plan["in_force_from"] == "2020-11-23" and plan["as_of"] == as_of
    for lang in ("zh", "en"):
        assert LATER_PLANS[lang] in plan["notice"][lang]
    contacts = {item["contact"] for item in plan["check_current"]}
    assert {"天府蓉易享", "96963"} <= contacts


def test_full_and_compact_documents_carry_the_plan(advisor: Advisor, presenter: Presenter) -> None:
    assessment = advisor.assess_data(START_UP, date(2026, 11, 28))
    _assert_plan(presenter.assessment_dict(assessment, "en")["plan"], "2026-11-28")
    _assert_plan(json.loads(presenter.assessment_json(assessment, "zh"))["plan"], "2026-11-28")
    compact = presenter.compact_dict(assessment, "zh")
    _assert_plan(compact["plan"], "2026-11-28")
    start = _finding(compact, "startup-half-working-day")
    assert {key: start[key] for key in ("nature", "target_by", "target_passed", "scope")} == {
        "nature": "target", "target_by": "2020-12-31", "target_passed": True, "scope": "enterprise_in_qingyang"}


def test_the_text_report_opens_with_the_notice_and_marks_each_finding(advisor: Advisor,
                                                                     presenter: Presenter) -> None:
    assessment = advisor.assess_data(START_UP, date(2026, 11, 28))
    for lang in ("zh", "en"):
        text = render_text(presenter.assessment_dict(assessment, lang), lang)
        head = "\n".join(text.splitlines()[:4])
        assert "青委办字〔2020〕55号" in head and "2020-11-23" in head and LATER_PLANS[lang] in head
        start_line = next(line for line in text.splitlines() if ("（九）" in line and "0.5" in line)
                          or "half a working day" in line)
        assert message_text("nature_target_passed").get(lang) in start_line


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "advisor", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_the_cli_prints_the_notice_as_text_and_as_json() -> None:
    text = _cli("assess", "examples/warehouse-1200.json", "--as-of", "2026-11-28")
    assert text.returncode == 0, text.stderr
    assert LATER_PLANS["zh"] in text.stdout and "96963" in text.stdout
    done = _cli("assess", "examples/warehouse-1200.json", "--format", "json", "--as-of", "2020-12-01")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    _assert_plan(document["plan"], "2020-12-01")
    assert not any(f["target_passed"] for f in document["findings"])
