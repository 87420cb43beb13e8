"""The result of an assessment: one finding per rule, warnings; and the checklist's items (checklist.py)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import compress, repeat
from operator import attrgetter, is_
from typing import Any

from .explainer import Check
from .profile import FieldIssue
from .rulebase import Rule, Status


@dataclass(slots=True)
class Finding:
    """What one rule says about one profile, and why."""

    rule: Rule
    status: Status
    check: Check
    missing: tuple[str, ...]  # fields to answer to settle an undetermined finding
    failing: tuple[Check, ...]  # the failed tests of a not_eligible finding
    # Where a presenter keeps this finding's JSON, and the arranger its item (arrange.py): the advisor
    # remembers findings and meets them again (memo.py), and the finding itself never changes.
    renderings: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # by rendering_key()


_RENDERINGS = attrgetter("renderings")
_MISSING = attrgetter("missing")


# One key object per (view, language, date); at most this many kept.
MAX_KEYS = 1_000
_KEYS: dict[tuple[str, str | None, date], str] = {}


def rendering_key(view: str, lang: str | None, as_of: date) -> str:
    """The key a finding keeps a rendering under: the same string object for a view, language and date, so
    that looking it up in every finding of an assessment compares it by identity (a tuple would be hashed
    and compared item by item in each finding's dict)."""
    key = _KEYS.get((view, lang, as_of))
    if key is None:
        if len(_KEYS) >= MAX_KEYS:
            _KEYS.clear()
        key = _KEYS[(view, lang, as_of)] = f"{view}:{lang}:{as_of.isoformat()}"
    return key


def kept_renderings(findings: Iterable[Finding], key: str) -> list[Any]:
    """Each finding's rendering kept under `key`, None where it has none (one pass, without a Python call
    per finding: an assessment has one finding per rule)."""
    return list(map(dict.get, map(_RENDERINGS, findings), repeat(key)))


def any_none(values: Iterable[Any]) -> bool:
    """Whether any value is None (by identity: no value's __eq__ is called)."""
    return any(map(is_, values, repeat(None)))


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """A material needed by one or more findings; `when` says whether they apply or may apply."""

    material: str
    needed_by: tuple[str, ...]
    when: str = "eligible"  # "eligible" | "if_confirmed" (only undetermined findings need it)
    alternatives: tuple[str, ...] = ()  # materials that may be brought instead ("其一即可")


@dataclass(frozen=True, slots=True)
class Inferred:
    """A question the other answers settle ("由您的回答推知"): the concept that infers it and the value."""

    concept: str
    field: str
    value: bool


@dataclass(frozen=True, slots=True)
class Assessment:
    """Every finding for a profile, evaluated by a given rule-base version for a given date."""

    findings: tuple[Finding, ...]
    concepts: dict[str, Check]
    answers: dict[str, object]
    warnings: tuple[FieldIssue, ...]
    rulebase_version: str
    as_of: date
    inferred: tuple[Inferred, ...] = ()  # unanswered questions the other answers settle
    size_by_standard: str | None = None  # the national standard's size (shown, never deciding)

    def by_status(self, status: Status) -> list[Finding]:
        """The findings with one status, in rule-base order."""
        return [finding for finding in self.findings if finding.status == status]

    def questions_to_settle(self) -> list[tuple[str, list[str]]]:
        """Each unanswered field with the undetermined findings it could settle, most useful first."""
        settles: dict[str, list[str]] = {}
        for finding in compress(self.findings, map(_MISSING, self.findings)):  # only undetermined ones miss any
            for path in finding.missing:
                settles.setdefault(path, []).append(finding.rule.id)
        return sorted(settles.items(), key=lambda item: -len(item[1]))
