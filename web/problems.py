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

from advisor.messages import load_messages, message, message_text
from advisor.profile import FieldIssue, ProfileError, field_issue
from advisor.text import Lang

from .i18n import accept_language, request_lang

PROBLEM_TYPE = "application/problem+json"


class ProblemResponse(JSONResponse):
    """A JSON response with the problem+json media type."""

    media_type = PROBLEM_TYPE


def problem_title(status: int, lang: Lang) -> str:
    """The problem's title for its status, from the message catalog."""
    key = f"problem_{status}"
    return message(key if key in load_messages() else "problem_other", lang)


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
    detail = message("problem_fields", lang, n=len(errors))
    return problem(422, lang, detail, errors, kind="invalid-input")


# pydantic's error type -> the message catalog's key (advisor/messages.py)
_REQUEST_MESSAGES: dict[str, str] = {
    "missing": "request_required", "json_invalid": "request_not_json", "model_attributes_type": "request_object",
    "dict_type": "request_object", "literal_error": "request_choice", "date_from_datetime_parsing": "request_date",
    "date_parsing": "request_date", "date_type": "request_date", "int_parsing": "field_int", "int_type": "field_int",
    "greater_than_equal": "field_min", "less_than_equal": "field_max", "string_type": "field_text",
    "extra_forbidden": "field_unknown", "enum": "request_choice",
}


def _validation_issue(item: dict[str, Any]) -> FieldIssue:
    loc = [str(part) for part in item.get("loc", ())]
    if loc and loc[0] in ("body", "query", "path", "header"):
        loc = loc[1:]
    path = ".".join(loc) or "(body)"
    key = _REQUEST_MESSAGES.get(item.get("type", ""))
    invalid = message_text("request_invalid", detail=str(item.get("msg", "is invalid")))
    if key is None:
        return FieldIssue(path, invalid)
    ctx = {name: str(value) for name, value in (item.get("ctx") or {}).items()}
    try:
        return FieldIssue(path, message_text(key, **ctx))
    except (KeyError, IndexError):
        return FieldIssue(path, invalid)


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
        title = message("server_error_page", lang)
        page = (f'<!doctype html><meta charset="utf-8"><title>{title}</title><h1>{title}</h1>'
                f'<p>{reference.strip(" ()")}</p><p><a href="/">{message("app", lang)}</a></p>')
        return "text/html; charset=utf-8", page.encode()
    detail = message("server_error_detail", lang) + reference
    body = {"type": "/problems/internal-error", "title": problem_title(500, lang), "status": 500,
            "detail": detail}
    return PROBLEM_TYPE, json.dumps(body, ensure_ascii=False).encode()


def _in_profile(item: dict[str, Any]) -> bool:
    """An error inside a typed profile validated with its request (POST /api/v1/assessments)."""
    loc = tuple(item.get("loc", ()))
    return len(loc) > 2 and loc[:2] == ("body", "profile")


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
            detail = message("request_body_json", lang)
            return problem(415, lang, detail, [{"path": "(body)", "message": detail}], kind="unsupported-media-type")
        if any(item.get("type") == "json_invalid" for item in items):
            detail = message("request_body_invalid", lang)
            return problem(400, lang, detail, [{"path": "(body)", "message": detail}], kind="malformed-json")
        request_items = [item for item in items if not _in_profile(item)]
        if request_items:  # the request's own faults first, as when the profile was read after it
            return issues_problem([_validation_issue(item) for item in request_items], lang)
        # Only the profile's fields: named by their profile path, as the advisor names them.
        return issues_problem([field_issue({**item, "loc": tuple(item["loc"])[2:]}) for item in items], lang)

    async def on_profile(request: Request, error: ProfileError) -> Response:
        return issues_problem(error.issues, request_lang(request))

    async def on_http(request: Request, error: StarletteHTTPException) -> Response:
        lang = request_lang(request)
        detail = error.detail if isinstance(error.detail, str) else str(error.detail)
        if not request.url.path.startswith("/api/") and error.status_code == 404:
            title = message("page_not_found", lang)
            return HTMLResponse(f'<!doctype html><meta charset="utf-8"><title>{title}</title>'
                                f'<h1>{title}</h1><p><a href="/">{message("app", lang)}</a></p>', status_code=404)
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
