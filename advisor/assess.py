"""The advisor: profile -> facts -> engine -> findings.

durable-rules decides eligibility (the fired rules) and derives the shared concepts; the
explainer evaluates the same conditions three-valued for the reasons and the unknowns. The two
must agree; a disagreement is a bug and raises rather than giving a wrong answer.
"""

from datetime import date
from itertools import compress, repeat
from operator import attrgetter, eq
from typing import Any

from pydantic import BaseModel

from . import clock
from .catalog import PLAN_IN_FORCE
from .engine import Engine, EngineResult
from .explainer import Check, Explainer, Statuses, Tri, failing_checks, missing_fields
from .findings import Assessment, Finding, Inferred
from .groups import EngineGroups
from .memo import MAX_FINDINGS, FindingMemo
from .messages import message, message_text
from .profile import FieldIssue, ProfileError, answers, parse_profile, profile_warnings
from .rulebase import RuleBase, load_rulebase
from .sizing import size_by_standard
from .text import Text

_STATUS = attrgetter("status")


class DisagreementError(RuntimeError):
    """The engine and the explainer disagree about a rule or concept: a bug, never shown as advice."""


def check_as_of(as_of: date) -> None:
    """The plan applies from 2020-11-23; an earlier date is an error naming the field."""
    if as_of < PLAN_IN_FORCE:
        raise ProfileError([FieldIssue("as_of", message_text("as_of_before_plan", since=PLAN_IN_FORCE.isoformat()))])


