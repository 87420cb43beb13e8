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

from .conditions import AllOf, AnyOf, ConceptTest, Condition, FieldTest, expand, fields_of, negate
from .rulebase import RuleBase

ANCHOR = "__anchor__"
PROFILE_KIND = {"kind": "profile"}
# The engine fails (error 303) when more than 64 tests under one node of its network match at
# once, and hangs past 512 children. Rules that start with the same test share its node, so the
# limit is on distinct tests, not on rules: a ruleset is accepted when no node of its network
# (each rule's pattern in disjunctive normal form, as a chain of tests) has more than this many
# children, so no profile can make more match at once. Fewer rulesets mean fewer asserts.
MAX_CHILDREN_PER_NODE = 60


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
    if test.op == "answered":  # the profile fact carries only answered fields (None is never asserted)
        return {"$ex" if test.value else "$nex": {test.path: 1}}
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


def _chains(condition: Condition) -> list[tuple[str, ...]]:
    """The condition in disjunctive normal form: each alternative as a chain of test keys."""
    if isinstance(condition, FieldTest):
        if condition.op == "in":
            assert isinstance(condition.value, tuple)
            return [(f"{condition.path}=={value!r}",) for value in condition.value]
        return [(f"{condition.path} {condition.op} {condition.value!r}",)]
    if isinstance(condition, ConceptTest):
        return [(f"concept.{condition.name}=={condition.expected}",)]
    if isinstance(condition, AnyOf):
        return [chain for item in condition.items for chain in _chains(item)]
    chains: list[tuple[str, ...]] = [()]
    for item in condition.items:
        chains = [left + right for left in chains for right in _chains(item)]
    return chains


def _test_key(condition: Condition) -> str | None:
    chains = _chains(condition)
    return chains[0][0] if len(chains) == 1 and len(chains[0]) == 1 else None


def shared_first(conditions: list[Condition]) -> list[Condition]:
    """The conditions with each conjunction's most widely used tests first.

    The engine builds one node per distinct test along each pattern, so tests that many rules
    share (e.g. "in Qingyang") placed first keep the network narrow. The meaning is unchanged.
    """
    counts: dict[str, int] = {}
    for condition in conditions:
        for key in {test for chain in _chains(condition) for test in chain}:
            counts[key] = counts.get(key, 0) + 1

    def order(condition: Condition) -> Condition:
        if isinstance(condition, AllOf):
            items = [order(item) for item in condition.items]
            items.sort(key=lambda item: -counts.get(_test_key(item) or "", 0))
            return AllOf(tuple(items))
        if isinstance(condition, AnyOf):
            return AnyOf(tuple(order(item) for item in condition.items))
        return condition

    return [order(condition) for condition in conditions]


def widest_node(conditions: list[Condition]) -> int:
    """The most children any node of the ruleset's network would have (the type test is the root)."""
    children: dict[tuple[str, ...], set[str]] = {}
    for condition in conditions:
        for chain in _chains(condition):
            for depth, test in enumerate(chain):
                children.setdefault(chain[:depth], set()).add(test)
    return max((len(tests) for tests in children.values()), default=0) + 1  # + the anchor rule


def _check_size(name: str, conditions: list[Condition]) -> None:
    widest = widest_node(conditions)
    if widest > MAX_CHILDREN_PER_NODE:
        raise CompileError(f"ruleset {name}: a node of its network has {widest} children (at most "
                           f"{MAX_CHILDREN_PER_NODE}; the engine fails past 64 matching at once): split it")


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
    _check_size(name, [c for e in expanded for c in (e, negate(e, questions))])
    concept_set = CompiledRuleset(name, definition, meaning, _reads(expanded))

    rule_sets = []
    for index, themes in enumerate(pack_themes(rulebase)):
        definition = {ANCHOR: _anchor()}
        meaning = {}
        rules = [rule for theme in themes for rule in rulebase.rules_of(theme)]
        conditions = shared_first([rule.condition for rule in rules])
        for rule, condition in zip(rules, conditions, strict=True):
            definition[rule.id] = _rule(condition)
            meaning[rule.id] = ("rule", rule.id)
        name = f"{prefix}rules{index}_{'+'.join(themes)}"
        _check_size(name, conditions)
        rule_sets.append(CompiledRuleset(name, definition, meaning, _reads(conditions)))
    return concept_set, rule_sets


def pack_themes(rulebase: RuleBase) -> list[list[str]]:
    """Whole themes grouped into as few rulesets as the size limit allows, in file order.

    Each ruleset costs one assert and one delete per evaluation, so fewer is faster; a theme is
    never split, so a ruleset's name says which themes it holds.
    """
    groups: list[list[str]] = []
    conditions: list[Condition] = []
    for theme in rulebase.themes:
        theirs = [rule.condition for rule in rulebase.rules_of(theme)]
        if groups and widest_node(shared_first(conditions + theirs)) <= MAX_CHILDREN_PER_NODE:
            groups[-1].append(theme)
            conditions += theirs
        else:
            groups.append([theme])
            conditions = theirs
    return groups
