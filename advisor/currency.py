"""The plan in time: how old it is on the assessment date, and what each rule's nature means then.

The plan 青委办字〔2020〕55号 is in force from 2020-11-23. Later business-environment plans may have
changed or replaced some of its measures, so every output carries the currency notice, and a
target whose date has passed is shown as such: the handling department says what applies now.
"""

from datetime import date
from functools import lru_cache
from typing import Any

from .catalog import PLAN_ID, PLAN_IN_FORCE
from .messages import message, message_text
from .rulebase import Rule
from .text import Lang

# Where to check what applies today (the plan's own platform, hall and hotline: （十七）（八）（十一）).
CHECK_CURRENT: tuple[tuple[str, str], ...] = (  # (message key, how to reach it)
    ("check_current_platform", "天府蓉易享"),
    ("check_current_centre", "青羊区政务服务中心"),
    ("check_current_hotline", "96963"),
)


def age_years(as_of: date) -> int:
    """Whole years the plan has been in force on `as_of`."""
    years = as_of.year - PLAN_IN_FORCE.year
    return years - 1 if (as_of.month, as_of.day) < (PLAN_IN_FORCE.month, PLAN_IN_FORCE.day) else years


def target_passed(rule: Rule, as_of: date) -> bool:
    """Whether the rule is a dated target whose date lies before `as_of`."""
    target_by = rule.spec.target_by
    return target_by is not None and as_of > target_by


def nature_text(rule: Rule, as_of: date, lang: Lang) -> str:
    """The marker shown beside a finding: 承诺 / 方案目标（2020年底前） / 试点 / 探索中… / 服务措施."""
    spec = rule.spec
    if spec.nature != "target":
        return message(f"nature_{spec.nature}", lang)
    if target_passed(rule, as_of):
        return message("nature_target_passed", lang)
    by = spec.target_by
    if by is None:
        return message("nature_target", lang)
    if (by.month, by.day) == (12, 31):
        return message("nature_target_year", lang, year=by.year)
    return message("nature_target_date", lang, date=by.isoformat())


def plan_dict(as_of: date) -> dict[str, Any]:
    """The document's `plan` object: the plan's number, in force from, age and the currency notice."""
    return dict(_plan(as_of))  # every document of a day has the same: rendered once a date


@lru_cache(maxsize=16)
def _plan(as_of: date) -> dict[str, Any]:
    age = age_years(as_of)
    in_force = PLAN_IN_FORCE.isoformat()
    return {
        "id": PLAN_ID,
        "in_force_from": in_force,
        "as_of": as_of.isoformat(),
        "age_years": age,
        "notice": message_text("plan_notice", plan=PLAN_ID, since=in_force, n=age).model_dump(),
        "check_current": [{"name": message_text(key).model_dump(), "contact": contact}
                          for key, contact in CHECK_CURRENT],
    }
