"""GET /healthz: the process is up and has its rule base. GET /readyz: it can also reach its database."""

import logging
from typing import Any

from fastapi import APIRouter
from sqlalchemy import Engine, text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from advisor.messages import translator

from .api.models import Health, Readiness
from .deps import AdvisorDep
from .i18n import request_lang
from .problems import problem

router = APIRouter(tags=["health"])
log = logging.getLogger("web.health")


@router.get("/healthz", summary="Liveness and rule-base version", response_model=Health,
            responses={200: {"content": {"application/json": {"example": {
                "status": "ok", "rulebase_version": "2020-55.0123456789", "rules": 108}}}}})
async def healthz(advisor: AdvisorDep) -> dict[str, Any]:
    """ok, with the rule-base version served."""
    return {"status": "ok", "rulebase_version": advisor.rulebase.version, "rules": len(advisor.rulebase.rules)}


def _ping_database(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


@router.get("/readyz", summary="Readiness: the database answers", response_model=Readiness,
            responses={200: {"content": {"application/json": {"example": {"status": "ready"}}}},
                       503: {"description": "The database cannot be reached",
                             "content": {"application/problem+json": {}}}})
async def readyz(request: Request) -> Response:
    """ready when a `SELECT 1` on the database succeeds; 503 problem+json when it does not."""
    try:
        await run_in_threadpool(_ping_database, request.app.state.engine)
    except Exception as error:  # any failure to reach the database means: not ready
        log.warning("readiness check failed: database unreachable (%s)", type(error).__name__)
        lang = request_lang(request)
        return problem(503, lang, translator(lang)("db_unreachable"), kind="not-ready", headers={"Retry-After": "5"})
    return JSONResponse({"status": "ready"})
