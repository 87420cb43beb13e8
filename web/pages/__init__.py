"""The server-rendered pages: the self-check (start, form, results, print) and the plan browser."""

from fastapi import APIRouter

from . import plan, selfcheck

router = APIRouter(include_in_schema=False)
router.include_router(selfcheck.router)
router.include_router(plan.router)
