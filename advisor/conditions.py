"""The condition language of the rule base, parsed from YAML and checked against the questions.

A condition is one of:
    {field: project.floor_area_m2, lte: 1500}     a test on one profile field
    {field: ..., lte: {param: NAME}}               the same against a parameter (catalog/parameters.yaml):
                                                   resolved to its value in force, its name kept
    {concept: sme}  /  {concept: sme, is: false}   a shared derived fact
    {all: [...]}  /  {any: [...]}                  conjunction / disjunction
Field operators: eq, neq, lt, lte, gt, gte, in; and `answered: true|false`, whether the question was
answered at all (always known), so that an explicit answer can take precedence over what other
answers imply. There is no free-form negation: `negate`
pushes a negation down to the tests (De Morgan), so the engine never needs one.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from .questions import Question

Op = Literal["eq", "neq", "lt", "lte", "gt", "gte", "in", "answered"]
OPS: tuple[Op, ...] = ("eq", "neq", "lt", "lte", "gt", "gte", "in", "answered")
_ORDER_OPS = ("lt", "lte", "gt", "gte")
_COMPLEMENT: dict[str, Op] = {"lt": "gte", "lte": "gt", "gt": "lte", "gte": "lt", "eq": "neq", "neq": "eq"}

Value = bool | int | float | str

ANSWERED = "answered"  # the operator whose test is known for an unanswered field too


@dataclass(frozen=True, slots=True)
class FieldTest:
    """A test of one profile field against a constant (a parameter's value when `param` names it)."""

    path: str
    op: Op
    value: Value | tuple[Value, ...]
    param: str | None = None


@dataclass(frozen=True, slots=True)
class ConceptTest:
    """A test of a derived concept (true, or false when `expected` is False)."""

    name: str
    expected: bool = True


@dataclass(frozen=True, slots=True)
class AllOf:
    """True when every item is true."""

    items: tuple["Condition", ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """True when at least one item is true."""

    items: tuple["Condition", ...]


Condition = FieldTest | ConceptTest | AllOf | AnyOf


class ConditionError(ValueError):
    """A condition in the rule base is malformed or names something that does not exist."""


def parse(raw: Any, questions: dict[str, Question], concepts: set[str],
          parameters: Mapping[str, float] | None = None) -> Condition:
    """Parse a YAML condition, checking fields, operators, values and concepts exist; `{param: NAME}`
    takes the value of NAME in `parameters` (the values in force)."""
    if not isinstance(raw, dict):
        raise ConditionError(f"a condition must be a mapping, got {raw!r}")
    keys = set(raw)
    if keys in ({"all"}, {"any"}):
        key = next(iter(keys))
        items = raw[key]
        if not isinstance(items, list) or not items:
            raise ConditionError(f"'{key}' needs a non-empty list")
        parsed = tuple(parse(item, questions, concepts, parameters) for item in items)
        return AllOf(parsed) if key == "all" else AnyOf(parsed)
    if "concept" in keys:
        if not keys <= {"concept", "is"}:
            raise ConditionError(f"unexpected keys beside 'concept': {sorted(keys - {'concept', 'is'})}")
        name = raw["concept"]
        if name not in concepts:
            raise ConditionError(f"unknown concept '{name}'")
        expected = raw.get("is", True)
        if not isinstance(expected, bool):
            raise ConditionError(f"concept '{name}': 'is' must be true or false")
        return ConceptTest(name, expected)
    if "field" in keys:
        return _parse_field_test(raw, questions, parameters or {})
    raise ConditionError(f"a condition needs one of field / concept / all / any, got keys {sorted(keys)}")


def _parse_field_test(raw: dict[str, Any], questions: dict[str, Question], parameters: Mapping[str, float]
                      ) -> FieldTest:
    path = raw["field"]
    question = questions.get(path)
    if question is None:
        raise ConditionError(f"unknown field '{path}'")
    ops = [key for key in raw if key != "field"]
    if len(ops) != 1 or ops[0] not in OPS:
        raise ConditionError(f"field '{path}' needs exactly one operator of {', '.join(OPS)}, got {ops}")
    op: Op = ops[0]
    value = raw[op]
    if op == "in":
        if question.type != "enum" or not isinstance(value, list) or not value:
            raise ConditionError(f"field '{path}': 'in' needs an enum field and a non-empty list")
        for item in value:
            _check_value(question, item)
        return FieldTest(path, op, tuple(value))
    if op == "answered":
        if not isinstance(value, bool):
            raise ConditionError(f"field '{path}': 'answered' needs true or false")
        return FieldTest(path, op, value)
    if op in _ORDER_OPS and question.type not in ("integer", "number"):
        raise ConditionError(f"field '{path}': '{op}' needs a numeric field, this one is {question.type}")
    param = None
    if isinstance(value, dict):
        if set(value) != {"param"} or question.type not in ("integer", "number"):
            raise ConditionError(f"field '{path}': a value {{param: NAME}} needs a numeric field")
        param = value["param"]
        if param not in parameters:
            raise ConditionError(f"field '{path}': unknown parameter {param!r} (catalog/parameters.yaml)")
        value = plain_number(parameters[param])
    _check_value(question, value)
    return FieldTest(path, op, value, param)


def plain_number(value: float) -> int | float:
    """A parameter's value as the rules wrote numbers: 1500.0 -> 1500 (the same in JSON and in the engine)."""
    return int(value) if float(value).is_integer() else value


def with_values(condition: Condition, values: Mapping[str, float]) -> Condition:
    """The condition with each parameter's test comparing with its value in `values` (others unchanged)."""
    if isinstance(condition, FieldTest):
        if condition.param is None or condition.param not in values:
            return condition
        value = plain_number(values[condition.param])
        return condition if value == condition.value else replace(condition, value=value)
    if isinstance(condition, ConceptTest):
        return condition
    items = tuple(with_values(item, values) for item in condition.items)
    if all(new is old for new, old in zip(items, condition.items, strict=True)):
        return condition
    return AllOf(items) if isinstance(condition, AllOf) else AnyOf(items)


def parameters_of(condition: Condition) -> set[str]:
    """Every parameter a condition compares with directly (not through concepts)."""
    if isinstance(condition, FieldTest):
        return {condition.param} if condition.param else set()
    if isinstance(condition, ConceptTest):
        return set()
    return set().union(*(parameters_of(item) for item in condition.items))


def _check_value(question: Question, value: Any) -> None:
    kind = question.type
    ok = (
        (kind == "bool" and isinstance(value, bool))
        or (kind == "enum" and isinstance(value, str) and question.option(value) is not None)
        or (kind in ("integer", "number") and isinstance(value, int | float) and not isinstance(value, bool))
    )
    if not ok:
        raise ConditionError(f"field '{question.path}': value {value!r} does not fit a {kind} question")


def negate(condition: Condition, questions: dict[str, Question]) -> Condition:
    """The condition that is true exactly when `condition` is false (both known)."""
    if isinstance(condition, ConceptTest):
        return ConceptTest(condition.name, not condition.expected)
    if isinstance(condition, AllOf):
        return AnyOf(tuple(negate(item, questions) for item in condition.items))
    if isinstance(condition, AnyOf):
        return AllOf(tuple(negate(item, questions) for item in condition.items))
    if condition.op == "in":
        assert isinstance(condition.value, tuple)
        return AllOf(tuple(FieldTest(condition.path, "neq", value) for value in condition.value))
    if condition.op in ("eq", "answered") and isinstance(condition.value, bool):
        return FieldTest(condition.path, condition.op, not condition.value)
    return FieldTest(condition.path, _COMPLEMENT[condition.op], condition.value, condition.param)


def fields_of(condition: Condition) -> set[str]:
    """Every profile field a condition reads directly (not through concepts)."""
    if isinstance(condition, FieldTest):
        return {condition.path}
    if isinstance(condition, ConceptTest):
        return set()
    return set().union(*(fields_of(item) for item in condition.items))


def concepts_of(condition: Condition) -> set[str]:
    """Every concept a condition reads directly."""
    if isinstance(condition, ConceptTest):
        return {condition.name}
    if isinstance(condition, FieldTest):
        return set()
    return set().union(*(concepts_of(item) for item in condition.items))


def expand(condition: Condition, definitions: dict[str, Condition], questions: dict[str, Question]) -> Condition:
    """The condition with every concept replaced by its definition (negated where `is: false`)."""
    if isinstance(condition, ConceptTest):
        inner = expand(definitions[condition.name], definitions, questions)
        return inner if condition.expected else negate(inner, questions)
    if isinstance(condition, AllOf):
        return AllOf(tuple(expand(item, definitions, questions) for item in condition.items))
    if isinstance(condition, AnyOf):
        return AnyOf(tuple(expand(item, definitions, questions) for item in condition.items))
    return condition
