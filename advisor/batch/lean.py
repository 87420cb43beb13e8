"""The lean path of a batch: eligibility from the engine, the rest from the explainer's statuses.

A batch needs per enterprise only each provision's status and, for the undetermined ones, the
unanswered fields; not the reasons, gaps, checklist or texts that Advisor.assess builds. So a
worker runs durable-rules for what fires (as the Advisor does) and plain Python returning
True / False / None for the rest; the missing fields are walked only for undetermined rules,
in the explainer's order. The engine and the statuses must agree, as in Advisor.assess: a
disagreement raises DisagreementError (that row fails) rather than giving a wrong answer.
tests/batch checks that the output equals Advisor().assess_data on a sample.

The tri-valued statuses of every concept and rule, and the walk for missing fields, come from the
explainer's statuses-only form (explainer.Statuses: one generated function call per profile
instead of one closure call per condition node; profiling showed those calls as the largest cost
of a batch).
"""

from typing import Any

from pydantic import BaseModel

from ..assess import DisagreementError
from ..engine import Engine, EngineResult
from ..explainer import Statuses
from ..profile import answers
from ..rulebase import RuleBase

Verdict = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]  # eligible, undetermined, questions


class LeanScreen:
    """(eligible, undetermined, questions to settle) for a validated profile, like Advisor.assess."""

    def __init__(self, rulebase: RuleBase, engine: Engine, questions: bool = True) -> None:
        self.rulebase = rulebase
        self.engine = engine
        self.questions = questions  # False: skip the walk for missing fields (questions come back empty)
        self.rule_ids = tuple(rulebase.rules)
        self.statuses = Statuses(rulebase)

    def screen(self, profile: BaseModel) -> Verdict:
        """Statuses and questions of one validated profile; DisagreementError if engine and explainer differ."""
        facts = answers(profile)
        return self.judge(facts, self.engine.evaluate(facts))

    def screen_many(self, profiles: list[BaseModel]) -> list[Verdict | Exception]:
        """screen() for a block, with one engine session per ruleset for the whole block
        (Engine.evaluate_each); a failure is returned in place of its profile's verdict."""
        block = [answers(profile) for profile in profiles]
        verdicts: list[Verdict | Exception] = []
        for facts, result in zip(block, self.engine.evaluate_each(block), strict=True):
            if isinstance(result, Exception):
                verdicts.append(result)
                continue
            try:
                verdicts.append(self.judge(facts, result))
            except DisagreementError as error:
                verdicts.append(error)
        return verdicts

    def judge(self, facts: dict[str, Any], result: EngineResult) -> Verdict:
        """The verdict on flat answers given what the engine derived and fired."""
        concepts = self.statuses.concepts(facts)
        derived = result.concepts
        for concept_id, value in concepts.items():
            if derived.get(concept_id) != value:
                raise DisagreementError(f"concept {concept_id}: engine {derived.get(concept_id)}, explainer {value}")
        fired = result.fired
        statuses = self.statuses.rules(facts, concepts)
        eligible: list[str] = []
        undetermined: list[str] = []
        for rule_id, value in zip(self.rule_ids, statuses, strict=True):
            if (value is True) != (rule_id in fired):
                raise DisagreementError(f"rule {rule_id}: engine fired={rule_id in fired}, explainer {value}")
            if value:
                eligible.append(rule_id)
            elif value is None:
                undetermined.append(rule_id)
        if not self.questions:
            return tuple(eligible), tuple(undetermined), ()
        settles: dict[str, int] = {}
        self.statuses.settle(facts, concepts, statuses, settles)
        # most useful first; ties keep first-seen order (a stable sort, as Assessment.questions_to_settle)
        questions = tuple(sorted(settles, key=lambda path: -settles[path]))
        return tuple(eligible), tuple(undetermined), questions
