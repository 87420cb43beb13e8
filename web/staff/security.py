"""Signed session cookies and CSRF tokens, with stdlib hmac (no itsdangerous).

The secret is the settings' ADVISOR_SECRET_KEY or, failing that, a random file created once in the
data folder (mode 0600), so sessions survive a restart without any setup. The app holds one Signer
(app.state.signer) made from its own settings: nothing here reads the environment.

A session cookie names the key that signed it by a short fingerprint (an HMAC of a fixed text, which
says nothing about the key). So a cookie that does not verify can be told apart: signed under another
key (another host or worker with a different ADVISOR_SECRET_KEY: a misconfiguration worth a warning)
or altered by its holder (refused, and no concern of the operator's).
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from enum import Enum
from typing import Any

from advisor.settings import Settings

SESSION_COOKIE = "qy_staff"
CSRF_COOKIE = "qy_csrf"
SESSION_SECONDS = 12 * 3600  # one working day at the window


def secret_key(settings: Settings) -> bytes:
    """ADVISOR_SECRET_KEY of `settings`, else the key generated once into data_dir/secret_key."""
    configured = settings.secret_key.strip()
    if configured:
        return configured.encode("utf-8")
    path = settings.data_dir / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole under another name, then linked into place: a process that starts at the same
        # moment either wins the link or reads the winner's complete key, never an empty file.
        temporary = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_hex(32))
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink(missing_ok=True)
    return path.read_text().strip().encode("utf-8")


class Verdict(Enum):
    """What a session cookie turned out to be."""

    VALID = "valid"
    EXPIRED = "expired"
    FOREIGN = "foreign"  # well-formed and signed, but under another key
    ALTERED = "altered"  # changed or damaged: no longer what any key signed


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """Signs and checks the staff cookies and form tokens under one secret key."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self.key_id = _b64(hmac.new(key, b"qingyang-advisor key id", hashlib.sha256).digest())[:8]

    def _mac(self, purpose: str, payload: str) -> str:
        return _b64(hmac.new(self._key, f"{purpose}:{payload}".encode(), hashlib.sha256).digest())

    def sign(self, purpose: str, data: dict[str, Any]) -> str:
        """`data` as a tamper-proof string: base64 JSON and its HMAC for this purpose."""
        payload = _b64(json.dumps(data, separators=(",", ":")).encode())
        return f"{payload}.{self._mac(purpose, payload)}"

    def unsign(self, purpose: str, token: str | None) -> dict[str, Any] | None:
        """The data of a token made by sign() for the same purpose, or None if it was altered."""
        # Only ASCII can be ours; anything else (hmac.compare_digest refuses non-ASCII str) is altered.
        if not token or "." not in token or not token.isascii():
            return None
        payload, mac = token.rsplit(".", 1)
        if not hmac.compare_digest(mac, self._mac(purpose, payload)):
            return None
        data = _payload(payload)
        return data if isinstance(data, dict) else None

    def session_token(self, user_id: int, nonce: str) -> str:
        """The session cookie value for a logged-in user."""
        return self.sign("session", {"u": user_id, "n": nonce, "t": int(time.time()), "k": self.key_id})

    def check_session(self, token: str) -> tuple[Verdict, tuple[int, str] | None]:
        """The verdict on a session cookie, and (user id, nonce) when it is valid and unexpired."""
        data = self.unsign("session", token)
        if data is None:
            payload = _payload(token.rsplit(".", 1)[0]) if token.isascii() and "." in token else None
            key_id = payload.get("k") if isinstance(payload, dict) else None
            foreign = isinstance(key_id, str) and key_id != self.key_id
            return (Verdict.FOREIGN if foreign else Verdict.ALTERED), None
        if not isinstance(data.get("u"), int) or not isinstance(data.get("t"), int):
            return Verdict.ALTERED, None
        if time.time() - data["t"] > SESSION_SECONDS:
            return Verdict.EXPIRED, None
        return Verdict.VALID, (data["u"], str(data.get("n", "")))

    def read_session(self, token: str | None) -> tuple[int, str] | None:
        """(user id, nonce) from a valid, unexpired session cookie."""
        return self.check_session(token)[1] if token else None

    def csrf_token(self, cookie: str, session: str | None = None) -> str:
        """The form token that goes with a CSRF cookie and the session cookie (signed double submit,
        bound to the session: a token from before a login or from another session does not fit)."""
        return self._mac("csrf", f"{cookie}|{session or ''}")

    def csrf_ok(self, cookie: str | None, token: str | None, session: str | None = None) -> bool:
        """Whether a posted form token matches the CSRF cookie and the session cookie."""
        if not (cookie and token and cookie.isascii() and token.isascii() and (session or "").isascii()):
            return False
        return hmac.compare_digest(self.csrf_token(cookie, session), token)


def _payload(text: str) -> Any:
    try:
        return json.loads(_unb64(text))
    except ValueError:
        return None


def new_csrf_cookie() -> str:
    """A random value for the CSRF cookie."""
    return secrets.token_urlsafe(24)
