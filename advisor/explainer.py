"""The explainer: evaluates the same conditions as the engine, three-valued, with reasons.

true / false / None (unknown). An unanswered field makes its test unknown, never false; `all`
is false if any item is false, else unknown if any is unknown; `any` is true if any item is
true, else unknown if any is unknown. Each test records the enterprise's value, the required
one and, for a failed numeric threshold, the smallest change that would pass it.
"""

from dataclasses import dataclass, field
from typing import Any, Literal

from .conditions import AllOf, AnyOf, Condition, ConceptTest, FieldTest
from .rulebase import RuleBase

Tri = bool | None


@dataclass(frozen=True, slots=True)
class Gap:
    """The smallest change of a number that would pass a failed threshold."""

    direction: Literal["decrease", "increase"]
    amount: float
    strict: bool  # True: the change must be MORE than `amount` (a strict < or > on a real number)


@dataclass(frozen=True, slots=True)
class Check:
    """One evaluated condition: a field test, a concept, or an all/any group with its items."""

    kind: Literal["field", "concept", "all", "any"]
    result: Tri
    subject: str = ""  # field path or concept id
    op: str = ""
    required: Any = None
    actual: Any = None
    gap: Gap | None = None
    items: tuple["Check", ...] = field(default=())


def _gap(test: FieldTest, actual: float, integer: bool) -> Gap | None:
    limit = test.value
    assert isinstance(limit, int | float)
    if test.op == "lte":
        return Gap("decrease", actual - limit, False)
    if test.op == "gte":
        return Gap("increase", limit - actual, False)
    if test.op == "lt":
        return Gap("decrease", actual - limit + 1, False) if integer else Gap("decrease", actual - limit, True)
    if test.op == "gt":
        return Gap("increase", limit - actual + 1, False) if integer else Gap("increase", limit - actual, True)
    return None


def _compare(op: str, actual: Any, required: Any) -> bool:
    if op == "eq":
        return bool(actual == required)
    if op == "neq":
        return bool(actual != required)
    if op == "in":
        return actual in required
    if op == "lt":
        return bool(actual < required)
    if op == "lte":
        return bool(actual <= required)
    if op == "gt":
        return bool(actual > required)
    return bool(actual >= required)


class Explainer:
    """Three-valued evaluation of a rule base's concepts and rules."""

    def __init__(self, rulebase: RuleBase) -> None:
        self.rulebase = rulebase
        self._integer_fields = {path for path, q in rulebase.questions.by_path.items() if q.type == "integer"}
        self._concept_order = sorted(rulebase.concepts.values(), key=lambda c: c.layer)

    def concepts(self, answers: dict[str, Any]) -> dict[str, Check]:
        """Every concept's evaluated check, computed once, in layer order."""
        done: dict[str, Check] = {}
        for concept in self._concept_order:
            done[concept.id] = self.evaluate(concept.condition, answers, done)
        return done

    def evaluate(self, condition: Condition, answers: dict[str, Any], concepts: dict[str, Check]) -> Check:
        """Evaluate one condition against flat answers ({path: value}) and evaluated concepts."""
        if isinstance(condition, FieldTest):
            actual = answers.get(condition.path)
            if actual is None:
                return Check("field", None, condition.path, condition.op, condition.value)
            passed = _compare(condition.op, actual, condition.value)
            gap = None if passed else _gap(condition, actual, condition.path in self._integer_fields) \
                if condition.op in ("lt", "lte", "gt", "gte") else None
            return Check("field", passed, condition.path, condition.op, condition.value, actual, gap)
        if isinstance(condition, ConceptTest):
            inner = concepts[condition.name]
            result = None if inner.result is None else inner.result == condition.expected
            return Check("concept", result, condition.name, "eq", condition.expected, inner.result,
                         items=(inner,))
        items = tuple(self.evaluate(item, answers, concepts) for item in condition.items)
        results = [item.result for item in items]
        if isinstance(condition, AllOf):
            result: Tri = False if False in results else (None if None in results else True)
            return Check("all", result, items=items)
        assert isinstance(condition, AnyOf)
        result = True if True in results else (None if None in results else False)
        return Check("any", result, items=items)


def missing_fields(check: Check) -> list[str]:
    """The unanswered fields whose answers could settle an unknown check, in order."""
    if check.result is not None:
        return []
    if check.kind == "field":
        return [check.subject]
    found: list[str] = []
    for item in check.items:
        for path in missing_fields(item):
            if path not in found:
                found.append(path)
    return found


def failing_checks(check: Check) -> list[Check]:
    """The field tests that make a false check false (through groups and concepts)."""
    if check.result is not False:
        return []
    if check.kind == "field":
        return [check]
    if check.kind == "concept" and check.required is False:
        return [check]  # the concept holds where the rule needs it not to: the concept itself is the reason
    return [leaf for item in check.items for leaf in failing_checks(item)]
