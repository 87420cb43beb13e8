"""Which question to ask: the unanswered fields that settle the most undetermined provisions, and
the ones worth asking at all for the topics an enterprise asks about.

A host platform that drives its own form sends what it knows so far and asks what to ask next.
A field ranks first by how many undetermined findings name it as missing (answering it can
settle them), then by how many undetermined rules it can change at all, then in catalog order.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from .arrange import arranger
from .findings import Assessment
from .rulebase import RuleBase, fields_used


@dataclass(frozen=True, slots=True)
class NextQuestion:
    """An unanswered field, the undetermined rules it settles or affects, most useful first."""

    path: str
    settles: tuple[str, ...]  # undetermined rules that list this field as missing
    affects: tuple[str, ...]  # undetermined rules whose outcome this field can change


def next_questions(assessment: Assessment, rulebase: RuleBase, limit: int | None = None) -> list[NextQuestion]:
    """The unanswered questions ranked by how many undetermined provisions they would settle."""
    undetermined = {finding.rule.id for finding in assessment.by_status("undetermined")}
    settles = dict(assessment.questions_to_settle())
    order = {path: index for index, path in enumerate(rulebase.questions.by_path)}
    settled = set(assessment.answers) | {item.field for item in assessment.inferred}  # never ask what is inferred
    ranked = []
    for path, rules in fields_used(rulebase).items():
        if path in settled:
            continue
        affected = tuple(sorted(rules & undetermined, key=list(rulebase.rules).index))
        settling = tuple(settles.get(path, ()))
        if affected or settling:
            ranked.append(NextQuestion(path, settling, affected))
    ranked.sort(key=lambda q: (-len(q.settles), -len(q.affects), order.get(q.path, len(order))))
    return ranked[:limit] if limit is not None else ranked


def worth_asking(assessment: Assessment, rulebase: RuleBase, topics: Iterable[str]) -> list[str]:
    """The unanswered questions whose answer can change a provision of the topics asked about.

    Each is named as missing by an undetermined provision in play (advisor.arrange), so nothing a
    topic, another answer or the plan already settles is asked; a classification only a department
    makes is left to the department (shown as "if the department confirms …"), unless an owner may
    know it already (`confirm.before_answer`). In catalog order.
    """
    chosen = arranger(rulebase)
    by_path = rulebase.questions.by_path
    settled = set(assessment.answers) | {item.field for item in assessment.inferred}
    topics = tuple(topics)
    wanted: set[str] = set()
    for finding in assessment.findings:
        if finding.status != "undetermined" or not chosen.in_play(finding.rule.id, topics):
            continue
        for path in finding.missing:
            confirm = by_path[path].confirm
            if path not in settled and (confirm is None or confirm.before_answer):
                wanted.add(path)
    return [path for path in by_path if path in wanted]
