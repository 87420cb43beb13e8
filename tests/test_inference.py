"""Ask less: what the plan's words or other answers settle is inferred ("由您的回答推知"), never asked;
an explicit answer always decides, and one that contradicts the others is a warning."""

from advisor.assess import Advisor
from advisor.next_questions import next_questions
from advisor.present import Presenter
from advisor.textreport import render_text

WAREHOUSE_1200 = {"in_qingyang": True, "funding": "enterprise", "type": "warehouse", "low_risk": True,
                  "floor_area_m2": 1200}


def status(assessment, rule_id: str) -> str:
    return next(f.status for f in assessment.findings if f.rule.id == rule_id)


def test_the_plans_own_words_make_a_1500_m2_low_risk_warehouse_small(advisor: Advisor) -> None:
    assessment = advisor.assess_data({"project": WAREHOUSE_1200})
    assert status(assessment, "one-stop-small-industrial") == "eligible"
    assert status(assessment, "zero-cost-small-warehousing") == "eligible"
    assert ("project.small_scale", True) in {(i.field, i.value) for i in assessment.inferred}
    assert ("project.has_project", True) in {(i.field, i.value) for i in assessment.inferred}
    asked = {q.path for q in next_questions(assessment, advisor.rulebase)}
    assert not asked & {"project.small_scale", "project.has_project"}


def test_a_larger_warehouse_is_not_made_small_and_the_question_stays(advisor: Advisor) -> None:
    assessment = advisor.assess_data({"project": {**WAREHOUSE_1200, "floor_area_m2": 1800}})
    assert status(assessment, "one-stop-small-industrial") == "undetermined"
    assert "project.small_scale" in {q.path for q in next_questions(assessment, advisor.rulebase)}


def test_other_answers_imply_gas_foreign_staff_and_services(advisor: Advisor) -> None:
    assessment = advisor.assess_data({
        "enterprise": {"in_qingyang": True},
        "project": {"in_qingyang": True},  # the gas is connected at a Qingyang site
        "utilities": {"user_type": "non_residential", "gas_works": "small_micro"},
        "foreign": {"needs_residence_permit": True},
        "registration": {"starting_company": True}})
    inferred = {(i.field, i.value) for i in assessment.inferred}
    assert {("utilities.needs_gas", True), ("foreign.has_foreign_staff", True),
            ("enterprise.needs_tax_services", True), ("enterprise.needs_government_services", True)} <= inferred
    for rule_id in ("gas-small-micro-4-days", "home-in-chengdu-community-services", "tax-one-hall",
                    "at-most-two-signatures"):
        assert status(assessment, rule_id) == "eligible", rule_id


def test_an_explicit_answer_decides_and_a_contradiction_is_a_warning(advisor: Advisor) -> None:
    assessment = advisor.assess_data({"enterprise": {"in_qingyang": True},
                                      "utilities": {"needs_gas": False, "gas_works": "other"}})
    assert status(assessment, "gas-two-steps-two-documents") == "not_eligible"
    [warning] = [w for w in assessment.warnings if w.path == "utilities.needs_gas"]
    assert warning.level == "warning" and "不一致" in warning.message.zh
    assert not [i for i in assessment.inferred if i.field == "utilities.needs_gas"]


def test_no_warning_when_answers_agree(advisor: Advisor) -> None:
    assessment = advisor.assess_data({"utilities": {"needs_gas": True, "gas_works": "other"},
                                      "project": {"has_project": True, "funding": "enterprise"}})
    assert not assessment.warnings


def test_inferred_answers_are_shown_in_the_documents(advisor: Advisor, presenter: Presenter) -> None:
    assessment = advisor.assess_data({"project": WAREHOUSE_1200})
    document = presenter.assessment_dict(assessment, "zh")
    small = next(item for item in document["inferred"] if item["field"] == "project.small_scale")
    assert small["text"] == "由您的回答推知" and small["value"] is True and "1500" in small["basis"]
    assert {"field": "project.small_scale", "value": True} in presenter.compact_dict(assessment, "en")["inferred"]
    assert "由您的回答推知" in render_text(document, "zh")
