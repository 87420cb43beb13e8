"""The advisor: profile -> facts -> engine -> findings.

durable-rules decides eligibility (the fired rules) and derives the shared concepts; the
explainer evaluates the same conditions three-valued for the reasons and the unknowns. The two
must agree; a disagreement is a bug and raises rather than giving a wrong answer.
"""

from datetime import date
from typing import Any

from pydantic import BaseModel

from . import clock
from .catalog import PLAN_IN_FORCE
from .engine import Engine
from .explainer import Explainer, failing_checks, missing_fields
from .findings import Assessment, Finding, Inferred
from .memo import MAX_FINDINGS, FindingMemo
from .messages import message, message_text
from .profile import FieldIssue, ProfileError, parse_profile, profile_warnings
from .rulebase import RuleBase, load_rulebase
from .sizing import size_by_standard
from .text import Text


class DisagreementError(RuntimeError):
    """The engine and the explainer disagree about a rule or concept: a bug, never shown as advice."""


def check_as_of(as_of: date) -> None:
    """The plan applies from 2020-11-23; an earlier date is an error naming the field."""
    if as_of < PLAN_IN_FORCE:
        raise ProfileError([FieldIssue("as_of", message_text("as_of_before_plan", since=PLAN_IN_FORCE.isoformat()))])


class Advisor:
    """One engine and one explainer over a rule base; assess() one profile at a time.

    Findings are remembered by the answers they depend on (memo.py, at most `memo_size`)."""

    def __init__(self, rulebase: RuleBase | None = None, memo_size: int = MAX_FINDINGS) -> None:
        self.rulebase = rulebase or load_rulebase()
        self.engine = Engine(self.rulebase)
        self.explainer = Explainer(self.rulebase)
        self._inferring = [(c.id, c.spec.infers) for c in self.rulebase.concepts.values() if c.spec.infers]
        self.memo = FindingMemo(self.rulebase, memo_size)

    def assess_data(self, data: Any, as_of: date | None = None) -> Assessment:
        """Validate raw profile data and assess it; raises ProfileError naming each bad field."""
        return self.assess(parse_profile(data), as_of)

    def assess(self, profile: BaseModel, as_of: date | None = None) -> Assessment:
        """Assess a validated profile for the date `as_of` (today by default)."""
        as_of = as_of or clock.today()
        check_as_of(as_of)
        nested = {section: values for section, values in profile.model_dump(exclude_none=True).items() if values}
        flat = {f"{section}.{name}": value for section, values in nested.items() for name, value in values.items()}
        result = self.engine.evaluate(nested)
        concepts = self.explainer.concepts(flat)
        for concept_id, check in concepts.items():
            if result.concepts.get(concept_id) != check.result:
                raise DisagreementError(f"concept {concept_id}: engine {result.concepts.get(concept_id)}, "
                                        f"explainer {check.result}")
        findings = self.memo.findings(flat, lambda rule_id: self._explain(rule_id, flat, concepts))
        eligible = {finding.rule.id for finding in findings if finding.status == "eligible"}
        if eligible != result.fired:
            rule_id = min(eligible ^ result.fired)
            raise DisagreementError(f"rule {rule_id}: engine fired={rule_id in result.fired}, "
                                    f"explainer {'eligible' if rule_id in eligible else 'not eligible'}")
        inferred, contradictions = self._inferences(flat, concepts)
        by_standard = size_by_standard(flat)
        warnings = tuple(profile_warnings(profile)) + contradictions + _size_warning(flat, by_standard)
        return Assessment(tuple(findings), concepts, flat, warnings, self.rulebase.version, as_of, inferred,
                          by_standard)

    def _explain(self, rule_id: str, flat: dict[str, Any], concepts: dict[str, Any]) -> Finding:
        """One rule's finding, explained: its evaluated condition, and what is missing or failing."""
        rule = self.rulebase.rules[rule_id]
        check = self.explainer.rule(rule_id, flat, concepts)
        if check.result:
            return Finding(rule, "eligible", check, (), ())
        if check.result is None:
            return Finding(rule, "undetermined", check, tuple(missing_fields(check)), ())
        return Finding(rule, "not_eligible", check, (), tuple(failing_checks(check)))

    def _inferences(self, flat: dict[str, Any], concepts: dict[str, Any]
                    ) -> tuple[tuple[Inferred, ...], tuple[FieldIssue, ...]]:
        """The questions the other answers settle, and a warning for each answer that contradicts them."""
        inferred: list[Inferred] = []
        contradictions: list[FieldIssue] = []
        for concept_id, path in self._inferring:
            answer = flat.get(path)
            if answer is None:
                result = concepts[concept_id].result
                if result is not None:
                    inferred.append(Inferred(concept_id, path, result))
                continue
            others = {key: value for key, value in flat.items() if key != path}
            implied = self.explainer.concept(concept_id, others, concepts).result
            if implied is not None and implied != answer:
                title = self.rulebase.concepts[concept_id].spec.title
                said = "yes" if implied else "no"
                contradictions.append(FieldIssue(path, Text(
                    zh=message("contradicts_inferred", "zh", value=message(said, "zh"), title=title.zh),
                    en=message("contradicts_inferred", "en", value=message(said, "en").lower(), title=title.en)),
                    level="warning"))
        return tuple(inferred), tuple(contradictions)


def _size_warning(flat: dict[str, Any], by_standard: str | None) -> tuple[FieldIssue, ...]:
    """A warning when the declared size differs from the national standard's (the declared one is used)."""
    declared = flat.get("enterprise.size")
    if by_standard is None or declared is None or declared == by_standard:
        return ()
    return (FieldIssue("enterprise.size", Text(
        zh=message("size_differs", "zh", by=message(f"size_{by_standard}", "zh"),
                   declared=message(f"size_{declared}", "zh")),
        en=message("size_differs", "en", by=message(f"size_{by_standard}", "en"),
                   declared=message(f"size_{declared}", "en"))), level="warning"),)

