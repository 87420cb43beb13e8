"""Rulebase-Version and Content-Language on every JSON API response.

Rulebase-Version lets a partner see, from any answer, which rule base judged it (and when cached
provisions are stale). Content-Language is set by a handler that knows the answer's language (the
body's `lang` wins); otherwise it follows ?lang= and Accept-Language, as the handlers do.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import scope_lang


class ApiHeaders:
    """ASGI middleware adding the two headers to responses under `prefix`."""

    def __init__(self, app: ASGIApp, rulebase_version: str, prefix: str = "/api/") -> None:
        self.app = app
        self.version = rulebase_version.encode("latin-1")
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers.append((b"rulebase-version", self.version))
                if b"content-language" not in names:
                    headers.append((b"content-language", scope_lang(scope).encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)

