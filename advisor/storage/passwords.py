"""Password hashing with argon2id (argon2-cffi); older scrypt hashes still verify and are replaced
by an argon2id hash at the next successful login.

Why argon2id rather than scrypt: it is OWASP's first choice today, its parameters live in the hash
string (so a later cost change rehashes on login), and the library's defaults (RFC 9106 low-memory
profile: 64 MiB, t=3, p=4) track current advice without hand-kept constants.
"""

import base64
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash ('$argon2id$v=19$m=...') for storage."""
    return _HASHER.hash(password)


def _verify_scrypt(password: str, stored: str) -> bool:
    # The format written before argon2id: 'scrypt$n$r$p$salt$hash'.
    try:
        _scheme, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                p=int(p), dklen=len(expected), maxmem=64 * 2**20)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches the stored hash (argon2id, or a legacy scrypt hash)."""
    if stored.startswith("scrypt$"):
        return _verify_scrypt(password, stored)
    try:
        return _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether a verified hash should be replaced: scrypt, or argon2id with older parameters."""
    if stored.startswith("scrypt$"):
        return True
    try:
        return _HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return True


# Checked against when the login name does not exist, so an unknown name costs the same time.
DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
