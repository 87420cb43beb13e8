"""Rulebase-Version and Content-Language on every JSON API response.

Rulebase-Version lets a partner see, from any answer, which rule base judged it (and when cached
provisions are stale). Content-Language is set by a handler that knows the answer's language (the
body's `lang` wins); otherwise it follows ?lang= and Accept-Language, as the handlers do.
"""

from collections.abc import Sequence

from starlette.types import Scope

from ..problems import scope_lang

PREFIX = "/api/"


def api_headers(scope: Scope, version: bytes, sent: Sequence[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers an answer under PREFIX gets beside those already `sent`."""
    if any(name.lower() == b"content-language" for name, _ in sent):
        return [(b"rulebase-version", version)]
    return [(b"rulebase-version", version), (b"content-language", scope_lang(scope).encode("latin-1"))]
