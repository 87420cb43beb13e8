"""The question catalog: every profile field with its type, unit, labels and help.

Loaded from catalog/questions.yaml; the Profile model, the form and the questions API are
built from it, so a field is defined exactly once.
"""

from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from .datafile import load_model
from .paths import CATALOG_DIR
from .text import Text

FieldType = Literal["bool", "enum", "integer", "number", "credit_code"]


class Option(BaseModel):
    """One allowed value of an enum question."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: str
    zh: str
    en: str

    @property
    def label(self) -> Text:
        return Text(zh=self.zh, en=self.en)


class Confirmation(BaseModel):
    """A classification only a department makes (简易低风险, a published list, a reform's conditions).

    An owner usually learns it when applying, so a provision that waits only for such answers is shown
    as "if the department confirms …" beside the ones that apply, never guessed; the question goes on
    the slip for the department.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    by: str  # the office that decides (catalog/offices.yaml)
    text: Text  # what the department would confirm: "审批部门认定为简易低风险项目"
    ask: Text  # the question to take to it: "本项目是否属于简易低风险项目？"
    looks_at: Text  # what the department looks at, as far as the plan and public sources say
    facts: tuple[str, ...] = ()  # public comparables (catalog/sources.yaml): shown with their source, never deciding
    before_answer: bool = False  # asked on the form as well (an owner may already know the class)


class Opener(BaseModel):
    """An answer that makes a follow-up question worth asking: `field` answered with one of `values`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str  # SECTION.FIELD
    values: tuple[str, ...]  # form values ("true", an option's value)


class SameAs(BaseModel):
    """A one-tap answer that copies another question's answer (the site is the enterprise's address)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    label: Text


class Question(BaseModel):
    """One profile field, asked as a question."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    type: FieldType
    label: Text
    help: Text | None = None
    term: str | None = None
    unit: Text | None = None
    min: float | None = None
    max: float | None = None
    options: tuple[Option, ...] = ()
    section: str = ""
    item: Text | None = None  # the question as a box of a tick-all-that-apply group ("租用厂房")
    confirm: Confirmation | None = None
    follows: tuple[Opener, ...] = ()  # asked only when one of these answers opens it (on the page: shown then)
    same_as: SameAs | None = None

    @property
    def path(self) -> str:
        """The dotted address of the field, SECTION.FIELD."""
        return f"{self.section}.{self.id}"

    @model_validator(mode="after")
    def _check_shape(self) -> "Question":
        if self.type == "enum" and not self.options:
            raise ValueError(f"enum question {self.id} has no options")
        if self.type != "enum" and self.options:
            raise ValueError(f"question {self.id} of type {self.type} must not have options")
        if self.type in ("integer", "number") and self.unit is None:
            raise ValueError(f"numeric question {self.id} needs a unit")
        return self

    def option(self, value: str) -> Option | None:
        """The option with this value, if any."""
        return next((opt for opt in self.options if opt.value == value), None)


class Group(BaseModel):
    """Yes/no questions of one section asked as one "tick all that apply" question.

    Ticking any box (or "none of these") answers every box: unticked ones are "no". Nothing ticked
    leaves them all unanswered.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label: Text
    help: Text | None = None
    none: Text  # the "none of these" box
    fields: tuple[str, ...]  # field ids of the section, each a bool
    own_page: bool = False  # asked on a page of its own (with its follow-ups), after the section's others


class Section(BaseModel):
    """A group of questions, e.g. `project`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label: Text
    fields: tuple[Question, ...]
    groups: tuple[Group, ...] = ()

    def group_of(self, field_id: str) -> Group | None:
        """The tick-all-that-apply group that asks this field, if any."""
        return next((group for group in self.groups if field_id in group.fields), None)


class Topic(BaseModel):
    """What an enterprise is planning; selects the sections a form shows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label: Text
    sections: tuple[str, ...]
    implies: dict[str, str] = {}  # answers that ticking the topic gives (融资 -> needs financing: "true")


class QuestionCatalog(BaseModel):
    """All sections and topics, with fields addressable by their dotted path."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    topics: tuple[Topic, ...]
    sections: tuple[Section, ...]

    @model_validator(mode="after")
    def _bind_sections(self) -> "QuestionCatalog":
        section_ids = {section.id for section in self.sections}
        bound = tuple(
            section.model_copy(
                update={"fields": tuple(q.model_copy(update={"section": section.id}) for q in section.fields)}
            )
            for section in self.sections
        )
        object.__setattr__(self, "sections", bound)
        for topic in self.topics:
            unknown = set(topic.sections) - section_ids
            if unknown:
                raise ValueError(f"topic {topic.id} names unknown sections {sorted(unknown)}")
        by_path = self.by_path
        for topic in self.topics:
            for path in topic.implies:
                if path not in by_path:
                    raise ValueError(f"topic {topic.id} implies unknown field {path}")
        for section in self.sections:
            ids = {q.id: q for q in section.fields}
            for group in section.groups:
                if any(ids.get(name) is None or ids[name].type != "bool" or ids[name].item is None
                       for name in group.fields):
                    raise ValueError(f"group {group.id} must name yes/no fields of section {section.id}, "
                                     "each with its `item` text")
        for question in by_path.values():
            for opener in question.follows:
                if opener.field not in by_path:
                    raise ValueError(f"{question.path} follows unknown field {opener.field}")
            if question.same_as and question.same_as.field not in by_path:
                raise ValueError(f"{question.path} copies unknown field {question.same_as.field}")
        return self

    @property
    def by_path(self) -> dict[str, Question]:
        """Every question by its dotted path."""
        return {q.path: q for section in self.sections for q in section.fields}


@cache
def load_questions() -> QuestionCatalog:
    """The question catalog from catalog/questions.yaml (cached)."""
    return load_model(CATALOG_DIR / "questions.yaml", QuestionCatalog)
