"""Refuse request bodies over the configured size with 413, before reading them in full, and bodies that
stall (nothing received for ADVISOR_BODY_TIMEOUT_SECONDS between two reads) with 408."""

import asyncio
import json
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..i18n import accept_language

TOO_LARGE = 413
TIMED_OUT = 408
# What the app reads once the body went over or stalled: its answer is replaced by the refusal.
_END = {"type": "http.request", "body": b"", "more_body": False}


@dataclass(frozen=True)
class BodyLimit:
    """The limits: `max_bytes` a body, `max_upload_bytes` under `upload_path`, `timeout_seconds` between two
    parts of a body (a slow upload holds a worker's connection)."""

    max_bytes: int
    upload_path: str | tuple[str, ...] = ""
    max_upload_bytes: int = 0
    timeout_seconds: float | None = None

    def max_bytes_for(self, path: str) -> int:
        """The limit on a body sent to `path`."""
        uploading = bool(self.upload_path) and path.startswith(self.upload_path)
        return self.max_upload_bytes if uploading else self.max_bytes


def declared_too_large(content_length: bytes | None, max_bytes: int) -> bool:
    """Whether the declared Content-Length is over the limit (refused before anything is read)."""
    return content_length is not None and content_length.isdigit() and int(content_length) > max_bytes


class BodyGuard:
    """One request's body as the app reads it: counted against the limit and timed between parts.

    `receive` stands in for the server's; once the body goes over the limit or stalls, the app reads an
    empty end and `refusal` says which (TOO_LARGE or TIMED_OUT)."""

    __slots__ = ("_receive", "body_read", "max_bytes", "received", "refusal", "timeout_seconds")

    def __init__(self, receive: Receive, max_bytes: int, timeout_seconds: float | None) -> None:
        self._receive = receive
        self.max_bytes = max_bytes
        self.timeout_seconds = timeout_seconds
        self.received = 0
        self.body_read = False
        self.refusal: int | None = None

    async def receive(self) -> Message:
        """The next message for the app."""
        if self.refusal is not None:  # stop feeding the app; what it answers is replaced
            return dict(_END)
        if self.body_read:  # only a disconnect can come now: no reason to hurry the client
            return await self._receive()
        try:
            async with asyncio.timeout(self.timeout_seconds):
                message = await self._receive()
        except TimeoutError:
            self.refusal = TIMED_OUT
            return dict(_END)
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            self.body_read = not message.get("more_body", False)
            if self.received > self.max_bytes:
                self.refusal = TOO_LARGE
                return dict(_END)
        return message


def refusal_app(scope: Scope, status: int, limit: BodyLimit) -> ASGIApp:
    """An ASGI app answering the refusal (413 for a body over `limit`, 408 for one that stalled) as
    problem+json, in the request's language, closing the connection (the rest of the body is not read)."""
    lang = _lang(scope)
    if status == TOO_LARGE:
        max_bytes = limit.max_bytes_for(scope["path"])
        kind, title = "/problems/too-large", "请求内容过大" if lang == "zh" else "Request body too large"
        detail = (f"请求内容超过{max_bytes}字节的上限" if lang == "zh"
                  else f"the request body is over the limit of {max_bytes} bytes")
    else:
        seconds = f"{limit.timeout_seconds:g}"
        kind, title = "/problems/request-timeout", "请求超时" if lang == "zh" else "Request timeout"
        detail = (f"请求内容在{seconds}秒内没有继续发送" if lang == "zh"
                  else f"the request body stopped arriving for {seconds} s")
    body = json.dumps({"type": kind, "title": title, "status": status, "detail": detail}, ensure_ascii=False).encode()

    async def answer(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/problem+json"),
                                (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    return answer


def _lang(scope: Scope) -> str:
    query = scope.get("query_string", b"").decode("latin-1")
    headers = dict(scope.get("headers") or [])
    return "en" if "lang=en" in query else (
        accept_language(headers.get(b"accept-language", b"").decode("latin-1")) or "zh")
