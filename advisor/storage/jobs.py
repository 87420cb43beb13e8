"""Batch jobs in the database: admission into a limited number of slots, claims, heartbeats, outcomes.

Every statement here is safe with several server processes and hosts on one database:
- a new job takes one of `max_jobs` slots by inserting with a slot number under a unique index, so
  two uploads can never hold the same slot (no count-then-insert race);
- a worker claims the oldest queued job with SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite
  has one writer at a time, and the claim is an UPDATE … WHERE state = 'queued' that only one wins;
- each claim gives the job a new lease; a worker's later writes name it, so a worker given up for
  dead (no heartbeat) cannot overwrite the job after another worker took it over.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ..clock import now, shown
from ..messages import message
from .models import BatchJob

ACTIVE = ("queued", "running")
FINISHED = ("done", "failed")
NOTIFY_ATTEMPTS = 3


class SlotsFull(Exception):
    """Every job slot is taken: the caller answers 'busy, retry later'."""


class IdempotentReplay(Exception):
    """A job with this owner and Idempotency-Key exists already."""

    def __init__(self, job: BatchJob) -> None:
        super().__init__(job.id)
        self.job = job


@dataclass(frozen=True, slots=True)
class NewJob:
    """What an upload asks for."""

    owner: str
    request_hash: str
    filename: str
    input_name: str
    lang: str
    status_url: str
    idempotency_key: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    kind: str = "batch"  # or "simulation"


def new_job_id() -> str:
    """A job id: 128 random bits, so ids cannot be guessed."""
    return secrets.token_hex(16)


def get_job(engine: Engine, job_id: str) -> BatchJob | None:
    """The job, or None."""
    with Session(engine, expire_on_commit=False) as session:
        return session.get(BatchJob, job_id)


def list_jobs(engine: Engine, owner: str, kind: str, limit: int = 20) -> list[BatchJob]:
    """The owner's newest jobs of one kind (batch or simulation), newest first."""
    with Session(engine, expire_on_commit=False) as session:
        return list(session.exec(select(BatchJob).where(BatchJob.owner == owner, BatchJob.kind == kind)
                                 .order_by(col(BatchJob.created_at).desc()).limit(limit)))


def find_idempotent(engine: Engine, owner: str, key: str) -> BatchJob | None:
    """The owner's job made with this Idempotency-Key, or None."""
    with Session(engine, expire_on_commit=False) as session:
        return session.exec(select(BatchJob).where(BatchJob.owner == owner,
                                                   BatchJob.idempotency_key == key)).first()


def create_job(engine: Engine, job_id: str, new: NewJob, max_jobs: int) -> BatchJob:
    """Insert a queued job holding a free slot; SlotsFull when none is free, IdempotentReplay when the
    owner already made a job with this Idempotency-Key (perhaps a moment ago, in a parallel request)."""
    for _ in range(3):  # slots are taken and freed concurrently: look again a few times
        with Session(engine) as session:
            held = set(session.exec(select(BatchJob.slot).where(col(BatchJob.slot).is_not(None))))
        free = [slot for slot in range(max_jobs) if slot not in held]
        if not free:
            raise SlotsFull
        for slot in free:
            job = BatchJob(id=job_id, kind=new.kind, owner=new.owner, idempotency_key=new.idempotency_key,
                           request_hash=new.request_hash, slot=slot, state="queued", filename=new.filename[:255],
                           input_name=new.input_name, lang=new.lang, status_url=new.status_url,
                           created_at=now(), webhook_url=new.webhook_url, webhook_secret=new.webhook_secret)
            try:
                with Session(engine, expire_on_commit=False) as session:
                    session.add(job)
                    session.commit()
                    return job
            except IntegrityError:  # the slot was taken meanwhile, or the idempotency key was
                if new.idempotency_key and (found := find_idempotent(engine, new.owner, new.idempotency_key)):
                    raise IdempotentReplay(found) from None
    raise SlotsFull


def claim_next(engine: Engine, worker: str) -> BatchJob | None:
    """Take the oldest queued job for `worker` (state running, a new lease); None when none is queued."""
    for _ in range(5):
        with Session(engine, expire_on_commit=False) as session:
            oldest = session.exec(select(BatchJob.id).where(BatchJob.state == "queued")
                                  .order_by(col(BatchJob.created_at)).limit(1)
                                  .with_for_update(skip_locked=True)).first()
            if oldest is None:
                return None
            moment = now()
            taken = session.exec(  # type: ignore[call-overload]
                update(BatchJob).where(col(BatchJob.id) == oldest, col(BatchJob.state) == "queued")
                .values(state="running", lease=secrets.token_hex(16), worker=worker[:200],
                        attempts=BatchJob.attempts + 1, started_at=moment, heartbeat_at=moment,
                        rows=0, failed=0, fraction=None, output_bytes=0))
            session.commit()
            if taken.rowcount == 1:
                return session.get(BatchJob, oldest, populate_existing=True)
    return None


def heartbeat(engine: Engine, job: BatchJob, rows: int, failed: int, fraction: float | None,
              output_bytes: int) -> bool:
    """Record that the job's worker lives, with its progress; False when the job is no longer its own."""
    with Session(engine) as session:
        result = session.exec(  # type: ignore[call-overload]
            update(BatchJob).where(col(BatchJob.id) == job.id, col(BatchJob.lease) == job.lease,
                                   col(BatchJob.state) == "running")
            .values(heartbeat_at=now(), rows=rows, failed=failed, fraction=fraction, output_bytes=output_bytes))
        session.commit()
        return bool(result.rowcount == 1)


