"""Completion webhooks of batch jobs, signed with HMAC-SHA256.

When a job submitted with a `webhook_url` ends (done or failed), a worker POSTs a JSON body
(id, state, rows, screened, failed, error, status_url, finished_at) with the header

    X-Advisor-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the job's webhook secret>

The secret is returned once, in the 202 answer of the upload. A receiver recomputes the HMAC over
the timestamp, a dot and the raw body, compares in constant time and refuses old timestamps (replay).
Delivery is tried up to three times with growing pauses; the job's status answers either way.
"""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from typing import Any

SIGNATURE_HEADER = "X-Advisor-Signature"
TIMEOUT_SECONDS = 10


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header's value for `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, body: bytes, header: str, tolerance_seconds: int = 300, at: float | None = None) -> bool:
    """True when `header` signs `body` under `secret` and is not older than the tolerance (for receivers)."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if at is None else at) - timestamp) > tolerance_seconds:
        return False
    return hmac.compare_digest(sign(secret, body, timestamp), header)


def host_allowed(url: str, hosts: Iterable[str]) -> bool:
    """Whether an http(s) URL's host is one of `hosts` ("name", or "*.domain" for its subdomains)."""
    try:
        parsed = urllib.parse.urlsplit(url)
        host = (parsed.hostname or "").lower()
    except ValueError:
        return False
    if parsed.scheme not in ("http", "https") or not host:
        return False
    for allowed in (entry.lower() for entry in hosts):
        if host == allowed or (allowed.startswith("*.") and host.endswith(allowed[1:])):
            return True
    return False


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:  # a redirect is a failed delivery
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def deliver(url: str, secret: str, payload: dict[str, Any]) -> str | None:
    """POST the signed payload; None when the receiver answered 2xx, else why not."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "qingyang-advisor-batch",
        SIGNATURE_HEADER: sign(secret, body, int(time.time()))})
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return None if 200 <= response.status < 300 else f"HTTP {response.status}"
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return f"{type(error).__name__}: {error}"[:500]
