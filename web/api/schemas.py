"""GET /api/v1/schemas/profile: the profile's JSON Schema, generated from the profile model and the question catalog."""

from typing import Any

from fastapi import APIRouter
from pydantic.json_schema import DEFAULT_REF_TEMPLATE
from starlette.requests import Request
from starlette.responses import Response

from advisor.profile import profile_model
from advisor.questions import Question, QuestionCatalog

from ..caching import IfNoneMatch, cached_json, catalog_responses
from ..deps import PresenterDep
from .models import JsonSchema

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


def enum_name(question: Question) -> str:
    """The name of a choice question's values as a type: project.type → ProjectType."""
    return "".join(part.title() for part in (question.section, *question.id.split("_")))


def annotated_profile_schema(questions: QuestionCatalog, ref_template: str = DEFAULT_REF_TEMPLATE) -> dict[str, Any]:
    """The Profile model's JSON Schema (2020-12) with each field's zh/en label, help, unit and option
    labels as `x-` extensions; sections, and the values of each choice question (named by enum_name, so
    that a generated client has a ProjectType, not a ProjectSectionTypeType0), are $defs referred to with
    `ref_template`."""
    schema = profile_model().model_json_schema(ref_template=ref_template)
    definitions = schema.get("$defs", {})
    prefix = ref_template.split("{model}")[0]
    for section in questions.sections:
        reference = next(item["$ref"] for item in schema["properties"][section.id]["anyOf"] if "$ref" in item)
        definition = definitions[reference.removeprefix(prefix)]
        definition["x-label"] = section.label.model_dump()
        for question in section.fields:
            member = definition["properties"][question.id]
            member.update(_extensions(question))
            if question.options:
                name = enum_name(question)
                choices = member["anyOf"]
                values = next(index for index, item in enumerate(choices) if "enum" in item)
                definitions[name] = {**choices[values], "title": name, "description": question.label.en,
                                     "x-enum-descriptions": member["x-enum-descriptions"]}
                choices[values] = {"$ref": ref_template.format(model=name)}
    return schema


@router.get("/schemas/profile", summary="JSON Schema of the profile", response_model=JsonSchema,
            responses=catalog_responses({"title": "Profile", "type": "object",
                                         "properties": {"project": {"anyOf": [{"$ref": "#/$defs/ProjectSection"},
                                                                              {"type": "null"}]}}}))
async def get_profile_schema(request: Request, presenter: PresenterDep, if_none_match: IfNoneMatch = None) -> Response:
    """The JSON Schema (2020-12) of the enterprise profile: sections of optional fields, each with its
    zh/en label (`x-label`), unit (`x-unit`) and, for a choice, the options' labels (`x-options`)."""
    return cached_json(request, ("profile-schema",),
                       lambda: annotated_profile_schema(presenter.rulebase.questions), languages="zh, en",
                       if_none_match=if_none_match)
