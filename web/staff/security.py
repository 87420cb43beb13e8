"""Signed session cookies and CSRF tokens, with stdlib hmac (no itsdangerous).

The secret comes from SECRET_KEY or, failing that, from a random file created once in the data
folder (mode 0600), so sessions survive a restart without any setup.
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from functools import cache
from typing import Any

from advisor.settings import read_settings
from advisor.storage.db import data_dir

SESSION_COOKIE = "qy_staff"
CSRF_COOKIE = "qy_csrf"
SESSION_SECONDS = 12 * 3600  # one working day at the window


@cache
def secret_key() -> bytes:
    """ADVISOR_SECRET_KEY (or SECRET_KEY) from the environment, else the generated data/secret_key file."""
    configured = read_settings().secret_key.strip()
    if configured:
        return configured.encode("utf-8")
    path = data_dir() / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(purpose: str, payload: str) -> str:
    return _b64(hmac.new(secret_key(), f"{purpose}:{payload}".encode(), hashlib.sha256).digest())


def sign(purpose: str, data: dict[str, Any]) -> str:
    """`data` as a tamper-proof string: base64 JSON and its HMAC for this purpose."""
    payload = _b64(json.dumps(data, separators=(",", ":")).encode())
    return f"{payload}.{_mac(purpose, payload)}"


def unsign(purpose: str, token: str | None) -> dict[str, Any] | None:
    """The data of a token made by sign() for the same purpose, or None if it was altered."""
    # Only ASCII can be ours; anything else (hmac.compare_digest refuses non-ASCII str) is altered.
    if not token or "." not in token or not token.isascii():
        return None
    payload, mac = token.rsplit(".", 1)
    if not hmac.compare_digest(mac, _mac(purpose, payload)):
        return None
    try:
        data = json.loads(_unb64(payload))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def session_token(user_id: int, nonce: str) -> str:
    """The session cookie value for a logged-in user."""
    return sign("session", {"u": user_id, "n": nonce, "t": int(time.time())})


def read_session(token: str | None) -> tuple[int, str] | None:
    """(user id, nonce) from a valid, unexpired session cookie."""
    data = unsign("session", token)
    if not data or not isinstance(data.get("u"), int) or not isinstance(data.get("t"), int):
        return None
    if time.time() - data["t"] > SESSION_SECONDS:
        return None
    return data["u"], str(data.get("n", ""))


def new_csrf_cookie() -> str:
    """A random value for the CSRF cookie."""
    return secrets.token_urlsafe(24)


def csrf_token(cookie: str, session: str | None = None) -> str:
    """The form token that goes with a CSRF cookie and the session cookie (signed double submit,
    bound to the session: a token from before a login or from another session does not fit)."""
    return _mac("csrf", f"{cookie}|{session or ''}")


def csrf_ok(cookie: str | None, token: str | None, session: str | None = None) -> bool:
    """Whether a posted form token matches the CSRF cookie and the session cookie."""
    if not (cookie and token and cookie.isascii() and token.isascii() and (session or "").isascii()):
        return False
    return hmac.compare_digest(csrf_token(cookie, session), token)
