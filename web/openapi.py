"""The OpenAPI document as a client generator reads it.

FastAPI's generated document is completed in one place, so that every route (this slice's and
others') follows the same contract: camelCase operationIds from the route functions' names, the
Profile model in components, every error the app sends declared as `Problem` under
application/problem+json (no undeclared HTTPValidationError), the headers every answer carries
declared on every response (web/response_headers.py), the API-key security schemes, and an ASCII
title (a generated client's package name) with the Chinese name as `x-` metadata.
"""

from typing import Any

from fastapi.routing import APIRoute

from advisor.questions import QuestionCatalog

from .api.models import Problem
from .api.schemas import annotated_profile_schema
from .response_headers import HEADERS, RATE_LIMIT, declared

TITLE = "Qingyang Policy Advisor API"
NAME_ZH = "青羊惠企政策顾问"
PROBLEM_MEDIA_TYPE = "application/problem+json"
API_PREFIX = "/api/"
REF_TEMPLATE = "#/components/schemas/{model}"

_PROBLEMS: dict[str, str] = {
    "400": "The body is not valid JSON",
    "401": "Missing, unknown or revoked API key (when keys are required)",
    "404": "No such resource",
    "413": "The body is over the size limit",
    "415": "The body's media type or file type is not accepted",
    "422": "Bad input: one entry per bad field, in the request's language",
    "429": "Too many requests for this API key; retry after the number of seconds in RateLimit-Reset",
    "500": "Internal error; the request may be retried",
    "503": "The service cannot take this request now; retry after Retry-After seconds",
}
_PROBLEM_EXAMPLE = {"type": "/problems/invalid-input", "title": "Invalid input", "status": 422,
                    "detail": "1 field(s) need correcting",
                    "errors": [{"path": "project.floor_area_m2", "message": "must be a number"}]}

# Operations that answer 503 besides the default set (queue full, database unreachable).
_BUSY_OPERATIONS = {"createBatch", "createSimulation", "readyz"}
# API answers made before the request is counted against its rate limit: a body that is not JSON or too
# large; and a 500, which the security-headers middleware makes outside the API's own. A missing or wrong
# key (401) is counted against its address's anonymous limit before it is refused (web/staff/apikeys.py).
_NOT_COUNTED = {"400", "413", "500"}
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def operation_id(route: APIRoute) -> str:
    """The route function's name in camelCase: create_assessment → createAssessment."""
    head, *rest = route.name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def complete(schema: dict[str, Any], questions: QuestionCatalog, keys_required: bool) -> dict[str, Any]:
    """Finish FastAPI's document in place (and return it) as the module docstring says."""
    info = schema["info"]
    info["title"] = TITLE
    info["x-name-zh"] = NAME_ZH
    info["x-plan"] = "青委办字〔2020〕55号"
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    _add_profile(schemas, questions)
    problem = Problem.model_json_schema(ref_template=REF_TEMPLATE)
    schemas.update(problem.pop("$defs", {}), Problem=problem)
    components["headers"] = HEADERS
    components["securitySchemes"] = {
        "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key",
                   "description": "A partner key, created with `advisor apikey create NAME` or by an admin"},
        "bearer": {"type": "http", "scheme": "bearer",
                   "description": "The same partner key as `Authorization: Bearer KEY`"},
    }
    security: list[dict[str, list[str]]] = [{"apiKey": []}, {"bearer": []}]
    if not keys_required:
        security.append({})  # keys optional: a request without one is answered too
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            api = path.startswith(API_PREFIX)
            if api:
                operation["security"] = security
            _declare_problems(operation, _problem_statuses(path, method, operation, api))
            _declare_headers(operation, api)
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    return schema


def _problem_statuses(path: str, method: str, operation: dict[str, Any], api: bool) -> set[str]:
    statuses = {status for status in operation["responses"] if status[:1] in "45"}
    statuses.add("500")
    if api:
        statuses |= {"401", "429"}
    if "requestBody" in operation:
        statuses |= {"400", "413", "415", "422"}
    parameters = operation.get("parameters", [])
    if any(p["in"] == "path" for p in parameters):
        statuses.add("404")
    if any(p["in"] == "query" for p in parameters):
        statuses.add("422")
    if operation.get("operationId") in _BUSY_OPERATIONS:
        statuses.add("503")
    return statuses


def _declare_problems(operation: dict[str, Any], statuses: set[str]) -> None:
    responses = operation["responses"]
    for status in sorted(statuses):
        declared = responses.get(status, {})
        content = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        example = declared.get("content", {}).get(PROBLEM_MEDIA_TYPE, {}).get("example")
        if example is None and status == "422":
            example = _PROBLEM_EXAMPLE
        if example is not None:
            content[PROBLEM_MEDIA_TYPE]["example"] = example
        description = declared.get("description")
        if not description or description in ("Validation Error", "Unprocessable Entity", "Not Found"):
            description = _PROBLEMS.get(status, "Error")
        responses[status] = {"description": description, "content": content}


def _declare_headers(operation: dict[str, Any], api: bool) -> None:
    """The headers the middleware adds, on each response that carries them (a route's own stay)."""
    for status, response in operation["responses"].items():
        names = ["X-Request-ID"]  # web/middleware/layer.py: every answer
        if api and status != "500":
            names += ["Rulebase-Version", "Content-Language"]  # web/middleware/apiheaders.py
        elif status[:1] in "45":
            names.append("Content-Language")  # every problem document (web/problems.py)
        if api and status not in _NOT_COUNTED:
            names += RATE_LIMIT  # web/middleware/ratelimit.py
        if status in ("429", "503"):
            names.append("Retry-After")
        if status == "401":
            names.append("WWW-Authenticate")
        response["headers"] = {**declared(*names), **response.get("headers", {})}


def _add_profile(schemas: dict[str, Any], questions: QuestionCatalog) -> None:
    """Profile and its section models as components, referred to where a request model marks a profile."""
    profile = annotated_profile_schema(questions, ref_template=REF_TEMPLATE)
    for model in list(schemas.values()):
        for name, member in model.get("properties", {}).items():
            component = member.get("x-component")
            if component:
                model["properties"][name] = {"$ref": REF_TEMPLATE.format(model=component),
                                             "description": member.get("description", "")}
    schemas.update(profile.pop("$defs", {}), Profile=profile)
