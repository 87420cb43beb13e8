"""`advisor rules coverage`: every enterprise-facing sentence that no rule encodes is listed."""

from advisor.catalog import squash
from advisor.coverage import clauses, open_clauses, sentences, stale_reasons, uncovered, uncovered_clauses
from advisor.rulebase import RuleBase


def test_article_17_the_platform_our_api_serves_is_enterprise_facing_and_encoded(rulebase: RuleBase) -> None:
    assert rulebase.catalog.articles["（十七）"].audience != "government"
    rules = {rule.id for rule in rulebase.rules.values() if rule.spec.article == "（十七）"}
    assert {"policy-platforms-query-apply-rate", "policy-monthly-redemption", "precise-policy-push"} <= rules
    assert not [item for item in uncovered_clauses(rulebase) if item.article == "（十七）"]


def test_every_clause_the_review_found_without_a_rule_now_has_one(rulebase: RuleBase) -> None:
    clauses = {"（八）": "好差评", "（四）": "临时占用挖掘", "（二）": "出让合同变更", "（十五）": "增资扩股",
               "（二十五）": "降低企业用电、用气、物流成本", "（二十七）": "破产涉税", "（九）": "证照分离",
               "（十）": "智能导税", "（二十六）": "信用分级分类监管"}
    for article, words in clauses.items():
        assert any(words in squash(rule.spec.quote) for rule in rulebase.rules.values()
                   if rule.spec.article == article), (article, words)
    assert any("涉审中介机构服务收费监管" in squash(rule.spec.quote) for rule in rulebase.rules.values())
    assert any("120小时压缩至100小时" in squash(rule.spec.quote) for rule in rulebase.rules.values())


def test_every_enterprise_facing_clause_has_a_rule_or_a_stated_reason(rulebase: RuleBase) -> None:
    assert uncovered_clauses(rulebase) == []
    assert stale_reasons(rulebase) == []
    assert uncovered(rulebase) == []


def test_the_clauses_the_review_found_uncovered_now_have_rules(rulebase: RuleBase) -> None:
    clauses_by_article = {"（二十六）": "双随机、一公开", "（二十八）": "腾笼引凤", "（三十）": "中小投资者产权",
                          "（三十一）": "政企沟通机制", "（十一）": "全生命周期综合服务体系",
                          "（五）": "投资项目服务满意度评价", "（四）": "进一步降低报建费用",
                          "（二）": "支持存量工业用地提质改造", "（八）": "办事不出功能区",
                          "（三）": "合并控规调整审查程序",
                          "（二十一）": "新经济应用场景供给"}
    for article, words in clauses_by_article.items():
        assert any(words in squash(rule.spec.quote) for rule in rulebase.rules.values()
                   if rule.spec.article == article), (article, words)
    court = {squash(rule.spec.quote) for rule in rulebase.rules.values() if rule.spec.article == "（三十）"}
    for words in ("提高司法审判和执行效率", "提高违约成本", "虚假诉讼、恶意诉讼"):
        assert any(words in quote for quote in court), words


def test_a_clause_quoted_only_in_part_is_open_with_its_unquoted_words(rulebase: RuleBase) -> None:
    # The 成德眉资 court cooperation shares a clause with the quoted bankruptcy measures; it is open (and
    # then explained by its stated reason), not hidden by them.
    partial = [item for item in open_clauses(rulebase) if item.article == "（二十七）" and item.unquoted != item.clause]
    assert [item.unquoted for item in partial] == ["落实成德眉资同城化发展司法合作服务保障体系、"]


def test_clauses_split_at_commas_outside_quotation_marks() -> None:
    assert clauses("税收、产值等指标按有关文件实行“锁定存量,增量分成”,进一步压缩企业开办时间") == [
        "税收、产值等指标按有关文件实行“锁定存量,增量分成”", "进一步压缩企业开办时间"]


def test_sentences_drop_the_title_and_split_at_full_stops() -> None:
    text = "(十) 优化税费服务。 落实减税降费; 确保应享尽享。推广 “非接触式”办税。"
    assert sentences(text) == ["落实减税降费;确保应享尽享", "推广“非接触式”办税"]
