"""Refuse request bodies over the configured size with 413, before reading them in full, and bodies that
stall (nothing received for ADVISOR_BODY_TIMEOUT_SECONDS between two reads) with 408."""

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .i18n import accept_language


class BodySizeLimit:
    """ASGI middleware: a declared or streamed body over `max_bytes` gets 413 problem+json; one whose next
    part does not come within `timeout_seconds` gets 408 (a slow upload holds a worker's connection)."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_path: str | tuple[str, ...] = "",
                 max_upload_bytes: int = 0, timeout_seconds: float | None = None) -> None:
        self.app = app
        self.default_max_bytes = max_bytes
        self.upload_path = upload_path
        self.max_upload_bytes = max_upload_bytes
        self.timeout_seconds = timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        uploading = bool(self.upload_path) and scope.get("path", "").startswith(self.upload_path)
        max_bytes = self.max_upload_bytes if uploading else self.default_max_bytes
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await self._refuse(scope, send, headers, max_bytes)
            return
        received = 0
        too_large = False
        timed_out = False
        body_read = False
        refused = False

        async def counting_receive() -> Message:
            nonlocal received, too_large, timed_out, body_read
            if too_large or timed_out:  # stop feeding the app; what it answers is replaced below
                return {"type": "http.request", "body": b"", "more_body": False}
            if body_read:  # only a disconnect can come now: no reason to hurry the client
                return await receive()
            try:
                async with asyncio.timeout(self.timeout_seconds):
                    message = await receive()
            except TimeoutError:
                timed_out = True
                return {"type": "http.request", "body": b"", "more_body": False}
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                body_read = not message.get("more_body", False)
                if received > max_bytes:
                    too_large = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal refused
            if too_large or timed_out:  # the body went over or stalled: refuse, whatever the app said
                if not refused:
                    refused = True
                    if too_large:
                        await self._refuse(scope, send, headers, max_bytes)
                    else:
                        await self._timed_out(scope, send, headers)
                return
            await send(message)

        await self.app(scope, counting_receive, guarded_send)

    async def _refuse(self, scope: Scope, send: Send, headers: dict[bytes, bytes], max_bytes: int) -> None:
        lang = _lang(scope, headers)
        detail = (f"请求内容超过{max_bytes}字节的上限" if lang == "zh"
                  else f"the request body is over the limit of {max_bytes} bytes")
        await _problem(send, 413, "/problems/too-large", "请求内容过大" if lang == "zh" else "Request body too large",
                       detail)

    async def _timed_out(self, scope: Scope, send: Send, headers: dict[bytes, bytes]) -> None:
        lang = _lang(scope, headers)
        seconds = f"{self.timeout_seconds:g}"
        detail = (f"请求内容在{seconds}秒内没有继续发送" if lang == "zh"
                  else f"the request body stopped arriving for {seconds} s")
        await _problem(send, 408, "/problems/request-timeout", "请求超时" if lang == "zh" else "Request timeout",
                       detail)


def _lang(scope: Scope, headers: dict[bytes, bytes]) -> str:
    query = scope.get("query_string", b"").decode("latin-1")
    return "en" if "lang=en" in query else (
        accept_language(headers.get(b"accept-language", b"").decode("latin-1")) or "zh")


async def _problem(send: Send, status: int, kind: str, title: str, detail: str) -> None:
    """A problem+json answer that closes the connection (the rest of the body is not read)."""
    body = json.dumps({"type": kind, "title": title, "status": status, "detail": detail}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
