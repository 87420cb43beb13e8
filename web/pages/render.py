"""Template rendering with the page language, its strings and a link to the other language."""

from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import HTMLResponse

from advisor.checklist import material_line
from advisor.clock import shown
from advisor.messages import translator
from advisor.present import format_value
from advisor.questions import Question
from advisor.text import Lang, tidy_cjk

from .forms import SAME, field_id, parse_number

templates = Jinja2Templates(directory=Path(__file__).parent.parent / "templates")
templates.env.globals.update(field_id=field_id, SAME=SAME)
templates.env.filters["cjk"] = tidy_cjk
templates.env.filters["local"] = shown  # every time a person reads: district time, one format, with the zone


def answer_text(lang: Lang):  # type: ignore[no-untyped-def]
    """answer_text(question, text): an answer as people read it (是/否, 小型, 1,200平方米)."""

    def text_of(question: Question, text: str) -> str:
        if question.same_as is not None and text == SAME:
            return question.same_as.label.get(lang)
        value: object = text
        if question.type == "bool":
            value = {"true": True, "false": False}.get(text, text)
        elif question.type in ("integer", "number"):
            try:
                value = float(parse_number(text))
            except ValueError:
                return text
        return format_value(question, value, lang)

    return text_of


def material_name(lang: Lang):  # type: ignore[no-untyped-def]
    """material_name(item): a checklist item's name, with its alternatives as one either/or line."""
    return lambda item: material_line(item, lang)


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


def render(request: Request, name: str, status_code: int = 200, lang: Lang | None = None,
           **context: Any) -> HTMLResponse:
    """Render a template with lang, t(), the language switch link and the lang query suffix."""
    lang = lang or page_lang(request)
    other: Lang = "en" if lang == "zh" else "zh"
    context.update(lang=lang, t=translator(lang), answer_text=answer_text(lang), material_name=material_name(lang),
                   switch_url=with_lang(request, other),
                   lang_q="&lang=en" if lang == "en" else "", lang_q1="?lang=en" if lang == "en" else "")
    return templates.TemplateResponse(request, name, context, status_code=status_code)
