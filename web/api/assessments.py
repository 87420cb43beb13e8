"""POST /api/v1/assessments: a profile in, the findings document out (as `advisor assess --format json`)."""

from typing import Annotated

from fastapi import APIRouter, Body
from starlette.requests import Request
from starlette.responses import Response

from advisor.present import Presenter

from ..deps import AdvisorDep, PresenterDep
from ..i18n import request_lang
from ..responses import FastJSONResponse
from .models import (
    WAREHOUSE,
    AssessmentDocument,
    AssessmentRequest,
    CompactAssessmentDocument,
    ExpandedAssessmentDocument,
    View,
)

router = APIRouter(tags=["assessments"])

_RENDER = {View.full: Presenter.assessment_json, View.expanded: Presenter.expanded_json,
           View.compact: Presenter.compact_json}

_EXAMPLES = {
    "warehouse": {"summary": "A 1,200 m² low-risk warehouse funded by a small private enterprise",
                  "value": {"profile": WAREHOUSE, "topics": ["project"], "lang": "en"}},
    "empty": {"summary": "Nothing known yet: every provision is undetermined", "value": {"profile": {}}},
    "expanded": {"summary": "Every finding self-contained, with its provision's texts (about five times larger)",
                 "value": {"profile": WAREHOUSE, "view": "expanded", "lang": "en"}},
    "compact": {"summary": "The compact view: statuses, questions and failed tests, no texts",
                "value": {"profile": WAREHOUSE, "view": "compact"}},
    "bad": {"summary": "A wrong value: answered with 422 naming the field",
            "value": {"profile": {"project": {"floor_area_m2": "abc"}}, "lang": "en"}},
}


@router.post("/assessments", response_model=AssessmentDocument | ExpandedAssessmentDocument | CompactAssessmentDocument,
             response_class=FastJSONResponse, summary="Assess an enterprise profile")
async def create_assessment(request: Request, advisor: AdvisorDep, presenter: PresenterDep,
                            body: Annotated[AssessmentRequest, Body(openapi_examples=_EXAMPLES)]) -> Response:
    """Every provision of the plan judged for the profile: eligible, undetermined (with the questions
    that would settle it) or not eligible (with the failing condition and the smallest change), with the
    answer for the topics asked about and one merged checklist. The full view refers to each provision's
    article, verbatim quote, offices and materials at GET /api/v1/provisions (same `id`) and to the
    questions' texts at GET /api/v1/questions; `view: expanded` includes them in every finding."""
    lang = request_lang(request, body.lang)
    # The body was validated once, profile included (a bad field answers 422 as web.problems says).
    assessment = await advisor.assess_async(body.profile, body.as_of)
    # The presenter's JSON directly: validating it against the model again costs time (tests check the models).
    encoded = _RENDER[body.view](presenter, assessment, lang, body.topics)
    return Response(encoded, media_type="application/json", headers={"Content-Language": lang})
