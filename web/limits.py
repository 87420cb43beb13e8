"""Refuse request bodies over the configured size with 413, before reading them in full."""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .i18n import accept_language


class BodySizeLimit:
    """ASGI middleware: a declared or streamed body over `max_bytes` gets 413 problem+json."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_path: str | tuple[str, ...] = "",
                 max_upload_bytes: int = 0) -> None:
        self.app = app
        self.default_max_bytes = max_bytes
        self.upload_path = upload_path
        self.max_upload_bytes = max_upload_bytes

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
        refused = False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            if too_large:  # stop feeding the app; what it answers is replaced by the 413 below
                return {"type": "http.request", "body": b"", "more_body": False}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    too_large = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal refused
            if too_large:  # a chunked body without a length went over: refuse, whatever the app said
                if not refused:
                    refused = True
                    await self._refuse(scope, send, headers, max_bytes)
                return
            await send(message)

        await self.app(scope, counting_receive, guarded_send)

    async def _refuse(self, scope: Scope, send: Send, headers: dict[bytes, bytes], max_bytes: int) -> None:
        query = scope.get("query_string", b"").decode("latin-1")
        lang = "en" if "lang=en" in query else (
            accept_language(headers.get(b"accept-language", b"").decode("latin-1")) or "zh")
        detail = (f"请求内容超过{max_bytes}字节的上限" if lang == "zh"
                  else f"the request body is over the limit of {max_bytes} bytes")
        body = json.dumps({"type": "/problems/too-large", "title": "请求内容过大" if lang == "zh"
                           else "Request body too large", "status": 413, "detail": detail},
                          ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/problem+json"),
                                (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