class Advisor:
    """One engine and one explainer over a rule base; assess() one profile at a time, and
    assess_data_async() for concurrent callers, whose profiles durable-rules decides together.

    Findings and concepts' checks are remembered by the answers they depend on (memo.py, at most
    `memo_size`)."""

    def __init__(self, rulebase: RuleBase | None = None, memo_size: int = MAX_FINDINGS) -> None:
        self.rulebase = rulebase or load_rulebase()
        self.engine = Engine(self.rulebase)
        self.groups = EngineGroups(self.engine)
        self.explainer = Explainer(self.rulebase)
        self.statuses = Statuses(self.rulebase)
        self._inferring = [(c.id, c.spec.infers) for c in self.rulebase.concepts.values() if c.spec.infers]
        self.memo = FindingMemo(self.rulebase, memo_size)
        self._rule_index = {rule_id: index for index, rule_id in enumerate(self.memo.rule_ids)}
        self._memo_size = memo_size
        # Advisors of the rule base with other parameter values (a number changed on a date), by version:
        # each with its own engine (and groups), evaluator and memo, built when a date first needs it.
        self._dated: dict[str, Advisor] = {self.rulebase.version: self}

    def dated(self, as_of: date) -> "Advisor":
        """The advisor for the parameter values in force on `as_of`: self while they are this rule base's."""
        rulebase = self.rulebase.at(as_of)
        if rulebase is self.rulebase:
            return self
        advisor = self._dated.get(rulebase.version)
        if advisor is None:
            advisor = self._dated[rulebase.version] = Advisor(rulebase, self._memo_size)
            advisor._dated = self._dated
        return advisor

    def assess_data(self, data: Any, as_of: date | None = None) -> Assessment:
        """Validate raw profile data and assess it; raises ProfileError naming each bad field."""
        return self.assess(parse_profile(data), as_of)

    def assess(self, profile: BaseModel, as_of: date | None = None) -> Assessment:
        """Assess a validated profile for the date `as_of` (today by default)."""
        as_of = as_of or clock.today()
        check_as_of(as_of)
        advisor = self.dated(as_of)
        if advisor is not self:
            return advisor.assess(profile, as_of)
        facts = answers(profile)
        return self._assessment(profile, facts, self.engine.evaluate(facts), as_of)

    async def assess_data_async(self, data: Any, as_of: date | None = None) -> Assessment:
        """assess_data() for a caller in an event loop (see assess_async)."""
        return await self.assess_async(parse_profile(data), as_of)

    async def assess_async(self, profile: BaseModel, as_of: date | None = None) -> Assessment:
        """assess() for a caller in an event loop: the engine decides this profile together with
        those of other tasks that reach it meanwhile (groups.py); the answer is the same."""
        as_of = as_of or clock.today()
        check_as_of(as_of)
        advisor = self.dated(as_of)
        if advisor is not self:
            return await advisor.assess_async(profile, as_of)
        facts = answers(profile)
        return self._assessment(profile, facts, await self.groups.evaluate(facts), as_of)

    def _assessment(self, profile: BaseModel, facts: dict[str, Any], result: EngineResult,
                    as_of: date) -> Assessment:
        """The findings on flat answers, given what the engine derived and fired; the two must agree."""
        concepts = self.memo.concepts(facts, lambda concept_id, done: self.explainer.concept(concept_id, facts, done))
        derived = result.concepts
        for concept_id, check in concepts.items():
            if derived.get(concept_id) != check.result:
                raise DisagreementError(f"concept {concept_id}: engine {derived.get(concept_id)}, "
                                        f"explainer {check.result}")
        findings = self.memo.findings(facts, lambda rule_id: self._explain(rule_id, facts, concepts))
        statuses = list(map(_STATUS, findings))
        fired = result.fired
        # The same eligible rules as fired: as many, and each fired one eligible (a few look-ups).
        if statuses.count("eligible") != len(fired) or any(statuses[self._rule_index[rule_id]] != "eligible"
                                                           for rule_id in fired):
            eligible = set(compress(self.memo.rule_ids, map(eq, statuses, repeat("eligible"))))
            rule_id = min(eligible ^ fired)
            raise DisagreementError(f"rule {rule_id}: engine fired={rule_id in result.fired}, "
                                    f"explainer {'eligible' if rule_id in eligible else 'not eligible'}")
        inferred, contradictions = self._inferences(facts, concepts)
        by_standard = size_by_standard(facts)
        warnings = tuple(profile_warnings(profile)) + contradictions + _size_warning(facts, by_standard)
        return Assessment(tuple(findings), concepts, facts, warnings, self.rulebase.version, as_of, inferred,
                          by_standard)

    def _explain(self, rule_id: str, facts: dict[str, Any], concepts: dict[str, Check]) -> Finding:
        """One rule's finding, explained: its evaluated condition, and what is missing or failing."""
        rule = self.rulebase.rules[rule_id]
        check = self.explainer.rule(rule_id, facts, concepts)
        if check.result:
            return Finding(rule, "eligible", check, (), ())
        if check.result is None:
            return Finding(rule, "undetermined", check, tuple(missing_fields(check)), ())
        return Finding(rule, "not_eligible", check, (), tuple(failing_checks(check)))

    def _inferences(self, facts: dict[str, Any], concepts: dict[str, Check]
                    ) -> tuple[tuple[Inferred, ...], tuple[FieldIssue, ...]]:
        """The questions the other answers settle, and a warning for each answer that contradicts them."""
        inferred: list[Inferred] = []
        contradictions: list[FieldIssue] = []
        statuses: dict[str, Tri] | None = None
        for concept_id, path in self._inferring:
            answer = facts.get(path)
            if answer is None:
                result = concepts[concept_id].result
                if result is not None:
                    inferred.append(Inferred(concept_id, path, result))
                continue
            if statuses is None:
                statuses = {concept: check.result for concept, check in concepts.items()}
            implied = self.statuses.implied(concept_id, facts, statuses)
            if implied is not None and implied != answer:
                title = self.rulebase.concepts[concept_id].spec.title
                said = "yes" if implied else "no"
                contradictions.append(FieldIssue(path, Text(
                    zh=message("contradicts_inferred", "zh", value=message(said, "zh"), title=title.zh),
                    en=message("contradicts_inferred", "en", value=message(said, "en").lower(), title=title.en)),
                    level="warning"))
        return tuple(inferred), tuple(contradictions)


def _size_warning(facts: dict[str, Any], by_standard: str | None) -> tuple[FieldIssue, ...]:
    """A warning when the declared size differs from the national standard's (the declared one is used)."""
    declared = facts.get("enterprise.size")
    if by_standard is None or declared is None or declared == by_standard:
        return ()
    return (FieldIssue("enterprise.size", Text(
        zh=message("size_differs", "zh", by=message(f"size_{by_standard}", "zh"),
                   declared=message(f"size_{declared}", "zh")),
        en=message("size_differs", "en", by=message(f"size_{by_standard}", "en"),
                   declared=message(f"size_{declared}", "en"))), level="warning"),)

