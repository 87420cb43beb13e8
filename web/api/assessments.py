"""POST /api/v1/assessments: a profile in, the findings document out (as `advisor assess --format json`)."""

from typing import Annotated

from fastapi import APIRouter, Body
from starlette.requests import Request
from starlette.responses import Response

from ..deps import AdvisorDep, PresenterDep
from ..i18n import request_lang
from ..responses import FastJSONResponse
from .models import WAREHOUSE, AssessmentDocument, AssessmentRequest, CompactAssessmentDocument

router = APIRouter(tags=["assessments"])

_EXAMPLES = {
    "warehouse": {"summary": "A 1,200 m² low-risk warehouse funded by a small private enterprise",
                  "value": {"profile": WAREHOUSE, "topics": ["project"], "lang": "en"}},
    "empty": {"summary": "Nothing known yet: every provision is undetermined", "value": {"profile": {}}},
    "compact": {"summary": "The compact view for systems that cache the provisions' texts",
                "value": {"profile": WAREHOUSE, "view": "compact"}},
    "bad": {"summary": "A wrong value: answered with 422 naming the field",
            "value": {"profile": {"project": {"floor_area_m2": "abc"}}, "lang": "en"}},
}


@router.post("/assessments", response_model=AssessmentDocument | CompactAssessmentDocument,
             response_class=FastJSONResponse, summary="Assess an enterprise profile")
async def create_assessment(request: Request, advisor: AdvisorDep, presenter: PresenterDep,
                            body: Annotated[AssessmentRequest, Body(openapi_examples=_EXAMPLES)]) -> Response:
    """Every provision of the plan judged for the profile: eligible, undetermined (with the questions
    that would settle it) or not eligible (with the failing condition and the smallest change), each
    with its article, verbatim quote, where to apply and materials; then one merged checklist."""
    lang = request_lang(request, body.lang)
    # The body was validated once, profile included (a bad field answers 422 as web.problems says).
    assessment = await advisor.assess_async(body.profile, body.as_of)
    # The presenter's JSON directly: validating it against the model again costs time (tests check the models).
    encoded = (presenter.compact_json if body.view == "compact" else presenter.assessment_json)(
        assessment, lang, body.topics)
    return Response(encoded, media_type="application/json", headers={"Content-Language": lang})
