"""The engine wrapper: durable-rules decides which rules fire and derives the shared concepts.

It talks to durable-rules' compiled module directly (no Host: no timer threads, no global
registry) and defends against every pitfall in the research notes:
- one session per ruleset whose facts are retracted after each evaluation (no rule asserts a fact,
  so nothing derived stays behind), deleted and replaced by a fresh one after any failure;
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
from collections.abc import Iterator
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


def _session_ids(prefix: str) -> Iterator[str]:
    """Session ids unique in the process: the engine's prefix and a number."""
    return (f"{prefix}{number}" for number in itertools.count(1))


class _Ruleset:
    """A compiled ruleset and its session.

    The session lives on: each evaluation's facts are retracted once their actions ran. Creating a
    session is most of an evaluation's cost (about 40 µs for the rules' ruleset whatever the fact),
    and no rule asserts a fact, so nothing derived can stay behind (the leak the research notes saw
    when a session was reused). After any failure the session is deleted and the next evaluation
    starts a fresh one."""

    def __init__(self, compiled: CompiledRuleset, sids: Iterator[str]) -> None:
        self.name = compiled.name
        self.meaning = compiled.meaning
        # Where each field it reads goes in its fact: dotted path -> (section, name).
        self.places = {f"{section}.{name}": (section, name) for section, names in compiled.reads.items()
                       for name in names}
        self.handle = dre.create_ruleset(compiled.name, json.dumps(compiled.definition, ensure_ascii=False))
        self._sids = sids
        self.sid = next(sids)  # the session the facts name
        self._live = False  # whether the session exists (an assert into it succeeded)

    def renew(self, sids: Iterator[str]) -> None:
        """Use a fresh session from `sids` from now on (after a fork: the child's own)."""
        self._sids = sids
        self.sid = next(sids)
        self._live = False

    def run(self, facts_json: str, count: int) -> list[list[str]]:
        """Assert `count` facts (a JSON list naming self.sid, ids "0".."count-1"), run every action,
        retract the facts, and return the fired rule names per fact."""
        fired: list[list[str]] = [[] for _ in range(count)]
        try:
            code, state = dre.assert_facts(self.handle, facts_json)
        except dre.error as error:
            self._drop()
            raise EngineError(f"{self.name}: {error}") from error
        self._live = True
        done = False
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
            dre.retract_facts(self.handle, facts_json)
            done = True
        finally:
            if not done:
                self._drop()
        return fired

    def _drop(self) -> None:
        """Delete the session, if it exists, and name a fresh one for the next evaluation.

        A session that was never created is not deleted: delete_state on it aborts the process (and
        every session that exists has had its anchor rule fire, so deleting it is safe)."""
        if self._live:
            dre.delete_state(self.handle, self.sid)
        self.sid = next(self._sids)
        self._live = False


class Engine:
    """durable-rules rulesets for one rule base; evaluate() one profile, evaluate_many() a block.

    Profiles come as flat answers, {dotted path: value} (profile.answers), the facts every part of the
    advisor reads."""

    def __init__(self, rulebase: RuleBase) -> None:
        self.rulebase = rulebase
        prefix = f"e{os.getpid()}_{next(_instances)}_"
        concept_set, rule_sets = compile_rulebase(rulebase, prefix)
        sids = _session_ids(prefix)
        self._concept_set = _Ruleset(concept_set, sids)
        self._rule_sets = [_Ruleset(compiled, sids) for compiled in rule_sets]
        # The C core holds the GIL, so a lock costs nothing and keeps sessions apart.
        self._lock = threading.Lock()
        os.register_at_fork(after_in_child=self._after_fork)

    def _after_fork(self) -> None:
        self._lock = threading.Lock()
        sids = _session_ids(f"e{os.getpid()}_{next(_instances)}_")
        for ruleset in (self._concept_set, *self._rule_sets):
            ruleset.renew(sids)

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
        sid = ruleset.sid
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
        fired = ruleset.run(orjson.dumps(facts).decode(), len(block))
        return [[name for name in names if name != ANCHOR] for names in fired]
