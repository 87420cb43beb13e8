"""Request ids: a sane incoming X-Request-ID is kept (so a proxy's or a partner's id follows the
request through), anything else is replaced by a fresh random one."""

import os
import re

_SANE = re.compile(rb"[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}")


def request_id(incoming: bytes | None) -> str:
    """The incoming id when it is 1-64 letters, digits, dots, dashes, underscores or colons; else a new one."""
    if incoming and _SANE.fullmatch(incoming):
        return incoming.decode("ascii")
    return os.urandom(16).hex()  # 128 random bits, as a uuid4 has, at a quarter of its cost
