"""Errors as application/problem+json (RFC 9457), with one entry per bad field."""

import json
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Scope

from advisor.profile import FieldIssue, ProfileError
from advisor.text import Lang, Text

from .i18n import accept_language, request_lang
from .pages.strings import STRINGS, translator

PROBLEM_TYPE = "application/problem+json"


class ProblemResponse(JSONResponse):
    """A JSON response with the problem+json media type."""

    media_type = PROBLEM_TYPE


def problem_title(status: int, lang: Lang) -> str:
    """The problem's title for its status, from the message catalog."""
    key = f"problem_{status}"
    return translator(lang)(key if key in STRINGS else "problem_other")


def problem(status: int, lang: Lang, detail: str, errors: list[dict[str, str]] | None = None,
            kind: str | None = None, headers: dict[str, str] | None = None) -> ProblemResponse:
    """A problem document: type, title, status, detail and, for bad input, errors [{path, message}]."""
    body: dict[str, Any] = {"type": f"/problems/{kind}" if kind else "about:blank",
                            "title": problem_title(status, lang), "status": status, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    return ProblemResponse(body, status_code=status, headers={"Content-Language": lang, **(headers or {})})


def issues_problem(issues: list[FieldIssue], lang: Lang) -> ProblemResponse:
    """422 naming each bad field of a profile."""
    errors = [{"path": issue.path, "message": issue.message.get(lang)} for issue in issues]
    detail = (f"有{len(errors)}处输入需要修改" if lang == "zh" else
              f"{len(errors)} field(s) need correcting")
    return problem(422, lang, detail, errors, kind="invalid-input")


_REQUEST_MESSAGES: dict[str, Text] = {
    "missing": Text(zh="必须填写", en="is required"),
    "json_invalid": Text(zh="不是有效的JSON", en="is not valid JSON"),
    "model_attributes_type": Text(zh="应为JSON对象", en="must be a JSON object"),
    "dict_type": Text(zh="应为JSON对象", en="must be a JSON object"),
    "literal_error": Text(zh="不是可选的值：{expected}", en="is not one of: {expected}"),
    "enum": Text(zh="不是可选的值：{expected}", en="is not one of: {expected}"),
    "date_from_datetime_parsing": Text(zh="应为日期（YYYY-MM-DD）", en="must be a date (YYYY-MM-DD)"),
    "date_parsing": Text(zh="应为日期（YYYY-MM-DD）", en="must be a date (YYYY-MM-DD)"),
    "date_type": Text(zh="应为日期（YYYY-MM-DD）", en="must be a date (YYYY-MM-DD)"),
    "int_parsing": Text(zh="应为整数", en="must be a whole number"),
    "int_type": Text(zh="应为整数", en="must be a whole number"),
    "greater_than_equal": Text(zh="不能小于{ge}", en="must be at least {ge}"),
    "less_than_equal": Text(zh="不能大于{le}", en="must be at most {le}"),
    "string_type": Text(zh="应为文本", en="must be text"),
    "extra_forbidden": Text(zh="不是可识别的字段", en="is not a known field"),
}


def _validation_issue(item: dict[str, Any]) -> FieldIssue:
    loc = [str(part) for part in item.get("loc", ())]
    if loc and loc[0] in ("body", "query", "path", "header"):
        loc = loc[1:]
    path = ".".join(loc) or "(body)"
    message = _REQUEST_MESSAGES.get(item.get("type", ""))
    if message is None:
        return FieldIssue(path, Text(zh="取值无效", en=str(item.get("msg", "is invalid"))))
    ctx = {key: str(value) for key, value in (item.get("ctx") or {}).items()}
    try:
        return FieldIssue(path, Text(zh=message.zh.format(**ctx), en=message.en.format(**ctx)))
    except (KeyError, IndexError):
        return FieldIssue(path, message)


def scope_lang(scope: Scope) -> Lang:
    """The language of an answer made outside a route (middleware): ?lang=, then Accept-Language, then zh."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang", [""])[0]
    if query in ("zh", "en"):
        return "zh" if query == "zh" else "en"
    header = dict(scope.get("headers") or []).get(b"accept-language", b"").decode("latin-1")
    return accept_language(header) or "zh"


def server_error_content(path: str, accept: str, lang: Lang, request_id: str | None = None) -> tuple[str, bytes]:
    """Media type and body of a 500: a short page for a browser asking for a page, else problem+json.
    Never the cause (it may quote values): that goes to the log, found again by the request id."""
    reference = f" (request {request_id})" if request_id else ""
    if not path.startswith("/api/") and "text/html" in accept:
        title = "服务器内部错误，请稍后再试" if lang == "zh" else "Internal error: please try again later"
        page = (f'<!doctype html><meta charset="utf-8"><title>{title}</title><h1>{title}</h1>'
                f'<p>{reference.strip(" ()")}</p><p><a href="/">青羊惠企政策顾问</a></p>')
        return "text/html; charset=utf-8", page.encode()
    detail = ("服务器内部错误，请稍后再试；如仍出错，请联系运维人员" if lang == "zh"
              else "an internal error occurred; try again, and tell the operators if it persists") + reference
    body = {"type": "/problems/internal-error", "title": problem_title(500, lang), "status": 500,
            "detail": detail}
    return PROBLEM_TYPE, json.dumps(body, ensure_ascii=False).encode()


def _not_json(request: Request, items: list[dict[str, Any]]) -> bool:
    """The whole body was refused because it was not sent as JSON (FastAPI then keeps it as bytes)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return (not media_type.endswith("json") and len(items) == 1 and tuple(items[0].get("loc", ())) == ("body",)
            and items[0].get("type") in ("model_attributes_type", "dict_type"))


def install_handlers(app: FastAPI) -> None:
    """Every error of the API as problem+json in the request's language; pages get a short HTML page."""

    async def on_validation(request: Request, error: RequestValidationError) -> Response:
        body = getattr(error, "body", None)  # a body that parsed but did not validate may still name its lang
        lang = request_lang(request, body.get("lang") if isinstance(body, dict) else None)
        items = list(error.errors())
        if _not_json(request, items):
            detail = ("请求体应以 application/json 发送" if lang == "zh"
                      else "send the request body as application/json")
            return problem(415, lang, detail, [{"path": "(body)", "message": detail}], kind="unsupported-media-type")
        if any(item.get("type") == "json_invalid" for item in items):
            detail = "请求体不是有效的JSON" if lang == "zh" else "the request body is not valid JSON"
            return problem(400, lang, detail, [{"path": "(body)", "message": detail}], kind="malformed-json")
        return issues_problem([_validation_issue(item) for item in items], lang)

    async def on_profile(request: Request, error: ProfileError) -> Response:
        return issues_problem(error.issues, request_lang(request))

    async def on_http(request: Request, error: StarletteHTTPException) -> Response:
        lang = request_lang(request)
        detail = error.detail if isinstance(error.detail, str) else str(error.detail)
        if not request.url.path.startswith("/api/") and error.status_code == 404:
            title = "页面不存在" if lang == "zh" else "Page not found"
            return HTMLResponse(f'<!doctype html><meta charset="utf-8"><title>{title}</title>'
                                f'<h1>{title}</h1><p><a href="/">青羊惠企政策顾问</a></p>', status_code=404)
        return problem(error.status_code, lang, detail, headers=getattr(error, "headers", None))

    async def on_server_error(request: Request, error: Exception) -> Response:
        # Starlette's outermost middleware calls this, then re-raises so the server still logs the traceback.
        lang = request_lang(request)
        media_type, body = server_error_content(request.url.path, request.headers.get("accept", ""), lang)
        return Response(body, status_code=500, media_type=media_type, headers={"Content-Language": lang})

    app.add_exception_handler(Exception, on_server_error)
    app.add_exception_handler(RequestValidationError, on_validation)  # type: ignore[arg-type]
    app.add_exception_handler(ProfileError, on_profile)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, on_http)  # type: ignore[arg-type]