def _finish(engine: Engine, job_id: str, lease: str | None, **values: object) -> bool:
    moment = now()
    condition = [col(BatchJob.id) == job_id, col(BatchJob.state).in_(ACTIVE)]
    if lease is not None:
        condition.append(col(BatchJob.lease) == lease)
    with Session(engine) as session:
        result = session.exec(  # type: ignore[call-overload]
            update(BatchJob).where(*condition)
            .values(slot=None, finished_at=moment, notify_after=moment, **values))
        session.commit()
        return bool(result.rowcount == 1)


def mark_done(engine: Engine, job: BatchJob, rows: int, failed: int, result_dir: str, output_bytes: int) -> bool:
    """The job finished: its counts and where its result files are. False when the lease was lost."""
    return _finish(engine, job.id, job.lease, state="done", rows=rows, failed=failed, fraction=1.0,
                   result_dir=result_dir, output_bytes=output_bytes, error=None)


def mark_failed(engine: Engine, job_id: str, reason: str, lease: str | None = None) -> bool:
    """The job failed, with the reason shown to its owner; `lease`: only if the caller still holds it."""
    return _finish(engine, job_id, lease, state="failed", error=reason[:2000])


@dataclass(frozen=True, slots=True)
class Reaped:
    """A running job whose worker stopped beating: queued again, or failed after its last attempt."""

    job: BatchJob
    requeued: bool


def reap_stale(engine: Engine, stale_before: datetime, max_attempts: int) -> list[Reaped]:
    """Requeue (attempts left) or fail every running job whose last heartbeat is older than `stale_before`."""
    with Session(engine, expire_on_commit=False) as session:
        stale = list(session.exec(select(BatchJob).where(BatchJob.state == "running",
                                                         col(BatchJob.heartbeat_at) < stale_before)))
    reaped: list[Reaped] = []
    for job in stale:
        fence = [col(BatchJob.id) == job.id, col(BatchJob.lease) == job.lease, col(BatchJob.state) == "running"]
        if job.attempts < max_attempts:
            with Session(engine) as session:
                result = session.exec(update(BatchJob).where(*fence)  # type: ignore[call-overload]
                                      .values(state="queued", lease=None, worker=None))
                session.commit()
            if result.rowcount == 1:
                reaped.append(Reaped(job, True))
        elif _finish(engine, job.id, job.lease, state="failed", error=_stopped(job)):
            reaped.append(Reaped(job, False))
    return reaped


def _stopped(job: BatchJob) -> str:
    beat = shown(job.heartbeat_at, seconds=True) if job.heartbeat_at else "-"
    return message("job_stopped", "en" if job.lang == "en" else "zh", beat=beat, n=job.attempts)


def count_by_state(engine: Engine) -> dict[str, int]:
    """How many jobs the database holds in each state (every state named, 0 when none)."""
    with Session(engine) as session:
        rows = session.exec(select(BatchJob.state, func.count()).group_by(BatchJob.state))
        counts = dict.fromkeys((*ACTIVE, *FINISHED), 0)
        counts.update({state: int(number) for state, number in rows})
        return counts


def has_work(engine: Engine) -> bool:
    """True when a job is queued or a completion webhook is due: a worker should run."""
    with Session(engine) as session:
        queued = session.exec(select(BatchJob.id).where(BatchJob.state == "queued").limit(1)).first()
        return queued is not None or bool(_due(session, now(), 1))


def _due(session: Session, moment: datetime, limit: int) -> list[BatchJob]:
    return list(session.exec(select(BatchJob).where(
        col(BatchJob.state).in_(FINISHED), col(BatchJob.webhook_url).is_not(None),
        col(BatchJob.notified_at).is_(None), BatchJob.notify_attempts < NOTIFY_ATTEMPTS,
        col(BatchJob.notify_after) <= moment).order_by(col(BatchJob.finished_at)).limit(limit)))


def claim_notification(engine: Engine, backoff: timedelta) -> BatchJob | None:
    """A finished job whose completion webhook is due, its attempt counted (so one worker sends it);
    the next attempt, if this one fails, waits `backoff` times the attempts made."""
    with Session(engine, expire_on_commit=False) as session:
        for job in _due(session, now(), 5):
            result = session.exec(  # type: ignore[call-overload]
                update(BatchJob).where(col(BatchJob.id) == job.id,
                                       BatchJob.notify_attempts == job.notify_attempts)
                .values(notify_attempts=job.notify_attempts + 1,
                        notify_after=now() + backoff * (job.notify_attempts + 1)))
            session.commit()
            if result.rowcount == 1:
                return job
    return None


def mark_notified(engine: Engine, job_id: str, error: str | None) -> None:
    """Record a webhook delivery (error None) or why it failed."""
    values: dict[str, object] = {"notify_error": error[:500]} if error else {"notified_at": now(),
                                                                             "notify_error": None}
    with Session(engine) as session:
        session.exec(update(BatchJob).where(col(BatchJob.id) == job_id).values(**values))  # type: ignore[call-overload]
        session.commit()


def expired(engine: Engine, finished_before: datetime) -> list[str]:
    """Ids of jobs finished before the retention cut-off."""
    with Session(engine) as session:
        return list(session.exec(select(BatchJob.id).where(col(BatchJob.state).in_(FINISHED),
                                                           col(BatchJob.finished_at) < finished_before)))


def delete_job(engine: Engine, job_id: str) -> None:
    """Remove the job's row (its files are removed by the caller)."""
    with Session(engine) as session:
        job = session.get(BatchJob, job_id)
        if job is not None:
            session.delete(job)
            session.commit()


def known_ids(engine: Engine) -> set[str]:
    """Every job id in the database (to find folders left without a job)."""
    with Session(engine) as session:
        return set(session.exec(select(BatchJob.id)))
