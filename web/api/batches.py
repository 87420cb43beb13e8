"""Batch screening over HTTP: upload a registry (CSV, tab-separated text, JSON Lines or XLSX), poll, download
the results.

Durable jobs: the job's state is a row of the database (advisor/storage/jobs.py) and its files live
in the batch folder (ADVISOR_BATCH_DIR, shared storage when several hosts serve the API), so any
host answers for any job and a job survives a server restart. After an upload the server starts
`advisor batch-worker`, which claims queued jobs and screens them (advisor/batch/worker.py; the server's
worker processes and their supervision are advisor/batch/supervisor.py's); a job whose worker dies
is retried from the start or fails with the reason, never "running" forever.

- A job belongs to the partner key (or staff user) that created it: anyone else gets 404.
- At most ADVISOR_BATCH_MAX_JOBS jobs are queued or running at once (503 with Retry-After beyond);
  each holds a slot taken atomically in the database.
- `Idempotency-Key` (header, up to 255 characters): a repeated POST with the same key and file
  answers with the job already made; the same key with another file is refused (422).
- `webhook_url` (form field): when the job ends, a signed POST is sent there (advisor/batch/webhook.py:
  header X-Advisor-Signature, t=…,v1=HMAC-SHA256 of "t.body" under the `webhook_secret` of the 202 answer).
- Jobs, uploads and results are removed ADVISOR_BATCH_RETENTION_DAYS (30) days after they finish;
  the upload itself as soon as its job is done. Results may not exceed ADVISOR_BATCH_MAX_OUTPUT_BYTES.
"""

import contextlib
import hashlib
import json
import re
import secrets
import shutil
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Form, Header, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from advisor.batch import webhook
from advisor.batch.columns import BatchInputError, ColumnMap
from advisor.batch.formats import SUFFIXES, input_format, open_reader
from advisor.batch.rows import parse_block
from advisor.batch.supervisor import WorkerPool
from advisor.batch.worker import FILES, READING, job_folder
from advisor.questions import QuestionCatalog
from advisor.settings import Settings
from advisor.storage import StaffUser, jobs
from advisor.storage.models import BatchJob

from ..background import running
from ..deps import AdvisorDep
from ..i18n import request_lang
from ..problems import problem
from ..response_headers import declared
from ..staff import security
from .models import Lang, Problem

_CHUNK = 1 << 20


def workers(app: FastAPI) -> WorkerPool:
    """This app's batch workers (one pool per app, made on first use)."""
    pool: WorkerPool | None = getattr(app.state, "batch_workers", None)
    if pool is None:
        pool = app.state.batch_workers = WorkerPool(app.state.settings, app.state.engine)
    return pool


@contextlib.asynccontextmanager
async def _supervise(app: FastAPI) -> AsyncIterator[None]:
    """While the server runs, its worker pool's supervision loop runs (advisor/batch/supervisor.py)."""
    async with running(workers(app).supervise()):
        yield


# Under web.api's router: partner keys as for the rest of /api/v1. 蓉易享 submits its registry.
router = APIRouter(tags=["batches"], lifespan=_supervise)


# --- requests -----------------------------------------------------------------------------------

