"""The lean path of a batch: eligibility from the engine, the rest from tri-valued closures.

A batch needs per enterprise only each provision's status and, for the undetermined ones, the
unanswered fields; not the reasons, gaps, checklist or texts that Advisor.assess builds. So a
worker runs durable-rules for what fires (as the Advisor does) and small closures returning
True / False / None for the rest; the missing fields are walked only for undetermined rules,
in the explainer's order. The engine and the closures must agree, as in Advisor.assess: a
disagreement raises DisagreementError (that row fails) rather than giving a wrong answer.
tests/batch checks that the output equals Advisor().assess_data on a sample.
"""

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from ..assess import DisagreementError
from ..conditions import ConceptTest, Condition, FieldTest
from ..engine import Engine, EngineResult
from ..explainer import Tri, compile_status
from ..rulebase import RuleBase

Verdict = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]  # eligible, undetermined, questions
Missing = Callable[[dict[str, Any], dict[str, Tri], list[str]], None]


def _nested(profile: BaseModel) -> dict[str, dict[str, Any]]:
    """The answers as the engine takes them (as Advisor.assess does)."""
    return {section: values for section, values in profile.model_dump(exclude_none=True).items() if values}


class LeanScreen:
    """(eligible, undetermined, questions to settle) for a validated profile, like Advisor.assess."""

    def __init__(self, rulebase: RuleBase, engine: Engine) -> None:
        self.rulebase = rulebase
        self.engine = engine
        self.concepts = [(c.id, compile_status(c.condition))
                         for c in sorted(rulebase.concepts.values(), key=lambda c: c.layer)]
        self._concept_missing: dict[str, Missing] = {}
        for concept in sorted(rulebase.concepts.values(), key=lambda c: c.layer):
            self._concept_missing[concept.id] = self._compile_missing(concept.condition)
        self.rules = [(rule.id, compile_status(rule.condition), self._compile_missing(rule.condition))
                      for rule in rulebase.rules.values()]

    def _compile_missing(self, condition: Condition) -> Missing:
        """A closure appending the unanswered fields of an unknown condition, in the explainer's order."""
        if isinstance(condition, FieldTest):
            path = condition.path

            def field(answers: dict[str, Any], concepts: dict[str, Tri], found: list[str]) -> None:
                if answers.get(path) is None and path not in found:
                    found.append(path)
            return field
        if isinstance(condition, ConceptTest):
            name, inner = condition.name, self._concept_missing[condition.name]  # concepts compiled first

            def concept(answers: dict[str, Any], concepts: dict[str, Tri], found: list[str]) -> None:
                if concepts[name] is None:
                    inner(answers, concepts, found)
            return concept
        pairs = tuple((compile_status(item), self._compile_missing(item)) for item in condition.items)

        def group(answers: dict[str, Any], concepts: dict[str, Tri], found: list[str]) -> None:
            for test, missing in pairs:
                if test(answers, concepts) is None:
                    missing(answers, concepts, found)
        return group

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
        concepts: dict[str, Tri] = {}
        for concept_id, test in self.concepts:
            concepts[concept_id] = value = test(flat, concepts)
            if result.concepts.get(concept_id) != value:
                raise DisagreementError(f"concept {concept_id}: engine {result.concepts.get(concept_id)}, "
                                        f"closures {value}")
        fired = result.fired
        eligible: list[str] = []
        undetermined: list[str] = []
        settles: dict[str, int] = {}
        for rule_id, test, find_missing in self.rules:
            value = test(flat, concepts)
            if (value is True) != (rule_id in fired):
                raise DisagreementError(f"rule {rule_id}: engine fired={rule_id in fired}, closures {value}")
            if value:
                eligible.append(rule_id)
            elif value is None:
                undetermined.append(rule_id)
                missing: list[str] = []
                find_missing(flat, concepts, missing)
                for path in missing:
                    settles[path] = settles.get(path, 0) + 1
        # most useful first; ties keep first-seen order (a stable sort, as Assessment.questions_to_settle)
        questions = tuple(sorted(settles, key=lambda path: -settles[path]))
        return tuple(eligible), tuple(undetermined), questions
