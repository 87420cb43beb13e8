"""The response headers the app sends, each declared once for OpenAPI (`components.headers`).

web/openapi.py puts the headers every answer carries on every response of the document (which
answers carry which is said there, beside the middleware that sends them); a route declares its own
with `declared()` in its `responses`. A header marked required is sent on every response it is
declared on; the others only sometimes (said in their description).
"""

from typing import Any

_STRING = {"type": "string"}
_SECONDS = {"type": "integer", "minimum": 0}

HEADERS: dict[str, dict[str, Any]] = {
    # web/middleware/layer.py (request id), on every answer
    "X-Request-ID": {"required": True, "schema": _STRING, "description":
                     "The request's id: the X-Request-ID sent with the request when it is 1-64 letters, digits, "
                     "dots, dashes, underscores or colons, else a new one. Quote it when reporting a problem."},
    # web/middleware/apiheaders.py, on every /api/ answer
    "Rulebase-Version": {"required": True, "schema": _STRING, "description":
                         "The rule base that judged the request (also at /healthz); a new version means the "
                         "cached provisions and questions may have changed."},
    "Content-Language": {"required": True, "schema": _STRING, "description":
                         "zh or en: the language of the texts (the body's lang, else ?lang=, else Accept-Language, "
                         "else zh); `zh, en` for the bilingual question catalog and profile schema."},
    # web/middleware/ratelimit.py, on /api/ answers counted against a key or a client address
    "RateLimit-Limit": {"schema": _SECONDS, "description":
                        "Requests allowed in the current window (sent while a rate limit is configured)."},
    "RateLimit-Remaining": {"schema": _SECONDS, "description": "Requests left in the current window."},
    "RateLimit-Reset": {"schema": _SECONDS, "description": "Seconds until the current window ends."},
    # 429 (web/middleware/ratelimit.py), 503 (a full batch queue, an unreachable database)
    "Retry-After": {"required": True, "schema": _SECONDS, "description": "Seconds to wait before trying again."},
    # 401 (web/staff/apikeys.py)
    "WWW-Authenticate": {"required": True, "schema": _STRING, "description":
                         'How to authenticate: ApiKey header="X-API-Key" (or Authorization: Bearer KEY).'},
    # web/caching.py, on the catalog answers
    "ETag": {"required": True, "schema": _STRING, "description":
             "A weak tag of the body: send it back in If-None-Match to get 304 while it is current."},
    "Cache-Control": {"required": True, "schema": _STRING, "description":
                      "public (private when keys are required), max-age=300."},
    # web/api/batches.py
    "Location": {"required": True, "schema": _STRING, "description": "The job's status URL (as status_url)."},
    "Idempotent-Replayed": {"schema": {"type": "string", "enum": ["true"]}, "description":
                            "true when this answer repeats the job an earlier request with the same "
                            "Idempotency-Key and file created."},
    "Content-Disposition": {"required": True, "schema": _STRING, "description":
                            'attachment; filename="batch-ID-FILE.csv" (simulation-ID-FILE for a simulation)'},
}

RATE_LIMIT = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")
CACHED = ("ETag", "Cache-Control")


def declared(*names: str) -> dict[str, dict[str, str]]:
    """The response `headers` object referring to these headers' definitions."""
    unknown = set(names) - set(HEADERS)
    if unknown:
        raise KeyError(f"undeclared response headers: {sorted(unknown)}")
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}
