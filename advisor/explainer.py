"""The explainer: evaluates the same conditions as the engine, three-valued, with reasons.

true / false / None (unknown). An unanswered field makes its test unknown, never false; `all`
is false if any item is false, else unknown if any is unknown; `any` is true if any item is
true, else unknown if any is unknown. Each test records the enterprise's value, the required
one and, for a failed numeric threshold, the smallest change that would pass it.

This module is the one three-valued evaluator. Every condition of the rule base is compiled here,
once, into generated Python (one function per concept and rule: plain statements, no call per
condition node), in two forms built from the same pieces (`_Source`): with reasons (a Check tree,
for the advice) and statuses only (true / false / None, for screening many profiles and for the
inferences). The truth table above is written once, in `_Source`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from typing import Any, Literal

from .conditions import ANSWERED, AllOf, ConceptTest, Condition, FieldTest
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
    # Which condition of the rule base this evaluates: an equal test, concept test or group has the same
    # number wherever it appears (any rule or concept), so within one assessment a number names one result;
    # the API's full document lists each evaluated condition once by it (present.py). -1: built by hand.
    node: int = -1


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


_PYTHON_OPS = {"eq": "==", "neq": "!=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">=", "in": "in"}
_THRESHOLDS = ("lt", "lte", "gt", "gte")

Evaluator = Callable[[dict[str, Any], dict[str, Check]], Check]
StatusTest = Callable[[dict[str, Any], dict[str, Tri]], Tri]


class _Source:
    """Python source of conditions over `a` (flat answers) and `c` (concepts: Checks, or statuses).

    The three-valued semantics live in `compare`, `concept` and `combine`; `status` builds an
    expression of them, `explained` statements building the Check tree with the same ones. Constants
    the Checks hold (required values, tests, shared unknown Checks) go into `namespace` by name."""

    def __init__(self, rulebase: RuleBase) -> None:
        self.rulebase = rulebase
        self.integer_fields = {path for path, q in rulebase.questions.by_path.items() if q.type == "integer"}
        self.namespace: dict[str, Any] = {"Check": Check, "_gap": _gap}
        self._names = count()
        self.nodes: dict[str, int] = {}  # each distinct condition's number, by its repr (1500 and 1500.0 differ)

    def node(self, condition: Condition) -> int:
        """The number of a condition: the same for an equal condition anywhere in the rule base."""
        return self.nodes.setdefault(repr(condition), len(self.nodes))

    def name(self, prefix: str, *value: Any) -> str:
        """A fresh name; with a value, the name of that constant in the generated code."""
        name = f"{prefix}{next(self._names)}"
        if value:
            self.namespace[name] = value[0]
        return name

    # --- the truth table --------------------------------------------------------------------
    @staticmethod
    def compare(test: FieldTest, actual: str) -> str:
        """An answered field's test (`actual` is not None): true or false."""
        return f"{actual} {_PYTHON_OPS[test.op]} {test.value!r}"

    @staticmethod
    def answered(test: FieldTest, actual: str) -> str:
        """Whether the question was answered (`actual` may be None): always known."""
        return f"(({actual} is not None) == {test.value!r})"

    @staticmethod
    def concept(test: ConceptTest, value: str) -> str:
        """A concept test, given the concept's value (true, false or None)."""
        return f"(None if {value} is None else {value} == {test.expected!r})"

    @staticmethod
    def combine(group: Condition, results: str) -> str:
        """`all` / `any` of a tuple of item results."""
        decisive, other = ("False", "True") if isinstance(group, AllOf) else ("True", "False")
        return f"({decisive} if {decisive} in {results} else None if None in {results} else {other})"

    # --- statuses only ----------------------------------------------------------------------
    def status(self, condition: Condition, absent: str = "") -> str:
        """An expression of the condition's three-valued result; the field `absent` reads as unanswered."""
        if isinstance(condition, FieldTest):
            actual = "None" if condition.path == absent else f"a.get({condition.path!r})"
            if condition.op == ANSWERED:
                return self.answered(condition, actual)
            return f"(None if (_v := {actual}) is None else {self.compare(condition, '_v')})"
        if isinstance(condition, ConceptTest):
            return f"({self.concept(condition, f'c[{condition.name!r}]')})"
        results = self.name("_t")
        items = ", ".join(self.status(item, absent) for item in condition.items)
        return f"(({results} := ({items},)) and {self.combine(condition, results)})"

    def missing(self, condition: Condition, depth: int) -> list[str]:
        """Statements appending to `f` the unanswered fields of an unknown condition, in the order
        `missing_fields` gives them for its Check tree."""
        pad = "    " * depth
        if isinstance(condition, FieldTest):
            if condition.op == ANSWERED:
                return []  # never unknown: nothing to ask
            path = condition.path
            return [f"{pad}if a.get({path!r}) is None and {path!r} not in f:", f"{pad}    f.append({path!r})"]
        if isinstance(condition, ConceptTest):
            inner = self.rulebase.concepts[condition.name].condition
            return [f"{pad}if c[{condition.name!r}] is None:", *(self.missing(inner, depth + 1) or [f"{pad}    pass"])]
        lines: list[str] = []
        for item in condition.items:
            if isinstance(item, FieldTest | ConceptTest):  # unknown exactly when its walk finds something
                lines += self.missing(item, depth)
            else:
                lines += [f"{pad}if {self.status(item)} is None:",
                          *(self.missing(item, depth + 1) or [f"{pad}    pass"])]
        return lines or [f"{pad}pass"]

    # --- with reasons -----------------------------------------------------------------------
    def explained(self, condition: Condition, lines: list[str]) -> str:
        """Append statements building the condition's Check to `lines`; return the variable holding it."""
        check = self.name("k")
        if isinstance(condition, FieldTest):
            path, op, node = condition.path, condition.op, self.node(condition)
            required = self.name("_r", condition.value)
            lines.append(f"_v = a.get({path!r})")
            if op == ANSWERED:
                lines.append(f"{check} = Check('field', {self.answered(condition, '_v')}, {path!r}, {op!r}, "
                             f"{required}, _v, None, (), {node})")
                return check
            # Unanswered: one shared Check per test, immutable in practice (presenters key its JSON by it).
            unknown = self.name("_u", Check("field", None, path, op, condition.value, node=node))
            if op in _THRESHOLDS:
                test = self.name("_f", condition)
                gap = f"_gap({test}, _v, {path in self.integer_fields!r})"
            else:
                gap = "None"
            lines.append(f"{check} = {unknown} if _v is None else (Check('field', True, {path!r}, {op!r}, "
                         f"{required}, _v, None, (), {node}) if {self.compare(condition, '_v')} else Check("
                         f"'field', False, {path!r}, {op!r}, {required}, _v, {gap}, (), {node}))")
            return check
        if isinstance(condition, ConceptTest):
            lines.append(f"_i = c[{condition.name!r}]")
            lines.append(f"{check} = Check('concept', {self.concept(condition, '_i.result')}, "
                         f"{condition.name!r}, 'eq', {condition.expected!r}, _i.result, None, (_i,), "
                         f"{self.node(condition)})")
            return check
        items = [self.explained(item, lines) for item in condition.items]
        results = self.name("_t")
        lines.append(f"{results} = ({', '.join(f'{item}.result' for item in items)},)")
        kind = "all" if isinstance(condition, AllOf) else "any"
        lines.append(f"{check} = Check({kind!r}, {self.combine(condition, results)}, '', '', None, None, None, "
                     f"({', '.join(items)},), {self.node(condition)})")
        return check

    def function(self, name: str, args: str, body: list[str]) -> Callable[..., Any]:
        """Compile one generated function (its source is built from our own rule base only)."""
        source = "\n".join([f"def {name}({args}):", *(f"    {line}" for line in body)])
        exec(compile(source, f"<advisor.explainer.{name}>", "exec"), self.namespace)
        return self.namespace[name]  # type: ignore[no-any-return]


