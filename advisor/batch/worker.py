"""The batch job worker: claims queued jobs from the database and screens them, on any host.

`advisor batch-worker` (started by the web server after an upload, or by an operator on a worker
host) runs until no job is queued. Per job: the upload is read from the shared batch folder
(ADVISOR_BATCH_DIR), the results are written to a folder of this attempt (work-LEASE), and a thread
beats every ADVISOR_BATCH_HEARTBEAT_SECONDS with the progress. A job whose worker misses three
beats (killed, host lost) is started again from the first row by another worker, up to
ADVISOR_BATCH_MAX_ATTEMPTS runs, then fails with the reason: never "running" forever, and the
results of an attempt are only published whole. A job that reads no block for
ADVISOR_BATCH_STALL_SECONDS (a worker process lost inside the pool) fails likewise. Results may
not grow past ADVISOR_BATCH_MAX_OUTPUT_BYTES. Each run also sends due completion webhooks and
removes jobs older than ADVISOR_BATCH_RETENTION_DAYS with their files.

What a worker does is logged (JSON lines on stderr, advisor/logs.py) by job id, counts and the
kind of error: never a row's values, a webhook's address or secret. Each finished job's duration
and rows go to /metrics (advisor/batch/metrics.py).
"""

import json
import logging
import os
import shutil
import socket
import threading
import time
from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from ..clock import now
from ..settings import Settings
from ..storage import jobs
from ..storage.models import BatchJob
from . import metrics, webhook
from .columns import BatchInputError
from .run import BatchSummary, run_batch

log = logging.getLogger("advisor.batch.worker")

FILES = {"results": "results.csv", "errors": "errors.csv", "summary": "summary.csv"}
READING = "reading.json"  # how the upload was read (BatchSummary.reading), beside the result files
STALE_BEATS = 3
ORPHAN_AGE = timedelta(days=1)
WEBHOOK_BACKOFF = timedelta(seconds=30)


def batch_root(settings: Settings) -> Path:
    """The batch folder: ADVISOR_BATCH_DIR, else data_dir/batches."""
    return settings.batch_dir if settings.batch_dir is not None else settings.data_dir / "batches"


def job_folder(settings: Settings, job_id: str) -> Path:
    """The folder of one job's upload and results."""
    return batch_root(settings) / job_id


def stale_before(settings: Settings) -> datetime:
    """Jobs whose last heartbeat is older than this have lost their worker."""
    return now() - timedelta(seconds=settings.batch_heartbeat_seconds * STALE_BEATS)


class JobStopped(Exception):
    """The run must stop: the output grew past its limit, or the job was taken over by another worker."""


class _Progress:
    """Observer of run_batch: keeps the counts for the heartbeat and enforces the output limit."""

    def __init__(self, folder: Path, max_bytes: int, lang: str) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.lang = lang
        self.rows = 0
        self.failed = 0
        self.fraction: float | None = None
        self.last_progress = time.monotonic()
        self.stop_reason: str | None = None

    def output_bytes(self) -> int:
        return sum(path.stat().st_size for path in self.folder.iterdir() if path.is_file())

    def update(self, done: int, failed: int, fraction: float | None) -> None:
        if self.stop_reason:
            raise JobStopped(self.stop_reason)
        self.rows, self.failed, self.fraction = done, failed, fraction
        self.last_progress = time.monotonic()
        if self.output_bytes() > self.max_bytes:
            self.stop_reason = (f"结果文件超过{self.max_bytes}字节的上限（ADVISOR_BATCH_MAX_OUTPUT_BYTES）"
                                if self.lang == "zh" else f"the result files grew past the limit of "
                                f"{self.max_bytes} bytes (ADVISOR_BATCH_MAX_OUTPUT_BYTES)")
            raise JobStopped(self.stop_reason)

    def finish(self, summary: BatchSummary) -> None:
        self.rows, self.failed, self.fraction = summary.rows, summary.failed, 1.0


