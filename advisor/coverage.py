"""Rule-base coverage per article: rules, examples, and enterprise-facing articles with none."""

from dataclasses import dataclass

from .rulebase import RuleBase


@dataclass(frozen=True, slots=True)
class ArticleCoverage:
    article: str
    title: str
    audience: str
    rules: tuple[str, ...]
    examples: int


def coverage(rulebase: RuleBase) -> list[ArticleCoverage]:
    """One row per article of the plan, in order."""
    rows = []
    for article in rulebase.catalog.articles.values():
        rules = [rule for rule in rulebase.rules.values() if rule.spec.article == article.id]
        rows.append(ArticleCoverage(article.id, article.title.zh, article.audience,
                                    tuple(rule.id for rule in rules),
                                    sum(len(rule.spec.examples) for rule in rules)))
    return rows


def uncovered(rulebase: RuleBase) -> list[str]:
    """Enterprise-facing (or service) articles that no rule encodes."""
    return [row.article for row in coverage(rulebase) if row.audience != "government" and not row.rules]
