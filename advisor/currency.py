"""The plan in time: how old it is on the assessment date, and what each rule's nature means then.

The plan 青委办字〔2020〕55号 is in force from 2020-11-23. Later business-environment plans may have
changed or replaced some of its measures, so every output carries the currency notice, and a
target whose date has passed is shown as such: the handling department says what applies now.
"""

from datetime import date
from typing import Any

from .catalog import PLAN_ID, PLAN_IN_FORCE
from .rulebase import Rule
from .text import Lang, Text

# Where to check what applies today (the plan's own platform, hall and hotline: （十七）（八）（十一）).
CHECK_CURRENT: tuple[tuple[Text, str], ...] = (
    (Text(zh="天府蓉易享（惠企政策平台）", en="Tianfu Rong Yi Xiang (the policy platform)"), "天府蓉易享"),
    (Text(zh="青羊区政务服务中心（综合窗口）", en="Qingyang District Government Service Centre (general windows)"),
     "青羊区政务服务中心"),
    (Text(zh="96963“青羊区政务一号通”", en="96963, the Qingyang government hotline"), "96963"),
)

TARGET_PASSED = Text(zh="方案所定目标期限已过，现行做法以承办部门为准",
                     en="The plan's target date has passed; the handling department says what applies now")
_NATURE = {
    "commitment": Text(zh="承诺", en="Commitment"),
    "pilot": Text(zh="试点", en="Pilot"),
    "exploration": Text(zh="探索中，以部门答复为准", en="Being explored: the department's answer prevails"),
    "service": Text(zh="服务措施", en="Service measure"),
}


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
        return _NATURE[spec.nature].get(lang)
    if target_passed(rule, as_of):
        return TARGET_PASSED.get(lang)
    by = spec.target_by
    if by is None:
        return "方案目标" if lang == "zh" else "The plan's target (an aim, not a promise)"
    if (by.month, by.day) == (12, 31):
        return f"方案目标（{by.year}年底前）" if lang == "zh" else f"The plan's target (by the end of {by.year})"
    return f"方案目标（{by.isoformat()}前）" if lang == "zh" else f"The plan's target (by {by.isoformat()})"


def plan_dict(as_of: date) -> dict[str, Any]:
    """The document's `plan` object: the plan's number, in force from, age and the currency notice."""
    age = age_years(as_of)
    years = f"{age} year" if age == 1 else f"{age} years"
    in_force = PLAN_IN_FORCE.isoformat()
    return {
        "id": PLAN_ID,
        "in_force_from": in_force,
        "as_of": as_of.isoformat(),
        "age_years": age,
        "notice": {
            "zh": (f"本评估依据{PLAN_ID}（{in_force}起施行），至评估日已施行{age}年。此后出台的营商环境方案可能已调整"
                   "或替代其中部分措施；现行做法请通过天府蓉易享、青羊区政务服务中心或96963“青羊区政务一号通”核实。"),
            "en": (f"This advice follows {PLAN_ID}, in force from {in_force}: {years} before the assessment date. "
                   "Later business-environment plans may have changed or replaced some of its measures; check "
                   "what applies now on 天府蓉易享 (Tianfu Rong Yi Xiang), at the Qingyang District Government "
                   "Service Centre or on 96963."),
        },
        "check_current": [{"name": {"zh": name.zh, "en": name.en}, "contact": contact}
                          for name, contact in CHECK_CURRENT],
    }
