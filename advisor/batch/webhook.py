"""Completion webhooks of batch jobs, signed with HMAC-SHA256.

When a job submitted with a `webhook_url` ends (done or failed), a worker POSTs a JSON body
(id, state, rows, screened, failed, error, status_url, finished_at) with the header

    X-Advisor-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the job's webhook secret>

The secret is returned once, in the 202 answer of the upload. A receiver recomputes the HMAC over
the timestamp, a dot and the raw body, compares in constant time and refuses old timestamps (replay).
Delivery is tried up to three times with growing pauses; the job's status answers either way.

One parser (`parse_target`) reads a webhook URL for the allow-list check at upload and for the
sender, which connects to exactly the host and port it read: no second parser can see another host
in the same text. It refuses what parsers disagree about: a user name or password
(`http://127.0.0.1:P\\@push.example.cn/` is 127.0.0.1 to a browser and push.example.cn to urllib), a
backslash, white space or control characters, a host that is neither a DNS name nor an IP address.
The sender checks the allow-list (ADVISOR_WEBHOOK_HOSTS) again and follows no redirect.
"""

import hashlib
import hmac
import http.client
import ipaddress
import json
import re
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..settings import host_name_ok

SIGNATURE_HEADER = "X-Advisor-Signature"
TIMEOUT_SECONDS = 10
MAX_URL_CHARS = 2000
# scheme://host[:port][/path][?query], nothing else: no user information, no fragment.
_URL = re.compile(r"(?P<scheme>https?)://(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(?P<port>[0-9]{1,5}))?"
                  r"(?P<path>/[^?#]*)?(?:\?(?P<query>[^#]*))?", re.IGNORECASE)
_PATH_CHARS = re.compile(r"[!-~]*")  # printable ASCII without space: percent-encode anything else


class WebhookUrlError(ValueError):
    """A webhook URL the service will not call, with the reason in English and Chinese."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en, self.zh = en, zh


@dataclass(frozen=True, slots=True)
class Target:
    """Where a webhook goes, as read once: scheme, host (lower case, IPv6 without brackets), port, path."""

    scheme: str
    host: str
    port: int
    path: str  # with the query string

    @property
    def url(self) -> str:
        """The URL written out again from its parts (what the service stores and shows)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return f"{self.scheme}://{host}{'' if self.port == default else f':{self.port}'}{self.path}"


def parse_target(url: str) -> Target:
    """The target of a webhook URL; raises WebhookUrlError for anything but a plain http(s) URL."""
    if len(url) > MAX_URL_CHARS:
        raise WebhookUrlError(f"longer than {MAX_URL_CHARS} characters", f"超过{MAX_URL_CHARS}个字符")
    if not _PATH_CHARS.fullmatch(url) or "\\" in url:
        raise WebhookUrlError("only printable ASCII without spaces or backslashes (percent-encode the rest)",
                              "只能包含不含空格和反斜杠的可打印ASCII字符（其他字符请百分号编码）")
    found = _URL.fullmatch(url)
    if found is None:
        if "@" in url.split("?", 1)[0].split("#", 1)[0]:
            raise WebhookUrlError("must not carry a user name or password", "不得包含用户名或密码")
        raise WebhookUrlError("must be an http:// or https:// URL (no fragment)",
                              "应为 http:// 或 https:// 开头的网址（不含#片段）")
    scheme, host = found["scheme"].lower(), found["host"].lower()
    if host.startswith("["):
        try:
            host = str(ipaddress.IPv6Address(host[1:-1]))
        except ValueError:
            raise WebhookUrlError("not a valid IPv6 address", "不是有效的IPv6地址") from None
    elif not host_name_ok(host):
        raise WebhookUrlError("the host is not a valid name or address", "主机名或地址无效")
    port = int(found["port"]) if found["port"] else (443 if scheme == "https" else 80)
    if not 0 < port < 65536:
        raise WebhookUrlError("the port is out of range", "端口超出范围")
    path = (found["path"] or "/") + (f"?{found['query']}" if found["query"] is not None else "")
    return Target(scheme, host, port, path)


def allowed(target: Target, hosts: Iterable[str]) -> bool:
    """Whether the target's host is one of `hosts` ("name", or "*.domain" for its subdomains)."""
    host = target.host.removesuffix(".")
    for entry in (entry.lower().removesuffix(".") for entry in hosts):
        if host == entry or (entry.startswith("*.") and host.endswith(entry[1:])):
            return True
    return False


def host_allowed(url: str, hosts: Iterable[str]) -> bool:
    """Whether `url` is a webhook URL the service accepts and its host is one of `hosts`."""
    try:
        return allowed(parse_target(url), hosts)
    except WebhookUrlError:
        return False


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


def deliver(url: str, secret: str, payload: dict[str, Any], hosts: Iterable[str]) -> str | None:
    """POST the signed payload to the host and port `parse_target` reads in `url`, if `hosts` still allow it;
    None when the receiver answered 2xx, else why not (an HTTP status or a kind of error, never the URL)."""
    try:
        target = parse_target(url)
    except WebhookUrlError as error:
        return f"refused: {error.en}"
    if not allowed(target, hosts):
        return "refused: the host is not among ADVISOR_WEBHOOK_HOSTS"
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "qingyang-advisor-batch",
               SIGNATURE_HEADER: sign(secret, body, int(time.time()))}
    if target.scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            target.host, target.port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(target.host, target.port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        status = connection.getresponse().status  # a redirect (3xx) is a failed delivery: never followed
        return None if 200 <= status < 300 else f"HTTP {status}"
    except (OSError, http.client.HTTPException) as error:
        return type(error).__name__
    finally:
        connection.close()
