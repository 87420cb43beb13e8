"""The JSON API under /api/v1: one router, so one dependency (e.g. an API key) covers every route."""

from fastapi import APIRouter, Depends

from web.staff.apikeys import require_api_key

from . import assessments, batches, parameters, provisions, questions, schemas, simulations

# Partner keys: enforced when API_KEYS_REQUIRED=true, counted whenever a key is sent.
router = APIRouter(prefix="/api/v1", dependencies=[Depends(require_api_key)])
router.include_router(assessments.router)
router.include_router(provisions.router)
router.include_router(questions.router)
router.include_router(schemas.router)
router.include_router(batches.router)
router.include_router(parameters.router)
router.include_router(simulations.router)