class Explainer:
    """Three-valued evaluation of a rule base's concepts and rules, with reasons (Check trees)."""

    def __init__(self, rulebase: RuleBase) -> None:
        self.rulebase = rulebase
        source = _Source(rulebase)
        self._concepts: list[tuple[str, Evaluator]] = []
        for concept in sorted(rulebase.concepts.values(), key=lambda c: c.layer):
            self._concepts.append((concept.id, self._compile(source, f"concept_{len(self._concepts)}",
                                                             concept.condition)))
        self._concept_by_id = dict(self._concepts)
        self._rules = {rule.id: self._compile(source, f"rule_{index}", rule.condition)
                       for index, rule in enumerate(rulebase.rules.values())}

    @staticmethod
    def _compile(source: _Source, name: str, condition: Condition) -> Evaluator:
        lines: list[str] = []
        result = source.explained(condition, lines)
        return source.function(name, "a, c", [*lines, f"return {result}"])  # type: ignore[no-any-return]

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


class Statuses:
    """The same evaluation without reasons: only true / false / None, a few calls per profile.

    concepts(answers) -> {concept id: status}, in layer order; implied(id, answers, statuses) an
    inferring concept's status without its field; rules(answers, concepts) -> the rules' statuses in
    rule-base order; settle(answers, concepts, statuses, counts) counts, per unanswered field, the
    undetermined rules it could settle (fields in the order `missing_fields` gives them)."""

    def __init__(self, rulebase: RuleBase) -> None:
        source = _Source(rulebase)
        layered = sorted(rulebase.concepts.values(), key=lambda c: c.layer)
        self.concepts: Callable[[dict[str, Any]], dict[str, Tri]] = source.function(
            "concepts", "a", ["c = {}", *(f"c[{concept.id!r}] = {source.status(concept.condition)}"
                                        for concept in layered), "return c"])
        # A concept that infers a field, evaluated as if that field were unanswered (assess.py's inferences).
        self._implied: dict[str, StatusTest] = {
            concept.id: source.function(f"implied_{index}", "a, c",
                                        [f"return {source.status(concept.condition, concept.spec.infers)}"])
            for index, concept in enumerate(layered) if concept.spec.infers}
        self.rules: Callable[[dict[str, Any], dict[str, Tri]], tuple[Tri, ...]] = source.function(
            "rules", "a, c", ["return (", *(f"    {source.status(rule.condition)},"
                                           for rule in rulebase.rules.values()), ")"])
        settle: list[str] = []
        for index, rule in enumerate(rulebase.rules.values()):
            settle += [f"if s[{index}] is None:", "    f = []", *source.missing(rule.condition, 1),
                       "    for p in f:", "        counts[p] = counts.get(p, 0) + 1"]
        self.settle: Callable[[dict[str, Any], dict[str, Tri], tuple[Tri, ...], dict[str, int]], None] = \
            source.function("settle", "a, c, s, counts", settle or ["pass"])

    def implied(self, concept_id: str, answers: dict[str, Any], concepts: dict[str, Tri]) -> Tri:
        """What the other answers imply for the field a concept infers: the concept's status with that
        field unanswered, reading the concepts it builds on from `concepts`."""
        return self._implied[concept_id](answers, concepts)


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
    """The field tests that make a false check false (through groups and concepts), in order."""
    found: list[Check] = []
    stack = [check]
    while stack:
        current = stack.pop()
        if current.result is not False:
            continue
        if current.kind == "field" or (current.kind == "concept" and current.required is False):
            # a concept that holds where the rule needs it not to: the concept itself is the reason
            found.append(current)
        else:
            stack.extend(reversed(current.items))
    return found
