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
from advisor.questions import QuestionCatalog, Section
from advisor.text import Text

ALWAYS = ("enterprise",)  # the section every form asks first
# A gate question and the questions that only matter when it is answered "yes": a "no" hides them
# (CSS, no script needed) and an answer to one of them beside a "no" is a contradiction to warn about.
GATES: dict[str, tuple[str, ...]] = {
    "project.has_project": ("project.*",),
    "registration.starting_company": ("registration.materials_complete", "registration.general_scope_only"),
    "foreign.has_foreign_staff": ("foreign.needs_residence_permit", "foreign.needs_visa_or_stay_permit"),
    "utilities.needs_gas": ("utilities.gas_works",),
    "utilities.needs_water": ("utilities.water_pipe_dn", "utilities.water_external_works"),
}
# Units as people type them after a number: 1200平方米, 1200㎡ (NFKC: m2), 300 mm, DN100.
_UNIT_SUFFIX = re.compile(r"\s*(平方米|平米|m2|米|m|毫米|mm|个|件|项|栋|人|名)$", re.IGNORECASE)
_DN_PREFIX = re.compile(r"^dn\s*", re.IGNORECASE)


@dataclass(slots=True)
class FormState:
    """What the user chose and answered, as read from the query."""

    topics: list[str]
    answers: dict[str, str]  # field path -> the text as entered
    asked: list[str] = field(default_factory=list)  # fields to ask on their own page

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
    """The topics, answers and asked fields in a query; blank answers are left out (unknown)."""
    topic_ids = {topic.id for topic in catalog.topics}
    by_path = catalog.by_path
    topics = [topic for topic in dict.fromkeys(params.getlist("topic")) if topic in topic_ids]
    answers = {key: value.strip() for key, value in params.multi_items()
               if key in by_path and value.strip()}
    asked = [path for path in dict.fromkeys(params.getlist("ask")) if path in by_path]
    return FormState(topics, answers, asked)


def steps_for(state: FormState, catalog: QuestionCatalog) -> list[Section]:
    """One step per section: the enterprise first, then the ticked topics' sections, then any
    other section already answered (so no answer is out of reach of a change link)."""
    wanted = set(ALWAYS)
    for topic in catalog.topics:
        if topic.id in state.topics:
            wanted.update(topic.sections)
    wanted.update(path.split(".", 1)[0] for path in state.answers)
    return [section for section in catalog.sections if section.id in wanted]


def topics_for(paths: Iterable[str], catalog: QuestionCatalog) -> list[str]:
    """The topics whose sections hold these fields."""
    sections = {path.split(".", 1)[0] for path in paths}
    return [topic.id for topic in catalog.topics if sections & set(topic.sections)]


def gated_by(path: str) -> str | None:
    """The gate question that decides whether `path` is asked at all, if any."""
    section = path.split(".", 1)[0]
    for gate, targets in GATES.items():
        if path != gate and (path in targets or f"{section}.*" in targets):
            return gate
    return None


def contradictions(answers: dict[str, str], catalog: QuestionCatalog) -> list[tuple[str, list[str]]]:
    """Each gate answered "no" with the questions behind it that were answered all the same."""
    found = []
    for gate in GATES:
        if answers.get(gate) == "false":
            behind = [path for path in answers if gated_by(path) == gate]
            if behind:
                found.append((gate, behind))
    return found


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
        if question.type == "bool":
            value = {"true": True, "false": False}.get(text, text)
        elif question.type in ("integer", "number"):
            value = parse_number(text)
        elif question.type == "credit_code":
            problem = creditcode.format_error(creditcode.normalise(text))
            if problem:
                warnings[path] = Text(zh=f"{problem[0]}（不影响评估结果）",
                                      en=f"{problem[1]} (does not affect the result)")
                continue
        profile.setdefault(question.section, {})[question.id] = value
    return profile, warnings


def field_id(path: str) -> str:
    """The HTML id of a field's input, e.g. f-project-floor_area_m2."""
    return "f-" + path.replace(".", "-")

