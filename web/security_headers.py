"""Security headers on every response, a request id, and errors logged without values.

- Content-Security-Policy: scripts and styles only from this site (the templates carry no inline
  script or style; /docs, whose Swagger UI page starts with one fixed inline script and sets inline
  styles, gets that script allowed by its SHA-256 and inline styles); `frame-ancestors 'none'`
  unless ADVISOR_FRAME_ANCESTORS lists the origins that may embed the pages (蓉易享).
- X-Content-Type-Options: nosniff; Referrer-Policy: same-origin; the request id (X-Request-ID, given
  by the access log when it runs outside this middleware).
- An exception that escapes the app is logged with the request id, method, path and the
  exception's type only — its message may quote SQL values (a name, a contact, an answer) — and
  answered with a plain 500.
"""

import base64
import hashlib
import logging
import re
import uuid
from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import scope_lang, server_error_content

log = logging.getLogger("advisor.errors")

_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)
HASHED_PAGES = frozenset({"/docs"})  # pages of our own fixed HTML whose inline scripts are allowed by hash


def policy(frame_ancestors: Sequence[str] = (), script_hashes: Sequence[str] = (), inline_styles: bool = False) -> str:
    """The Content-Security-Policy header value."""
    scripts = " ".join(["'self'", *(f"'sha256-{digest}'" for digest in script_hashes)])
    ancestors = " ".join(frame_ancestors) if frame_ancestors else "'none'"
    return "; ".join([
        "default-src 'self'", f"script-src {scripts}",
        "style-src 'self'" + (" 'unsafe-inline'" if inline_styles else ""),
        "img-src 'self' data:", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
        f"frame-ancestors {ancestors}",
    ])


class SecurityHeaders:
    """Pure ASGI middleware (streams pass through untouched)."""

    def __init__(self, app: ASGIApp, frame_ancestors: Sequence[str] = ()) -> None:
        self.app = app
        self.frame_ancestors = tuple(frame_ancestors)
        self.default_policy = policy(self.frame_ancestors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        # The access log (outside this middleware) gives the request its id and echoes it; standing
        # alone, this middleware makes one and sends it.
        own_id = "request_id" not in state
        request_id = state.setdefault("request_id", uuid.uuid4().hex)
        hashed = scope["path"] in HASHED_PAGES
        started = False
        held: list[Message] = []

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if hashed:  # a small page of our own: hold it to hash its inline script
                held.append(message)
                if message["type"] == "http.response.body" and not message.get("more_body"):
                    await self._send_hashed(held, request_id if own_id else None, send)
                    started = True
                return
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []),
                                      *self._headers(request_id if own_id else None, self.default_policy)]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as error:  # logged without its message (it may quote values), answered with 500
            log.error("request %s %s %s failed: %s", request_id, scope.get("method"), scope["path"],
                      type(error).__name__)
            if not started:  # as every other error: problem+json, or a short page for a browser's page
                lang = scope_lang(scope)
                accept = dict(scope.get("headers") or []).get(b"accept", b"").decode("latin-1")
                media_type, body = server_error_content(scope["path"], accept, lang, request_id)
                await send({"type": "http.response.start", "status": 500,
                            "headers": [(b"content-type", media_type.encode()), (b"content-language", lang.encode()),
                                        *self._headers(request_id if own_id else None, self.default_policy)]})
                await send({"type": "http.response.body", "body": body})

    def _headers(self, request_id: str | None, csp: str) -> list[tuple[bytes, bytes]]:
        headers = [(b"content-security-policy", csp.encode()), (b"x-content-type-options", b"nosniff"),
                   (b"referrer-policy", b"same-origin")]
        return [*headers, (b"x-request-id", request_id.encode())] if request_id else headers

    async def _send_hashed(self, held: list[Message], request_id: str | None, send: Send) -> None:
        body = b"".join(message.get("body", b"") for message in held if message["type"] == "http.response.body")
        digests = [base64.b64encode(hashlib.sha256(script).digest()).decode()
                   for script in _INLINE_SCRIPT.findall(body)]
        start = held[0]
        headers = [(key, value) for key, value in start.get("headers", []) if key.lower() != b"content-length"]
        headers += [(b"content-length", str(len(body)).encode()),
                    *self._headers(request_id, policy(self.frame_ancestors, digests, inline_styles=True))]
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})
