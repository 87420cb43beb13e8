"""The plan browser: every article with its text and the rules that encode it."""

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..deps import AdvisorDep
from .render import render

router = APIRouter()


@router.get("/provisions", response_class=HTMLResponse)
async def provisions(request: Request, advisor: AdvisorDep) -> Response:
    """Articles in plan order, each with its text and its rules (title, kind, quote)."""
    rulebase = advisor.rulebase
    by_article: dict[str, list] = {}
    for rule in rulebase.rules.values():
        by_article.setdefault(rule.spec.article, []).append(rule)
    return render(request, "provisions.html", articles=list(rulebase.catalog.articles.values()),
                  by_article=by_article)
