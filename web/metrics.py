"""GET /metrics in the Prometheus text format (prometheus_client).

Requests by route template and status, a latency histogram by route, assessments by status
(200 answered, 422 invalid profile, 401/429 refused, ...) and registry batch uploads by status.
Under `advisor serve --workers N` (N > 1) every worker writes its figures to files in one folder
(PROMETHEUS_MULTIPROC_DIR, set by `advisor serve`) and a scrape adds up all workers; in a single
process the figures live in memory.
"""

import os
from typing import Any

from fastapi import APIRouter
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.responses import Response

router = APIRouter(tags=["health"])

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


@router.get("/metrics", include_in_schema=False)
def get_metrics() -> Response:
    """Every figure of this process, or of all worker processes in multi-process mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
