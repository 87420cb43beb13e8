"""The lean path of a batch: eligibility from the engine, the rest from tri-valued closures.

A batch needs per enterprise only each provision's status and, for the undetermined ones, the
unanswered fields; not the reasons, gaps, checklist or texts that Advisor.assess builds. So a
worker runs durable-rules for what fires (as the Advisor does) and plain Python returning
True / False / None for the rest; the missing fields are walked only for undetermined rules,
in the explainer's order. The engine and the closures must agree, as in Advisor.assess: a
disagreement raises DisagreementError (that row fails) rather than giving a wrong answer.
tests/batch checks that the output equals Advisor().assess_data on a sample.

The tri-valued statuses of every concept and rule, and the walk for missing fields, are
compiled into three generated Python functions (one call per profile instead of one closure
call per condition node: profiling showed those calls as the largest cost of a batch). Groups
are evaluated without short-circuit, which is harmless as every test is pure.
"""

from collections.abc import Callable
from itertools import count
from typing import Any

from pydantic import BaseModel

from ..assess import DisagreementError
from ..conditions import ANSWERED, AllOf, ConceptTest, Condition, FieldTest
from ..engine import Engine, EngineResult
from ..explainer import Tri
from ..rulebase import RuleBase

Verdict = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]  # eligible, undetermined, questions


