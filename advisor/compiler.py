"""Compiling the rule base to durable-rules rulesets.

Layout: one concept ruleset (each concept gives a rule deriving it true and one deriving it
false, so the engine knows all three values; a concept built on other concepts has them
expanded inline, so one pass derives them all), then the rules, whole themes packed into as
few rulesets as the engine's limits allow. Each ruleset is told which fields its rules read,
so the fact asserted into it carries only those (the engine's assert cost grows with the
fact). Every
ruleset has an always-firing anchor rule, and every pattern starts with a positive type test
({"kind": "profile"}): both defend against crashes listed in the research notes.
"""

from dataclasses import dataclass
from typing import Any

from .conditions import AllOf, ConceptTest, Condition, FieldTest, expand, fields_of, negate
from .rulebase import RuleBase

ANCHOR = "__anchor__"
PROFILE_KIND = {"kind": "profile"}
# The engine fails (error 303) when more than 64 tests under one node match at once. Rules
# share their tests' nodes, so a ruleset of up to 60 rules stays below it: a test asserts a
# profile that meets nearly every rule at once. Fewer rulesets mean fewer asserts per profile.
MAX_RULES_PER_RULESET = 60


class CompileError(ValueError):
    """The rule base cannot be compiled safely (e.g. a ruleset too large for the engine)."""


@dataclass(frozen=True, slots=True)
class CompiledRuleset:
    """A durable-rules ruleset definition, and what each of its rule names means."""

    name: str
    definition: dict[str, Any]
    # rule name -> ("rule", rule id) or ("concept", concept id, True/False)
    meaning: dict[str, tuple[Any, ...]]
    # the profile fields (section -> field names) its patterns read
    reads: dict[str, frozenset[str]]


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


def _reads(conditions: list[Condition]) -> dict[str, frozenset[str]]:
    paths = set().union(*(fields_of(condition) for condition in conditions)) if conditions else set()
    sections: dict[str, set[str]] = {}
    for path in paths:
        section, _, name = path.partition(".")
        sections.setdefault(section, set()).add(name)
    return {section: frozenset(names) for section, names in sorted(sections.items())}


def compile_rulebase(rulebase: RuleBase, prefix: str) -> tuple[CompiledRuleset, list[CompiledRuleset]]:
    """(the concept ruleset, the rule rulesets); names start with `prefix` to stay unique."""
    questions = rulebase.questions.by_path
    definitions = {concept.id: concept.condition for concept in rulebase.concepts.values()}
    definition: dict[str, Any] = {ANCHOR: _anchor()}
    meaning: dict[str, tuple[Any, ...]] = {}
    expanded = []
    for concept in rulebase.concepts.values():
        condition = expand(concept.condition, definitions, questions)
        expanded.append(condition)
        for value, pattern_condition in ((True, condition), (False, negate(condition, questions))):
            name = f"{concept.id}={'true' if value else 'false'}"
            definition[name] = _rule(pattern_condition)
            meaning[name] = ("concept", concept.id, value)
    name = f"{prefix}concepts"
    _check_size(name, definition)
    concept_set = CompiledRuleset(name, definition, meaning, _reads(expanded))

    rule_sets = []
    for index, themes in enumerate(pack_themes(rulebase)):
        definition = {ANCHOR: _anchor()}
        meaning = {}
        conditions = []
        for theme in themes:
            for rule in rulebase.rules_of(theme):
                definition[rule.id] = _rule(rule.condition)
                meaning[rule.id] = ("rule", rule.id)
                conditions.append(rule.condition)
        name = f"{prefix}rules{index}_{'+'.join(themes)}"
        _check_size(name, definition)
        rule_sets.append(CompiledRuleset(name, definition, meaning, _reads(conditions)))
    return concept_set, rule_sets


def pack_themes(rulebase: RuleBase) -> list[list[str]]:
    """Whole themes grouped into as few rulesets as the size limit allows, in file order.

    Each ruleset costs one assert and one delete per evaluation, so fewer is faster; a theme is
    never split, so a ruleset's name says which themes it holds.
    """
    groups: list[list[str]] = []
    size = 0
    for theme in rulebase.themes:
        count = len(rulebase.rules_of(theme))
        if groups and size + count <= MAX_RULES_PER_RULESET:
            groups[-1].append(theme)
            size += count
        else:
            groups.append([theme])
            size = count
    return groups
