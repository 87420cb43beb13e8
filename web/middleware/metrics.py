"""The request metrics (prometheus_client), counted once per answer by the request layer.

Requests by route template and status, a latency histogram by route, assessments by status (200
answered, 422 invalid profile, 401/429 refused, ...) and registry batch uploads by status. GET /metrics
(web/metrics.py) serves them with the other figures of the process or the host.
"""

from typing import Any

from prometheus_client import Counter, Histogram

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
    """Count one answered request."""
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
