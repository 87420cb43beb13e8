"""The self-check form in a URL: answers as query parameters named by field path.

Keeping every answer in the query makes a result a link that can be saved, and lets the stepped
form work without JavaScript: each step is a GET that carries every answer given so far.
Unknown parameters are ignored.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from advisor import creditcode
from advisor.messages import message
from advisor.questions import Question, QuestionCatalog, Section
from advisor.text import Text

LAST = "enterprise"  # the enterprise's basics come after the topics: their answers settle most of them
NONE = "none"  # the parameter of a group's "none of these" box: none=SECTION.GROUP
SAME = "same"  # the one-tap answer that copies another question's answer (同企业地址)
# Units as people type them after a number: 1200平方米, 1200㎡ (NFKC: m2), 300 mm, DN100.
_UNIT_SUFFIX = re.compile(r"\s*(平方米|平米|m2|米|m|毫米|mm|个|件|项|栋|人|名)$", re.IGNORECASE)
_DN_PREFIX = re.compile(r"^dn\s*", re.IGNORECASE)


@dataclass(slots=True)
class FormState:
    """What the user chose and answered, as read from the query."""

    topics: list[str]
    answers: dict[str, str]  # field path -> the text as entered
    asked: list[str] = field(default_factory=list)  # fields to ask on their own page
    implied: set[str] = field(default_factory=set)  # answers the ticked topics give (never asked)

    def query(self, extra: Iterable[tuple[str, str]] = (), without: Iterable[str] = ()) -> str:
        """The state as a query string (without '?'), leaving out the answers to `without`."""
        skip = set(without)
        pairs = [("topic", topic) for topic in self.topics]
        pairs += [(path, value) for path, value in self.answers.items() if path not in skip]
        return urlencode(pairs + list(extra))

    def hidden(self, without: Iterable[str] = ()) -> list[tuple[str, str]]:
        """The answers to carry in hidden inputs on a page that asks `without` itself."""
        skip = set(without)
        return [(path, value) for path, value in self.answers.items() if path not in skip]


def read_form(params: QueryParams, catalog: QuestionCatalog) -> FormState:
    """The topics, answers and asked fields in a query; blank answers are left out (unknown).

    A tick-all-that-apply group with a box ticked (or "none of these") answers each of its
    questions: the unticked ones are "no". A ticked topic gives the answers it implies."""
    topic_ids = {topic.id for topic in catalog.topics}
    by_path = catalog.by_path
    topics = [topic for topic in dict.fromkeys(params.getlist("topic")) if topic in topic_ids]
    answers = {key: value.strip() for key, value in params.multi_items()
               if key in by_path and value.strip()}
    nothing = set(params.getlist(NONE))
    for section in catalog.sections:
        for group in section.groups:
            paths = [f"{section.id}.{name}" for name in group.fields]
            if f"{section.id}.{group.id}" in nothing or any(answers.get(path) == "true" for path in paths):
                for path in paths:
                    answers.setdefault(path, "false")
    implied = set()
    for topic in catalog.topics:
        if topic.id in topics:
            for path, value in topic.implies.items():
                if answers.setdefault(path, value) == value:
                    implied.add(path)
    asked = [path for path in dict.fromkeys(params.getlist("ask")) if path in by_path]
    return FormState(topics, answers, asked, implied)


def section_order(catalog: QuestionCatalog, topics: Iterable[str] = ()) -> list[Section]:
    """The sections in the order the form asks them: the ticked topics' first, then the others, the
    enterprise's basics last (answers to the topics settle most of them)."""
    ticked = {section for topic in catalog.topics if topic.id in set(topics) for section in topic.sections}
    rank = {section.id: (section.id == LAST, section.id not in ticked, index)
            for index, section in enumerate(catalog.sections)}
    return sorted(catalog.sections, key=lambda section: rank[section.id])


def steps_for(state: FormState, catalog: QuestionCatalog) -> list[Section]:
    """The sections of the ticked topics and of every answer given (so no answer is out of reach of a
    change link), in the form's order: what the check-your-answers page lists."""
    wanted = {section for topic in catalog.topics if topic.id in state.topics for section in topic.sections}
    wanted.update(path.split(".", 1)[0] for path in state.answers if path not in state.implied)
    return [section for section in section_order(catalog, state.topics) if section.id in wanted]


def topics_for(paths: Iterable[str], catalog: QuestionCatalog) -> list[str]:
    """The topics whose sections hold these fields."""
    sections = {path.split(".", 1)[0] for path in paths}
    return [topic.id for topic in catalog.topics if sections & set(topic.sections)]


def closed(question: Question, answers: dict[str, str]) -> str | None:
    """The answer that makes a follow-up question moot: its opener, answered with none of the opening
    values (every opener answered so). None while any opener is open or unanswered."""
    if not question.follows:
        return None
    shut = None
    for opener in question.follows:
        value = answers.get(opener.field)
        if value is None or value in opener.values:
            return None
        shut = shut or opener.field
    return shut


def contradictions(answers: dict[str, str], catalog: QuestionCatalog) -> list[tuple[str, list[str]]]:
    """Each answer that makes follow-up questions moot, with those that were answered all the same."""
    found: dict[str, list[str]] = {}
    for path in answers:
        question = catalog.by_path[path]
        gate = closed(question, answers)
        if gate is not None:
            found.setdefault(gate, []).append(path)
    return list(found.items())


def parse_number(text: str) -> str:
    """A number as Chinese users type it, as plain digits: full-width digits, "1，200", "1200平方米",
    "1200㎡", "DN100". Anything else is left for the profile model to reject, naming the field."""
    value = unicodedata.normalize("NFKC", text).strip()
    value = _UNIT_SUFFIX.sub("", _DN_PREFIX.sub("", value))
    return value.replace(",", "").replace(" ", "")


def to_profile(answers: dict[str, str], catalog: QuestionCatalog) -> tuple[dict[str, Any], dict[str, Text]]:
    """The nested raw profile the advisor validates, and warnings to show beside fields.

    Yes/no become booleans, numbers are read as typed; the rest stays text for the profile model,
    which names a bad field in the user's language. A malformed credit code is left out with a
    warning: its help says it does not affect the result.
    """
    by_path = catalog.by_path
    profile: dict[str, dict[str, Any]] = {}
    warnings: dict[str, Text] = {}
    for path, text in answers.items():
        question = by_path[path]
        value: Any = text
        if question.same_as is not None and text == SAME:
            text = answers.get(question.same_as.field, "")
            if not text or text == SAME:
                continue  # the copied question is not answered yet: unknown
            value = text
        if question.type == "bool":
            value = {"true": True, "false": False}.get(text, text)
        elif question.type in ("integer", "number"):
            value = parse_number(text)
        elif question.type == "credit_code":
            problem = creditcode.format_error(creditcode.normalise(text))
            if problem:
                warnings[path] = Text(zh=message("credit_code_warning", "zh", problem=problem[0]),
                                      en=message("credit_code_warning", "en", problem=problem[1]))
                continue
        profile.setdefault(question.section, {})[question.id] = value
    return profile, warnings


def field_id(path: str) -> str:
    """The HTML id of a field's input, e.g. f-project-floor_area_m2."""
    return "f-" + path.replace(".", "-")

