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
import orjson

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


def _checked(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers, after checking every value is a scalar the engine compares correctly.

    The engine does not check types ("900" >= 1500 is true; inf is error 202; 1e-05 is error 204):
    the profile model converts values, and this refuses anything that slipped past it.
    """
    for path, value in answers.items():
        if type(value) not in _SCALARS:
            raise EngineError(f"{path}: a {type(value).__name__} cannot reach the engine")
        if type(value) is float and (not math.isfinite(value) or "e" in repr(value)):
            raise EngineError(f"{path}: {value!r} cannot reach the engine")
    return answers


_ID_MARK = '"id":'


class _Ruleset:
    def __init__(self, compiled: CompiledRuleset) -> None:
        self.name = compiled.name
        self.meaning = compiled.meaning
        # Where each field it reads goes in its fact: dotted path -> (section, name).
        self.places = {f"{section}.{name}": (section, name) for section, names in compiled.reads.items()
                       for name in names}
        self.handle = dre.create_ruleset(compiled.name, json.dumps(compiled.definition, ensure_ascii=False))

    def run(self, sid: str, facts_json: str, count: int) -> list[list[str]]:
        """Assert `count` facts (a JSON list, ids "0".."count-1") in session `sid`, run every action,
        and return the fired rule names per fact. The session is deleted whatever happens."""
        fired: list[list[str]] = [[] for _ in range(count)]
        try:
            code, state = dre.assert_facts(self.handle, facts_json)
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
                    # The message is {"<rule name>":{"m":{"sid": "...", "id": "N", ...}}}, the fact
                    # echoed as we wrote it; rule names and session ids hold no quotes.
                    if count == 1:  # one fact (a request alone): no id to read
                        fired[0].append(message[2 : message.index('"', 2)])
                    else:
                        start = message.index('"', message.index(_ID_MARK) + len(_ID_MARK)) + 1
                        fired[int(message[start : message.index('"', start)])].append(
                            message[2 : message.index('"', 2)])
                except Exception:
                    dre.abandon_action(self.handle, state)
                    raise
                message = dre.complete_and_start_action(self.handle, state)
        finally:
            dre.delete_state(self.handle, sid)
        return fired


class Engine:
    """durable-rules rulesets for one rule base; evaluate() one profile, evaluate_many() a block.

    Profiles come as flat answers, {dotted path: value} (profile.answers), the facts every part of the
    advisor reads."""

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

    def evaluate(self, answers: dict[str, Any]) -> EngineResult:
        """Derive the concepts, then run the rules, on one profile's answers ({dotted path: value})."""
        return self.evaluate_many([answers])[0]

    def evaluate_many(self, block: list[dict[str, Any]]) -> list[EngineResult]:
        """evaluate() for several profiles at once: one session per ruleset holds the whole block.

        Each profile is its own fact and the rules test one fact each, so profiles never mix;
        sharing the session saves its creation and deletion per profile (batch screening, and
        concurrent requests: groups.py). One bad profile fails the whole block: evaluate_each.
        """
        if not block:
            return []  # an empty session would crash the engine: nothing to assert
        for answers in block:
            _checked(answers)
        concepts: list[dict[str, bool]] = [{} for _ in block]
        fired: list[set[str]] = [set() for _ in block]
        with self._lock:
            meaning = self._concept_set.meaning
            for index, names in enumerate(self._run(self._concept_set, block, None)):
                for name in names:
                    concepts[index][meaning[name][1]] = meaning[name][2]
            for ruleset in self._rule_sets:
                for index, names in enumerate(self._run(ruleset, block, concepts)):
                    fired[index].update(names)
        return [EngineResult(derived, frozenset(names)) for derived, names in zip(concepts, fired, strict=True)]

    def evaluate_each(self, block: list[dict[str, Any]]) -> list[EngineResult | Exception]:
        """evaluate_many() where a profile the engine refuses gets its own error in its place and the
        others their results: the block in one session per ruleset, and only after a failure, one at
        a time."""
        try:
            return [*self.evaluate_many(block)]
        except Exception as error:
            if len(block) == 1:
                return [error]
        out: list[EngineResult | Exception] = []
        for answers in block:
            try:
                out.append(self.evaluate(answers))
            except Exception as error:
                out.append(error)
        return out

    def _run(self, ruleset: _Ruleset, block: list[dict[str, Any]],
             concepts: list[dict[str, bool]] | None) -> list[list[str]]:
        sid = f"{self._prefix}{next(self._sids)}"
        places = ruleset.places
        facts = []
        for index, answers in enumerate(block):
            # Only the fields this ruleset reads: the engine's assert cost grows with the fact.
            fact: dict[str, Any] = {"sid": sid, "id": str(index), "kind": "profile"}
            for path, value in answers.items():
                place = places.get(path)
                if place is not None:
                    section = fact.get(place[0])
                    if section is None:
                        section = fact[place[0]] = {}
                    section[place[1]] = value
            if concepts is not None:
                fact["concept"] = concepts[index]
            facts.append(fact)
        # orjson: a fifth of json.dumps's time.
        fired = ruleset.run(sid, orjson.dumps(facts).decode(), len(block))
        return [[name for name in names if name != ANCHOR] for names in fired]
