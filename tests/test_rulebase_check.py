"""`advisor rules check`: every problem named with file, rule id and reason; quotes verbatim."""

import shutil
from pathlib import Path

import pytest
import yaml

from advisor.catalog import load_catalog, squash
from advisor.parameters import PARAMETERS_FILE
from advisor.paths import RULES_DIR
from advisor.rulebase import RuleBase, collect, unreviewed
from advisor.rulecheck import check_rulebase


def test_the_shipped_rule_base_is_clean() -> None:
    assert check_rulebase() == []


def test_every_quote_is_verbatim_in_its_article(rulebase: RuleBase) -> None:
    catalog = load_catalog()
    for rule in rulebase.rules.values():
        assert squash(rule.spec.quote) in squash(catalog.articles[rule.spec.article].text), rule.id
    for concept in rulebase.concepts.values():
        if concept.spec.quote:
            assert squash(concept.spec.quote) in squash(catalog.articles[concept.spec.article].text), concept.id


def test_the_catalog_keeps_the_plan_verbatim() -> None:
    shared = Path(__file__).resolve().parents[2] / "shared" / "plan" / "qingyang-2020-55.txt"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout")
    assert load_catalog().plan_text == shared.read_text(encoding="utf-8")


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def _edit_rule(rules_dir: Path, rule_id: str, **changes: object) -> None:
    path = rules_dir / "construction.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for rule in doc["rules"]:
        if rule["id"] == rule_id:
            rule.update(changes)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _problems(rules_dir: Path) -> list[str]:
    rulebase, problems = collect(rules_dir)
    assert rulebase is None
    return [str(problem) for problem in problems]


def test_a_retyped_quote_is_caught(rules_copy: Path) -> None:
    # a full-width comma where the plan has a half-width one
    retyped = "建筑高度 100 米以上的市级重点项目，可在项目所在地办理建筑施工许可"
    _edit_rule(rules_copy, "district-construction-permit-tall", quote=retyped)
    assert _problems(rules_copy) == [
        "construction.yaml: district-construction-permit-tall: quote is not verbatim in the plan (white space aside)"]


def test_a_quote_from_another_article_is_caught(rules_copy: Path) -> None:
    _edit_rule(rules_copy, "online-construction-approval", quote="推进企业投资项目承诺制改革")
    assert _problems(rules_copy) == [
        "construction.yaml: online-construction-approval: quote is in the plan but not in article （四）"]


def test_unknown_field_article_office_and_missing_examples_are_each_reported(rules_copy: Path) -> None:
    _edit_rule(rules_copy, "online-construction-approval", when={"field": "project.colour", "eq": "red"})
    _edit_rule(rules_copy, "phased-acceptance", article="(四)", handled_by=["nobody"])
    _edit_rule(rules_copy, "zero-cost-small-warehousing",
               examples=[{"name": "x", "profile": {}, "expect": "undetermined"}])
    problems = "\n".join(_problems(rules_copy))
    assert "online-construction-approval: when: unknown field 'project.colour'" in problems
    assert "phased-acceptance: unknown article '(四)'" in problems
    assert "phased-acceptance: unknown office or channel 'nobody'" in problems
    assert "zero-cost-small-warehousing: examples lack a profile that is eligible, not_eligible" in problems


def test_an_example_with_the_wrong_expectation_is_reported(rules_copy: Path) -> None:
    _edit_rule(rules_copy, "online-construction-approval", examples=[
        {"name": "has a project", "profile": {"project": {"in_qingyang": True, "has_project": True}},
         "expect": "not_eligible"},
        {"name": "no", "profile": {"project": {"in_qingyang": True, "has_project": False}}, "expect": "eligible"},
        {"name": "?", "profile": {}, "expect": "undetermined"},
    ])
    problems = [str(p) for p in check_rulebase(rules_copy)]
    assert "construction.yaml: online-construction-approval: example 'has a project': expected not_eligible, " \
           "got eligible" in problems


def test_a_broken_yaml_file_names_the_file(rules_copy: Path) -> None:
    (rules_copy / "construction.yaml").write_text("rules: [unclosed", encoding="utf-8")
    problems = _problems(rules_copy)
    assert problems and problems[0].startswith("construction.yaml: (file): ")


