"""The explainer: evaluates the same conditions as the engine, three-valued, with reasons.

true / false / None (unknown). An unanswered field makes its test unknown, never false; `all`
is false if any item is false, else unknown if any is unknown; `any` is true if any item is
true, else unknown if any is unknown. Each test records the enterprise's value, the required
one and, for a failed numeric threshold, the smallest change that would pass it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from .conditions import ANSWERED, COMPARE, AllOf, ConceptTest, Condition, FieldTest
from .rulebase import RuleBase

Tri = bool | None


@dataclass(frozen=True, slots=True)
class Gap:
    """The smallest change of a number that would pass a failed threshold."""

    direction: Literal["decrease", "increase"]
    amount: float
    strict: bool  # True: the change must be MORE than `amount` (a strict < or > on a real number)


@dataclass(slots=True)  # not frozen: a frozen dataclass is several times slower to build
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


Evaluator = Callable[[dict[str, Any], dict[str, Check]], Check]


class Explainer:
    """Three-valued evaluation of a rule base's concepts and rules.

    Each condition is compiled once into a closure, so an assessment is plain function calls.
    """

    def __init__(self, rulebase: RuleBase) -> None:
        self.rulebase = rulebase
        self._integer_fields = {path for path, q in rulebase.questions.by_path.items() if q.type == "integer"}
        self._concepts = [(c.id, self.compile(c.condition))
                          for c in sorted(rulebase.concepts.values(), key=lambda c: c.layer)]
        self._rules = {rule.id: self.compile(rule.condition) for rule in rulebase.rules.values()}
        self._concept_by_id = dict(self._concepts)

    def concepts(self, answers: dict[str, Any]) -> dict[str, Check]:
        """Every concept's evaluated check, computed once, in layer order."""
        done: dict[str, Check] = {}
        for concept_id, evaluate in self._concepts:
            done[concept_id] = evaluate(answers, done)
        return done

    def concept(self, concept_id: str, answers: dict[str, Any], concepts: dict[str, Check]) -> Check:
        """Evaluate one concept on `answers`, reading the concepts it builds on from `concepts`."""
        return self._concept_by_id[concept_id](answers, concepts)

    def rule(self, rule_id: str, answers: dict[str, Any], concepts: dict[str, Check]) -> Check:
        """Evaluate one rule of the rule base."""
        return self._rules[rule_id](answers, concepts)

    def compile(self, condition: Condition) -> Evaluator:
        """A closure evaluating `condition` three-valued with its reasons."""
        if isinstance(condition, FieldTest):
            return self._compile_field(condition)
        if isinstance(condition, ConceptTest):
            name, expected = condition.name, condition.expected

            def concept(answers: dict[str, Any], concepts: dict[str, Check]) -> Check:
                inner = concepts[name]
                result = None if inner.result is None else inner.result == expected
                return Check("concept", result, name, "eq", expected, inner.result, None, (inner,))
            return concept
        items = tuple(self.compile(item) for item in condition.items)
        if isinstance(condition, AllOf):
            def all_of(answers: dict[str, Any], concepts: dict[str, Check]) -> Check:
                checks = tuple([item(answers, concepts) for item in items])
                result: Tri = True
                for check in checks:
                    if check.result is False:
                        result = False
                        break
                    if check.result is None:
                        result = None
                return Check("all", result, "", "", None, None, None, checks)
            return all_of

        def any_of(answers: dict[str, Any], concepts: dict[str, Check]) -> Check:
            checks = tuple([item(answers, concepts) for item in items])
            result: Tri = False
            for check in checks:
                if check.result is True:
                    result = True
                    break
                if check.result is None:
                    result = None
            return Check("any", result, "", "", None, None, None, checks)
        return any_of

    def _compile_field(self, test: FieldTest) -> Evaluator:
        path, op, required = test.path, test.op, test.value
        compare = COMPARE[op]
        threshold = op in ("lt", "lte", "gt", "gte")
        integer = path in self._integer_fields
        unknown = Check("field", None, path, op, required)  # immutable, so shared by every evaluation
        if op == ANSWERED:  # whether the question was answered: always known
            def answered_test(answers: dict[str, Any], concepts: dict[str, Check]) -> Check:
                actual = answers.get(path)
                return Check("field", compare(actual, required), path, op, required, actual, None, ())
            return answered_test

        def field_test(answers: dict[str, Any], concepts: dict[str, Check]) -> Check:
            actual = answers.get(path)
            if actual is None:
                return unknown
            if compare(actual, required):
                return Check("field", True, path, op, required, actual, None, ())
            return Check("field", False, path, op, required, actual,
                         _gap(test, actual, integer) if threshold else None)
        return field_test


StatusTest = Callable[[dict[str, Any], dict[str, Tri]], Tri]


def compile_status(condition: Condition) -> StatusTest:
    """A closure giving only the three-valued result of a condition (no reasons): for screening many
    profiles, where the statuses and the open questions are all that is needed.

    Same semantics as Explainer.compile; `concepts` maps each concept id to its true/false/None.
    """
    if isinstance(condition, FieldTest):
        path, required, compare = condition.path, condition.value, COMPARE[condition.op]
        if condition.op == ANSWERED:
            def answered(answers: dict[str, Any], concepts: dict[str, Tri]) -> Tri:
                return compare(answers.get(path), required)
            return answered

        def field(answers: dict[str, Any], concepts: dict[str, Tri]) -> Tri:
            actual = answers.get(path)
            return None if actual is None else compare(actual, required)
        return field
    if isinstance(condition, ConceptTest):
        name, expected = condition.name, condition.expected

        def concept(answers: dict[str, Any], concepts: dict[str, Tri]) -> Tri:
            value = concepts[name]
            return None if value is None else value == expected
        return concept
    items = tuple(compile_status(item) for item in condition.items)
    if isinstance(condition, AllOf):
        def all_of(answers: dict[str, Any], concepts: dict[str, Tri]) -> Tri:
            unknown = False
            for item in items:
                result = item(answers, concepts)
                if result is False:
                    return False
                if result is None:
                    unknown = True
            return None if unknown else True
        return all_of

    def any_of(answers: dict[str, Any], concepts: dict[str, Tri]) -> Tri:
        unknown = False
        for item in items:
            result = item(answers, concepts)
            if result is True:
                return True
            if result is None:
                unknown = True
        return None if unknown else False
    return any_of


def missing_fields(check: Check) -> list[str]:
    """The unanswered fields whose answers could settle an unknown check, in order."""
    if check.result is not None:
        return []
    found: dict[str, None] = {}  # an ordered set
    stack = [check]
    while stack:
        current = stack.pop()
        if current.kind == "field":
            found[current.subject] = None
        else:
            stack.extend(item for item in reversed(current.items) if item.result is None)
    return list(found)


def failing_checks(check: Check) -> list[Check]:
    """The field tests that make a false check false (through groups and concepts)."""
    if check.result is not False:
        return []
    if check.kind == "field":
        return [check]
    if check.kind == "concept" and check.required is False:
        return [check]  # the concept holds where the rule needs it not to: the concept itself is the reason
    return [leaf for item in check.items for leaf in failing_checks(item)]
