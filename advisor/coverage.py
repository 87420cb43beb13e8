"""Rule-base coverage: per article (rules, examples) and per sentence of the enterprise-facing articles.

A sentence is covered when a rule of its article quotes part of it (or all of it). Sentences that
only describe the district's internal work are listed in catalog/internal_sentences.yaml with the
reason, so what remains uncovered is what an enterprise could use and no rule yet encodes.
"""

import re
from dataclasses import dataclass
from functools import cache

from .catalog import squash
from .datafile import read_yaml
from .paths import CATALOG_DIR
from .rulebase import RuleBase

INTERNAL_SENTENCES = CATALOG_DIR / "internal_sentences.yaml"


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


def sentences(text: str) -> list[str]:
    """An article's sentences (split at 。 and ；), white space removed, its title sentence dropped."""
    parts = [squash(part) for part in re.split(r"[。；]", text)]
    return [part for part in parts[1:] if part]


@cache
def _internal() -> dict[str, tuple[str, ...]]:
    data = read_yaml(INTERNAL_SENTENCES)
    return {article: tuple(squash(start) for start in starts) for article, starts in data["internal"].items()}


def uncovered_sentences(rulebase: RuleBase) -> list[tuple[str, str]]:
    """(article, sentence) for each sentence of an enterprise-facing article that no rule quotes and
    that is not marked as the district's internal work."""
    internal = _internal()
    found = []
    for article in rulebase.catalog.articles.values():
        if article.audience == "government":
            continue
        quotes = [squash(rule.spec.quote) for rule in rulebase.rules.values() if rule.spec.article == article.id]
        for sentence in sentences(article.text):
            if any(quote in sentence or sentence in quote for quote in quotes):
                continue
            if any(sentence.startswith(start) for start in internal.get(article.id, ())):
                continue
            found.append((article.id, sentence))
    return found