class JobRunner:
    """Claims and runs jobs until none is queued; one runner runs one job at a time."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.engine = engine
        self.name = f"{socket.gethostname()}:{os.getpid()}"

    def run_until_idle(self) -> int:
        """Run queued jobs until none is left; the number run."""
        count = 0
        sweep_expired(self.settings, self.engine)
        while True:
            reap(self.settings, self.engine)
            self.send_webhooks()
            job = jobs.claim_next(self.engine, self.name)
            if job is None:
                return count
            self.run(job)
            self.send_webhooks()
            count += 1

    def run(self, job: BatchJob) -> None:
        """Screen one claimed job and record how it ended."""
        assert job.lease is not None
        started = time.monotonic()
        log.info("batch job started", extra={"job_id": job.id, "attempt": job.attempts, "worker": self.name})
        folder = job_folder(self.settings, job.id)
        work = folder / f"work-{job.lease}"
        work.mkdir(parents=True, exist_ok=True)
        progress = _Progress(work, self.settings.batch_max_output_bytes, job.lang)
        stop = threading.Event()
        beat = threading.Thread(target=self._beat, args=(job, progress, stop), daemon=True)
        beat.start()
        try:
            with ExitStack() as stack:
                engine = None
                if self.settings.batch_scheduler:
                    from .dask_engine import dask_engine

                    engine = stack.enter_context(dask_engine(self.settings.batch_scheduler))
                run = _simulation().run_job if job.kind == "simulation" else run_batch  # a reform over a registry
                # the API's files are read by programs: every status, no BOM (as the web upload always had)
                summary = run(folder / job.input_name, work / FILES["results"], work / FILES["errors"],
                              work / FILES["summary"], workers=self.settings.batch_workers, lang=job.lang,
                              observers=(progress,), include_undetermined=True, bom=False, engine=engine)
            if summary.interrupted:  # run_batch reports a crash (or the observer's stop) instead of raising
                raise JobStopped(progress.stop_reason or _broke_off(summary.error or "interrupted", job.lang))
            (work / READING).write_text(json.dumps(summary.reading(), ensure_ascii=False), encoding="utf-8")
        except Exception as error:  # whatever broke the run is the job's reason, never a job left running
            stop.set()
            beat.join()
            jobs.mark_failed(self.engine, job.id, _reason(error, job.lang), job.lease)
            shutil.rmtree(work, ignore_errors=True)
            seconds = time.monotonic() - started
            log.warning("batch job failed (%s)", type(error).__name__, extra={
                "job_id": job.id, "state": "failed", "rows": progress.rows, "failed": progress.failed,
                "seconds": round(seconds, 3)})
            metrics.record_job("failed", seconds, progress.rows - progress.failed, progress.failed)
            return
        finally:
            stop.set()
            beat.join()
        if jobs.mark_done(self.engine, job, summary.rows, summary.failed, work.name, progress.output_bytes()):
            for other in folder.glob("work-*"):  # earlier attempts' partial files
                if other != work:
                    shutil.rmtree(other, ignore_errors=True)
            for upload in _uploads(folder, job):  # the upload is not needed any more
                upload.unlink(missing_ok=True)
            seconds = time.monotonic() - started
            log.info("batch job done", extra={"job_id": job.id, "state": "done", "rows": summary.rows,
                                              "screened": summary.screened, "failed": summary.failed,
                                              "seconds": round(seconds, 3)})
            metrics.record_job("done", seconds, summary.screened, summary.failed)
        else:
            shutil.rmtree(work, ignore_errors=True)  # another worker owns the job now
            log.warning("batch job taken over by another worker; this attempt's results were dropped",
                        extra={"job_id": job.id})

    def _beat(self, job: BatchJob, progress: _Progress, stop: threading.Event) -> None:
        every = self.settings.batch_heartbeat_seconds
        while not stop.wait(every):
            if time.monotonic() - progress.last_progress > self.settings.batch_stall_seconds:
                reason = (f"{int(self.settings.batch_stall_seconds)}秒内没有进展，任务已停止" if job.lang == "zh"
                          else f"no progress for {int(self.settings.batch_stall_seconds)} s: the job was stopped")
                jobs.mark_failed(self.engine, job.id, reason, job.lease)
                log.error("batch job stalled: no progress for %d s; the worker stops",
                          self.settings.batch_stall_seconds, extra={"job_id": job.id, "state": "failed"})
                os._exit(3)  # a pool worker lost mid-block never answers: end this process and its pool
            try:
                output = progress.output_bytes()
                mine = jobs.heartbeat(self.engine, job, progress.rows, progress.failed, progress.fraction, output)
            except Exception as error:  # the database is briefly away: beat again next time
                log.warning("batch heartbeat failed (%s); beating again in %.1f s", type(error).__name__, every,
                            extra={"job_id": job.id})
                continue
            if not mine:
                progress.stop_reason = "the job was taken over by another worker"
                return

    def send_webhooks(self) -> None:
        """Deliver every completion webhook that is due."""
        while (job := jobs.claim_notification(self.engine, WEBHOOK_BACKOFF)) is not None:
            fresh = jobs.get_job(self.engine, job.id) or job
            error = webhook.deliver(fresh.webhook_url or "", fresh.webhook_secret or "", webhook_payload(fresh),
                                    self.settings.webhook_hosts)
            jobs.mark_notified(self.engine, job.id, error)
            if error is None:
                log.info("completion webhook delivered", extra={"job_id": job.id})
            else:  # the reason names an HTTP status or a kind of network error, never the address
                log.warning("completion webhook not delivered (attempt %d): %s", job.notify_attempts + 1, error,
                            extra={"job_id": job.id})


def _simulation() -> Any:
    """advisor.simulate.job, which runs a simulation job as run_batch runs a batch (imported when needed)."""
    from ..simulate import job

    return job


def _uploads(folder: Path, job: BatchJob) -> list[Path]:
    """The files a job was submitted with (a simulation has its reform and options beside the registry)."""
    return _simulation().inputs(folder, job.input_name) if job.kind == "simulation" else [folder / job.input_name]


def webhook_payload(job: BatchJob) -> dict[str, Any]:
    """What the completion webhook says about a job."""
    return {"id": job.id, "state": job.state, "rows": job.rows, "screened": job.rows - job.failed,
            "failed": job.failed, "error": job.error, "status_url": job.status_url,
            "finished_at": job.finished_at.isoformat() if job.finished_at else None}


def _reason(error: Exception, lang: str) -> str:
    """Why a run failed, for the job's owner; capped, as every echo of input is."""
    if isinstance(error, JobStopped):
        return str(error)[:1000]
    if isinstance(error, BatchInputError):
        return error.message(lang)[:1000]
    return _broke_off(f"{type(error).__name__}: {error}", lang)


