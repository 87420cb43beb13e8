"""The request layer: one pure-ASGI middleware doing, in one pass over each answer, what every request
needs — a request id, the body limit, the rate-limit, API and security headers, one access line and the
metrics. Each concern's logic is in its own module of this package; this one calls them in order.

What an answer gets, in the order the separate middlewares gave it before:
- every answer: Content-Security-Policy, X-Content-Type-Options, Referrer-Policy (security.py) and
  X-Request-ID (requestid.py), then a log line and the metrics (accesslog.py, metrics.py);
- an answer under /api/ other than a CORS preflight: Rulebase-Version and Content-Language (apiheaders.py),
  before those;
- an answer counted against a rate limit: its RateLimit-* headers (ratelimit.py), first;
- a body over the limit or stalling (bodylimit.py): 413 or 408 problem+json in place of the app's answer,
  with the API, CORS and security headers and the request id (not the rate-limit headers);
- an exception that escapes the app: a plain 500 with the security headers and the request id.

CORS (when ADVISOR_CORS_ORIGINS is set) is Starlette's middleware, run inside this layer so that its
preflight answers get a request id and a log line too, and the body limit's refusals go through it.
"""

import time
from collections.abc import Mapping, Sequence
from typing import Any

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import accesslog, bodylimit, security
from .apiheaders import PREFIX, api_headers
from .bodylimit import BodyGuard, BodyLimit
from .ratelimit import quota_headers
from .requestid import request_id


class RequestLayer:
    """The one middleware of every request (see the module's docstring)."""

    def __init__(self, app: ASGIApp, *, rulebase_version: str, body_limit: BodyLimit,
                 frame_ancestors: Sequence[str] = (), cors: Mapping[str, Any] | None = None) -> None:
        self.cors = dict(cors) if cors else None
        self.app = CORSMiddleware(app, **self.cors) if self.cors else app
        self.version = rulebase_version.encode("latin-1")
        self.body_limit = body_limit
        self.frame_ancestors = tuple(frame_ancestors)
        self.security = security.security_headers(security.policy(self.frame_ancestors))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started_at = time.perf_counter()
        incoming = declared = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value if incoming is None else incoming  # the first one
            elif name == b"content-length":
                declared = value  # the last one
        ident = request_id(incoming)
        scope.setdefault("state", {})["request_id"] = ident
        id_header = (b"x-request-id", ident.encode())
        # A CORS preflight is answered by CORS itself, before the API: it gets no API headers.
        api = scope["path"].startswith(PREFIX) and not (self.cors and _preflight(scope))
        hashed = scope["path"] in security.HASHED_PAGES
        guard = BodyGuard(receive, self.body_limit.max_bytes_for(scope["path"]), self.body_limit.timeout_seconds)
        status = 500
        started = False
        held: list[Message] = []

        async def send_refusal(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status, started = message["status"], True
                sent = message["headers"]
                message["headers"] = [*sent, *(api_headers(scope, self.version, sent) if api else ()),
                                      *self.security, id_header]
            await send(message)

        async def refuse(refusal: int) -> None:
            answer = bodylimit.refusal_app(scope, refusal, self.body_limit)
            await (CORSMiddleware(answer, **self.cors) if self.cors else answer)(scope, receive, send_refusal)

        async def send_answer(message: Message) -> None:
            nonlocal status, started
            if guard.refusal is not None:  # the body went over or stalled: refuse, whatever the app said
                if not started:
                    await refuse(guard.refusal)
                return
            if hashed:  # a small page of our own: hold it to hash its inline script
                held.append(message)
                if message["type"] == "http.response.body" and not message.get("more_body"):
                    start, added, body = security.hashed_answer(held, self.frame_ancestors)
                    status, started = start["status"], True
                    await send({**start, "headers": [*start["headers"], *added, id_header]})
                    await send(body)
                return
            if message["type"] == "http.response.start":
                status, started = message["status"], True
                sent = message.get("headers", [])
                message["headers"] = [*sent, *quota_headers(scope),
                                      *(api_headers(scope, self.version, sent) if api else ()),
                                      *self.security, id_header]
            await send(message)

        try:
            if bodylimit.declared_too_large(declared, guard.max_bytes):
                await refuse(bodylimit.TOO_LARGE)
            else:
                await self.app(scope, guard.receive, send_answer)
        except Exception as error:  # logged without its message (it may quote values), answered with 500
            headers, body = security.server_error(scope, ident, error)
            if not started:
                status, started = 500, True
                await send({"type": "http.response.start", "status": 500,
                            "headers": [*headers, *self.security, id_header]})
                await send({"type": "http.response.body", "body": body})
        finally:
            accesslog.record(scope, ident, status, time.perf_counter() - started_at)


def _preflight(scope: Scope) -> bool:
    """Whether the request is a CORS preflight (what CORSMiddleware answers without calling the app)."""
    if scope["method"] != "OPTIONS":
        return False
    headers = dict(scope["headers"])
    return b"origin" in headers and b"access-control-request-method" in headers
