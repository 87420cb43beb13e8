"""The self-check: choose topics, answer the form, read the results, print the slip.

Every step is a GET, so it works without JavaScript and a result is a link with the answers in it.
"""

import json
from datetime import date

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from advisor.profile import ProfileError

from ..deps import AdvisorDep, PresenterDep
from .forms import FormState, read_form, sections_shown, to_profile, topics_for
from .render import page_lang, render

router = APIRouter()
SETTLE_MAX = 5  # questions offered in the "answer these to settle more" box


@router.get("/", response_class=HTMLResponse)
async def start(request: Request, advisor: AdvisorDep) -> Response:
    """What are you planning? Topics to tick."""
    state = read_form(request.query_params, advisor.rulebase.questions)
    return render(request, "start.html", catalog=advisor.rulebase.questions, state=state)


def _form(request: Request, advisor: AdvisorDep, state: FormState, errors: dict[str, str],
          status_code: int = 200) -> Response:
    catalog = advisor.rulebase.questions
    shown = sections_shown(state, catalog)
    sections = [section for section in catalog.sections if section.id in shown]
    return render(request, "form.html", status_code=status_code, catalog=catalog, sections=sections,
                  state=state, errors=errors)


@router.get("/check", response_class=HTMLResponse)
async def check(request: Request, advisor: AdvisorDep) -> Response:
    """The form: the enterprise section and the sections of the ticked topics."""
    return _form(request, advisor, read_form(request.query_params, advisor.rulebase.questions), {})


def _assess(request: Request, advisor: AdvisorDep, presenter: PresenterDep) -> tuple[FormState, dict | Response]:
    catalog = advisor.rulebase.questions
    state = read_form(request.query_params, catalog)
    lang = page_lang(request)
    try:
        assessment = advisor.assess_data(to_profile(state.answers, catalog))
    except ProfileError as error:
        errors = {issue.path: issue.message.get(lang) for issue in error.issues}
        return state, _form(request, advisor, state, errors, status_code=422)
    return state, presenter.assessment_dict(assessment, lang)


def _met(node: dict) -> int:
    """How many field tests of a condition tree the enterprise's answers met."""
    own = 1 if node["kind"] == "field" and node["result"] == "met" else 0
    return own + sum(_met(item) for item in node.get("items", ()))


@router.get("/results", response_class=HTMLResponse)
async def results(request: Request, advisor: AdvisorDep, presenter: PresenterDep) -> Response:
    """The three groups, the questions that would settle more, the checklist; ?view=print for the slip."""
    state, document = _assess(request, advisor, presenter)
    if isinstance(document, Response):
        return document
    catalog = advisor.rulebase.questions
    findings = document["findings"]
    groups = {status: [f for f in findings if f["status"] == status]
              for status in ("eligible", "undetermined", "not_eligible")}
    # Most specific first: a fast track the enterprise met on four answers before a district-wide
    # service met on one; among the open ones, those fewest answers away first.
    groups["eligible"].sort(key=lambda f: -_met(f["conditions"]))
    groups["undetermined"].sort(key=lambda f: (len(f["missing"]), -_met(f["conditions"])))
    settle = document["questions_to_settle"][:SETTLE_MAX]
    settled = {rule for question in settle for rule in question["settles"]}
    asked = [question["field"] for question in settle]
    topics = list(dict.fromkeys([*state.topics, *topics_for(asked, catalog)]))
    settle_state = FormState(topics, state.answers, asked)
    titles = {f["id"]: f["title"] for f in findings}
    return render(request, "results.html", doc=document, groups=groups, settle=settle, settled=len(settled),
                  settle_query=settle_state.query([("ask", path) for path in asked]), query=state.query(),
                  titles=titles, printing=request.query_params.get("view") == "print",
                  articles=advisor.rulebase.catalog.articles)


@router.get("/results.json")
async def results_json(request: Request, advisor: AdvisorDep, presenter: PresenterDep) -> Response:
    """The same results as a JSON file to download (the API's document)."""
    _, document = _assess(request, advisor, presenter)
    if isinstance(document, Response):
        return document
    body = json.dumps(document, ensure_ascii=False, indent=2)
    name = f"qingyang-advice-{date.today().isoformat()}.json"
    return Response(body, media_type="application/json",
                    headers={"content-disposition": f'attachment; filename="{name}"'})
