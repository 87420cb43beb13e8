"""A plain-Python evaluation of the same rules: the yardstick the engine's figures stand beside.

Each rule's and concept's condition (advisor.conditions) is compiled into nested Python
closures, two-valued like the engine: a missing field makes its test false. Concepts are
derived like the compiled rulesets do: true when their condition holds, false when its
negation holds, absent otherwise, in layer order.
"""

import operator
from collections.abc import Callable
from typing import Any

from advisor.conditions import ANSWERED, AllOf, AnyOf, ConceptTest, Condition, FieldTest, negate
from advisor.rulebase import RuleBase

Answers = dict[str, Any]
Concepts = dict[str, bool]
Test = Callable[[Answers, Concepts], bool]

# What each operator means on an answered field, written apart from the advisor's evaluator on purpose.
COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq, "neq": operator.ne, "lt": operator.lt, "lte": operator.le, "gt": operator.gt,
    "gte": operator.ge, "in": lambda actual, allowed: actual in allowed,
    "answered": lambda actual, wanted: (actual is not None) == wanted,  # called on None too
}


def compile_condition(condition: Condition) -> Test:
    """A closure (answers, concepts) -> bool for one condition; missing means false."""
    if isinstance(condition, FieldTest):
        path, required, compare = condition.path, condition.value, COMPARE[condition.op]
        if condition.op == ANSWERED:  # whether the question was answered: known either way
            return lambda answers, concepts: compare(answers.get(path), required)

        def field(answers: Answers, concepts: Concepts) -> bool:
            actual = answers.get(path)
            return actual is not None and compare(actual, required)
        return field
    if isinstance(condition, ConceptTest):
        name, expected = condition.name, condition.expected
        return lambda answers, concepts: concepts.get(name) is expected
    items = tuple(compile_condition(item) for item in condition.items)
    if isinstance(condition, AllOf):
        return lambda answers, concepts: all(item(answers, concepts) for item in items)
    assert isinstance(condition, AnyOf)
    return lambda answers, concepts: any(item(answers, concepts) for item in items)


class Reference:
    """The rule base as plain Python: evaluate() returns the fired (eligible) rule ids."""

    def __init__(self, rulebase: RuleBase) -> None:
        questions = rulebase.questions.by_path
        self.concepts = [(concept.id, compile_condition(concept.condition),
                          compile_condition(negate(concept.condition, questions)))
                         for concept in sorted(rulebase.concepts.values(), key=lambda c: c.layer)]
        self.rules = [(rule.id, compile_condition(rule.condition)) for rule in rulebase.rules.values()]

    def evaluate(self, answers: Answers) -> set[str]:
        """The rules that hold for flat answers ({dotted path: value})."""
        concepts: Concepts = {}
        for name, holds, fails in self.concepts:
            if holds(answers, concepts):
                concepts[name] = True
            elif fails(answers, concepts):
                concepts[name] = False
        return {rule_id for rule_id, holds in self.rules if holds(answers, concepts)}
