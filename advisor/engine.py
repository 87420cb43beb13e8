"""The engine wrapper: durable-rules decides which rules fire and derives the shared concepts.

It talks to durable-rules' compiled module directly (no Host: no timer threads, no global
registry) and defends against every pitfall in the research notes:
- one fresh, unique session id per evaluation, its state deleted in `finally`;
- an anchor rule in every ruleset (delete_state crashes on a session where nothing fired);
- a positive type test first in every pattern (compiler.py);
- rulesets split by theme, kept small (the engine silently fires nothing past 64 matching tests,
  and error 303 is raised here as EngineError);
- fact values type-checked and numbers written without exponents before assert;
- `$or` firings de-duplicated (a set of fired names);
- errors inside a consequence abandon the action and are re-raised, never swallowed.
"""

import itertools
import json
import math
import os
import threading
from dataclasses import dataclass
from typing import Any

import durable_rules_engine as dre

from .compiler import ANCHOR, CompiledRuleset, compile_rulebase
from .rulebase import RuleBase

_instances = itertools.count(1)


class EngineError(RuntimeError):
    """durable-rules refused or failed an evaluation."""


@dataclass(frozen=True, slots=True)
class EngineResult:
    """What the engine derived: concept values it could decide, and the rules that fired."""

    concepts: dict[str, bool]
    fired: frozenset[str]


_SCALARS = (bool, int, float, str)


def _checked(nested: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The answers, after checking every value is a scalar the engine compares correctly.

    The engine does not check types ("900" >= 1500 is true; inf is error 202; 1e-05 is error 204):
    the profile model converts values, and this refuses anything that slipped past it.
    """
    for section, values in nested.items():
        for name, value in values.items():
            if type(value) not in _SCALARS:
                raise EngineError(f"{section}.{name}: a {type(value).__name__} cannot reach the engine")
            if type(value) is float and (not math.isfinite(value) or "e" in repr(value)):
                raise EngineError(f"{section}.{name}: {value!r} cannot reach the engine")
    return nested


class _Ruleset:
    def __init__(self, compiled: CompiledRuleset) -> None:
        self.name = compiled.name
        self.meaning = compiled.meaning
        self.reads = compiled.reads
        self.handle = dre.create_ruleset(compiled.name, json.dumps(compiled.definition, ensure_ascii=False))

    def run(self, sid: str, fact_json: str) -> list[str]:
        """Assert the fact in session `sid`, run every action, return the fired rule names."""
        fired: list[str] = []
        try:
            code, state = dre.assert_fact(self.handle, fact_json)
        except dre.error as error:
            # No session to delete: delete_state after a failed assert aborts the process.
            raise EngineError(f"{self.name}: {error}") from error
        try:
            if code != 0:
                raise EngineError(f"{self.name}: assert returned code {code}")
            result = dre.start_action_for_state(self.handle, state)
            message = result[1] if result else None
            while message:
                try:
                    # The action message is {"<rule name>": {...}}; rule names hold no quotes.
                    fired.append(message[2 : message.index('"', 2)])
                except Exception:
                    dre.abandon_action(self.handle, state)
                    raise
                message = dre.complete_and_start_action(self.handle, state)
        finally:
            dre.delete_state(self.handle, sid)
        return fired


class Engine:
    """durable-rules rulesets for one rule base; evaluate() one profile at a time."""

    def __init__(self, rulebase: RuleBase) -> None:
        self.rulebase = rulebase
        prefix = f"e{os.getpid()}_{next(_instances)}_"
        concept_set, rule_sets = compile_rulebase(rulebase, prefix)
        self._concept_set = _Ruleset(concept_set)
        self._rule_sets = [_Ruleset(compiled) for compiled in rule_sets]
        self._sids = itertools.count(1)
        self._prefix = prefix
        # The C core holds the GIL, so a lock costs nothing and keeps sessions apart.
        self._lock = threading.Lock()
        os.register_at_fork(after_in_child=self._after_fork)

    def _after_fork(self) -> None:
        self._lock = threading.Lock()
        self._prefix = f"e{os.getpid()}_{next(_instances)}_"

    def evaluate(self, nested_answers: dict[str, dict[str, Any]]) -> EngineResult:
        """Derive the concepts, then run the rules, on one profile's answers ({section: {field: value}})."""
        answers = _checked(nested_answers)
        concepts: dict[str, bool] = {}
        fired: set[str] = set()
        with self._lock:
            for name in self._run(self._concept_set, answers, None):
                meaning = self._concept_set.meaning[name]
                concepts[meaning[1]] = meaning[2]
            for ruleset in self._rule_sets:
                fired.update(self._run(ruleset, answers, concepts))
        return EngineResult(concepts, frozenset(fired))

    def _run(self, ruleset: _Ruleset, answers: dict[str, dict[str, Any]],
             concepts: dict[str, bool] | None) -> list[str]:
        fact: dict[str, Any] = {"sid": f"{self._prefix}{next(self._sids)}", "id": "profile", "kind": "profile"}
        for section, names in ruleset.reads.items():
            values = answers.get(section)
            if values:
                fact[section] = {name: value for name, value in values.items() if name in names}
        if concepts is not None:
            fact["concept"] = concepts
        fired = ruleset.run(fact["sid"], json.dumps(fact, ensure_ascii=False))
        return [name for name in fired if name != ANCHOR]
