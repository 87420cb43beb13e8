"""The advisor's ceiling on the web stack: the floor's endpoint plus what every assessment must do
before any explaining, namely validate the profile and let durable-rules decide it.

No view can be faster than this, so it shows how much of the floor the engine alone leaves for the
explanation, the texts and the JSON (bench/http.py reports it beside the views).
"""

from typing import Any

from fastapi import FastAPI

from advisor.assess import Advisor
from advisor.profile import answers, parse_profile

from .floor import FloorRequest

app = FastAPI()
advisor = Advisor()


@app.post("/api/v1/assessments")
async def create_assessment(body: FloorRequest) -> dict[str, Any]:
    """The rules durable-rules fired for the profile, and nothing else."""
    return {"fired": sorted(advisor.engine.evaluate(answers(parse_profile(body.profile))).fired)}
