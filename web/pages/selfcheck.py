"""The self-check: choose topics, answer one topic a step, check the answers, read the advice, print.

Every step is a GET carrying every answer so far, so it works without JavaScript and a result is
a link with the answers in it. Anonymous answers are never stored.
"""

import json
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from advisor.clock import today
from advisor.messages import message
from advisor.profile import ProfileError

from ..deps import AdvisorDep, PresenterDep
from .advice import arrange
from .forms import FormState, contradictions, read_form, steps_for, to_profile, topics_for
from .qr import qr_svg
from .render import page_lang, render
from .steps import find_step, form_steps, question_counts

router = APIRouter()


def _validate(state: FormState, advisor: AdvisorDep, lang: str) -> tuple[dict[str, str], dict[str, Any]]:
    """Errors per field (in the page's language) and warnings per field, without assessing."""
    catalog = advisor.rulebase.questions
    profile, warnings = to_profile(state.answers, catalog)
    errors: dict[str, str] = {}
    try:
        advisor.assess_data(profile)
    except ProfileError as error:
        errors = {issue.path: issue.message.get(lang) for issue in error.issues}  # type: ignore[arg-type]
    return errors, {path: text.get(lang) for path, text in warnings.items()}  # type: ignore[arg-type]


@router.get("/", response_class=HTMLResponse)
async def start(request: Request, advisor: AdvisorDep) -> Response:
    """What are you planning? Topics to tick; answers already given travel along."""
    catalog = advisor.rulebase.questions
    state = read_form(request.query_params, catalog)
    counts, base = question_counts(advisor)
    return render(request, "start.html", catalog=catalog, state=state, counts=counts, base=base)


PUBLIC = {"base": "", "start_url": "/"}  # where the form's pages live; the staff pages reuse them
WINDOW_KEEPS = ("enterprise.credit_code",)  # asked at the window whatever it changes: records are found by it


@router.get("/check", response_class=HTMLResponse)
async def check(request: Request, advisor: AdvisorDep) -> Response:
    """One step of the form (?step=N), or only the asked questions (?ask=...)."""
    return step_page(request, advisor, PUBLIC)


def step_page(request: Request, advisor: AdvisorDep, where: dict[str, Any], **context: Any) -> Response:
    """One step of the form, or the asked questions; a step past a wrong answer shows the step
    holding it, with the error beside the field."""
    catalog = advisor.rulebase.questions
    state = read_form(request.query_params, catalog)
    lang = page_lang(request)
    errors, warnings = _validate(state, advisor, lang)
    review = request.query_params.get("return") == "review"
    if state.asked and not errors:
        questions = [catalog.by_path[path] for path in state.asked]
        return render(request, "ask.html", catalog=catalog, state=state, questions=questions,
                      errors={}, warnings=warnings, **where, **context)
    steps = form_steps(state, advisor, WINDOW_KEEPS if context.get("user") else ())
    if not steps:  # nothing worth asking: straight to the answers
        return RedirectResponse(f"{where['base']}/review?{state.query()}{_lang_q(lang)}", status_code=303)
    number = find_step(steps, request.query_params.get("step", "1"), request.query_params.get("at", ""))
    status = 200
    if errors:
        first = next((i for i, s in enumerate(steps, 1) if any(p in {q.path for q in s.fields} for p in errors)), None)
        if first is not None and first <= number:
            number, status = first, 422
        else:
            errors = {}
    step = steps[number - 1]
    shown = {q.path for q in step.fields}
    shown |= {f"{step.id}.{name}" for group in step.section.groups if any(q.path in shown for q in step.fields
              if step.group_of(q) is group) for name in group.fields}
    return render(request, "step.html", status_code=status, catalog=catalog, state=state, steps=steps,
                  number=number, step=step, errors={p: m for p, m in errors.items() if p in shown},
                  warnings=warnings, hidden=state.hidden(without=shown), review=review, **where, **context)


def _lang_q(lang: str) -> str:
    return "&lang=en" if lang == "en" else ""


@router.get("/review", response_class=HTMLResponse)
async def review(request: Request, advisor: AdvisorDep) -> Response:
    """Check your answers: every answer with a link to change it, and any contradiction."""
    return review_page(request, advisor, PUBLIC, errors={})


def review_page(request: Request, advisor: AdvisorDep, where: dict[str, Any], **context: Any) -> Response:
    """The check-your-answers page (the staff's adds the applicant and a save button)."""
    catalog = advisor.rulebase.questions
    state = read_form(request.query_params, catalog)
    return render(request, "review.html", catalog=catalog, state=state, steps=steps_for(state, catalog),
                  conflicts=contradictions(state.answers, catalog), **where, **context)


async def _assess(request: Request, advisor: AdvisorDep, presenter: PresenterDep
                  ) -> tuple[FormState, dict | Response]:
    catalog = advisor.rulebase.questions
    state = read_form(request.query_params, catalog)
    lang = page_lang(request)
    profile, warnings = to_profile(state.answers, catalog)
    try:
        assessment = await advisor.assess_data_async(profile)
    except ProfileError as error:
        errors = {issue.path: issue.message.get(lang) for issue in error.issues}
        paths = [path for path in errors if path in catalog.by_path]
        bad = FormState(state.topics, state.answers, paths)
        return state, render(request, "ask.html", status_code=422, catalog=catalog, state=bad,
                             questions=[catalog.by_path[p] for p in paths], errors=errors,
                             warnings={p: t.get(lang) for p, t in warnings.items()})
    document = presenter.assessment_dict(assessment, lang, state.topics or None)
    document["form_warnings"] = [{"path": p, "message": t.get(lang)} for p, t in warnings.items()]
    return state, document


@router.get("/results", response_class=HTMLResponse)
async def results(request: Request, advisor: AdvisorDep, presenter: PresenterDep) -> Response:
    """The advice, answer first; ?view=print for the slip."""
    state, document = await _assess(request, advisor, presenter)
    if isinstance(document, Response):
        return document
    catalog = advisor.rulebase.questions
    advice = arrange(document, advisor.rulebase, state.topics, state.answers)
    asked = [question["field"] for question in advice.settle]
    topics = list(dict.fromkeys([*state.topics, *topics_for(asked, catalog)]))
    settle_query = FormState(topics, state.answers).query([("ask", path) for path in asked])
    printing = request.query_params.get("view") == "print"
    lang = page_lang(request)
    qr = qr_svg(f"{request.base_url}results?{state.query()}", message("qr_label", lang))
    return render(request, "slip.html" if printing else "results.html", doc=document, advice=advice, catalog=catalog,
                  settle_query=settle_query, query=state.query(), staff=None, qr=qr,
                  show_all=request.query_params.get("all") == "open",
                  conflicts=contradictions(state.answers, catalog), titles={f["id"]: f["title"] for f in
                                                                            document["findings"]})


@router.get("/results.json")
async def results_json(request: Request, advisor: AdvisorDep, presenter: PresenterDep) -> Response:
    """The same results as a JSON file to download (the API's document)."""
    _, document = await _assess(request, advisor, presenter)
    if isinstance(document, Response):
        return document
    document.pop("form_warnings", None)
    body = json.dumps(document, ensure_ascii=False, indent=2)
    name = f"qingyang-advice-{today().isoformat()}.json"
    return Response(body, media_type="application/json",
                    headers={"content-disposition": f'attachment; filename="{name}"'})
