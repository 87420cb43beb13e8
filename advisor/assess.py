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
from .checklist import build_checklist
from .engine import Engine
from .explainer import Explainer, failing_checks, missing_fields
from .findings import Assessment, Finding, Inferred
from .memo import MAX_FINDINGS, FindingMemo
from .profile import FieldIssue, ProfileError, parse_profile, profile_warnings
from .rulebase import RuleBase, load_rulebase
from .sizing import size_by_standard
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
    """One engine and one explainer over a rule base; assess() one profile at a time.

    Findings are remembered by the answers they depend on (memo.py, at most `memo_size`)."""

    def __init__(self, rulebase: RuleBase | None = None, memo_size: int = MAX_FINDINGS) -> None:
        self.rulebase = rulebase or load_rulebase()
        self.engine = Engine(self.rulebase)
        self.explainer = Explainer(self.rulebase)
        self._inferring = [(c.id, c.spec.infers) for c in self.rulebase.concepts.values() if c.spec.infers]
        self.memo = FindingMemo(self.rulebase, memo_size)
        self._memo_size = memo_size
        # Advisors of the rule base with other parameter values (a number changed on a date), by version:
        # one engine compiled per distinct set of values, built when a date first needs it.
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
        return Assessment(tuple(findings), concepts, flat, warnings, build_checklist(findings, self.rulebase.catalog),
                          self.rulebase.version, as_of, inferred, by_standard)

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
                contradictions.append(FieldIssue(path, Text(
                    zh=f"您的回答与其他回答推知的结果（{'是' if implied else '否'}：{title.zh}）不一致，"
                       "请核对；以您的回答为准。",
                    en=f"your answer contradicts what your other answers imply ({'yes' if implied else 'no'}: "
                       f"{title.en}); please check it. Your answer is used."), level="warning"))
        return tuple(inferred), tuple(contradictions)


_SIZES = {"large": ("大型", "large"), "medium": ("中型", "medium"), "small": ("小型", "small"),
          "micro": ("微型", "micro")}


def _size_warning(flat: dict[str, Any], by_standard: str | None) -> tuple[FieldIssue, ...]:
    """A warning when the declared size differs from the national standard's (the declared one is used)."""
    declared = flat.get("enterprise.size")
    if by_standard is None or declared is None or declared == by_standard:
        return ()
    return (FieldIssue("enterprise.size", Text(
        zh=f"按工信部联企业〔2011〕300号，您填写的行业、人数和金额对应{_SIZES[by_standard][0]}企业，"
           f"与您填写的{_SIZES[declared][0]}不一致，请核对；以您填写的企业规模为准。",
        en=f"by the national standard (工信部联企业〔2011〕300号) your sector and figures make a "
           f"{_SIZES[by_standard][1]} enterprise, not {_SIZES[declared][1]} as declared: please check. "
           "The declared size is used."), level="warning"),)

