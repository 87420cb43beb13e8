"""The advisor: profile -> facts -> engine -> findings.

durable-rules decides eligibility (the fired rules) and derives the shared concepts; the
explainer evaluates the same conditions three-valued for the reasons and the unknowns. The two
must agree; a disagreement is a bug and raises rather than giving a wrong answer.
"""

from datetime import date
from typing import Any

from pydantic import BaseModel

from .catalog import PLAN_IN_FORCE
from .checklist import build_checklist
from .engine import Engine
from .explainer import Explainer, failing_checks, missing_fields
from .findings import Assessment, Finding
from .profile import FieldIssue, ProfileError, parse_profile, profile_warnings
from .rulebase import RuleBase, load_rulebase
from .text import Text


class DisagreementError(RuntimeError):
    """The engine and the explainer disagree about a rule or concept: a bug, never shown as advice."""


def check_as_of(as_of: date) -> None:
    """The plan applies from 2020-11-23; an earlier date is an error naming the field."""
    if as_of < PLAN_IN_FORCE:
        raise ProfileError([FieldIssue("as_of", Text(
            zh=f"本方案自{PLAN_IN_FORCE.isoformat()}起施行，评估日期不能早于该日",
            en=f"the plan is in force from {PLAN_IN_FORCE.isoformat()}; the date cannot be earlier"))])


class Advisor:
    """One engine and one explainer over a rule base; assess() one profile at a time."""

    def __init__(self, rulebase: RuleBase | None = None) -> None:
        self.rulebase = rulebase or load_rulebase()
        self.engine = Engine(self.rulebase)
        self.explainer = Explainer(self.rulebase)

    def assess_data(self, data: Any, as_of: date | None = None) -> Assessment:
        """Validate raw profile data and assess it; raises ProfileError naming each bad field."""
        return self.assess(parse_profile(data), as_of)

    def assess(self, profile: BaseModel, as_of: date | None = None) -> Assessment:
        """Assess a validated profile for the date `as_of` (today by default)."""
        as_of = as_of or date.today()
        check_as_of(as_of)
        nested = {section: values for section, values in profile.model_dump(exclude_none=True).items() if values}
        flat = {f"{section}.{name}": value for section, values in nested.items() for name, value in values.items()}
        result = self.engine.evaluate(nested)
        concepts = self.explainer.concepts(flat)
        for concept_id, check in concepts.items():
            if result.concepts.get(concept_id) != check.result:
                raise DisagreementError(f"concept {concept_id}: engine {result.concepts.get(concept_id)}, "
                                        f"explainer {check.result}")
        findings = []
        fired = result.fired
        explain = self.explainer.rule
        for rule_id, rule in self.rulebase.rules.items():
            check = explain(rule_id, flat, concepts)
            if (check.result is True) != (rule_id in fired):
                raise DisagreementError(f"rule {rule_id}: engine fired={rule_id in fired}, "
                                        f"explainer {check.result}")
            if check.result:
                findings.append(Finding(rule, "eligible", check, (), ()))
            elif check.result is None:
                findings.append(Finding(rule, "undetermined", check, tuple(missing_fields(check)), ()))
            else:
                findings.append(Finding(rule, "not_eligible", check, (), tuple(failing_checks(check))))
        return Assessment(tuple(findings), concepts, flat, tuple(profile_warnings(profile)),
                          build_checklist(findings, self.rulebase.catalog), self.rulebase.version, as_of)

