"""Conditional GETs for the catalog endpoints (provisions, questions, schemas).

Their bodies depend only on the rule base and the language, so each is encoded once per process
and served with an ETag and Cache-Control; a client that sends the ETag back in If-None-Match
gets 304 Not Modified without a body (the compact assessment view exists for such clients).
"""

import hashlib
from collections.abc import Callable, Hashable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

MAX_AGE_SECONDS = 300


class CatalogCache:
    """Encoded bodies and their ETags by key; one per app (the rule base does not change while it runs)."""

    def __init__(self) -> None:
        self._bodies: dict[Hashable, tuple[bytes, str]] = {}

    def get(self, key: Hashable, build: Callable[[], Any]) -> tuple[bytes, str]:
        """The body for `key` (built and encoded on first use) and its ETag."""
        entry = self._bodies.get(key)
        if entry is None:
            body = orjson.dumps(build())
            # Weak: the same entity may be sent gzipped or not (RFC 9110 §8.8.1).
            entry = self._bodies[key] = (body, f'W/"{hashlib.blake2b(body, digest_size=12).hexdigest()}"')
        return entry


def _matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison against an If-None-Match list (RFC 9110 §13.1.2)."""
    if if_none_match.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in if_none_match.split(","))


def cached_json(request: Request, key: tuple[Hashable, ...], build: Callable[[], Any], languages: str) -> Response:
    """200 with the cached JSON body, or 304 when If-None-Match names its ETag.

    `languages` is the Content-Language (e.g. "en", or "zh, en" for a bilingual body).
    """
    cache: CatalogCache = request.app.state.catalog_cache
    body, etag = cache.get((request.url.path, *key), build)
    scope = "private" if request.app.state.settings.api_keys_required else "public"
    headers = {"ETag": etag, "Cache-Control": f"{scope}, max-age={MAX_AGE_SECONDS}", "Vary": "Accept-Language",
               "Content-Language": languages}
    if _matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
