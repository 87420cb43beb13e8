"""Password hashing with scrypt (stdlib hashlib), a memory-hard KDF, and a per-user random salt."""

import base64
import hashlib
import hmac
import secrets

# n=2**14, r=8 costs 16 MiB and tens of milliseconds per guess: slow for an attacker, fine for a login.
_N, _R, _P, _LEN = 2**14, 8, 1, 32


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=64 * 2**20)


def hash_password(password: str) -> str:
    """'scrypt$n$r$p$salt$hash' for storage."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, _N, _R, _P, _LEN)
    encode = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${encode(salt).decode()}${encode(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches the stored hash; constant-time comparison."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p), len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# Checked against when the login name does not exist, so an unknown name costs the same time.
DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
