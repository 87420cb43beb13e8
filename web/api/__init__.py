"""The JSON API under /api/v1: one router, so one dependency (e.g. an API key) covers every route."""

from fastapi import APIRouter

from . import assessments, provisions, questions, schemas

router = APIRouter(prefix="/api/v1")
router.include_router(assessments.router)
router.include_router(provisions.router)
router.include_router(questions.router)
router.include_router(schemas.router)