def _broke_off(text: str, lang: str) -> str:
    text = text[:500]
    return f"批量任务出错：{text}" if lang == "zh" else f"the batch run failed: {text}"


def reap(settings: Settings, engine: Engine) -> list[jobs.Reaped]:
    """Requeue or fail the jobs whose worker stopped beating; a failed job's files are removed."""
    reaped = jobs.reap_stale(engine, stale_before(settings), settings.batch_max_attempts)
    for item in reaped:
        log.warning("batch job lost its worker (no heartbeat): %s", "queued again" if item.requeued else "failed",
                    extra={"job_id": item.job.id, "attempt": item.job.attempts})
        if not item.requeued:
            folder = job_folder(settings, item.job.id)
            for work in folder.glob("work-*"):
                shutil.rmtree(work, ignore_errors=True)
            for upload in _uploads(folder, item.job):
                upload.unlink(missing_ok=True)
    return reaped


def sweep_expired(settings: Settings, engine: Engine) -> int:
    """Remove jobs finished more than the retention period ago, and folders left without a job; the count."""
    cutoff = now() - timedelta(days=settings.batch_retention_days)
    removed = 0
    for job_id in jobs.expired(engine, cutoff):
        shutil.rmtree(job_folder(settings, job_id), ignore_errors=True)
        jobs.delete_job(engine, job_id)
        removed += 1
    root = batch_root(settings)
    if root.is_dir():
        known = jobs.known_ids(engine)
        old = time.time() - ORPHAN_AGE.total_seconds()
        for folder in root.iterdir():
            if folder.is_dir() and folder.name not in known and folder.stat().st_mtime < old:
                shutil.rmtree(folder, ignore_errors=True)  # an upload whose job was never created
                removed += 1
    if removed:
        log.info("removed %d expired batch jobs and folders", removed)
    return removed
