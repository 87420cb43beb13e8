"""GET /api/v1/schemas/profile: the profile's JSON Schema, generated from the profile model and the question catalog."""

from typing import Any

from fastapi import APIRouter
from pydantic.json_schema import DEFAULT_REF_TEMPLATE
from starlette.requests import Request
from starlette.responses import Response

from advisor.profile import profile_model
from advisor.questions import Question, QuestionCatalog

from ..caching import cached_json
from ..deps import PresenterDep

router = APIRouter(tags=["schemas"])


def _extensions(question: Question) -> dict[str, Any]:
    """What a form needs beside the type: labels, help, unit, the plan's term and the options' labels."""
    out: dict[str, Any] = {"x-label": question.label.model_dump()}
    if question.help:
        out["x-help"] = question.help.model_dump()
    if question.unit:
        out["x-unit"] = question.unit.model_dump()
    if question.term:
        out["x-term"] = question.term
    if question.options:
        out["x-options"] = [option.model_dump() for option in question.options]
        out["x-enum-descriptions"] = [f"{option.zh} / {option.en}" for option in question.options]
    return out


def annotated_profile_schema(questions: QuestionCatalog, ref_template: str = DEFAULT_REF_TEMPLATE) -> dict[str, Any]:
    """The Profile model's JSON Schema (2020-12) with each field's zh/en label, help, unit and option
    labels as `x-` extensions; sections are $defs referred to with `ref_template`."""
    schema = profile_model().model_json_schema(ref_template=ref_template)
    definitions = schema.get("$defs", {})
    prefix = ref_template.split("{model}")[0]
    for section in questions.sections:
        reference = next(item["$ref"] for item in schema["properties"][section.id]["anyOf"] if "$ref" in item)
        definition = definitions[reference.removeprefix(prefix)]
        definition["x-label"] = section.label.model_dump()
        for question in section.fields:
            definition["properties"][question.id].update(_extensions(question))
    return schema


@router.get("/schemas/profile", summary="JSON Schema of the profile", response_model=dict[str, Any])
async def get_profile_schema(request: Request, presenter: PresenterDep) -> Response:
    """The JSON Schema (2020-12) of the enterprise profile: sections of optional fields, each with its
    zh/en label (`x-label`), unit (`x-unit`) and, for a choice, the options' labels (`x-options`)."""
    return cached_json(request, ("profile-schema",),
                       lambda: annotated_profile_schema(presenter.rulebase.questions), languages="zh, en")
