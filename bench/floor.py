"""The web stack's floor: a bare FastAPI endpoint that parses a JSON body and returns a small document.

Served by uvicorn with the same settings as `advisor serve` (workers, uvloop/httptools, no access log)
and loaded by the same wrk script, so each assessment view reads as a share of what the stack alone
can do on this machine in this run.
"""

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel


class FloorRequest(BaseModel):
    """The same envelope as an assessment request."""

    profile: dict[str, Any]
    view: str = "full"
    lang: str | None = None


app = FastAPI()


@app.post("/api/v1/assessments")
async def create_assessment(body: FloorRequest) -> dict[str, Any]:
    """A small document from the parsed body."""
    return {"view": body.view, "sections": sorted(body.profile), "answers": sum(map(len, body.profile.values()))}
