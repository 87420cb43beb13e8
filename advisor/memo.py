"""Findings, and concepts' checks, remembered by the answers they depend on.

A rule's finding is a pure function of the few fields its condition reads, directly or through the
concepts it uses (one to eight fields a rule in this rule base); so is a concept's check. So an
assessment looks each one up by those values and explains only the rules and concepts whose values
it has not met before. Most answers are yes/no or a choice, so most lookups hit whichever enterprise
asks; a new number misses only for the rules that read it. The engine still decides every profile,
and assess.py still checks each remembered finding and concept against what the engine derived.
"""

from collections.abc import Callable, Hashable
from itertools import compress
from operator import not_
from typing import Any

from .explainer import Check
from .findings import Finding
from .rulebase import RuleBase, fields_read

# A finding with its condition tree and the JSON a presenter keeps beside it is about 10 KB (measured
# over synthetic enterprises, zh): 8,000 of them, some 80 MB a process at most (ADVISOR_MEMO_FINDINGS).
MAX_FINDINGS = 8_000

Keys = Callable[[dict[str, Any]], tuple[Hashable, ...]]


def _keys(reads: list[list[str]]) -> Keys:
    """A generated function giving, for flat answers, each entry's key: the values of the fields it
    reads (a single field's bare value), every field read once; one call instead of a loop."""
    paths = sorted({path for fields in reads for path in fields})
    variable = {path: f"v{index}" for index, path in enumerate(paths)}
    keys = [variable[fields[0]] if len(fields) == 1 else f"({''.join(variable[p] + ', ' for p in fields)})"
            for fields in reads]
    source = "\n".join(["def keys(a):", "    g = a.get", *(f"    {variable[p]} = g({p!r})" for p in paths),
                        f"    return ({''.join(key + ', ' for key in keys)})"])
    namespace: dict[str, Any] = {}
    exec(compile(source, "<advisor.memo.keys>", "exec"), namespace)  # source built from our own rule base
    return namespace["keys"]  # type: ignore[no-any-return]


class _Generations:
    """Entries by (index, key) in two generations of at most `half` each (see FindingMemo)."""

    def __init__(self, size: int, bound: int) -> None:
        self._size = size
        self.half = max(bound // 2, 1)
        self.current = self._new()
        self.previous = self._new()
        self.counts = [0, 0]  # entries in the current and the previous generation

    def _new(self) -> list[dict[Hashable, Any]]:
        return [{} for _ in range(self._size)]

    def keep(self, index: int, key: Hashable, value: Any) -> None:
        """Keep an entry in the current generation, which first becomes the previous one when full."""
        if self.counts[0] >= self.half:
            self.previous, self.current = self.current, self._new()
            self.counts = [0, self.counts[0]]
        self.current[index][key] = value
        self.counts[0] += 1


class FindingMemo:
    """Each rule's findings and each concept's checks by the values of the fields they read, at most
    `max_findings` of them together.

    Two generations: new entries go into the current one, and an entry met again from the previous
    one is carried over. When the current generation holds half the bound it becomes the previous one
    and the old previous one is dropped, so what is met often stays and a one-off goes, without any
    bookkeeping on a hit. Entries keyed by an answered number (a floor area, a head count) are mostly
    one-offs, met again only when the same enterprise asks again soon: they have generations of
    their own, an eighth of the bound, so that they never push out the yes/no and choice answers
    every enterprise shares.
    """

    def __init__(self, rulebase: RuleBase, max_findings: int = MAX_FINDINGS) -> None:
        self.rule_ids = tuple(rulebase.rules)
        self.concept_ids = tuple(c.id for c in sorted(rulebase.concepts.values(), key=lambda c: c.layer))
        # One entry list per rule, then one per concept, in that order.
        reads = [sorted(fields_read(rulebase.rules[rule_id].condition, rulebase)) for rule_id in self.rule_ids]
        reads += [sorted(fields_read(rulebase.concepts[concept_id].condition, rulebase))
                  for concept_id in self.concept_ids]
        self._rule_keys = _keys(reads[:len(self.rule_ids)])
        self._concept_keys = _keys(reads[len(self.rule_ids):])
        questions = rulebase.questions.by_path
        self._number_positions = [tuple(position for position, path in enumerate(paths)
                                        if questions[path].type in ("integer", "number")) for paths in reads]
        numbers = max(max_findings // 8, 1)
        self._common = _Generations(len(reads), max(max_findings - numbers, 1))
        self._numbers = _Generations(len(reads), numbers)

    def __len__(self) -> int:
        return sum(self._common.counts) + sum(self._numbers.counts)

    def concepts(self, answers: dict[str, Any],
                 explain: Callable[[str, dict[str, Check]], Check]) -> dict[str, Check]:
        """Every concept's check for these answers, in layer order: remembered, or explain(concept_id,
        the checks of the concepts before it)."""
        keys = self._concept_keys(answers)
        offset = len(self.rule_ids)
        found = list(map(dict.get, self._common.current[offset:], keys))
        if all(found):  # a Check is always true: this finds a None
            return dict(zip(self.concept_ids, found, strict=True))
        done: dict[str, Check] = {}
        for index, (concept_id, key, check) in enumerate(zip(self.concept_ids, keys, found, strict=True)):
            if check is None:
                check = self._remember(offset + index, key, lambda: explain(concept_id, done))  # noqa: B023
            done[concept_id] = check
        return done

    def findings(self, answers: dict[str, Any], explain: Callable[[str], Finding]) -> list[Finding]:
        """Every rule's finding for these answers, in rule-base order: remembered, or explain(rule_id)."""
        keys = self._rule_keys(answers)
        found: list[Finding | None] = list(map(dict.get, self._common.current, keys))  # stops at the rules'
        for index in [*compress(range(len(found)), map(not_, found))]:  # the ones not found there
            rule_id = self.rule_ids[index]
            found[index] = self._remember(index, keys[index], lambda: explain(rule_id))  # noqa: B023
        return found  # type: ignore[return-value]

    def _remember(self, index: int, key: Hashable, explain: Callable[[], Any]) -> Any:
        """An entry not in the common current generation: from the other generations, or explained;
        kept in its area's current generation."""
        positions = self._number_positions[index]
        values = key if type(key) is tuple else (key,)
        if positions and any(values[position] is not None for position in positions):
            area = self._numbers
            value = area.current[index].get(key)
            if value is not None:
                return value
        else:
            area = self._common
        value = area.previous[index].get(key) or explain()
        area.keep(index, key, value)
        return value
