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


def _number(value: int | float) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise EngineError(f"non-finite number {value!r} cannot reach the engine")
        text = repr(value)
        if "e" in text or "E" in text:  # the engine rejects exponent notation (error 204)
            text = format(value, ".12f").rstrip("0").rstrip(".") or "0"
        return text
    return str(value)


def _encode(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(key)}:{_encode(item)}" for key, item in value.items()) + "}"
    raise EngineError(f"a {type(value).__name__} value cannot reach the engine: {value!r}")


class _Ruleset:
    def __init__(self, compiled: CompiledRuleset) -> None:
        self.name = compiled.name
        self.meaning = compiled.meaning
        self.handle = dre.create_ruleset(compiled.name, json.dumps(compiled.definition, ensure_ascii=False))

    def run(self, sid: str, fact_json: str) -> list[str]:
        """Assert the fact in session `sid`, run every action, return the fired rule names."""
        fired: list[str] = []
        try:
            try:
                code, state = dre.assert_fact(self.handle, fact_json)
            except dre.error as error:
                raise EngineError(f"{self.name}: {error}") from error
            if code != 0:
                raise EngineError(f"{self.name}: assert returned code {code}")
            result = dre.start_action_for_state(self.handle, state)
            message = result[1] if result else None
            while message:
                try:
                    fired.append(next(iter(json.loads(message))))
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
        concept_sets, theme_sets = compile_rulebase(rulebase, prefix)
        self._concept_sets = [_Ruleset(compiled) for compiled in concept_sets]
        self._theme_sets = [_Ruleset(compiled) for compiled in theme_sets]
        self._sids = itertools.count(1)
        self._prefix = prefix
        # The C core holds the GIL, so a lock costs nothing and keeps sessions apart.
        self._lock = threading.Lock()
        os.register_at_fork(after_in_child=self._after_fork)

    def _after_fork(self) -> None:
        self._lock = threading.Lock()
        self._prefix = f"e{os.getpid()}_{next(_instances)}_"

    def evaluate(self, nested_answers: dict[str, dict[str, Any]]) -> EngineResult:
        """Run the concept layers, then every theme, on one profile's answers ({section: {field: value}})."""
        fact: dict[str, Any] = {"kind": "profile"}
        fact.update(nested_answers)
        concepts: dict[str, bool] = {}
        fired: set[str] = set()
        with self._lock:
            for ruleset in self._concept_sets:
                for name in self._run(ruleset, fact):
                    meaning = ruleset.meaning[name]
                    concepts[meaning[1]] = meaning[2]
                fact["concept"] = dict(concepts)
            for ruleset in self._theme_sets:
                fired.update(self._run(ruleset, fact))
        return EngineResult(concepts, frozenset(fired))

    def _run(self, ruleset: _Ruleset, fact: dict[str, Any]) -> list[str]:
        sid = f"{self._prefix}{next(self._sids)}"
        body = _encode(fact)
        fact_json = '{"sid":' + json.dumps(sid) + ',"id":"profile",' + body[1:]
        return [name for name in ruleset.run(sid, fact_json) if name != ANCHOR]
