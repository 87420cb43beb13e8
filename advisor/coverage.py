"""Rule-base coverage: per article (rules, examples) and per clause of the enterprise-facing articles.

The plan often joins several measures in one sentence with "," or ";", so coverage is counted per clause:
a clause is covered when the quotes of its article's rules cover it, all but a few characters. A clause
quoted only in part (「落实成德眉资…、…破产涉税专项规范」 where a rule quotes the bankruptcy part) is listed
with its unquoted words. Sentences that only describe the district's internal work, and clauses that are
no measure of their own (an aim, a date leading in, a district statistic) or are noted on a rule, are
listed in catalog/internal_sentences.yaml with the reason; what remains is what an enterprise could use
and no rule yet encodes.
"""

import re
from dataclasses import dataclass
from functools import cache

from .catalog import squash
from .datafile import read_yaml
from .paths import CATALOG_DIR
from .rulebase import RuleBase

INTERNAL_SENTENCES = CATALOG_DIR / "internal_sentences.yaml"


# Fewer unquoted characters than this (connectives such as 和、并, an article's "等") do not make a measure.
_MEASURE_CHARS = 4
_OPENERS, _CLOSERS = "“《(（〔", "”》)）〕"
_BREAKS = ",，;；:："


@dataclass(frozen=True, slots=True)
class OpenClause:
    """A clause of an enterprise-facing article that no rule quotes (`unquoted` is the part left open)."""

    article: str
    clause: str
    unquoted: str


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


def clauses(sentence: str) -> list[str]:
    """A sentence's clauses: split at commas, semicolons and colons outside quotation marks and brackets."""
    found, depth, start = [], 0, 0
    for at, char in enumerate(sentence):
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(0, depth - 1)
        elif char in _BREAKS and depth == 0:
            found.append(sentence[start:at])
            start = at + 1
    found.append(sentence[start:])
    return [clause for clause in found if clause]


@cache
def _reasons() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[tuple[str, str], ...]]]:
    """(sentence starts that are internal work, per article) and ((clause words, why), per article)."""
    data = read_yaml(INTERNAL_SENTENCES)
    internal = {article: tuple(squash(start) for start in starts) for article, starts in data["internal"].items()}
    explained = {article: tuple((squash(entry["words"]), entry["why"]) for entry in entries)
                 for article, entries in data["clauses"].items()}
    return internal, explained


def _quoted_mask(text: str, quotes: list[str]) -> list[bool]:
    """For each character of `text`, whether some quote covers it."""
    mask = [False] * len(text)
    for quote in quotes:
        start = text.find(quote)
        while start >= 0:
            mask[start:start + len(quote)] = [True] * len(quote)
            start = text.find(quote, start + 1)
    return mask


def open_clauses(rulebase: RuleBase) -> list[OpenClause]:
    """Every clause of an enterprise-facing article with a measure's worth of unquoted words, except the
    sentences listed as internal work."""
    internal, _ = _reasons()
    found = []
    for article in rulebase.catalog.articles.values():
        if article.audience == "government":
            continue
        quotes = [squash(rule.spec.quote) for rule in rulebase.rules.values() if rule.spec.article == article.id]
        text = squash(article.text)
        mask = _quoted_mask(text, quotes)
        offset = 0
        for sentence in sentences(article.text):
            offset = text.find(sentence, offset)
            if any(sentence.startswith(start) for start in internal.get(article.id, ())):
                continue
            at = offset
            for clause in clauses(sentence):
                at = text.find(clause, at)
                unquoted = "".join(char for char, quoted in zip(clause, mask[at:at + len(clause)], strict=True)
                                   if not quoted)
                if sum(char.isalnum() for char in unquoted) >= _MEASURE_CHARS:
                    found.append(OpenClause(article.id, clause, unquoted))
    return found


def uncovered_clauses(rulebase: RuleBase) -> list[OpenClause]:
    """Each clause of an enterprise-facing article that no rule quotes and no stated reason explains."""
    _, explained = _reasons()
    return [open_clause for open_clause in open_clauses(rulebase)
            if not any(words in open_clause.clause for words, _ in explained.get(open_clause.article, ()))]


def stale_reasons(rulebase: RuleBase) -> list[tuple[str, str]]:
    """(article, words) of each stated reason that explains no open clause: the words were mistyped, or a
    rule now quotes the clause and the reason should go."""
    _, explained = _reasons()
    still_open = open_clauses(rulebase)
    return [(article, words) for article, entries in explained.items() for words, _ in entries
            if not any(item.article == article and words in item.clause for item in still_open)]
