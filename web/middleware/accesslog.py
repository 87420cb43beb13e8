"""One access-log line per request (written as a JSON line by advisor.logs.JsonFormatter).

A line holds the time, level, logger and message, and for a request: its id (echoed to the client as
X-Request-ID), method, path without the query string, route, status, duration and the partner key's
name. Never the query string, a body, a header value, a cookie or a key: the self-check pages keep
answers in the URL and the staff search carries credit codes and names. SQL parameters stay out of
error messages too: the engine is created with hide_parameters, and a database error is logged with its
kind, SQLSTATE and statement only, since the database's own detail may quote values.
"""

import logging

from starlette.types import Scope

from . import metrics

ACCESS = logging.getLogger("advisor.access")


def route_template(scope: Scope) -> str:
    """The matched route as a template (/api/v1/provisions/{provision_id}): one metrics series per endpoint.

    Rebuilt from the path and its parameters, since a route of an included router knows only its own
    part of the path; "(unmatched)" when no route matched (a 404)."""
    if scope.get("route") is None:
        return "(unmatched)"
    segments = scope["path"].split("/")
    for name, value in scope.get("path_params", {}).items():
        text = str(value)
        if "/" in text or name == "path":  # a {name:path} parameter: the rest of the path
            joined = "/".join(segments)
            if text and joined.endswith(text):
                segments = [*joined[: -len(text)].split("/")[:-1], f"{{{name}}}"]
            continue
        for index in range(len(segments) - 1, -1, -1):
            if segments[index] == text:
                segments[index] = f"{{{name}}}"
                break
    return "/".join(segments)


def record(scope: Scope, request_id: str, status: int, seconds: float) -> None:
    """The request's metrics and its access line, once it is answered."""
    route = route_template(scope)
    metrics.observe_request(scope["method"], route, status, seconds)
    if ACCESS.isEnabledFor(logging.INFO):
        ACCESS.info("%s %s %s", scope["method"], scope["path"], status, extra={
            "request_id": request_id, "method": scope["method"], "path": scope["path"], "route": route,
            "status": status, "duration_ms": round(seconds * 1000, 2),
            "api_client": scope.get("state", {}).get("api_client")})
