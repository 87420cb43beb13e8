"""Figures of the batch jobs for /metrics: what each finished job took, and the jobs by state.

A batch worker records, when a job of its ends, the job's duration (a histogram by how it ended)
and its rows (a counter by outcome: screened or failed). Started by `advisor serve`, a worker writes
these to the server's multi-process folder (PROMETHEUS_MULTIPROC_DIR), so the server's /metrics adds
them up with its own; on a worker-only host, `advisor batch-worker --metrics-port` serves them.
The jobs by state are read from the database at each scrape (`jobs_by_state`): every host's jobs.

Recording never fails a job: a figure that cannot be written (the server's folder removed while the
worker still ran) is logged and dropped.
"""

import logging

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import Engine

from ..storage import jobs

log = logging.getLogger("advisor.batch.metrics")

JOB_SECONDS = Histogram("advisor_batch_job_duration_seconds", "Time from a batch job's claim to its end, by how "
                        "it ended", ["state"], buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400))
ROWS = Counter("advisor_batch_rows", "Registry rows of finished batch jobs, by outcome (screened or failed)",
               ["outcome"])


def record_job(state: str, seconds: float, screened: int, failed: int) -> None:
    """Count one finished job of this worker: its duration and its rows."""
    try:
        JOB_SECONDS.labels(state).observe(seconds)
        ROWS.labels("screened").inc(screened)
        ROWS.labels("failed").inc(failed)
    except OSError as error:
        log.warning("could not record the batch job's figures (%s)", type(error).__name__)


def jobs_by_state(engine: Engine) -> GaugeMetricFamily:
    """advisor_batch_jobs{state}: the jobs the database holds in each state, read now."""
    family = GaugeMetricFamily("advisor_batch_jobs", "Batch jobs in the database by state (every host's)",
                               labels=["state"])
    for state, count in jobs.count_by_state(engine).items():
        family.add_metric([state], count)
    return family
