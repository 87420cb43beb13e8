"""Rate limits on /api/v1 per partner key, and per client address for requests without a key.

Hits are counted in fixed windows (ADVISOR_RATE_LIMIT_KEYED, _ANONYMOUS, e.g. "600/minute"). Every API
answer carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset (seconds until the window resets);
over the limit the answer is 429 problem+json with Retry-After. With the default memory storage each worker
process counts on its own (so N workers allow up to N times the limit), in a dictionary of its own
(localwindows.py); with redis:// (ADVISOR_RATE_LIMIT_STORAGE, the [redis] extra: redis-py's asyncio client)
the `limits` library counts for every worker and host. A request without a valid key (none, unknown or
revoked) is counted against its client address before it is refused with 401, so a flood of wrong keys
meets 429 too.

When the Redis server does not answer, requests are let through unlimited for a few seconds and the
outage is logged once: the advice stays available; the limits return with the server.
"""

import logging
import math
import time
from dataclasses import dataclass

from fastapi import HTTPException
from limits import RateLimitItem, parse_many
from limits.aio.storage import Storage
from limits.aio.strategies import FixedWindowRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string
from starlette.requests import Request
from starlette.types import Scope

from advisor.messages import translator
from advisor.settings import Settings

from ..i18n import request_lang
from .localwindows import LocalWindows

STATE_KEY = "rate_limit"
log = logging.getLogger("web.ratelimit")
# After the storage failed to answer, requests go unlimited this long before it is asked again.
STORAGE_RETRY_SECONDS = 5.0
# A shared storage must answer quickly: a request waits for it.
STORAGE_TIMEOUT_SECONDS = 1.0


@dataclass(frozen=True)
class Quota:
    """Where a caller stands in its window: the limit, what is left and seconds until the window resets."""

    limit: int
    remaining: int
    reset_seconds: int

    def headers(self) -> list[tuple[bytes, bytes]]:
        """The RateLimit-* response headers (IETF draft "RateLimit header fields for HTTP")."""
        return [(b"ratelimit-limit", str(self.limit).encode()),
                (b"ratelimit-remaining", str(self.remaining).encode()),
                (b"ratelimit-reset", str(self.reset_seconds).encode())]


class RateLimited(HTTPException):
    """429, rendered as problem+json by the app's error handler, with Retry-After and RateLimit-*."""


class ApiRateLimiter:
    """The limits of one process: one for partner keys, one for anonymous client addresses."""

    def __init__(self, settings: Settings) -> None:
        self.storage = rate_limit_storage(settings.rate_limit_storage)
        self._limiter = FixedWindowRateLimiter(self.storage)
        # memory:// is counted in this process without the storage's round trips (the same windows)
        self._local = LocalWindows() if settings.rate_limit_storage.startswith("memory") else None
        self._keyed = _items(settings.rate_limit_keyed)
        self._anonymous = _items(settings.rate_limit_anonymous)
        self._unlimited_until = -math.inf

    async def check_storage(self) -> bool:
        """Whether the storage answers; logs a warning naming the setting when it does not (at start)."""
        try:
            answered = await self.storage.check()
        except Exception:  # a storage that cannot even be asked is as good as one that said no
            answered = False
        if not answered:
            log.warning("the rate-limit storage (ADVISOR_RATE_LIMIT_STORAGE) does not answer: API requests are "
                        "not limited until it does")
        return bool(answered)

    async def check(self, key_id: int | None, client: str) -> Quota | None:
        """Count one request; the tightest quota left, None when no limit applies; raises RateLimited."""
        if time.monotonic() < self._unlimited_until:
            return None
        try:
            quota = await self._count(key_id, client)
        except StorageError as error:
            if self._unlimited_until == -math.inf:  # the outage is logged once, when it starts
                log.warning("the rate-limit storage (ADVISOR_RATE_LIMIT_STORAGE) did not answer (%s): API requests "
                            "are not limited until it does", type(error.storage_error).__name__)
            self._unlimited_until = time.monotonic() + STORAGE_RETRY_SECONDS
            return None
        if self._unlimited_until != -math.inf:
            self._unlimited_until = -math.inf
            log.warning("the rate-limit storage (ADVISOR_RATE_LIMIT_STORAGE) answers again: API requests are limited")
        return quota

    async def _count(self, key_id: int | None, client: str) -> Quota | None:
        items, identity = (self._keyed, f"key:{key_id}") if key_id is not None else (self._anonymous, f"ip:{client}")
        tightest: Quota | None = None
        refused: Quota | None = None
        for item in items:
            if self._local is not None:
                allowed, remaining, reset_time = self._local.hit(item, identity)
            else:
                allowed = await self._limiter.hit(item, identity)
                stats = await self._limiter.get_window_stats(item, identity)
                remaining, reset_time = stats.remaining, stats.reset_time
            quota = Quota(item.amount, remaining, max(0, math.ceil(reset_time - time.time())))
            if not allowed and (refused is None or quota.reset_seconds > refused.reset_seconds):
                refused = quota
            if tightest is None or quota.remaining < tightest.remaining:
                tightest = quota
        if refused is not None:
            raise RateLimited(429, "", headers={"Retry-After": str(max(1, refused.reset_seconds)),
                                                **{k.decode(): v.decode() for k, v in refused.headers()}})
        return tightest


def rate_limit_storage(uri: str) -> Storage:
    """The asyncio storage for a validated ADVISOR_RATE_LIMIT_STORAGE: memory://, or Redis through redis-py."""
    if uri.startswith("memory"):
        return storage_from_string(f"async+{uri}")  # type: ignore[no-any-return]
    return storage_from_string(f"async+{uri}", implementation="redispy",  # type: ignore[no-any-return]
                               wrap_exceptions=True, socket_timeout=STORAGE_TIMEOUT_SECONDS,
                               socket_connect_timeout=STORAGE_TIMEOUT_SECONDS)


def _items(text: str) -> list[RateLimitItem]:
    return parse_many(text) if text else []


async def enforce_rate_limit(request: Request, key_id: int | None) -> None:
    """Count this API request against its key (or its client address) and refuse it when over the limit."""
    limiter: ApiRateLimiter = request.app.state.rate_limiter
    client = request.client.host if request.client else "unknown"
    try:
        quota = await limiter.check(key_id, client)
    except RateLimited as error:
        lang = request_lang(request)
        error.detail = translator(lang)("rate_limited", s=error.headers["Retry-After"])
        raise
    if quota is not None:
        request.state.rate_limit = quota


def quota_headers(scope: Scope) -> list[tuple[bytes, bytes]]:
    """The RateLimit-* headers of the quota this request was counted against; none when it was not."""
    quota = scope.get("state", {}).get(STATE_KEY)
    return quota.headers() if isinstance(quota, Quota) else []
