"""Template rendering with the page language, its strings and a link to the other language."""

import re
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import HTMLResponse

from advisor.text import Lang

from .forms import field_id
from .strings import translator

templates = Jinja2Templates(directory=Path(__file__).parent.parent / "templates")
templates.env.globals["field_id"] = field_id
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}0-9])|(?<=[0-9])\s+(?=[\u4e00-\u9fff])")


def tidy_cjk(text: str) -> str:
    """The plan's text without the spaces its PDF left between Chinese characters (display only)."""
    return _CJK_GAP.sub("", text)


templates.env.filters["cjk"] = tidy_cjk


def page_lang(request: Request) -> Lang:
    """Pages are Chinese unless ?lang=en."""
    return "en" if request.query_params.get("lang") == "en" else "zh"


def with_lang(request: Request, lang: Lang) -> str:
    """The current URL in the other language."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    if lang == "en":
        params.append(("lang", "en"))
    from urllib.parse import urlencode

    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a template with lang, t(), the language switch link and the lang query suffix."""
    lang = page_lang(request)
    other: Lang = "en" if lang == "zh" else "zh"
    context.update(lang=lang, t=translator(lang), switch_url=with_lang(request, other),
                   lang_q="&lang=en" if lang == "en" else "", lang_q1="?lang=en" if lang == "en" else "")
    return templates.TemplateResponse(request, name, context, status_code=status_code)
