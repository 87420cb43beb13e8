"""GET /healthz: the process is up and has its rule base."""

from typing import Any

from fastapi import APIRouter

from .deps import AdvisorDep

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness and rule-base version",
            responses={200: {"content": {"application/json": {"example": {
                "status": "ok", "rulebase_version": "2020-55.0123456789", "rules": 108}}}}})
async def healthz(advisor: AdvisorDep) -> dict[str, Any]:
    """ok, with the rule-base version served."""
    return {"status": "ok", "rulebase_version": advisor.rulebase.version, "rules": len(advisor.rulebase.rules)}
