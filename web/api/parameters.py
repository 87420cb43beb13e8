"""GET /api/v1/parameters: the plan's numbers, each with its history, its words in the plan and where the rules
use it (catalog/parameters.yaml; advisor/parameters.py)."""

from datetime import date
from enum import StrEnum
from typing import Any, Literal, get_args

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from advisor.catalog import PLAN_ID
from advisor.conditions import plain_number
from advisor.parameters import Unit
from advisor.rulebase import RuleBase, parameter_uses

from ..caching import IfNoneMatch, cached_json, catalog_responses
from ..deps import PresenterDep
from .models import LocalText

router = APIRouter(tags=["parameters"])
# What a parameter is measured in (advisor/parameters.py Unit), a named type for generated clients.
ParameterUnit = StrEnum("ParameterUnit", {unit: unit for unit in get_args(Unit)})  # type: ignore[misc]


class ParameterValue(BaseModel):
    """A value and the dates it is in force: from `from`, until the day before `until` (open when null)."""

    from_: date = Field(alias="from")
    until: date | None = None
    value: float
    document: str = Field(description="the document that set it: the plan, or a later one")
    words: str | None = Field(None, description="that document's words (the plan's: the parameter's `words`)")


class ParameterUse(BaseModel):
    """Where the rule base uses a parameter: a rule or concept, and the field or time limit it sets."""

    kind: Literal["rule", "concept"]
    id: str
    where: str = Field(description="the profile field compared with it, or time_limit.committed / .before")


class Parameter(BaseModel):
    """One number of the plan."""

    name: str = Field(description="dotted: theme.provision.what")
    description: LocalText
    unit: ParameterUnit = Field(description="m2, m, dn_mm, buildings, working_days, hours or days")
    article: str | None
    words: str | None = Field(description="the plan's words the number stands in, verbatim")
    stated_as: str | None = Field(None, description="the word stating the number where the plan writes no digits")
    reading: LocalText | None = None
    history: list[ParameterValue]
    used_by: list[ParameterUse]


class ParameterList(BaseModel):
    """Every parameter of the rule base."""

    rulebase_version: str
    parameters: list[Parameter]


def parameters_document(rulebase: RuleBase) -> dict[str, Any]:
    """Every parameter with its history and uses (bilingual: the same body for every language)."""
    uses = parameter_uses(rulebase)
    out = []
    for name, parameter in rulebase.parameters.parameters.items():
        spec = parameter.spec
        history = []
        for index, (start, value) in enumerate(parameter.history):
            until = parameter.history[index + 1][0] if index + 1 < len(parameter.history) else None
            history.append({"from": start.isoformat(), "until": until.isoformat() if until else None,
                            "value": plain_number(value.value), "document": value.document or PLAN_ID,
                            "words": value.words})
        out.append({"name": name, "description": spec.description.model_dump(), "unit": spec.unit,
                    "article": spec.article, "words": spec.words, "stated_as": spec.stated_as,
                    "reading": spec.reading.model_dump() if spec.reading else None, "history": history,
                    "used_by": [{"kind": kind, "id": ident, "where": where} for kind, ident, where in uses[name]]})
    return {"rulebase_version": rulebase.version, "parameters": out}


@router.get("/parameters", summary="The plan's numbers, dated", response_model=ParameterList,
            responses=catalog_responses({
                "rulebase_version": "2020-55.…", "parameters": [{
                    "name": "construction.joint_acceptance.max_floor_area_m2",
                    "description": {"zh": "验收登记同步办理的低风险社会投资小型工业类项目的总建筑面积上限",
                                    "en": "Largest total floor area of a low-risk social-investment small industrial "
                                          "project for joint acceptance and registration"},
                    "unit": "m2", "article": "（四）",
                    "words": "1500 平方米以下的低风险社会投资小型仓库、厂房等工业类建设项目", "stated_as": None,
                    "reading": {"zh": "“以下”含本数……", "en": "'Or less' (以下) includes the number …"},
                    "history": [{"from": "2020-11-23", "until": None, "value": 1500,
                                 "document": "青委办字〔2020〕55号", "words": None}],
                    "used_by": [{"kind": "concept", "id": "small_low_risk_industrial",
                                 "where": "project.floor_area_m2"}]}]}))
async def list_parameters(request: Request, presenter: PresenterDep, if_none_match: IfNoneMatch = None) -> Response:
    """Every number a rule compares with or commits to (an area, a pipe diameter, a height, a time limit):
    its values by date, the article and the plan's words it stands in, and the rules and concepts that use
    it. An assessment's `as_of` uses the value in force that day. Send the ETag back in If-None-Match to
    get 304 while the rule base is unchanged."""
    return cached_json(request, (), lambda: parameters_document(presenter.rulebase), languages="zh, en",
                       if_none_match=if_none_match)
