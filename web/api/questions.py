"""GET /api/v1/questions and POST /api/v1/questions/next: drive a form from the question catalog."""

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from advisor.catalog_texts import questions_body
from advisor.next_questions import next_questions as rank_questions

from ..caching import IfNoneMatch, cached_json, catalog_responses
from ..deps import AdvisorDep, PresenterDep
from ..i18n import request_lang
from .models import NextQuestions, NextQuestionsRequest, QuestionCatalogDocument

router = APIRouter(tags=["questions"])


_QUESTION_EXAMPLE = {"field": "project.floor_area_m2", "section": "project", "type": "number",
                     "label": {"zh": "项目总建筑面积", "en": "Total floor area of the project"}, "help": None,
                     "unit": {"zh": "平方米", "en": "m²"}, "term": None, "min": 0, "max": None, "options": [],
                     "affects": ["joint-acceptance-small-industrial"]}


@router.get("/questions", summary="Every profile question", response_model=QuestionCatalogDocument,
            responses=catalog_responses({
                "topics": [{"id": "project", "sections": ["project"],
                            "label": {"zh": "建设或投资项目", "en": "Building or investing in a project"}}],
                "sections": [{"id": "project", "label": {"zh": "项目", "en": "Project"}}],
                "questions": [_QUESTION_EXAMPLE]}))
async def list_questions(request: Request, presenter: PresenterDep, if_none_match: IfNoneMatch = None) -> Response:
    """Every profile field: type, unit, zh/en label and help, allowed values, the provisions it affects;
    and the topics that select sections of a form."""
    return cached_json(request, (), lambda: questions_body(presenter.rulebase), languages="zh, en",
                       if_none_match=if_none_match)


@router.post("/questions/next", summary="The questions to ask next", response_model=NextQuestions,
             responses={200: {"content": {"application/json": {"example": {"undetermined": 89, "questions": [
                 {"field": "finance.needs_financing", "label": "Do you need financing?", "help": None, "term": None,
                  "type": "bool", "settles": ["bank-tax-loans-small-micro"],
                  "affects": ["bank-tax-loans-small-micro"]}]}}}}})
async def next_questions(request: Request, response: Response, advisor: AdvisorDep, presenter: PresenterDep,
                         body: NextQuestionsRequest) -> Any:
    """With a partial profile, the unanswered questions that settle the most undetermined provisions first."""
    lang = request_lang(request, body.lang)
    assessment = await advisor.assess_async(body.profile, body.as_of)  # validated once, with the body
    ranked = rank_questions(assessment, advisor.rulebase, body.limit)
    by_path = advisor.rulebase.questions.by_path
    response.headers["Content-Language"] = lang
    return {
        "undetermined": len(assessment.by_status("undetermined")),
        "questions": [dict(presenter.question_ref(q.path, lang), type=by_path[q.path].type,
                           settles=list(q.settles), affects=list(q.affects)) for q in ranked],
    }
