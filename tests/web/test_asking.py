"""Ask only what changes the answer for the ticked topics: nothing a topic, another answer or the plan
settles, no department's classification, the enterprise's basics only where a topic's provisions read
them, follow-ups only once opened; the walk-ins' question counts (the browser walks count them too)."""

import itertools
from typing import Any

import pytest
from starlette.datastructures import QueryParams

from advisor.assess import Advisor
from advisor.rulebase import RuleBase
from advisor.synth import ProfileFactory
from tests.walkins import WALK_INS, WalkIn
from web.pages.forms import SAME, FormState, closed, read_form, to_profile
from web.pages.steps import form_steps

# These two ask about "a foreign employee": a no to having foreign staff makes them moot by their own
# wording (a contradiction warning says so), though their provisions read them alone.
PRESUPPOSED = {"foreign.needs_residence_permit", "foreign.needs_visa_or_stay_permit"}
BUDGET = {"warehouse": 15, "start-up": 10, "ip-pledge": 20}


def walk(advisor: Advisor, walk_in: WalkIn) -> tuple[int, list[list[str]]]:
    """Go through the steps as the walk-in would: on each page, answer what it shows from the example.
    The questions shown before the answer (a group once; a follow-up once its opener is chosen)."""
    catalog = advisor.rulebase.questions
    wanted = dict(walk_in.answers())
    state = read_form(QueryParams([("topic", t) for t in walk_in.topics]), catalog)
    shown_total, pages, number = 0, [], 1
    while True:
        steps = form_steps(state, advisor)
        if number > len(steps):
            return shown_total, pages
        step = steps[number - 1]
        page = [q.path for q in step.fields]
        answers = dict(state.answers)
        answers.update({path: value for path, value in wanted.items() if path in page})
        visible = [q for q in step.fields if q.path not in step.slots or any(
            answers.get(o.field) in o.values for o in q.follows)]
        groups = {step.group_of(q).id for q in visible if step.group_of(q)}  # type: ignore[union-attr]
        shown_total += len(groups) + sum(1 for q in visible if step.group_of(q) is None)
        pages.append(page)
        params = [("topic", t) for t in walk_in.topics] + list(answers.items())
        state = read_form(QueryParams(params), catalog)
        number += 1


@pytest.mark.parametrize("walk_in", [w for w in WALK_INS if w.name in BUDGET], ids=lambda w: w.name)
def test_the_walk_ins_see_few_questions_before_the_answer(advisor: Advisor, walk_in: WalkIn) -> None:
    shown, pages = walk(advisor, walk_in)
    assert shown <= BUDGET[walk_in.name], (shown, pages)
    asked = {path for page in pages for path in page}
    for settled in ("enterprise.revenue_10k_yuan", "enterprise.assets_10k_yuan", "enterprise.employees",
                    "enterprise.credit_code", "finance.needs_financing", "project.has_project",
                    "project.simple_low_risk", "project.in_list_commitment", "project.self_review_confirmed"):
        assert settled not in asked, settled


def test_ticking_a_topic_answers_what_it_implies(advisor: Advisor) -> None:
    catalog = advisor.rulebase.questions
    state = read_form(QueryParams([("topic", "finance")]), catalog)
    assert state.answers["finance.needs_financing"] == "true" and "finance.needs_financing" in state.implied
    assert not any(q.path == "finance.needs_financing" for step in form_steps(state, advisor) for q in step.fields)
    profile, _ = to_profile({**state.answers, "enterprise.size": "small"}, catalog)
    statuses = {f.rule.id: f.status for f in advisor.assess_data(profile).findings}
    assert statuses["jiaozi-5-plus-2-platform"] == "eligible"


def test_a_group_answers_each_of_its_questions(advisor: Advisor) -> None:
    catalog = advisor.rulebase.questions
    ticked = read_form(QueryParams([("topic", "project"), ("project.needs_planning_permit", "true")]), catalog)
    assert ticked.answers["project.needs_planning_permit"] == "true"
    assert ticked.answers["project.acquires_land"] == "false"  # unticked: no
    none = read_form(QueryParams([("topic", "project"), ("none", "project.needs")]), catalog)
    assert none.answers["project.occupies_road"] == "false"
    nothing = read_form(QueryParams([("topic", "project")]), catalog)
    assert "project.occupies_road" not in nothing.answers  # nothing ticked: unknown, never no


def test_the_site_is_the_enterprises_address_in_one_tap(advisor: Advisor) -> None:
    catalog = advisor.rulebase.questions
    answers = {"project.in_qingyang": SAME, "utilities.needs_water": "true"}
    steps = form_steps(FormState(["utilities"], answers), advisor)
    assert any(q.path == "enterprise.in_qingyang" for step in steps for q in step.fields)
    profile, _ = to_profile({**answers, "enterprise.in_qingyang": "true"}, catalog)
    assert profile["project"]["in_qingyang"] is True
    profile, _ = to_profile(answers, catalog)
    assert "in_qingyang" not in profile.get("project", {})  # the enterprise's answer not given yet: unknown


def _form_value(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def test_a_follow_up_is_moot_once_its_opener_closes_it(advisor: Advisor, rulebase: RuleBase) -> None:
    """On 200 generated enterprises: with every opener answered so as not to open it, no value of the
    follow-up changes any provision's status (so not asking it loses nothing)."""
    by_path = rulebase.questions.by_path
    followers = [q for q in by_path.values() if q.follows and q.path not in PRESUPPOSED]
    assert len(followers) >= 10
    for raw in itertools.islice(ProfileFactory(rulebase, seed=19).profiles(200), 200):
        form = {f"{s}.{k}": _form_value(v) for s, values in raw.items() for k, v in values.items()}
        for question in followers:
            answers = {path: value for path, value in form.items() if path != question.path}
            for opener in question.follows:
                if answers.get(opener.field) in opener.values or opener.field not in answers:
                    source = by_path[opener.field]
                    values = [o.value for o in source.options] if source.type == "enum" else ["true", "false"]
                    answers[opener.field] = next(v for v in values if v not in opener.values)
            assert closed(question, {**answers, question.path: "x"})
            base, _ = to_profile(answers, rulebase.questions)
            before = {f.rule.id: f.status for f in advisor.assess_data(base).findings}
            values = [True, False] if question.type == "bool" else (
                [o.value for o in question.options] if question.type == "enum" else [question.min or 1, 50, 150])
            for value in values:
                changed = {section: dict(fields) for section, fields in base.items()}
                changed.setdefault(question.section, {})[question.id] = value
                after = {f.rule.id: f.status for f in advisor.assess_data(changed).findings}
                assert after == before, (question.path, value)