# Checked here (with a message naming the field) and declared in the schema from the same constants.
WEBHOOK_URL = r"^https?://"
WEBHOOK_URL_MAX = 2000
IDEMPOTENCY_KEY = r"^[ -~]{1,255}$"  # printable ASCII, as a header carries it
_MEDIA_TYPES = {".csv": "text/csv", ".tsv": "text/tab-separated-values", ".txt": "text/plain",
                ".jsonl": "application/jsonl",
                ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class BatchUpload(BaseModel):
    """A registry to screen (multipart/form-data)."""

    file: UploadFile = Field(description=f"The registry, one enterprise a row: a file whose name ends in "
                                         f"{', '.join(SUFFIXES)} (anything else is refused with 415)",
                             json_schema_extra={"format": "binary"})  # what generators of OpenAPI 3.0 look for
    lang: Lang | None = Field(None, description="Language of the errors file and of the messages")
    webhook_url: str | None = Field(None, description="http(s) URL to POST to when the job ends, signed with "
                                                      "X-Advisor-Signature; its host must be allowed by "
                                                      "ADVISOR_WEBHOOK_HOSTS",
                                    json_schema_extra={"pattern": WEBHOOK_URL, "maxLength": WEBHOOK_URL_MAX})


IdempotencyKey = Annotated[str | None, Header(
    description="Repeat a POST safely: the same key and file answer with the same job (Idempotent-Replayed: true)",
    json_schema_extra={"pattern": IDEMPOTENCY_KEY, "maxLength": 255})]


class BatchState(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class BatchFileName(StrEnum):
    """results: per enterprise; errors: rows that could not be screened; summary: per provision."""

    results = "results"
    errors = "errors"
    summary = "summary"


# --- answers ------------------------------------------------------------------------------------



class BatchAccepted(BaseModel):
    """202: the job is queued; poll status_url (also the Location header)."""

    id: str
    state: BatchState
    status_url: str
    webhook_secret: str | None = Field(None, description="HMAC-SHA256 key of the completion webhook (when asked "
                                                          "for): verify X-Advisor-Signature with it")


class BatchFiles(BaseModel):
    """Download URLs of a finished job's files (CSV, UTF-8)."""

    results: str = Field(description="per enterprise: eligible, undetermined, questions to settle")
    errors: str = Field(description="rows that could not be screened, with line number and reason")
    summary: str = Field(description="per provision: eligible and undetermined counts")


class SkippedRow(BaseModel):
    """A row that is not an enterprise: a totals row (合计, 小计, 总计 …), neither screened nor failed."""

    line: int
    label: str


class BatchReading(BaseModel):
    """How the uploaded file was read."""

    header_line: int | None = Field(description="the row the header was found on (below a title, if any); "
                                                "null for JSON Lines")
    title_lines: list[int] = Field(description="rows with content above the header (a title): not screened")
    skipped: list[SkippedRow] = Field(description="totals rows skipped (the first ten)")
    skipped_total: int
    blank: int = Field(description="blank lines skipped")
    encoding: str | None = Field(description="the text encoding found (utf-8, gb18030, utf-16-le …); null for XLSX")
    unknown_columns: list[str] = Field(description="columns that are not profile fields, carried through to the "
                                                   "results (the first ten)")
    unknown_columns_total: int


class BatchStatus(BaseModel):
    """Where a job stands; `files` once it is done, `error` once it failed."""

    id: str
    state: BatchState
    filename: str
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    expires_at: datetime | None = Field(None, description="when the job and its files are removed")
    attempts: int = Field(description="runs started (a run whose worker died is started again)")
    rows: int = Field(description="rows read so far (all rows once done)")
    screened: int
    failed: int = Field(description="rows that could not be screened (see the errors file)")
    fraction: float | None = Field(None, description="share of the file read, 0 to 1")
    rate_per_s: float | None = None
    seconds_left: float | None = None
    error: str | None = Field(None, description="why the job failed")
    files: BatchFiles | None = None
    reading: BatchReading | None = Field(None, description="once done: how the file was read")


_PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such job (or not yours)"}}


# --- who owns a job -----------------------------------------------------------------------------

def _staff_id(app: FastAPI, token: str | None) -> int | None:
    found = app.state.signer.read_session(token)
    if found is None:
        return None
    with Session(app.state.engine) as session:
        user = session.get(StaffUser, found[0])
        return user.id if user and user.active and user.session_nonce == found[1] else None


async def _owner(request: Request) -> str:
    """key:ID for a partner key, staff:ID for a logged-in staff member, else anonymous."""
    client_id = getattr(request.state, "api_client_id", None)
    if client_id is not None:
        return f"key:{client_id}"
    token = request.cookies.get(security.SESSION_COOKIE)
    staff_id = await run_in_threadpool(_staff_id, request.app, token) if token else None
    return f"staff:{staff_id}" if staff_id is not None else "anonymous"


# --- routes -------------------------------------------------------------------------------------

def _check_file(source: Path, questions: QuestionCatalog) -> None:
    """Refuse at once a file that cannot be screened (unreadable, unknown columns, no rows)."""
    columns = ColumnMap(questions)
    reader = open_reader(source, names_field=columns.names_a_field)
    try:
        columns.check_columns(reader.columns)
        for block, _ in reader.blocks(1):
            try:
                rows, _ = parse_block(block, len(reader.columns))
                if rows:
                    return
            except Exception:  # a row that cannot even be parsed is a row: the job reports it with its line
                return
        raise BatchInputError("the file has no rows", "文件中没有数据行")
    finally:
        reader.close()


def _accepted(job: BatchJob, replayed: bool = False) -> JSONResponse:
    body = BatchAccepted(id=job.id, state=job.state, status_url=job.status_url,  # type: ignore[arg-type]
                         webhook_secret=job.webhook_secret)
    headers = {"Location": job.status_url}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(body.model_dump(mode="json"), status_code=202, headers=headers)


def _bad_field(lang: str, path: str, zh: str, en: str) -> Response:
    message = zh if lang == "zh" else en
    return problem(422, lang, message, [{"path": path, "message": message}], kind="invalid-input")  # type: ignore[arg-type]


@router.post("/batches", status_code=202, response_model=BatchAccepted,
             summary="Screen an uploaded registry in the background",
             responses={202: {"description": "Accepted: poll the status URL",
                              "headers": declared("Location", "Idempotent-Replayed")},
                        415: {"model": Problem, "description": f"Not a {', '.join(SUFFIXES)} file"},
                        422: {"model": Problem, "description": "The file cannot be screened"},
                        503: {"model": Problem, "description": "Every job slot is taken: retry later"}},
             openapi_extra={"requestBody": {"content": {"multipart/form-data": {"encoding": {"file": {
                 "contentType": ", ".join(_MEDIA_TYPES.get(suffix, "application/octet-stream")
                                          for suffix in SUFFIXES)}}}}}})
async def create_batch(request: Request, advisor: AdvisorDep,
                       upload: Annotated[BatchUpload, Form(media_type="multipart/form-data")],
                       idempotency_key: IdempotencyKey = None) -> Response:
    """Columns: `id` (optional) and one per profile field by dotted path (e.g. project.floor_area_m2),
    Chinese label or alias; the header is the first row that names one (a title above it is passed
    over); totals rows (合计, 小计) are skipped. Values as text (true/false/是/否, numbers, enum
    values); blank = unknown. Text in UTF-8, GB18030 or UTF-16. Answers 202 with the job's status
    URL; GET it for progress and, when done, the result files and how the file was read."""
    file, webhook_url = upload.file, upload.webhook_url
    answer_lang = request_lang(request, upload.lang)
    zh = answer_lang == "zh"
    settings: Settings = request.app.state.settings
    try:  # the one list of accepted types: advisor.batch.formats.SUFFIXES
        input_format(Path(file.filename or ""))
        suffix = Path(file.filename or "").suffix.lower()
    except BatchInputError:
        shown = "、".join(SUFFIXES) if zh else ", ".join(SUFFIXES)
        refusal = f"请上传以下类型的文件：{shown}" if zh else f"upload a file of one of these types: {shown}"
        return problem(415, answer_lang, refusal, kind="unsupported-file")
    if idempotency_key is not None and not re.fullmatch(IDEMPOTENCY_KEY, idempotency_key):
        return _bad_field(answer_lang, "Idempotency-Key", "应为1至255个可打印的ASCII字符",
                          "must be 1 to 255 printable ASCII characters")
    if webhook_url is not None:  # read once, by the parser the sender uses (advisor/batch/webhook.py)
        if not re.match(WEBHOOK_URL, webhook_url) or len(webhook_url) > WEBHOOK_URL_MAX:
            return _bad_field(answer_lang, "webhook_url", "应为 http:// 或 https:// 开头的网址",
                              "must be an http:// or https:// URL")
        try:
            target = webhook.parse_target(webhook_url)
        except webhook.WebhookUrlError as error:
            return _bad_field(answer_lang, "webhook_url", error.zh, error.en)
        if not webhook.allowed(target, settings.webhook_hosts):
            return _bad_field(answer_lang, "webhook_url",
                              "该网址的主机不在本服务允许的回调主机（ADVISOR_WEBHOOK_HOSTS）之列",
                              "this URL's host is not among the webhook hosts this service allows "
                              "(ADVISOR_WEBHOOK_HOSTS)")
        webhook_url = target.url
    owner = await _owner(request)
    engine = request.app.state.engine
    ident = jobs.new_job_id()
    folder = job_folder(settings, ident)
    folder.mkdir(parents=True)
    source = folder / f"input{suffix}"
    digest = hashlib.sha256(f"{answer_lang}\n{webhook_url or ''}\n".encode())
    with source.open("wb") as out:
        while chunk := await file.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    new = jobs.NewJob(owner=owner, request_hash=digest.hexdigest(), filename=file.filename or source.name,
                      input_name=source.name, lang=answer_lang,
                      status_url=str(request.url_for("get_batch", batch_id=ident)),
                      idempotency_key=idempotency_key, webhook_url=webhook_url,
                      webhook_secret=secrets.token_urlsafe(32) if webhook_url else None)
    job: BatchJob | None = None
    try:
        if idempotency_key and (earlier := await run_in_threadpool(jobs.find_idempotent, engine, owner,
                                                                   idempotency_key)):
            return _replay(earlier, new, answer_lang)
        try:  # check the columns now, so a wrong file is answered at once rather than by a failed job
            await run_in_threadpool(_check_file, source, advisor.rulebase.questions)
        except BatchInputError as error:
            reason = error.message(answer_lang)[:2000]  # cap what an error echoes
            return problem(422, answer_lang, reason, [{"path": "file", "message": reason}], kind="invalid-file")
        job = await run_in_threadpool(jobs.create_job, engine, ident, new, settings.batch_max_jobs)
    except jobs.SlotsFull:
        busy = "批量任务已满，请稍后再试" if zh else "too many batch jobs queued or running; retry later"
        return problem(503, answer_lang, busy, kind="busy", headers={"Retry-After": "60"})
    except jobs.IdempotentReplay as replay:
        return _replay(replay.job, new, answer_lang)
    finally:
        if job is None:  # refused, busy or a replay: the upload is not kept
            await run_in_threadpool(shutil.rmtree, folder, True)
    workers(request.app).start()
    return _accepted(job)


def _replay(earlier: BatchJob, new: jobs.NewJob, lang: str) -> Response:
    if earlier.request_hash != new.request_hash:
        return _bad_field(lang, "Idempotency-Key", "该键已用于另一个文件或选项",
                          "was used with another file or options")
    return _accepted(earlier, replayed=True)


def _not_found(request: Request) -> JSONResponse:
    lang = request_lang(request)
    return problem(404, lang, "没有这个批量任务" if lang == "zh" else "no such batch job", kind="not-found")


def _load(app: FastAPI, batch_id: str, owner: str, kind: str = "batch") -> BatchJob | None:
    """The owner's job of this kind (a batch, or a simulation: simulations.py), after giving up on it if its
    worker stopped beating (any host can tell)."""
    if len(batch_id) > 32 or not batch_id.isalnum():
        return None
    engine = app.state.engine
    job = jobs.get_job(engine, batch_id)
    if job is None or job.owner != owner or job.kind != kind:
        return None
    pool = workers(app)
    if job.state == "running" and pool.is_stale(job.heartbeat_at):
        pool.check_stale(engine)
        job = jobs.get_job(engine, batch_id)
    return job


def _status(request: Request, job: BatchJob) -> BatchStatus:
    settings: Settings = request.app.state.settings
    rate = left = None
    if job.state == "running" and job.started_at and job.heartbeat_at and job.rows:
        elapsed = max((job.heartbeat_at - job.started_at).total_seconds(), 1e-3)
        rate = round(job.rows / elapsed, 1)
        if job.fraction:
            left = round(elapsed * (1 - job.fraction) / job.fraction, 1)
    files = None
    if job.state == "done":
        files = BatchFiles(**{name: str(request.url_for("get_batch_file", batch_id=job.id, name=name))
                              for name in FILES})
    reading = None
    if job.state == "done" and job.result_dir:
        with contextlib.suppress(OSError, ValueError):  # a job finished before this file was written has none
            reading = BatchReading(**json.loads((job_folder(settings, job.id) / job.result_dir / READING)
                                                .read_text(encoding="utf-8")))
    expires = job.finished_at + timedelta(days=settings.batch_retention_days) if job.finished_at else None
    return BatchStatus(id=job.id, state=job.state, filename=job.filename,  # type: ignore[arg-type]
                       created_at=job.created_at, started_at=job.started_at, finished_at=job.finished_at,
                       expires_at=expires, attempts=job.attempts, rows=job.rows, screened=job.rows - job.failed,
                       failed=job.failed, fraction=job.fraction, rate_per_s=rate, seconds_left=left,
                       error=job.error, files=files, reading=reading)


@router.get("/batches/{batch_id}", response_model=BatchStatus, responses=_PROBLEMS,
            summary="Progress of a batch job and, when done, its result files")
async def get_batch(request: Request, batch_id: str) -> Any:
    """state: queued, running (rows, failed, fraction, rate_per_s, seconds_left), done (counts and
    `files`: results, errors, summary as download URLs) or failed (error)."""
    job = await run_in_threadpool(_load, request.app, batch_id, await _owner(request))
    return _not_found(request) if job is None else _status(request, job)


@router.get("/batches/{batch_id}/files/{name}", summary="Download a result file of a finished batch job",
            response_class=FileResponse, responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}},
                                                          "headers": declared("Content-Disposition")}, **_PROBLEMS})
async def get_batch_file(request: Request, batch_id: str, name: BatchFileName) -> Any:
    """name: results (per enterprise: eligible, undetermined, questions), errors (bad rows with line
    numbers) or summary (per provision: eligible and undetermined counts); all CSV."""
    job = await run_in_threadpool(_load, request.app, batch_id, await _owner(request))
    if job is None or job.state != "done" or not job.result_dir:
        return _not_found(request)
    path = job_folder(request.app.state.settings, job.id) / job.result_dir / FILES[name]
    if not path.is_file():  # removed by retention meanwhile
        return _not_found(request)
    return FileResponse(path, media_type="text/csv; charset=utf-8", filename=f"batch-{batch_id}-{FILES[name]}")
