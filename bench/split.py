"""(f) Where a compact request's time goes: the route called in process, and each of its parts timed in turn.

The app's POST /api/v1/assessments is called as ASGI (no sockets, no wrk) on enterprises it has not met;
then, on other enterprises it has not met either, each of its parts timed in turn: the body's validation,
durable-rules, the rest of the assessment (the explanation: memo, reasons, unknowns, gaps, inferences) and
the compact rendering. What the route costs beyond the parts is the rest: the framework's and the middleware's
(routing, dependencies, the request layer, sending), and the parts running slower inside a request. Issue 20
asked for this split where a goal is missed.
"""

import asyncio
import gc
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .http import _bodies

WARM = 1_500  # enterprises met before measuring, as after a district's first hour


@dataclass(frozen=True)
class Split:
    """Microseconds per request, each part over `count` fresh enterprises."""

    count: int
    route_us: float
    validation_us: float
    engine_us: float
    explanation_us: float
    rendering_us: float

    @property
    def framework_us(self) -> float:
        """The route's time beyond its parts: the framework and middleware, and the parts' slowdown inside it."""
        return self.route_us - self.validation_us - self.engine_us - self.explanation_us - self.rendering_us


async def _call(app: Any, body: bytes) -> int:
    """POST the body to the app as ASGI; the response's status."""
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()  # the client stays connected until the answer
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    status = 0

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    path = "/api/v1/assessments"
    await app({"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
               "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
               "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                           (b"host", b"bench")], "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
               "state": {}}, receive, send)
    return status


def measure(count: int = 2_500) -> Split:
    """The split over `count` fresh enterprises a part (after WARM others)."""
    from advisor.profile import answers
    from advisor.settings import read_settings
    from web.api.models import AssessmentRequest
    from web.app import create_app

    with tempfile.TemporaryDirectory() as work:
        app = create_app(read_settings(database_url=f"sqlite:///{Path(work) / 'split.db'}", data_dir=Path(work),
                                       secret_key="bench-" + "k" * 32, rate_limit_anonymous="1000000000/minute"))
        advisor, presenter = app.state.advisor, app.state.presenter
        bodies = [body.encode() for body in _bodies("compact", 7, WARM + 2 * count)]
        warm, route_set, part_set = bodies[:WARM], bodies[WARM:WARM + count], bodies[WARM + count:]

        async def route(batch: list[bytes]) -> float:
            start = time.perf_counter()
            for body in batch:
                if await _call(app, body) != 200:
                    raise AssertionError("the route did not answer 200")
            return time.perf_counter() - start

        asyncio.run(route(warm))
        gc.freeze()  # as the server does after start-up
        route_s = asyncio.run(route(route_set))
        # Each enterprise through every part in turn, as a request goes (a part timed over many enterprises in a
        # row runs with warmer caches and reads about 20% less). The engine is timed alone, then again inside the
        # assessment: the explanation is the assessment's time less the engine's.
        clock = time.perf_counter_ns
        spent = [0, 0, 0, 0]  # validation, engine, assessment, rendering
        for body in part_set:
            start = clock()
            request = AssessmentRequest.model_validate_json(body)
            validated = clock()
            advisor.engine.evaluate(answers(request.profile))
            decided = clock()
            assessment = advisor.assess(request.profile, request.as_of)
            assessed = clock()
            presenter.compact_json(assessment, request.lang or "zh", request.topics)
            rendered = clock()
            for index, (begin, end) in enumerate(((start, validated), (validated, decided), (decided, assessed),
                                                  (assessed, rendered))):
                spent[index] += end - begin
        validation_s, engine_s, assessment_s, rendering_s = (ns / 1e9 for ns in spent)
    per = 1e6 / count
    return Split(count, route_s * per, validation_s * per, engine_s * per, (assessment_s - engine_s) * per,
                 rendering_s * per)
