"""GET /metrics in the Prometheus text format (prometheus_client).

The request figures (web/middleware/metrics.py) and the batch jobs (advisor/batch/metrics.py): by
state in the database, and the duration and rows of those finished by this host's batch workers.
`advisor serve` has every worker process, and every batch worker it starts, write its figures to files
in one folder (PROMETHEUS_MULTIPROC_DIR), and a scrape adds them all up; an app run without that folder
keeps its own figures in memory.
"""

import logging
import os
from typing import Any

from fastapi import APIRouter
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import Response

from advisor.batch import metrics as batch_metrics

router = APIRouter(tags=["health"])
log = logging.getLogger("web.metrics")


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
