"""Synthetic enterprise profiles for demos, tests and benchmarks (no real enterprise data ships).

Each profile answers some sections and leaves the rest unknown, as real users do. Numbers are
drawn around the thresholds the rule base uses (e.g. 1,500 m², DN50, 100 m), so that every
branch of every rule is exercised: exactly at, just below and just above each threshold.
"""

import random
from collections.abc import Iterator
from typing import Any

from .conditions import AllOf, AnyOf, Condition, FieldTest
from .questions import Question
from .rulebase import RuleBase

# How often a section is filled in at all, and how often a question of a filled section is answered.
SECTION_SHARE = {"enterprise": 0.9, "project": 0.45, "registration": 0.3, "finance": 0.4, "ip": 0.3,
                 "talent": 0.35, "foreign": 0.2, "utilities": 0.3, "legal": 0.2, "innovation": 0.35}
ANSWER_SHARE = 0.75
TRUE_SHARE = 0.45
_CHECK_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _thresholds(condition: Condition, found: dict[str, set[float]]) -> None:
    if isinstance(condition, FieldTest):
        if condition.op in ("lt", "lte", "gt", "gte"):
            found.setdefault(condition.path, set()).add(float(condition.value))  # type: ignore[arg-type]
    elif isinstance(condition, AllOf | AnyOf):
        for item in condition.items:
            _thresholds(item, found)


def thresholds(rulebase: RuleBase) -> dict[str, list[float]]:
    """Every numeric threshold per field, from the rules and concepts."""
    found: dict[str, set[float]] = {}
    for concept in rulebase.concepts.values():
        _thresholds(concept.condition, found)
    for rule in rulebase.rules.values():
        _thresholds(rule.condition, found)
    return {path: sorted(values) for path, values in found.items()}


def _credit_code(rng: random.Random) -> str:
    from .creditcode import check_character

    body = "91" + "510105" + "".join(rng.choice(_CHECK_CHARS) for _ in range(9))
    return body + check_character(body + "0")


class ProfileFactory:
    """Draws random but valid raw profiles (dicts, as a form or an API client would send)."""

    def __init__(self, rulebase: RuleBase, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self.sections = [(s.id, s.fields) for s in rulebase.questions.sections]
        self.thresholds = thresholds(rulebase)

    def _number(self, question: Question) -> int | float:
        rng = self.rng
        low = question.min if question.min is not None else 0.0
        high = min(question.max if question.max is not None else 1e6, 1e5)
        cuts = self.thresholds.get(question.path)
        if cuts and rng.random() < 0.7:
            cut = rng.choice(cuts)
            value = cut + rng.choice((-1, 0, 0, 1)) * rng.choice((1, 1, 10, 300))
        else:
            value = rng.uniform(low, high)
        value = min(max(value, low), high)
        if question.type == "integer":
            return round(value)
        return round(value, rng.choice((0, 0, 1, 2)))

    def _value(self, question: Question) -> Any:
        rng = self.rng
        if question.type == "bool":
            return rng.random() < TRUE_SHARE
        if question.type == "enum":
            return rng.choice(question.options).value
        if question.type == "credit_code":
            return _credit_code(rng)
        return self._number(question)

    def profile(self) -> dict[str, dict[str, Any]]:
        """One random profile."""
        rng = self.rng
        out: dict[str, dict[str, Any]] = {}
        for section, fields in self.sections:
            if rng.random() >= SECTION_SHARE.get(section, 0.3):
                continue
            answers = {q.id: self._value(q) for q in fields if rng.random() < ANSWER_SHARE}
            if answers:
                out[section] = answers
        return out

    def profiles(self, count: int) -> Iterator[dict[str, dict[str, Any]]]:
        """`count` random profiles."""
        for _ in range(count):
            yield self.profile()
