"""The enterprise profile: a pydantic model built from the question catalog.

Every value is validated and converted to its type before the engine sees it (the engine
compares a string with a number as strings). Errors name the field and say why, in Chinese
and English; a credit code with a bad check character is only a warning.
"""

from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema, create_model, field_validator

from . import creditcode
from .messages import message, message_text
from .questions import Question, QuestionCatalog, load_questions
from .text import Text


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class ProfileBase(BaseModel):
    """Common configuration of the generated Profile model."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class _StrictSection(_Section):
    model_config = ConfigDict(strict=True)


class _StrictProfileBase(ProfileBase):
    model_config = ConfigDict(strict=True)


MAX_TEXT = 64  # longer than any credit code; the value is never echoed back, only its length


def _credit_code(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("credit_code")
    # A control character or a lone surrogate cannot be shown in a message (nor stored): name it, never echo it.
    if any(ord(char) < 32 or 0xD800 <= ord(char) <= 0xDFFF for char in value):
        text = message_text("text_control_character")
        raise ValueError(f"credit_code:{text.zh}|{text.en}")
    if len(value) > MAX_TEXT:
        text = message_text("credit_code_length", n=len(value))
        raise ValueError(f"credit_code:{text.zh}|{text.en}")
    code = creditcode.normalise(value)
    problem = creditcode.format_error(code)
    if problem:
        raise ValueError(f"credit_code:{problem[0]}|{problem[1]}")
    return code


# Numbers are kept to 4 decimal places: enough for m², m and mm, and it keeps every value in a
# form the engine accepts (it rejects exponent notation such as 1e-05).
NUMBER_DECIMALS = 4


def _round_number(value: Any) -> Any:
    return round(value, NUMBER_DECIMALS) if isinstance(value, float) else value


def integral(value: Any) -> Any:
    """2.0 as 2: an integer as JSON (and JSON Schema) has it; 2.5 stays for the int check to refuse."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _annotation(question: Question) -> Any:
    if question.type == "bool":
        return bool | None
    if question.type == "enum":
        return Literal[tuple(option.value for option in question.options)] | None  # type: ignore[misc]
    if question.type == "integer":
        return int | None
    if question.type == "number":
        return float | None
    # What _credit_code accepts, said for the JSON Schema (_credit_code checks it, with a message per fault).
    return Annotated[str, WithJsonSchema({"type": "string", "pattern": creditcode.PATTERN,
                                          "maxLength": MAX_TEXT})] | None


def _field(question: Question) -> Any:
    constraints: dict[str, Any] = {}
    if question.min is not None:
        constraints["ge"] = question.min
    if question.max is not None:
        constraints["le"] = question.max
    return (_annotation(question), Field(default=None, title=question.label.en, description=question.label.zh,
                                         **constraints))


def build_profile_model(questions: QuestionCatalog, strict: bool = False) -> type[BaseModel]:
    """The Profile model: one optional sub-model per section, one optional field per question; `strict`
    always validates as parse_profile(strict=True) does."""
    sections: dict[str, Any] = {}
    for section in questions.sections:
        validators = {}
        for question in section.fields:
            if question.type == "credit_code":
                validators[f"_check_{question.id}"] = field_validator(question.id, mode="before")(
                    classmethod(lambda cls, value: None if value is None else _credit_code(value))
                )
            elif question.type == "integer":
                validators[f"_integral_{question.id}"] = field_validator(question.id, mode="before")(
                    classmethod(lambda cls, value: integral(value))
                )
            elif question.type == "number":
                validators[f"_round_{question.id}"] = field_validator(question.id, mode="after")(
                    classmethod(lambda cls, value: _round_number(value))
                )
        model = create_model(  # type: ignore[call-overload]
            f"{section.id.title()}Section",
            __base__=_StrictSection if strict else _Section,
            __validators__=validators,
            **{question.id: _field(question) for question in section.fields},
        )
        model.__doc__ = section.label.en
        sections[section.id] = (model | None, Field(default=None, title=section.label.en))
    profile = create_model("Profile", __base__=_StrictProfileBase if strict else ProfileBase, **sections)  # type: ignore[call-overload]
    profile.__doc__ = "An enterprise profile; every field is optional and unanswered means unknown."
    return profile


@cache
def profile_model() -> type[BaseModel]:
    """The Profile model for the shipped question catalog (cached)."""
    return build_profile_model(load_questions())


