"""Service-window mode: staff pages under /staff (login, consultations, slips, statistics, admin).

`router` is included by web.app.create_app; web.staff.apikeys guards /api/v1 with partner keys.
"""

from fastapi import APIRouter

from . import admin, auth, consultations, simulations, stats

router = APIRouter()
for _module in (auth, consultations, stats, admin, simulations):
    router.include_router(_module.router)

__all__ = ["router"]
