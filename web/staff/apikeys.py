"""Partner API keys on /api/v1: with API_KEYS_REQUIRED=true a request needs a valid key.

The key goes in the X-API-Key header (or Authorization: Bearer). A missing, unknown or revoked key
gets 401 problem+json. Every request with a valid key is counted against it, required or not.
"""

from fastapi import HTTPException
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from advisor.storage import get_engine
from advisor.storage.apikeys import use_key


def _presented(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    if key:
        return key.strip()
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" and credentials else None


class ApiKeyError(HTTPException):
    """401 with a WWW-Authenticate header; rendered as problem+json by the app's error handler."""


def _count_use(key: str) -> tuple[int, str] | None:
    with Session(get_engine()) as session:
        client = use_key(session, key)
        found = (client.id, client.name) if client and client.id is not None else None
        session.commit()
    return found


async def require_api_key(request: Request) -> None:
    """FastAPI dependency for the /api/v1 router.

    Async, so a request without a key (the common case when keys are not required) costs no
    thread hop; the database is only touched, in the thread pool, when a key is presented.
    """
    key = _presented(request)
    required = request.app.state.settings.api_keys_required
    if key is None and not required:
        return
    client = await run_in_threadpool(_count_use, key) if key is not None else None
    if client is None and required:
        detail = ("缺少或无效的API密钥（X-API-Key） / missing or invalid API key (X-API-Key)" if key is None
                  else "API密钥无效或已吊销 / the API key is invalid or revoked")
        raise ApiKeyError(401, detail, headers={"WWW-Authenticate": 'ApiKey header="X-API-Key"'})
    if client is not None:
        request.state.api_client_id, request.state.api_client = client  # the id owns batch jobs
