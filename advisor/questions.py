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


class Section(BaseModel):
    """A group of questions, e.g. `project`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label: Text
    fields: tuple[Question, ...]


class Topic(BaseModel):
    """What an enterprise is planning; selects the sections a form shows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label: Text
    sections: tuple[str, ...]


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
        return self

    @property
    def by_path(self) -> dict[str, Question]:
        """Every question by its dotted path."""
        return {q.path: q for section in self.sections for q in section.fields}


@cache
def load_questions() -> QuestionCatalog:
    """The question catalog from catalog/questions.yaml (cached)."""
    return load_model(CATALOG_DIR / "questions.yaml", QuestionCatalog)
