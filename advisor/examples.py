"""Running the examples written beside each rule: each must give the status it expects."""

from collections.abc import Collection
from datetime import date

from .assess import Advisor
from .profile import ProfileError
from .rulebase import Problem, RuleBase


def example_problems(rulebase: RuleBase, as_of: date | None = None,
                     only: Collection[str] | None = None) -> list[Problem]:
    """Every example whose profile is invalid, or whose status or asked questions differ (as of a day, by
    default today; `only` these rules, by default all)."""
    advisor = Advisor(rulebase)
    problems: list[Problem] = []
    for rule in rulebase.rules.values():
        if only is not None and rule.id not in only:
            continue
        for example in rule.spec.examples:
            where = f"example {example.name!r}"
            try:
                assessment = advisor.assess_data(example.profile, as_of)
            except ProfileError as error:
                problems.append(Problem(rule.file, rule.id, f"{where}: invalid profile: {error}"))
                continue
            finding = next(f for f in assessment.findings if f.rule.id == rule.id)
            if finding.status != example.expect:
                problems.append(Problem(rule.file, rule.id,
                                        f"{where}: expected {example.expect}, got {finding.status}"))
            elif example.asks and set(example.asks) != set(finding.missing):
                problems.append(Problem(rule.file, rule.id, f"{where}: asks {sorted(finding.missing)}, "
                                                            f"the example says {sorted(example.asks)}"))
    return problems
