"""Partner API keys on /api/v1: with API_KEYS_REQUIRED=true a request needs a valid key.

The key goes in the X-API-Key header (or Authorization: Bearer). A missing, unknown or revoked key
gets 401 problem+json, after it was counted against its client address's anonymous rate limit (so
past that limit it gets 429). Every request with a valid key is counted against it, required or not,
and against the key's rate limit (web/middleware/ratelimit.py).

Keys are checked against each worker's copy of the active keys (hash → key), read again from the
database every ADVISOR_API_KEY_CACHE_SECONDS (5 s), at once when this worker revokes a key, and on
an unknown key at most once a second (so a key created on another host works within a second). A
key revoked on another host therefore stops working everywhere within the cache time. Requests are
counted in memory and added to the database every ADVISOR_API_KEY_FLUSH_SECONDS (10 s) and at
shutdown, one atomic `UPDATE … SET request_count = request_count + n` per key: no write per request.
"""

import asyncio
import contextlib
import logging
import math
import threading
import time
from collections.abc import AsyncIterator
from datetime import datetime

from fastapi import FastAPI, HTTPException
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from advisor.clock import now
from advisor.messages import message_both
from advisor.settings import Settings
from advisor.storage.apikeys import ActiveKey, active_keys, add_usage, digest

from ..background import every, running
from ..middleware.ratelimit import enforce_rate_limit

log = logging.getLogger("web.apikeys")
# An unknown key reloads the cache at most this often: a flood of wrong keys costs one SELECT a second.
MISS_RELOAD_SECONDS = 1.0


def _presented(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    if key:
        return key.strip()
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" and credentials else None


class ApiKeyError(HTTPException):
    """401 with a WWW-Authenticate header; rendered as problem+json by the app's error handler."""


class KeyRegistry:
    """One worker's cached active keys and its not-yet-written request counts."""

    def __init__(self, engine: Engine, cache_seconds: float, flush_seconds: float) -> None:
        self.engine = engine
        self.cache_seconds = cache_seconds
        self.flush_seconds = flush_seconds
        self._keys: dict[str, ActiveKey] = {}
        self._loaded_at = -math.inf
        self._ever_loaded = False
        self._reload_lock = asyncio.Lock()
        self._usage: dict[int, tuple[int, datetime]] = {}
        self._usage_lock = threading.Lock()  # flushes run in threads; counting runs on the event loop

    async def lookup(self, key: str) -> ActiveKey | None:
        """The active key, counted once; None for an unknown or revoked key."""
        if time.monotonic() - self._loaded_at > self.cache_seconds:
            await self._reload(self.cache_seconds)
        found = self._keys.get(digest(key))
        if found is None:
            await self._reload(MISS_RELOAD_SECONDS)
            found = self._keys.get(digest(key))
            if found is None:
                return None
        with self._usage_lock:
            count, _ = self._usage.get(found.id, (0, None))
            self._usage[found.id] = (count + 1, now())
        return found

    def invalidate(self) -> None:
        """Forget the cached keys (after a revocation here): the next request reads them again."""
        self._loaded_at = -math.inf

    async def _reload(self, older_than: float) -> None:
        async with self._reload_lock:
            if time.monotonic() - self._loaded_at > older_than:  # not done meanwhile by another request
                started = time.monotonic()
                try:
                    self._keys = await run_in_threadpool(self._read)
                except Exception as error:
                    if not self._ever_loaded:
                        raise  # no copy to fall back on
                    # The database is away for a moment: keep the last copy, try again in a second.
                    log.warning("could not read the API keys (%s); using the last copy", type(error).__name__)
                    self._loaded_at = started - self.cache_seconds + MISS_RELOAD_SECONDS
                    return
                self._loaded_at = started
                self._ever_loaded = True

    def _read(self) -> dict[str, ActiveKey]:
        with Session(self.engine) as session:
            return active_keys(session)

    def pending(self) -> int:
        """Requests counted but not yet written."""
        with self._usage_lock:
            return sum(count for count, _ in self._usage.values())

    def flush(self) -> None:
        """Write the counted requests to the database (blocking; call from a thread or at shutdown)."""
        with self._usage_lock:
            usage, self._usage = self._usage, {}
        if not usage:
            return
        try:
            with Session(self.engine) as session:
                add_usage(session, usage)
                session.commit()
        except Exception:
            with self._usage_lock:  # keep the counts for the next flush rather than lose them
                for ident, (count, last) in usage.items():
                    later, latest = self._usage.get(ident, (0, last))
                    self._usage[ident] = (count + later, max(last, latest))
            raise


@contextlib.asynccontextmanager
async def flushing(app: FastAPI) -> AsyncIterator[None]:
    """Lifespan part: flush the request counts every flush interval while serving, and at shutdown."""
    registry: KeyRegistry = app.state.api_keys

    async def flush_counts() -> None:  # the database may be away for a moment: the counts are kept
        await run_in_threadpool(registry.flush)

    try:
        async with running(every(registry.flush_seconds, flush_counts)):
            yield
    finally:
        try:
            await run_in_threadpool(registry.flush)
        except Exception as error:  # the database is gone at shutdown: say what is lost, then stop
            log.warning("could not write %d counted API requests at shutdown (%s)", registry.pending(),
                        type(error).__name__)


def install_key_registry(app: FastAPI, settings: Settings) -> None:
    """Give the app its key registry (app.state.api_keys)."""
    app.state.api_keys = KeyRegistry(app.state.engine, settings.api_key_cache_seconds,
                                     settings.api_key_flush_seconds)


async def require_api_key(request: Request) -> None:
    """FastAPI dependency for /api/v1: the key checked (and required when so configured), then the rate limit.

    Async, and the key is checked from memory: no thread hop and no database round trip per request.
    """
    key = _presented(request)
    found = await request.app.state.api_keys.lookup(key) if key else None
    # Counted before a missing or wrong key is refused: such requests share their address's anonymous
    # limit, so a flood of bad keys is answered 429 like any other flood.
    await enforce_rate_limit(request, found.id if found is not None else None)
    if found is None and request.app.state.settings.api_keys_required:
        detail = message_both("staff_key_missing" if key is None else "staff_key_revoked")
        raise ApiKeyError(401, detail, headers={"WWW-Authenticate": 'ApiKey header="X-API-Key"'})
    if found is not None:
        request.state.api_client_id, request.state.api_client = found.id, found.name  # id: owns batch jobs
