"""Conditional GETs for the catalog endpoints (provisions, questions, schemas).

Their bodies depend only on the rule base and the language, so each is encoded (and gzipped) once
per process and served with an ETag and Cache-Control; a client that sends the ETag back in
If-None-Match gets 304 Not Modified without a body (the compact assessment view exists for such
clients).
"""

import gzip
import hashlib
from collections.abc import Callable, Hashable
from typing import Annotated, Any, NamedTuple

import orjson
from fastapi import Header
from starlette.requests import Request
from starlette.responses import Response

from .response_headers import CACHED, declared

MAX_AGE_SECONDS = 300

# The If-None-Match request header, declared so that a generated client can send it.
IfNoneMatch = Annotated[str | None, Header(description="The ETag of an earlier answer: 304 Not Modified (no body) "
                                                       "while it is still current")]


def catalog_responses(example: Any) -> dict[int | str, dict[str, Any]]:
    """The `responses` of a route answered by cached_json: 200 (with this example) and 304, both with their ETag."""
    return {200: {"content": {"application/json": {"example": example}}, "headers": declared(*CACHED)},
            304: {"description": "Not modified: the ETag sent in If-None-Match is current",
                  "headers": declared(*CACHED)}}


class Entry(NamedTuple):
    """One catalog body: as JSON, gzipped (compressed once, at the highest level), and its ETag."""

    body: bytes
    gzipped: bytes
    etag: str


class CatalogCache:
    """Encoded bodies and their ETags by key; one per app (the rule base does not change while it runs)."""

    def __init__(self) -> None:
        self._entries: dict[Hashable, Entry] = {}

    def get(self, key: Hashable, build: Callable[[], Any]) -> Entry:
        """The entry for `key`, built and encoded on first use."""
        entry = self._entries.get(key)
        if entry is None:
            body = orjson.dumps(build())
            # Weak: the same entity is sent gzipped or not (RFC 9110 §8.8.1).
            etag = f'W/"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'
            entry = self._entries[key] = Entry(body, gzip.compress(body, compresslevel=9, mtime=0), etag)
        return entry


def _matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison against an If-None-Match list (RFC 9110 §13.1.2)."""
    if if_none_match.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in if_none_match.split(","))


def cached_json(request: Request, key: tuple[Hashable, ...], build: Callable[[], Any], languages: str,
                if_none_match: str | None) -> Response:
    """200 with the cached JSON body, or 304 when If-None-Match names its ETag.

    `languages` is the Content-Language (e.g. "en", or "zh, en" for a bilingual body).
    """
    cache: CatalogCache = request.app.state.catalog_cache
    entry = cache.get((request.url.path, *key), build)
    scope = "private" if request.app.state.settings.api_keys_required else "public"
    headers = {"ETag": entry.etag, "Cache-Control": f"{scope}, max-age={MAX_AGE_SECONDS}",
               "Vary": "Accept-Language, Accept-Encoding", "Content-Language": languages}
    if if_none_match is not None and _matches(if_none_match, entry.etag):
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", "").lower():
        # Already encoded: the app's GZipMiddleware passes it through untouched.
        return Response(entry.gzipped, media_type="application/json", headers={**headers, "Content-Encoding": "gzip"})
    return Response(entry.body, media_type="application/json", headers=headers)
