"""Compiling the rule base to durable-rules rulesets.

Layout: one ruleset per concept layer (each concept gives a rule deriving it true and one
deriving it false, so the engine knows all three values), then one ruleset per theme. Every
ruleset has an always-firing anchor rule, and every pattern starts with a positive type test
({"kind": "profile"}): both defend against crashes listed in the research notes.
"""

from dataclasses import dataclass
from typing import Any

from .conditions import AllOf, AnyOf, Condition, ConceptTest, FieldTest, negate
from .rulebase import RuleBase

ANCHOR = "__anchor__"
PROFILE_KIND = {"kind": "profile"}
# The engine stops firing when more than 64 tests under one node match at once; a theme must
# stay well below that. Checked when compiling.
MAX_RULES_PER_RULESET = 40


class CompileError(ValueError):
    """The rule base cannot be compiled safely (e.g. a ruleset too large for the engine)."""


@dataclass(frozen=True, slots=True)
class CompiledRuleset:
    """A durable-rules ruleset definition, and what each of its rule names means."""

    name: str
    definition: dict[str, Any]
    # rule name -> ("rule", rule id) or ("concept", concept id, True/False)
    meaning: dict[str, tuple[Any, ...]]


def pattern(condition: Condition) -> dict[str, Any]:
    """The durable-rules pattern of a condition (without the type test)."""
    if isinstance(condition, FieldTest):
        return _field_pattern(condition)
    if isinstance(condition, ConceptTest):
        return {f"concept.{condition.name}": condition.expected}
    parts = [pattern(item) for item in condition.items]
    if len(parts) == 1:
        return parts[0]
    return {"$and": parts} if isinstance(condition, AllOf) else {"$or": parts}


def _field_pattern(test: FieldTest) -> dict[str, Any]:
    if test.op == "eq":
        return {test.path: test.value}
    if test.op == "in":
        assert isinstance(test.value, tuple)
        alternatives = [{test.path: value} for value in test.value]
        return alternatives[0] if len(alternatives) == 1 else {"$or": alternatives}
    return {f"${test.op}": {test.path: test.value}}


def _rule(condition: Condition) -> dict[str, Any]:
    """A single-fact rule: the type test first, then the condition."""
    return {"all": [{"m": {"$and": [PROFILE_KIND, pattern(condition)]}}]}


def _anchor() -> dict[str, Any]:
    return {"all": [{"m": PROFILE_KIND}]}


def _check_size(name: str, definition: dict[str, Any]) -> None:
    if len(definition) - 1 > MAX_RULES_PER_RULESET:
        raise CompileError(f"ruleset {name} has {len(definition) - 1} rules; split it (at most "
                           f"{MAX_RULES_PER_RULESET}, the engine fails past 64 matching tests)")


def compile_rulebase(rulebase: RuleBase, prefix: str) -> tuple[list[CompiledRuleset], list[CompiledRuleset]]:
    """(concept layer rulesets in order, theme rulesets); names start with `prefix` to stay unique."""
    questions = rulebase.questions.by_path
    layers: dict[int, list[Any]] = {}
    for concept in rulebase.concepts.values():
        layers.setdefault(concept.layer, []).append(concept)
    concept_sets = []
    for layer in sorted(layers):
        definition: dict[str, Any] = {ANCHOR: _anchor()}
        meaning: dict[str, tuple[Any, ...]] = {}
        for concept in layers[layer]:
            for value, condition in ((True, concept.condition), (False, negate(concept.condition, questions))):
                name = f"{concept.id}={'true' if value else 'false'}"
                definition[name] = _rule(condition)
                meaning[name] = ("concept", concept.id, value)
        name = f"{prefix}concepts{layer}"
        _check_size(name, definition)
        concept_sets.append(CompiledRuleset(name, definition, meaning))
    theme_sets = []
    for theme in rulebase.themes:
        definition = {ANCHOR: _anchor()}
        meaning = {}
        for rule in rulebase.rules_of(theme):
            definition[rule.id] = _rule(rule.condition)
            meaning[rule.id] = ("rule", rule.id)
        name = f"{prefix}{theme}"
        _check_size(name, definition)
        theme_sets.append(CompiledRuleset(name, definition, meaning))
    return concept_sets, theme_sets
