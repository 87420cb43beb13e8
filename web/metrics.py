"""GET /metrics in the Prometheus text format (prometheus_client).

Requests by route template and status, a latency histogram by route, assessments by status
(200 answered, 422 invalid profile, 401/429 refused, ...), registry batch uploads by status, and the
batch jobs (advisor/batch/metrics.py): by state in the database, and the duration and rows of those
finished by this host's batch workers. `advisor serve` has every worker process, and every batch
worker it starts, write its figures to files in one folder (PROMETHEUS_MULTIPROC_DIR), and a scrape
adds them all up; an app run without that folder keeps its own figures in memory.
"""

import logging
import os
from typing import Any

from fastapi import APIRouter
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import Response

from advisor.batch import metrics as batch_metrics

router = APIRouter(tags=["health"])
log = logging.getLogger("web.metrics")

ASSESSMENTS_ROUTE = "/api/v1/assessments"
BATCHES_ROUTE = "/api/v1/batches"

REQUESTS = Counter("advisor_http_requests", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram("advisor_http_request_duration_seconds", "Time to answer an HTTP request", ["route"],
                    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0))
ASSESSMENTS = Counter("advisor_assessments", "POST /api/v1/assessments answered, by HTTP status", ["status"])
BATCH_JOBS = Counter("advisor_batch_jobs_submitted", "Registry uploads to POST /api/v1/batches, by HTTP status "
                     "(202: a screening job started)", ["status"])


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# The labelled series of each (method, route, status), looked up once: labels() takes a lock each call.
_series: dict[tuple[str, str, int], tuple[Any, Any, Any]] = {}


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request (called by the access-log middleware)."""
    if method not in _METHODS:  # a client may send any word as its method: keep the series few
        method = "OTHER"
    series = _series.get((method, route, status))
    if series is None:
        code = str(status)
        per_route = None
        if method == "POST" and route == ASSESSMENTS_ROUTE:
            per_route = ASSESSMENTS.labels(code)
        elif method == "POST" and route == BATCHES_ROUTE:
            per_route = BATCH_JOBS.labels(code)
        series = _series[(method, route, status)] = (REQUESTS.labels(method, route, code), LATENCY.labels(route),
                                                      per_route)
    requests, latency, per_route = series
    requests.inc()
    latency.observe(seconds)
    if per_route is not None:
        per_route.inc()


class _JobsByState:
    """A collector that reads the batch jobs by state from the database at each scrape."""

    def __init__(self, request: Request) -> None:
        self.engine = request.app.state.engine

    def collect(self) -> Any:
        try:
            yield batch_metrics.jobs_by_state(self.engine)
        except Exception as error:  # the database is away: the other figures are still worth a scrape
            log.warning("could not count the batch jobs for /metrics (%s)", type(error).__name__)


@router.get("/metrics", include_in_schema=False)
def get_metrics(request: Request) -> Response:
    """Every figure of this process, or of all processes of this host in multi-process mode."""
    live = CollectorRegistry()
    live.register(_JobsByState(request))
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        text = generate_latest(registry)
    else:
        text = generate_latest()
    return Response(text + generate_latest(live), media_type=CONTENT_TYPE_LATEST)
