"""GET /api/v1/provisions[/{id}]: the plan's provisions as encoded rules, with quotes and materials."""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from starlette.requests import Request
from starlette.responses import Response

from advisor.catalog_texts import provision_dict, provisions_body
from advisor.messages import message

from ..caching import IfNoneMatch, cached_json, catalog_responses
from ..deps import PresenterDep
from ..i18n import request_lang
from . import models
from .models import Provision, ProvisionList

router = APIRouter(tags=["provisions"])


_EXAMPLE = {"id": "joint-acceptance-small-industrial", "article": "（四）", "article_title": "...",
            "theme": "construction",
            "title": "Low-risk small industrial projects of 1,500 m² or less: acceptance and registration together",
            "kind": "fast_track", "quote": "推行验收登记同步办理,...", "fields": ["project.floor_area_m2"]}


# ?lang= (also read by every other route, for its messages): declared where it chooses the body's texts.
LangQuery = Annotated[models.Lang | None,
                      Query(description="Language of the texts (default: Accept-Language, then zh)")]


@router.get("/provisions", summary="List the provisions", response_model=ProvisionList,
            responses=catalog_responses({"provisions": [_EXAMPLE]}))
async def list_provisions(request: Request, presenter: PresenterDep, article: str | None = None,
                          lang: LangQuery = None, if_none_match: IfNoneMatch = None) -> Response:
    """Every provision (one encoded rule of the plan), optionally only those of one article, e.g. （四）.
    Send the ETag back in If-None-Match to get 304 while the rule base is unchanged."""
    lang = request_lang(request, lang)

    def build() -> dict[str, Any]:
        return provisions_body(presenter, lang, article)

    articles = {rule.spec.article for rule in presenter.rulebase.rules.values()}
    # Every unknown article gives the same empty list: one cache entry for them all, however many are tried.
    key = article if article is None or article in articles else "(no such article)"
    return cached_json(request, (lang, key), build, languages=lang, if_none_match=if_none_match)


@router.get("/provisions/{provision_id}", summary="One provision", response_model=Provision,
            responses=catalog_responses(_EXAMPLE))
async def get_provision(request: Request, presenter: PresenterDep, provision_id: str, lang: LangQuery = None,
                        if_none_match: IfNoneMatch = None) -> Response:
    """One provision by its id, e.g. joint-acceptance-small-industrial."""
    lang = request_lang(request, lang)
    rule = presenter.rulebase.rules.get(provision_id)
    if rule is None:
        raise HTTPException(404, message("provision_unknown", lang, id=provision_id))
    return cached_json(request, (lang,), lambda: provision_dict(presenter, rule, lang), languages=lang,
                       if_none_match=if_none_match)
