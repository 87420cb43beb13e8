"""One access-log line per request (written as a JSON line by advisor.logs.JsonFormatter).

A line holds the time, level, logger and message, and for a request: its id (echoed to the client as
X-Request-ID), method, path without the query string, route, status, duration and the partner key's
name. Never the query string, a body, a header value, a cookie or a key: the self-check pages keep
answers in the URL and the staff search carries credit codes and names. SQL parameters stay out of
error messages too: the engine is created with hide_parameters, and a database error is logged with its
kind, SQLSTATE and statement only, since the database's own detail may quote values.
"""

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import metrics
from .requestid import request_id

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


class AccessLog:
    """ASGI middleware: a request id for every request, then one access line and the request metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        incoming = next((value for name, value in scope["headers"] if name == b"x-request-id"), None)
        ident = request_id(incoming)
        scope.setdefault("state", {})["request_id"] = ident
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", ident.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            duration = time.perf_counter() - started
            route = route_template(scope)
            metrics.observe_request(scope["method"], route, status, duration)
            if ACCESS.isEnabledFor(logging.INFO):
                ACCESS.info("%s %s %s", scope["method"], scope["path"], status, extra={
                    "request_id": ident, "method": scope["method"], "path": scope["path"], "route": route,
                    "status": status, "duration_ms": round(duration * 1000, 2),
                    "api_client": scope.get("state", {}).get("api_client")})

