"""GET /api/v1/schemas/profile: the profile's JSON Schema, generated from the question catalog."""

from typing import Any

from fastapi import APIRouter

from advisor.profile import profile_model

router = APIRouter(tags=["schemas"])


@router.get("/schemas/profile", summary="JSON Schema of the profile")
async def profile_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of the enterprise profile: sections of optional fields."""
    return profile_model().model_json_schema()
