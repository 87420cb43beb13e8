"""Advice documents stored small: a record keeps its two documents (zh, en) as one zstd frame
compressed with a *base* as dictionary — the documents of the first consultation advised with the
same rule-base version, stored once in advice_base under the SHA-256 of their JSON. The base holds
that version's static texts (quotes, benefits, materials, offices, questions), so a record takes a
few kilobytes; a changed rule base gets a new base and never alters an old one, so an old record's
documents come back byte for byte as they were advised.
"""

import hashlib
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

import orjson
import zstandard
from sqlmodel import Session, select

from .db import insert_ignoring_duplicates
from .models import AdviceBase

T = TypeVar("T")
LEVEL = 12  # about 10 ms per record; higher levels cost far more time for a few percent


def _encode(documents: dict[str, Any]) -> bytes:
    return orjson.dumps(documents)


@lru_cache(maxsize=8)
def _dictionary(body: str) -> zstandard.ZstdCompressionDict:
    return zstandard.ZstdCompressionDict(body.encode("utf-8"), dict_type=zstandard.DICT_TYPE_RAWCONTENT)


# zstd compressors and decompressors are not thread-safe: each request thread keeps its own.
_local = threading.local()


def _per_thread(kind: str, body: str, make: Callable[[], T]) -> T:
    cache: dict[tuple[str, str], Any] = _local.__dict__.setdefault("cache", {})
    if (kind, body) not in cache:
        if len(cache) >= 8:  # a few rule-base versions at most are in use at once
            cache.clear()
        cache[(kind, body)] = make()
    return cache[(kind, body)]  # type: ignore[no-any-return]


def _compressor(body: str) -> zstandard.ZstdCompressor:
    return _per_thread("compress", body, lambda: zstandard.ZstdCompressor(level=LEVEL, dict_data=_dictionary(body)))


def _decompressor(body: str) -> zstandard.ZstdDecompressor:
    return _per_thread("decompress", body, lambda: zstandard.ZstdDecompressor(dict_data=_dictionary(body)))


def _base_for(session: Session, version: str, documents: dict[str, Any]) -> tuple[str, str]:
    """(hash, body) of the base for rule-base `version`; these documents become it when there is none."""
    found = session.exec(select(AdviceBase.hash, AdviceBase.body).where(AdviceBase.rulebase_version == version)
                         .order_by(AdviceBase.hash).limit(1)).first()
    if found:
        return found[0], found[1]
    body = _encode(documents).decode("utf-8")
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    # Two first records at once may each store a base: both are kept and each record names its own.
    insert_ignoring_duplicates(session, AdviceBase, [{"hash": digest, "rulebase_version": version, "body": body}])
    return digest, body


def pack(session: Session, documents: dict[str, dict[str, Any]]) -> tuple[str, bytes]:
    """(base hash, compressed advice) for the documents {"zh": ..., "en": ...} of one consultation."""
    digest, body = _base_for(session, str(documents["zh"]["rulebase_version"]), documents)
    return digest, _compressor(body).compress(_encode(documents))


def unpack(session: Session, base: str, advice: bytes) -> dict[str, dict[str, Any]]:
    """The documents {"zh": ..., "en": ...} exactly as they were packed."""
    body = session.exec(select(AdviceBase.body).where(AdviceBase.hash == base)).one()
    return orjson.loads(_decompressor(body).decompress(advice))