_PYTHON_OPS = {"eq": "==", "neq": "!=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">=", "in": "in"}


def _expression(condition: Condition, names: "count[int]") -> str:
    """Python source of a tri-valued condition over `a` (answers) and `c` (concepts)."""
    if isinstance(condition, FieldTest):
        value = condition.value
        if condition.op == ANSWERED:  # whether the question was answered: always known
            return f"((a.get({condition.path!r}) is not None) == {value!r})"
        return (f"(None if (_v := a.get({condition.path!r})) is None "
                f"else _v {_PYTHON_OPS[condition.op]} {value!r})")
    if isinstance(condition, ConceptTest):
        return f"(None if (_c := c[{condition.name!r}]) is None else _c == {condition.expected!r})"
    items = ", ".join(_expression(item, names) for item in condition.items)
    tup = f"_t{next(names)}"
    decisive, other = ("False", "True") if isinstance(condition, AllOf) else ("True", "False")
    return f"({decisive} if {decisive} in ({tup} := ({items},)) else None if None in {tup} else {other})"


def _walk(condition: Condition, rulebase: RuleBase, names: "count[int]", depth: int) -> list[str]:
    """Statements appending to `f` the unanswered fields of an unknown condition, in the explainer's order."""
    pad = "    " * depth
    if isinstance(condition, FieldTest):
        if condition.op == ANSWERED:
            return []  # never unknown: nothing to ask
        path = condition.path
        return [f"{pad}if a.get({path!r}) is None and {path!r} not in f:", f"{pad}    f.append({path!r})"]
    if isinstance(condition, ConceptTest):
        inner = rulebase.concepts[condition.name].condition
        return [f"{pad}if c[{condition.name!r}] is None:", *(_walk(inner, rulebase, names, depth + 1)
                                                             or [f"{pad}    pass"])]
    lines: list[str] = []
    for item in condition.items:
        if isinstance(item, FieldTest | ConceptTest):  # unknown exactly when its walk finds something
            lines += _walk(item, rulebase, names, depth)
        else:
            lines += [f"{pad}if {_expression(item, names)} is None:",
                      *(_walk(item, rulebase, names, depth + 1) or [f"{pad}    pass"])]
    return lines or [f"{pad}pass"]


Compiled = tuple[Callable[[dict[str, Any]], dict[str, Tri]],
                 Callable[[dict[str, Any], dict[str, Tri]], tuple[Tri, ...]],
                 Callable[[dict[str, Any], dict[str, Tri], tuple[Tri, ...], dict[str, int]], None]]


def _compile(rulebase: RuleBase) -> Compiled:
    """Generated functions: concepts(answers) -> {id: tri}; rules(answers, concepts) -> statuses in
    rule-base order; settle(answers, concepts, statuses, counts) counting, per unanswered field, the
    undetermined rules it could settle (in the order Assessment.questions_to_settle sees them)."""
    names = count()
    lines = ["def concepts(a):", "    c = {}"]
    for concept in sorted(rulebase.concepts.values(), key=lambda c: c.layer):
        lines.append(f"    c[{concept.id!r}] = {_expression(concept.condition, names)}")
    lines += ["    return c", "", "def rules(a, c):", "    return ("]
    lines += [f"        {_expression(rule.condition, names)}," for rule in rulebase.rules.values()]
    lines += ["    )", "", "def settle(a, c, s, counts):"]
    for index, rule in enumerate(rulebase.rules.values()):
        lines += [f"    if s[{index}] is None:", "        f = []", *_walk(rule.condition, rulebase, names, 2),
                  "        for p in f:", "            counts[p] = counts.get(p, 0) + 1"]
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<advisor.batch.lean>", "exec"), namespace)  # source built from our own rule base
    return namespace["concepts"], namespace["rules"], namespace["settle"]


def _nested(profile: BaseModel) -> dict[str, dict[str, Any]]:
    """The answers as the engine takes them (as Advisor.assess does)."""
    return {section: values for section, values in profile.model_dump(exclude_none=True).items() if values}


class LeanScreen:
    """(eligible, undetermined, questions to settle) for a validated profile, like Advisor.assess."""

    def __init__(self, rulebase: RuleBase, engine: Engine, questions: bool = True) -> None:
        self.rulebase = rulebase
        self.engine = engine
        self.questions = questions  # False: skip the walk for missing fields (questions come back empty)
        self.rule_ids = tuple(rulebase.rules)
        self.concept_statuses, self.rule_statuses, self.settle = _compile(rulebase)

    def screen(self, profile: BaseModel) -> Verdict:
        """Statuses and questions of one validated profile; DisagreementError if engine and closures differ."""
        nested = _nested(profile)
        return self.judge(nested, self.engine.evaluate(nested))

    def screen_many(self, profiles: list[BaseModel]) -> list[Verdict | Exception]:
        """screen() for a block, with one engine session per ruleset for the whole block
        (Engine.evaluate_many); a failure is returned in place of its profile's verdict."""
        block = [_nested(profile) for profile in profiles]
        try:
            results = self.engine.evaluate_many(block)
        except Exception:  # find the profile the engine refuses: one at a time
            out: list[Verdict | Exception] = []
            for profile in profiles:
                try:
                    out.append(self.screen(profile))
                except Exception as error:
                    out.append(error)
            return out
        verdicts: list[Verdict | Exception] = []
        for nested, result in zip(block, results, strict=True):
            try:
                verdicts.append(self.judge(nested, result))
            except DisagreementError as error:
                verdicts.append(error)
        return verdicts

    def judge(self, nested: dict[str, dict[str, Any]], result: EngineResult) -> Verdict:
        """The verdict on answers given what the engine derived and fired."""
        flat = {f"{section}.{name}": value for section, values in nested.items() for name, value in values.items()}
        concepts = self.concept_statuses(flat)
        derived = result.concepts
        for concept_id, value in concepts.items():
            if derived.get(concept_id) != value:
                raise DisagreementError(f"concept {concept_id}: engine {derived.get(concept_id)}, closures {value}")
        fired = result.fired
        statuses = self.rule_statuses(flat, concepts)
        eligible: list[str] = []
        undetermined: list[str] = []
        for rule_id, value in zip(self.rule_ids, statuses, strict=True):
            if (value is True) != (rule_id in fired):
                raise DisagreementError(f"rule {rule_id}: engine fired={rule_id in fired}, closures {value}")
            if value:
                eligible.append(rule_id)
            elif value is None:
                undetermined.append(rule_id)
        if not self.questions:
            return tuple(eligible), tuple(undetermined), ()
        settles: dict[str, int] = {}
        self.settle(flat, concepts, statuses, settles)
        # most useful first; ties keep first-seen order (a stable sort, as Assessment.questions_to_settle)
        questions = tuple(sorted(settles, key=lambda path: -settles[path]))
        return tuple(eligible), tuple(undetermined), questions
