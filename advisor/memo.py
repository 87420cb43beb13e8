"""Findings remembered by the answers they depend on.

A rule's finding is a pure function of the few fields its condition reads, directly or through the
concepts it uses (one to eight fields a rule in this rule base). So an assessment looks each rule's
finding up by those values and explains only the rules whose values it has not met before. Most
answers are yes/no or a choice, so most lookups hit whichever enterprise asks; a new number misses
only for the rules that read it. The engine still decides every profile, and assess.py still
checks each remembered finding against what the engine fired.
"""

from collections.abc import Callable, Hashable
from operator import itemgetter
from typing import Any

from .conditions import ConceptTest, Condition, FieldTest
from .findings import Finding
from .rulebase import RuleBase

# A finding with its condition tree and the JSON a presenter keeps beside it is about 10 KB (measured
# over synthetic enterprises, zh): 8,000 of them, some 80 MB a process at most (ADVISOR_MEMO_FINDINGS).
MAX_FINDINGS = 8_000


def fields_read(condition: Condition, rulebase: RuleBase) -> set[str]:
    """Every profile field a condition reads, through the concepts it uses too."""
    if isinstance(condition, FieldTest):
        return {condition.path}
    if isinstance(condition, ConceptTest):
        return fields_read(rulebase.concepts[condition.name].condition, rulebase)
    return set().union(*(fields_read(item, rulebase) for item in condition.items))


class FindingMemo:
    """Each rule's findings by the values of the fields it reads, at most `max_findings` of them.

    Two generations: new findings go into the current one, and a finding met again from the previous
    one is carried over. When the current generation holds half the bound it becomes the previous one
    and the old previous one is dropped, so what is met often stays and a one-off (a new number) goes,
    without any bookkeeping on a hit.
    """

    def __init__(self, rulebase: RuleBase, max_findings: int = MAX_FINDINGS) -> None:
        reads = {rule_id: sorted(fields_read(rule.condition, rulebase)) for rule_id, rule in rulebase.rules.items()}
        self.paths: tuple[str, ...] = tuple(sorted({path for paths in reads.values() for path in paths}))
        index = {path: position for position, path in enumerate(self.paths)}
        # itemgetter picks a rule's values out of the profile's in C; a single field gives the bare value.
        self._keys: list[tuple[str, Callable[[list[Any]], Hashable]]] = [
            (rule_id, itemgetter(*(index[path] for path in paths))) for rule_id, paths in reads.items()]
        self._current: dict[tuple[str, Hashable], Finding] = {}
        self._previous: dict[tuple[str, Hashable], Finding] = {}
        self._half = max(max_findings // 2, 1)

    def __len__(self) -> int:
        return len(self._current) + len(self._previous)

    def findings(self, answers: dict[str, Any], explain: Callable[[str], Finding]) -> list[Finding]:
        """Every rule's finding for these answers, in rule-base order: remembered, or explain(rule_id)."""
        values = [answers.get(path) for path in self.paths]
        current = self._current
        out = []
        for rule_id, values_read in self._keys:
            key = (rule_id, values_read(values))
            finding = current.get(key)
            if finding is None:
                finding = self._previous.get(key) or explain(rule_id)
                if len(current) >= self._half:
                    self._previous, current = current, {}
                    self._current = current
                current[key] = finding
            out.append(finding)
        return out
