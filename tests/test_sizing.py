"""Enterprise size by 工信部联企业〔2011〕300号: shown beside the declared size, a warning when they differ,
never deciding (the standard is a public source outside the plan)."""

from hypothesis import given
from hypothesis import strategies as st

from advisor.assess import Advisor
from advisor.present import Presenter
from advisor.sizing import load_standard, size_by_standard


def industry(employees: int, revenue: float) -> str | None:
    return size_by_standard({"enterprise.size_sector": "industry", "enterprise.employees": employees,
                             "enterprise.revenue_10k_yuan": revenue})


def test_the_industry_lines_include_their_number() -> None:
    assert industry(20, 300) == "small" and industry(19, 300) == "micro" and industry(20, 299.99) == "micro"
    assert industry(300, 2000) == "medium" and industry(299, 2000) == "small"
    assert industry(1000, 40000) == "large" and industry(999, 40000) == "medium"  # below either line: SME
    assert industry(1000, 39999) == "medium"


@given(employees=st.integers(min_value=0, max_value=5000), revenue=st.floats(min_value=0, max_value=100000))
def test_industry_thresholds(employees: int, revenue: float) -> None:
    size = industry(employees, revenue)
    if employees >= 1000 and revenue >= 40000:
        assert size == "large"
    elif employees >= 300 and revenue >= 2000:
        assert size == "medium"
    elif employees >= 20 and revenue >= 300:
        assert size == "small"
    else:
        assert size == "micro"


def test_every_sector_is_a_question_option_and_missing_measures_give_nothing(advisor: Advisor) -> None:
    options = {o.value for o in advisor.rulebase.questions.by_path["enterprise.size_sector"].options}
    assert options == {sector.id for sector in load_standard().sectors}
    assert size_by_standard({"enterprise.size_sector": "construction", "enterprise.revenue_10k_yuan": 500}) is None
    assert size_by_standard({"enterprise.size_sector": "other", "enterprise.employees": 150}) == "medium"


def test_the_declared_size_decides_and_a_different_standard_size_is_a_warning(advisor: Advisor,
                                                                              presenter: Presenter) -> None:
    profile = {"enterprise": {"in_qingyang": True, "size": "large", "size_sector": "software_it",
                              "employees": 12, "revenue_10k_yuan": 80}}
    assessment = advisor.assess_data(profile)
    assert assessment.size_by_standard == "small"
    sme = next(f for f in assessment.findings if f.rule.id == "sme-service-activities")
    assert sme.status == "not_eligible"  # the declared "large" is used: the outside standard never decides
    [warning] = [w for w in assessment.warnings if w.path == "enterprise.size"]
    assert "工信部联企业〔2011〕300号" in warning.message.zh and warning.level == "warning"
    shown = presenter.assessment_dict(assessment, "zh")["size_by_standard"]
    assert shown["size"] == "small" and shown["decides"] is False and shown["source"]["confidence"] == "High"
    assert presenter.compact_dict(assessment, "en")["size_by_standard"] == "small"


def test_no_warning_when_they_agree(advisor: Advisor) -> None:
    profile = {"enterprise": {"size": "small", "size_sector": "software_it", "employees": 12,
                              "revenue_10k_yuan": 80}}
    assert not advisor.assess_data(profile).warnings
