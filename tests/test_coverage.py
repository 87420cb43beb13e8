"""`advisor rules coverage`: every enterprise-facing sentence that no rule encodes is listed."""

from advisor.catalog import squash
from advisor.coverage import sentences, uncovered, uncovered_sentences
from advisor.rulebase import RuleBase


def test_article_17_the_platform_our_api_serves_is_enterprise_facing_and_encoded(rulebase: RuleBase) -> None:
    assert rulebase.catalog.articles["（十七）"].audience != "government"
    rules = {rule.id for rule in rulebase.rules.values() if rule.spec.article == "（十七）"}
    assert {"policy-platforms-query-apply-rate", "policy-monthly-redemption", "precise-policy-push"} <= rules
    assert not [s for article, s in uncovered_sentences(rulebase) if article == "（十七）"]


def test_every_clause_the_review_found_without_a_rule_now_has_one(rulebase: RuleBase) -> None:
    clauses = {"（八）": "好差评", "（四）": "临时占用挖掘", "（二）": "出让合同变更", "（十五）": "增资扩股",
               "（二十五）": "降低企业用电、用气、物流成本", "（二十七）": "破产涉税", "（九）": "证照分离",
               "（十）": "智能导税", "（二十六）": "信用分级分类监管"}
    for article, words in clauses.items():
        assert any(words in squash(rule.spec.quote) for rule in rulebase.rules.values()
                   if rule.spec.article == article), (article, words)
    assert any("涉审中介机构服务收费监管" in squash(rule.spec.quote) for rule in rulebase.rules.values())
    assert any("120小时压缩至100小时" in squash(rule.spec.quote) for rule in rulebase.rules.values())


def test_a_sentence_without_a_rule_is_listed_and_internal_work_is_not(rulebase: RuleBase) -> None:
    listed = uncovered_sentences(rulebase)
    assert ("（三十）", "提高司法审判和执行效率,防止因诉讼拖延影响企业生产经营") in listed
    assert not any(sentence.startswith("按照市上统一规划部署") for _, sentence in listed)  # 5G coverage
    assert not any(article == "（三十二）" for article, _ in listed)  # a government article
    assert uncovered(rulebase) == []


def test_sentences_drop_the_title_and_split_at_full_stops() -> None:
    text = "(十) 优化税费服务。 落实减税降费; 确保应享尽享。推广 “非接触式”办税。"
    assert sentences(text) == ["落实减税降费;确保应享尽享", "推广“非接触式”办税"]