@cache
def strict_profile_model() -> type[BaseModel]:
    """The Profile model that takes JSON as the Profile's JSON Schema describes it (parse_profile's
    `strict`) in any validation: a field of a request model validated in one pass with the request."""
    return build_profile_model(load_questions(), strict=True)


@dataclass(frozen=True, slots=True)
class FieldIssue:
    """A problem with one field: an error rejects the profile, a warning does not."""

    path: str
    message: Text
    level: Literal["error", "warning"] = "error"

    def as_dict(self, lang: Literal["zh", "en"]) -> dict[str, str]:
        return {"path": self.path, "message": self.message.get(lang), "level": self.level}


class ProfileError(ValueError):
    """The profile does not validate; `issues` names each bad field."""

    def __init__(self, issues: list[FieldIssue]) -> None:
        super().__init__("; ".join(f"{i.path}: {i.message.en}" for i in issues))
        self.issues = issues


# pydantic's error type -> the message catalog's key (advisor/messages.py)
_MESSAGES: dict[str, str] = {
    "bool_type": "field_bool", "bool_parsing": "field_bool", "int_type": "field_int", "int_parsing": "field_int",
    "int_from_float": "field_int", "float_type": "field_number", "float_parsing": "field_number",
    "finite_number": "field_finite", "greater_than_equal": "field_min", "less_than_equal": "field_max",
    "literal_error": "field_choice", "extra_forbidden": "field_unknown", "model_type": "field_object",
    "model_attributes_type": "field_object", "dict_type": "field_object", "string_type": "field_text",
}


def _plain(value: Any) -> str:
    """A context value as a user reads it: 0 rather than 0.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def field_issue(item: Any) -> FieldIssue:
    """The issue of one pydantic error item whose `loc` is a path in the profile."""
    path = ".".join(str(part) for part in item["loc"]) or "(profile)"
    kind = item["type"]
    ctx = {key: _plain(value) for key, value in (item.get("ctx") or {}).items()}
    if kind == "value_error" and "credit_code" in str(ctx.get("error", "")):
        zh, _, en = str(ctx["error"]).partition("credit_code:")[2].partition("|")
        return FieldIssue(path, Text(zh=message("credit_code_malformed", "zh", problem=zh),
                                     en=message("credit_code_malformed", "en", problem=en)))
    key = _MESSAGES.get(kind)
    if key is None:
        return FieldIssue(path, message_text("field_invalid", detail=item["msg"]))
    try:
        return FieldIssue(path, message_text(key, **ctx))
    except KeyError:
        return FieldIssue(path, message_text("field_invalid", detail=item["msg"]))


def parse_profile(data: Any, strict: bool = False) -> BaseModel:
    """Validate raw profile data (a dict from JSON or a form); raise ProfileError naming each bad field.

    `strict` takes JSON as the Profile's JSON Schema describes it: true/false only for a yes/no field and
    numbers only for a number (a form or a registry sends text: "是", "1200").
    """
    if not isinstance(data, dict):
        raise ProfileError([FieldIssue("(profile)", message_text("profile_object"))])
    try:
        return profile_model().model_validate(data, strict=strict)
    except ValidationError as error:
        raise ProfileError([field_issue(item) for item in error.errors()]) from error


def profile_warnings(profile: BaseModel) -> list[FieldIssue]:
    """Warnings that do not reject the profile: a credit code whose check character is wrong."""
    warnings = []
    enterprise = getattr(profile, "enterprise", None)
    code = getattr(enterprise, "credit_code", None) if enterprise else None
    if code and not creditcode.checksum_ok(code):
        expected = creditcode.check_character(code)
        warnings.append(FieldIssue("enterprise.credit_code", message_text("credit_code_checksum", expected=expected),
                                   level="warning"))
    return warnings


def answers(profile: BaseModel) -> dict[str, Any]:
    """The facts every part of the advisor reads: the answered fields as {dotted path: value}, in the
    model's order; unanswered fields are absent. The one place a profile becomes facts."""
    flat: dict[str, Any] = {}
    # The validated values as the model holds them (what model_dump(exclude_none=True) gives, faster).
    for section, values in profile.__dict__.items():
        if values is not None:
            for name, value in values.__dict__.items():
                if value is not None:
                    flat[f"{section}.{name}"] = value
    return flat
