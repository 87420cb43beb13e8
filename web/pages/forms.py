"""The self-check form in a URL: answers as query parameters named by field path.

Keeping every answer in the query makes a result a link that can be saved, and lets the form
work without JavaScript (GET from step to step). Unknown parameters are ignored.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from advisor.questions import QuestionCatalog

ALWAYS = ("enterprise",)  # the section every form shows


@dataclass(slots=True)
class FormState:
    """What the user chose and answered, as read from the query."""

    topics: list[str]
    answers: dict[str, str]  # field path -> the text as entered
    asked: list[str] = field(default_factory=list)  # fields to mark ("please answer")

    def query(self, extra: Iterable[tuple[str, str]] = ()) -> str:
        """The state as a query string (without '?')."""
        pairs = [("topic", topic) for topic in self.topics] + list(self.answers.items()) + list(extra)
        return urlencode(pairs)


def read_form(params: QueryParams, catalog: QuestionCatalog) -> FormState:
    """The topics, answers and marked fields in a query; blank answers are left out (unknown)."""
    topic_ids = {topic.id for topic in catalog.topics}
    by_path = catalog.by_path
    topics = [topic for topic in dict.fromkeys(params.getlist("topic")) if topic in topic_ids]
    answers = {key: value.strip() for key, value in params.multi_items()
               if key in by_path and value.strip()}
    asked = [path for path in dict.fromkeys(params.getlist("ask")) if path in by_path]
    return FormState(topics, answers, asked)


def sections_shown(state: FormState, catalog: QuestionCatalog) -> list[str]:
    """The enterprise section, the ticked topics' sections, and any section already answered or asked."""
    wanted = set(ALWAYS)
    for topic in catalog.topics:
        if topic.id in state.topics:
            wanted.update(topic.sections)
    wanted.update(path.split(".", 1)[0] for path in [*state.answers, *state.asked])
    return [section.id for section in catalog.sections if section.id in wanted]


def topics_for(paths: Iterable[str], catalog: QuestionCatalog) -> list[str]:
    """The topics whose sections hold these fields (so the form shows them)."""
    sections = {path.split(".", 1)[0] for path in paths}
    return [topic.id for topic in catalog.topics if sections & set(topic.sections)]


def to_profile(answers: dict[str, str], catalog: QuestionCatalog) -> dict[str, Any]:
    """The nested raw profile the advisor validates: yes/no become booleans, the rest stays text.

    Numbers stay text on purpose: the profile model parses them and names the field if they are not
    numbers, in the user's language. A thousands separator (1,200) is accepted.
    """
    by_path = catalog.by_path
    profile: dict[str, dict[str, Any]] = {}
    for path, text in answers.items():
        question = by_path[path]
        value: Any = text
        if question.type == "bool":
            value = {"true": True, "false": False}.get(text, text)
        elif question.type in ("integer", "number"):
            value = text.replace(",", "").replace("，", "")
        profile.setdefault(question.section, {})[question.id] = value
    return profile


def field_id(path: str) -> str:
    """The HTML id of a field's input, e.g. f-project-floor_area_m2."""
    return "f-" + path.replace(".", "-")
