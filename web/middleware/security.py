"""Security headers on every response, and errors logged without values.

- Content-Security-Policy: scripts and styles only from this site (the templates carry no inline
  script or style; /docs, whose Swagger UI page starts with one fixed inline script and sets inline
  styles, gets that script allowed by its SHA-256 and inline styles); `frame-ancestors 'none'`
  unless ADVISOR_FRAME_ANCESTORS lists the origins that may embed the pages (蓉易享).
- X-Content-Type-Options: nosniff; Referrer-Policy: same-origin.
- An exception that escapes the app is logged with the request id, method, path and the
  exception's type only — its message may quote SQL values (a name, a contact, an answer) — and
  answered with a plain 500.
"""

import base64
import hashlib
import logging
import re
from collections.abc import Sequence

from starlette.types import Message, Scope

from ..problems import scope_lang, server_error_content

log = logging.getLogger("advisor.errors")

_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)
HASHED_PAGES = frozenset({"/docs"})  # pages of our own fixed HTML whose inline scripts are allowed by hash

Headers = list[tuple[bytes, bytes]]


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


def security_headers(csp: str) -> Headers:
    """The security headers of an answer under the policy `csp`."""
    return [(b"content-security-policy", csp.encode()), (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin")]


def hashed_answer(held: list[Message], frame_ancestors: Sequence[str]) -> tuple[Message, Headers, Message]:
    """A held page of our own (HASHED_PAGES) in one body: its start message, the headers to add (its
    Content-Length and security headers allowing its inline scripts by hash) and its body message."""
    body = b"".join(message.get("body", b"") for message in held if message["type"] == "http.response.body")
    digests = [base64.b64encode(hashlib.sha256(script).digest()).decode()
               for script in _INLINE_SCRIPT.findall(body)]
    start = held[0]
    start = {**start, "headers": [(key, value) for key, value in start.get("headers", [])
                                  if key.lower() != b"content-length"]}
    added = [(b"content-length", str(len(body)).encode()),
             *security_headers(policy(frame_ancestors, digests, inline_styles=True))]
    return start, added, {"type": "http.response.body", "body": body}


def server_error(scope: Scope, request_id: str, error: Exception) -> tuple[Headers, bytes]:
    """Log an exception that escaped the app (its type only: its message may quote values); the 500's
    content headers and body: problem+json, or a short page for a browser's page."""
    log.error("request %s %s %s failed: %s", request_id, scope.get("method"), scope["path"], type(error).__name__)
    lang = scope_lang(scope)
    accept = dict(scope.get("headers") or []).get(b"accept", b"").decode("latin-1")
    media_type, body = server_error_content(scope["path"], accept, lang, request_id)
    return [(b"content-type", media_type.encode()), (b"content-language", lang.encode())], body
