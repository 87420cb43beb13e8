"""uvicorn's httptools protocol with the limits nginx has and uvicorn lacks: header size and header time.

httptools keeps every header of a request in memory however many arrive, and uvicorn waits for a
request's head as long as the client cares to dribble it. So a request whose line and headers pass
ADVISOR_MAX_HEADER_BYTES is answered 431, and one whose head is not complete ADVISOR_HEADER_TIMEOUT_SECONDS
after its first byte (or after the connection opened) is answered 408; either closes the connection.
A slow body is the app's to time out (web/middleware/bodylimit.py), idle keep-alive connections uvicorn's
(--timeout-keep-alive), and too many connections uvicorn's too (--limit-concurrency: 503).

`advisor serve` passes this class by import string; the size comes from uvicorn's
h11_max_incomplete_event_size (the same limit for the h11 protocol), the time from the settings.
"""

import asyncio
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from advisor.settings import settings

DEFAULT_MAX_HEADER_BYTES = 32_768


def _answer(status: str, reason: str) -> bytes:
    body = f'{{"type": "/problems/{reason}", "title": "{status}", "status": {status.split()[0]}}}'.encode()
    return (f"HTTP/1.1 {status}\r\ncontent-type: application/problem+json\r\ncontent-length: {len(body)}\r\n"
            f"connection: close\r\n\r\n").encode() + body


TOO_LARGE = _answer("431 Request Header Fields Too Large", "headers-too-large")
TIMED_OUT = _answer("408 Request Timeout", "request-timeout")


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """HttpToolsProtocol that refuses oversized (431) and slow (408) request heads."""

    def __init__(self, config: Config, server_state: ServerState, app_state: dict[str, Any],
                 _loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.max_header_bytes = config.h11_max_incomplete_event_size or DEFAULT_MAX_HEADER_BYTES
        self.header_timeout = settings().header_timeout_seconds
        self._head_open = True  # reading a request line and headers (or waiting for the first request)
        self._head_bytes = 0
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()  # a new connection must send its first request's head in time

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        counting = self._head_open
        if counting:
            self._head_bytes += len(data)
        super().data_received(data)
        # Still inside the head after this chunk (had the head ended, on_headers_complete closed it).
        if counting and self._head_open and self._head_bytes > self.max_header_bytes:
            self._refuse(TOO_LARGE)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._head_timer is None:  # the next request on a kept-alive connection
            self._arm()

    def on_headers_complete(self) -> None:
        self._head_open, self._head_bytes = False, 0
        self._disarm()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        # What comes next is another request's head. While the connection idles, uvicorn's keep-alive
        # timeout watches it; a head begun later is timed from its first byte (on_message_begin).
        self._head_open, self._head_bytes = True, 0

    def _arm(self) -> None:
        self._disarm()
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_timed_out)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self._head_open and not self.transport.is_closing():
            self._refuse(TIMED_OUT)

    def _refuse(self, answer: bytes) -> None:
        self._disarm()
        self._head_open = False
        if not self.transport.is_closing():
            self.transport.write(answer)
            self.transport.close()
