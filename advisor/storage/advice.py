"""Advice documents stored by content: every sizeable part of a document (a rule's quote, its
materials, a whole finding, the checklist) is kept once in advice_text under the SHA-256 of its
JSON, and a document is the hash of its root. Two consultations advised with the same rule base
share almost everything; a changed rule adds new texts and never alters old ones, so an old
record's document comes back exactly as it was advised.
"""

import base64
import hashlib
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import orjson
from sqlmodel import Session, col, select

from .db import insert_ignoring_duplicates
from .models import AdviceText

# Parts at least this long (JSON bytes) are stored apart and referred to by their hash: texts from
# the rule base and the catalog are short but repeat in every record; objects and lists repeat whole.
MIN_SHARED_TEXT = 48
MIN_SHARED = 160
_REF = "\x00"  # the key of a reference object {"\x00": hash}; no document key holds a NUL


def _encode(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


@lru_cache(maxsize=4096)
def _encode_key(key: str) -> str:
    return _encode(key)


def _digest(text: str) -> str:
    # 144 bits of SHA-256 in 24 URL-safe characters: collisions stay out of reach (about 2**72 parts)
    # and every reference and key is a third of a hex digest's size.
    return base64.urlsafe_b64encode(hashlib.sha256(text.encode("utf-8")).digest()[:18]).decode()


def _split(value: Any, parts: dict[str, str]) -> tuple[Any, str]:
    """`value` with its sizeable parts replaced by references (bottom-up), and its JSON text; new
    parts go into `parts`. Each part's text is built from its children's, so the walk is linear."""
    if isinstance(value, dict):
        items = {key: _split(item, parts) for key, item in value.items()}
        value = {key: item for key, (item, _) in items.items()}
        text = "{" + ",".join(f"{_encode_key(key)}:{encoded}" for key, (_, encoded) in items.items()) + "}"
    elif isinstance(value, list):
        items_list = [_split(item, parts) for item in value]
        value = [item for item, _ in items_list]
        text = "[" + ",".join(encoded for _, encoded in items_list) + "]"
    else:
        text = _encode(value)
        if not isinstance(value, str):
            return value, text
    if len(text.encode("utf-8")) < (MIN_SHARED_TEXT if isinstance(value, str) else MIN_SHARED):
        return value, text
    digest = _digest(text)
    parts.setdefault(digest, text)
    reference = {_REF: digest}
    return reference, _encode(reference)


def store_document(session: Session, document: dict[str, Any]) -> str:
    """Store `document` and return the hash of its root; parts already stored are not written again."""
    parts: dict[str, str] = {}
    root, text = _split(document, parts)
    if not (isinstance(root, dict) and _REF in root):  # a tiny document: store it whole
        root = {_REF: _digest(text)}
        parts[root[_REF]] = text
    known = set(session.execute(select(AdviceText.hash).where(col(AdviceText.hash).in_(list(parts)))).scalars())
    new = [{"hash": digest, "body": body} for digest, body in parts.items() if digest not in known]
    if new:  # a concurrent writer may store the same part first: a duplicate is simply skipped
        insert_ignoring_duplicates(session, AdviceText, new)
    return str(root[_REF])


def load_documents(session: Session, roots: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The documents stored under `roots`, rebuilt exactly (hash -> document)."""
    bodies: dict[str, Any] = {}
    wanted = set(roots)
    while wanted:  # one query per level of the tree
        rows = session.execute(select(AdviceText.hash, AdviceText.body).where(col(AdviceText.hash).in_(list(wanted))))
        found = {digest: orjson.loads(body) for digest, body in rows}
        missing = wanted - set(found)
        if missing:
            raise LookupError(f"advice_text missing {sorted(missing)[:3]}")
        bodies.update(found)
        wanted = {ref for body in found.values() for ref in _refs(body)} - set(bodies)
    return {root: _join(bodies[root], bodies) for root in roots}


def _refs(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        if _REF in value and len(value) == 1:
            yield value[_REF]
            return
        for item in value.values():
            yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def _join(value: Any, bodies: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        if _REF in value and len(value) == 1:
            return _join(bodies[value[_REF]], bodies)
        return {key: _join(item, bodies) for key, item in value.items()}
    if isinstance(value, list):
        return [_join(item, bodies) for item in value]
    return value
