"""The stepped form's pages: which questions each step asks.

A step is a section of the question catalog, the topics' sections first and the enterprise's basics
last. It asks only what can change a provision of the ticked topics, given every answer outside the
step (advisor.next_questions.worth_asking): nothing a topic, another answer or the plan settles, and
no classification only a department makes. A follow-up question whose opener is on the same page
stays hidden until that answer is chosen (CSS, no script); answered questions are always shown.
"""

from dataclasses import dataclass, field
from typing import Any

from advisor.arrange import topics_in_play
from advisor.assess import Advisor
from advisor.next_questions import worth_asking
from advisor.profile import ProfileError
from advisor.questions import Group, Question, QuestionCatalog, Section

from .forms import SAME, FormState, section_order, to_profile

SLOTS = 12  # follow-up questions one page can hide (style.css has a rule for each)


@dataclass(slots=True)
class Step:
    """One page of the form: a section's questions worth asking, follow-ups in slots."""

    section: Section
    fields: list[Question]  # in the order shown; a follow-up right after its opener
    slots: dict[str, int] = field(default_factory=dict)  # follow-up path -> its slot (hidden until opened)
    opens: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (opener path, value) -> slots
    page: str = ""  # a group asked on a page of its own: its id

    @property
    def id(self) -> str:
        """The section's id, or SECTION.GROUP for a group's own page: what ?step= may name."""
        return f"{self.section.id}.{self.page}" if self.page else self.section.id

    @property
    def label(self) -> Any:
        return self.section.label

    def group_of(self, question: Question) -> Group | None:
        return self.section.group_of(question.id)

    def opener_classes(self, path: str, value: str) -> str:
        """The classes of an answer's input that open follow-ups: "opens-1 opens-3"."""
        return " ".join(f"opens-{slot}" for slot in self.opens.get((path, value), ()))

    def none_ticked(self, group: Group, answers: dict[str, str]) -> bool:
        """Whether a group's answers say "none of these": every question answered, none "yes"."""
        paths = [f"{self.section.id}.{name}" for name in group.fields]
        return all(answers.get(path) == "false" for path in paths)

    @property
    def questions_shown(self) -> int:
        """How many questions the page shows before any follow-up opens (a group counts once)."""
        groups = {self.section.group_of(q.id).id for q in self.fields if self.section.group_of(q.id)}  # type: ignore[union-attr]
        singles = [q for q in self.fields if self.section.group_of(q.id) is None and q.path not in self.slots]
        return len(groups) + len(singles)


def _assessable(answers: dict[str, str], catalog: QuestionCatalog, advisor: Advisor) -> Any:
    """The assessment of the answers, leaving out any that are not valid (they are asked again)."""
    answers = dict(answers)
    for _ in range(3):
        profile, _warnings = to_profile(answers, catalog)
        try:
            return advisor.assess_data(profile)
        except ProfileError as error:
            for issue in error.issues:
                answers.pop(issue.path, None)
    return advisor.assess_data({})


def form_steps(state: FormState, advisor: Advisor, keep: tuple[str, ...] = ()) -> list[Step]:
    """The form's pages for the ticked topics and the answers given so far; `keep` names questions asked
    whatever they change (the window records the credit code, to find an enterprise's records)."""
    catalog = advisor.rulebase.questions
    topics = topics_in_play(state.topics, state.answers, catalog)  # a record re-opened has answers, not ticks
    steps = []
    for section in section_order(catalog, topics):
        own = {q.path for q in section.fields}
        others = {path: value for path, value in state.answers.items() if path not in own}
        assessment = _assessable(others, catalog, advisor)
        worth = set(worth_asking(assessment, advisor.rulebase, topics))
        worth.update(keep)
        for question in catalog.by_path.values():  # 同企业地址 waits for the enterprise's own answer
            if question.same_as and state.answers.get(question.path) == SAME:
                worth.add(question.same_as.field)
        steps.extend(_pages(_step(section, state, worth)))
    return steps


def _pages(step: Step | None) -> list[Step]:
    """The step, with each shown group that asks for a page of its own (and its follow-ups) split off."""
    if step is None:
        return []
    pages = []
    for group in step.section.groups:
        members = {f"{step.section.id}.{name}" for name in group.fields}
        if not group.own_page or not members & {q.path for q in step.fields}:
            continue
        moved = [q for q in step.fields if q.path in members or
                 (q.path in step.slots and {o.field for o in q.follows} & members)]
        page = Step(step.section, moved, {p: k for p, k in step.slots.items() if p in {q.path for q in moved}},
                    {key: slots for key, slots in step.opens.items() if key[0] in members}, group.id)
        step.fields[:] = [q for q in step.fields if q not in moved]
        pages.append(page)
    return ([step] if step.fields else []) + pages


def _step(section: Section, state: FormState, worth: set[str]) -> Step | None:
    answered = {path for path in state.answers if path not in state.implied}
    wanted = [q for q in section.fields if q.path in answered or (q.path in worth and q.path not in state.implied)]
    for group in section.groups:  # a group is asked whole
        members = [q for q in section.fields if q.id in group.fields]
        if any(q in wanted for q in members):
            wanted += [q for q in members if q not in wanted and q.path not in state.implied]
    wanted = [q for q in section.fields if q in wanted]
    on_page = {q.path for q in wanted}
    shown: list[Question] = []
    step = Step(section, shown)
    followers = []
    for question in wanted:
        if question.path in answered or not question.follows:
            shown.append(question)
            continue
        openers = [opener for opener in question.follows if opener.field in on_page]
        if openers:
            followers.append((question, openers))
        elif any(state.answers.get(o.field) in o.values for o in question.follows):
            shown.append(question)  # opened on an earlier page
    for question, openers in followers:
        if len(step.slots) >= SLOTS:
            shown.append(question)
            continue
        slot = step.slots[question.path] = len(step.slots) + 1
        for opener in openers:
            for value in opener.values:
                step.opens.setdefault((opener.field, value), []).append(slot)
        after = max(i for i, q in enumerate(shown) if q.path in {o.field for o in openers}) \
            if any(q.path in {o.field for o in openers} for q in shown) else len(shown) - 1
        while after + 1 < len(shown) and shown[after + 1].path in step.slots:
            after += 1  # keep follow-ups of one opener in their order
        shown.insert(after + 1, question)
    return step if shown else None


def find_step(steps: list[Step], wanted: str, at: str = "") -> int:
    """The 1-based number of the step that ?step= names (its number, its id, or "last"), or that asks the
    field or section ?at= names (the change links of the check-your-answers page)."""
    if at:
        for number, step in enumerate(steps, 1):
            if at == step.section.id or at in {q.path for q in step.fields}:
                return number
    if wanted.isdigit():
        return min(max(1, int(wanted)), len(steps))
    if wanted == "last":
        return len(steps)
    for number, step in enumerate(steps, 1):
        if step.id == wanted:
            return number
    return 1


_COUNTS: dict[int, tuple[Advisor, dict[str, int], int]] = {}


def question_counts(advisor: Advisor) -> tuple[dict[str, int], int]:
    """How many questions the form asks for each topic ticked alone, and with none ticked (computed once)."""
    kept = _COUNTS.get(id(advisor))
    if kept is None or kept[0] is not advisor:
        catalog = advisor.rulebase.questions

        def count(topics: list[str]) -> int:
            return sum(step.questions_shown for step in form_steps(FormState(topics, {}), advisor))

        kept = _COUNTS[id(advisor)] = (advisor, {topic.id: count([topic.id]) for topic in catalog.topics}, count([]))
    return kept[1], kept[2]