def test_a_theme_too_wide_for_the_engine_is_reported(rules_copy: Path, tmp_path: Path) -> None:
    parameters = yaml.safe_load(PARAMETERS_FILE.read_text(encoding="utf-8"))
    for index in range(1, 71):  # 70 thresholds of the plan's 1500 m² article, each its own number
        parameters["parameters"][f"wide.rule{index}.min_floor_area_m2"] = {
            "description": {"zh": "宽", "en": "wide"}, "unit": "m2", "article": "（四）", "stated_as": "1500",
            "words": "1500 平方米以下", "reading": {"zh": "试验", "en": "a test"}, "values": {"2020-11-23": index}}
    parameters_file = tmp_path / "parameters.yaml"
    parameters_file.write_text(yaml.safe_dump(parameters, allow_unicode=True), encoding="utf-8")
    rules = [{"id": f"wide-{index}", "article": "（四）", "title": {"zh": "宽", "en": "wide"}, "kind": "service",
              "nature": "service", "scope": "any", "quote": "完善工程建设项目网上审批服务",
              "when": {"field": "project.floor_area_m2", "gte": {"param": f"wide.rule{index}.min_floor_area_m2"}},
              "benefit": {"zh": "无", "en": "none"}, "handled_by": ["service-centre"],
              "examples": [{"name": "e", "profile": {}, "expect": "undetermined"},
                           {"name": "y", "profile": {"project": {"floor_area_m2": 100}}, "expect": "eligible"},
                           {"name": "n", "profile": {"project": {"floor_area_m2": 0}}, "expect": "not_eligible"}]}
             for index in range(1, 71)]
    (rules_copy / "wide.yaml").write_text(yaml.safe_dump({"theme": "wide", "title": {"zh": "宽", "en": "wide"},
                                                          "rules": rules}, allow_unicode=True), encoding="utf-8")
    [problem] = check_rulebase(rules_copy, parameters_file)
    assert problem.rule == "(engine)" and "split it" in problem.reason


def test_a_rule_without_nature_is_reported(rules_copy: Path) -> None:
    path = rules_copy / "construction.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    del next(rule for rule in doc["rules"] if rule["id"] == "phased-acceptance")["nature"]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert _problems(rules_copy) == ["construction.yaml: phased-acceptance: nature: Field required"]


def test_a_commitment_badge_on_a_target_is_reported(rules_copy: Path) -> None:
    # 力争 is an aim: the plan commits to no time limit there
    _edit_rule(rules_copy, "zero-cost-small-warehousing", time_limit={
        "committed": {"param": "construction.simple_low_risk.committed_working_days"}, "unit": "working_days"})
    assert _problems(rules_copy) == [
        "construction.yaml: zero-cost-small-warehousing: time_limit is a commitment badge, but the rule's nature is "
        "target: state the plan's figure in the benefit instead"]


def test_a_target_date_on_a_commitment_is_reported(rules_copy: Path) -> None:
    _edit_rule(rules_copy, "list-commitment-80-days", target_by="2020-12-31")
    assert _problems(rules_copy) == [
        "construction.yaml: list-commitment-80-days: target_by belongs to a target, the rule's nature is commitment"]


def test_an_outside_fact_that_decides_is_reported(rules_copy: Path) -> None:
    concepts = rules_copy / "concepts.yaml"
    doc = yaml.safe_load(concepts.read_text(encoding="utf-8"))
    doc["concepts"].append({"id": "tall_by_shandong", "title": {"zh": "外省标准", "en": "another province"},
                            "source": "shandong-low-risk-2020", "basis": {"zh": "外省", "en": "elsewhere"},
                            "when": {"field": "project.height_m", "lte": 24}})
    concepts.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _edit_rule(rules_copy, "phased-acceptance", when={"concept": "tall_by_shandong"})
    assert _problems(rules_copy) == [
        "construction.yaml: phased-acceptance: concept 'tall_by_shandong' is a public fact (shandong-low-risk-2020) "
        "and decides here: outside facts are only shown (public_facts)"]


def test_a_municipal_programme_must_name_its_owner(rules_copy: Path) -> None:
    _edit_rule(rules_copy, "phased-acceptance", scope="municipal", notes=[])
    assert _problems(rules_copy) == [
        "construction.yaml: phased-acceptance: a municipal programme needs a note naming its owner"]


def test_rules_never_reviewed_are_listed(rules_copy: Path) -> None:
    path = rules_copy / "construction.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    del next(rule for rule in doc["rules"] if rule["id"] == "phased-acceptance")["reviewed"]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    rulebase, problems = collect(rules_copy)
    assert rulebase is not None and problems == []
    assert [rule.id for rule in unreviewed(rulebase)] == ["phased-acceptance"]


def test_every_shipped_rule_has_a_nature_and_only_commitments_carry_a_time_limit(rulebase: RuleBase) -> None:
    natures = {rule.spec.nature for rule in rulebase.rules.values()}
    assert natures == {"commitment", "target", "pilot", "exploration", "service"}
    for rule in rulebase.rules.values():
        if rule.spec.time_limit is not None:
            assert rule.spec.nature == "commitment", rule.id
    assert rulebase.rules["startup-half-working-day"].spec.time_limit is None
    assert rulebase.rules["planning-permit-10-days"].spec.time_limit is not None
