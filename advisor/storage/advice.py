"""Advice documents stored small: a record keeps its two documents (zh, en) as one zstd frame
compressed with a *base* as dictionary, stored once per rule-base version in advice_base under the
SHA-256 of its JSON. Since 2026-12-06 a record keeps the full documents (advisor.document: each
condition once, the catalog's texts by reference) and the base holds the texts they refer to — the
provisions' and questions' as that version served them — with the first consultation's documents,
so a record takes a few kilobytes and comes back expanded exactly as it was advised. A changed rule
base gets a new base and never alters an old one. Records stored before keep their expanded documents
against a base of documents only, and come back as they were.
"""

import hashlib
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

import orjson
import zstandard
from sqlmodel import Session, select

from ..document import Advice, CatalogTexts
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


def _base_for(session: Session, version: str, texts: str | None, body: Callable[[], str]) -> tuple[str, str]:
    """(hash, body) of the base for rule-base `version` holding the texts of digest `texts` (None: a base of
    expanded documents only); `body()` becomes it when there is none."""
    found = session.exec(select(AdviceBase.hash, AdviceBase.body).where(AdviceBase.rulebase_version == version)
                         .order_by(AdviceBase.hash)).all()
    for digest, stored in found:
        if _texts_digest(stored) == texts:
            return digest, stored
    made = body()
    digest = hashlib.sha256(made.encode("utf-8")).hexdigest()
    # Two first records at once may each store a base: both are kept and each record names its own.
    insert_ignoring_duplicates(session, AdviceBase, [{"hash": digest, "rulebase_version": version, "body": made}])
    return digest, made


@lru_cache(maxsize=8)
def _base(body: str) -> tuple[str | None, CatalogTexts | None]:
    """The digest and the texts a base holds (None, None: a base of expanded documents only)."""
    parsed = orjson.loads(body)
    if "texts" not in parsed:
        return None, None
    texts = parsed["texts"]
    return parsed["texts_digest"], CatalogTexts(provisions=texts["provisions"], questions=texts["questions"])


def _texts_digest(body: str) -> str | None:
    return _base(body)[0]


def pack(session: Session, advice: Advice) -> tuple[str, bytes]:
    """(base hash, compressed documents) for the advice of one consultation."""
    documents = {"zh": advice.documents["zh"], "en": advice.documents["en"]}
    texts = advice.texts
    digest, body = _base_for(session, str(documents["zh"]["rulebase_version"]), texts.digest, lambda: _encode(
        {**documents, "texts": {"provisions": texts.provisions, "questions": texts.questions},
         "texts_digest": texts.digest}).decode("utf-8"))
    return digest, _compressor(body).compress(_encode(documents))


def pack_expanded(session: Session, documents: dict[str, dict[str, Any]]) -> tuple[str, bytes]:
    """(base hash, compressed documents) for expanded documents {"zh": ..., "en": ...}, as records were kept
    before 2026-12-06 (migration 0002 converts the first records so)."""
    digest, body = _base_for(session, str(documents["zh"]["rulebase_version"]), None,
                             lambda: _encode(documents).decode("utf-8"))
    return digest, _compressor(body).compress(_encode(documents))


def unpack(session: Session, base: str, advice: bytes, lang: str) -> dict[str, Any]:
    """The document in `lang` as it was advised, expanded (each finding self-contained)."""
    body = session.exec(select(AdviceBase.body).where(AdviceBase.hash == base)).one()
    documents: dict[str, dict[str, Any]] = orjson.loads(_decompressor(body).decompress(advice))
    texts = _base(body)[1]
    if texts is None:  # kept expanded
        return documents[lang]
    return Advice(documents, texts).expanded(lang)
