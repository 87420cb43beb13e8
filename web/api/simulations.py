"""Reform simulations over HTTP: upload a registry and a reform, poll, read the report (advisor/simulate/).

A simulation is a durable job like a batch (web/api/batches.py, advisor/storage/jobs.py): the same table
(kind "simulation"), slots (ADVISOR_BATCH_MAX_JOBS over both kinds), worker, heartbeats, retries,
ownership (the partner key or staff member that made it; anyone else gets 404), `Idempotency-Key`,
completion webhook and retention (ADVISOR_BATCH_RETENTION_DAYS). The reform is checked when it is
uploaded, as `advisor rules check --reform` checks it: a reform with problems is refused with 422 naming
`reform`, before any job is made. The staff admin page (web/staff/simulations.py) submits through
`submit` too.
"""

import hashlib
import json
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, File, Form, Header, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as Upload
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from advisor.batch import webhook
from advisor.batch.columns import BatchInputError
from advisor.batch.formats import SUFFIXES, file_format
from advisor.batch.worker import job_folder
from advisor.catalog import PLAN_IN_FORCE
from advisor.reform import MAX_REFORM_BYTES, check_reform
from advisor.rulebase import RuleBase
from advisor.settings import Settings
from advisor.simulate import FILES
from advisor.simulate.job import REFORM_FILE, write_options
from advisor.storage import get_engine, jobs
from advisor.storage.models import BatchJob

from ..deps import AdvisorDep
from ..i18n import request_lang
from ..problems import problem
from .batches import _check_file, _load, _owner, workers
from .models import Problem

router = APIRouter(tags=["simulations"])
_CHUNK = 1 << 20
# The files of a finished simulation: name -> (file, media type)
SIMULATION_FILES: dict[str, tuple[str, str]] = {
    "report_html": (FILES["report_html"], "text/html; charset=utf-8"),
    "report_md": (FILES["report_md"], "text/markdown; charset=utf-8"),
    "changes": (FILES["changes"], "text/csv; charset=utf-8"),
    "summary": (FILES["summary"], "text/csv; charset=utf-8"),
    "breakdown": (FILES["breakdown"], "text/csv; charset=utf-8"),
    "base": (FILES["base"], "text/csv; charset=utf-8"),
    "errors": (FILES["errors"], "text/csv; charset=utf-8"),
    "chart_provisions": (FILES["chart_provisions"], "image/svg+xml"),
    "chart_size": (FILES["chart_size"], "image/svg+xml"),
    "result": (FILES["result"], "application/json"),
}
FileName = Literal["report_html", "report_md", "changes", "summary", "breakdown", "base", "errors",
                   "chart_provisions", "chart_size", "result"]
State = Literal["queued", "running", "done", "failed"]


class SimulationAccepted(BaseModel):
    """202: the simulation is queued; poll status_url (also the Location header)."""

    id: str
    state: State
    status_url: str
    webhook_secret: str | None = Field(None, description="HMAC-SHA256 key of the completion webhook (when asked "
                                                          "for): verify X-Advisor-Signature with it")


class SimulationStatus(BaseModel):
    """Where a simulation stands; `result` and `files` once it is done, `error` once it failed."""

    id: str
    state: State
    filename: str
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    expires_at: datetime | None = Field(None, description="when the job and its files are removed")
    attempts: int
    rows: int = Field(description="rows read so far (all rows once done)")
    failed: int
    fraction: float | None = Field(None, description="share of the file read, 0 to 1")
    error: str | None = None
    result: dict[str, Any] | None = Field(None, description="counts once done: rows, the provisions the reform can "
                                                            "change, gains, losses, to / from undetermined")
    files: dict[str, str] | None = Field(None, description="download URLs: report_html, report_md, changes, "
                                                           "summary, breakdown, base, errors, the two charts")


@dataclass
class Refusal(Exception):
    """An upload refused with an HTTP status, naming the field, in both languages."""

    status: int
    field: str
    zh: str
    en: str
    kind: str = "invalid-input"

    def response(self, lang: str) -> Response:
        message = self.zh if lang == "zh" else self.en
        errors = [{"path": self.field, "message": message}] if self.status == 422 else None
        headers = {"Retry-After": "60"} if self.status == 503 else None
        return problem(self.status, lang, message, errors, kind=self.kind, headers=headers)  # type: ignore[arg-type]


async def _save(upload: Upload, target: Path, digest: Any, limit: int | None = None) -> None:
    size = 0
    with target.open("wb") as out:
        while chunk := await upload.read(_CHUNK):
            size += len(chunk)
            if limit is not None and size > limit:
                raise Refusal(422, "reform", f"改革文件不能超过{limit // 1024} KB", f"a reform file is at most "
                                                                                f"{limit // 1024} KB")
            digest.update(chunk)
            out.write(chunk)


def _check_reform(path: Path, rulebase: RuleBase, as_of: date | None) -> None:
    checked = check_reform(path, rulebase)
    if checked.reform is None:
        text = "; ".join(f"{p.rule}: {p.reason}" for p in checked.problems[:20])[:2000]
        raise Refusal(422, "reform", f"改革文件有问题：{text}", f"the reform has problems: {text}", "invalid-reform")
    start = checked.reform.spec.in_force_from
    if as_of is not None and as_of < start:
        raise Refusal(422, "as_of", f"改革自{start}起施行，测算日期不能早于该日",
                      f"the reform applies from {start}; the date cannot be earlier")


async def submit(app: FastAPI, rulebase: RuleBase, owner: str, registry: Upload, reform: Upload, lang: str,
                 as_of: date | None, status_url: Callable[[str], str], idempotency_key: str | None = None,
                 webhook_url: str | None = None) -> tuple[BatchJob, bool]:
    """Check and store the uploads, and queue a simulation job: (the job, whether it was made before with this
    Idempotency-Key). Raises Refusal naming the field."""
    settings: Settings = app.state.settings
    try:
        suffix = "." + file_format(Path(registry.filename or ""))
    except BatchInputError:
        raise Refusal(415, "file", f"请上传以下类型的文件：{'、'.join(SUFFIXES)}",
                      f"upload a file of one of these types: {', '.join(SUFFIXES)}", "unsupported-file") from None
    if idempotency_key is not None and not (0 < len(idempotency_key) <= 255 and idempotency_key.isprintable()):
        raise Refusal(422, "Idempotency-Key", "应为1至255个可打印字符", "must be 1 to 255 printable characters")
    if webhook_url is not None and (not webhook_url.startswith(("http://", "https://")) or len(webhook_url) > 2000
                                    or not webhook.host_allowed(webhook_url, settings.webhook_hosts)):
        raise Refusal(422, "webhook_url", "应为本服务允许的回调主机（ADVISOR_WEBHOOK_HOSTS）上的 http(s) 网址",
                      "must be an http(s) URL on a webhook host this service allows (ADVISOR_WEBHOOK_HOSTS)")
    if as_of is not None and as_of < PLAN_IN_FORCE:
        raise Refusal(422, "as_of", f"本方案自{PLAN_IN_FORCE}起施行，测算日期不能早于该日",
                      f"the plan is in force from {PLAN_IN_FORCE}; the date cannot be earlier")
    engine = get_engine()
    ident = jobs.new_job_id()
    folder = job_folder(settings, ident)
    folder.mkdir(parents=True)
    job: BatchJob | None = None
    try:
        digest = hashlib.sha256(f"simulation\n{lang}\n{as_of}\n{webhook_url or ''}\n".encode())
        await _save(reform, folder / REFORM_FILE, digest, MAX_REFORM_BYTES)
        source = folder / f"input{suffix}"
        await _save(registry, source, digest)
        new = jobs.NewJob(owner=owner, request_hash=digest.hexdigest(), filename=registry.filename or source.name,
                          input_name=source.name, lang=lang, status_url=status_url(ident),
                          idempotency_key=idempotency_key, webhook_url=webhook_url,
                          webhook_secret=secrets.token_urlsafe(32) if webhook_url else None, kind="simulation")
        if idempotency_key and (earlier := await run_in_threadpool(jobs.find_idempotent, engine, owner,
                                                                   idempotency_key)):
            return _replayed(earlier, new), True
        await run_in_threadpool(_check_reform, folder / REFORM_FILE, rulebase, as_of)
        try:  # a wrong registry is answered at once rather than by a failed job
            await run_in_threadpool(_check_file, source, rulebase.questions)
        except BatchInputError as error:
            reason = error.message(lang)[:2000]
            raise Refusal(422, "file", reason, reason, "invalid-file") from None
        write_options(folder, as_of)
        try:
            job = await run_in_threadpool(jobs.create_job, engine, ident, new, settings.batch_max_jobs)
        except jobs.SlotsFull:
            raise Refusal(503, "file", "批量任务已满，请稍后再试", "too many batch jobs queued or running; retry later",
                          "busy") from None
        except jobs.IdempotentReplay as replay:
            return _replayed(replay.job, new), True
    finally:
        if job is None:  # refused, busy or a replay: the uploads are not kept
            await run_in_threadpool(shutil.rmtree, folder, True)
    workers(app).start()
    return job, False


def _replayed(earlier: BatchJob, new: jobs.NewJob) -> BatchJob:
    if earlier.kind != "simulation" or earlier.request_hash != new.request_hash:
        raise Refusal(422, "Idempotency-Key", "该键已用于另一个文件或选项", "was used with another file or options")
    return earlier


@router.post("/simulations", status_code=202, response_model=SimulationAccepted,
             summary="Simulate a reform over an uploaded registry in the background",
             responses={202: {"description": "Accepted: poll the status URL"},
                        415: {"model": Problem, "description": "Not a .csv, .jsonl or .xlsx registry"},
                        422: {"model": Problem, "description": "The registry or the reform cannot be used"},
                        503: {"model": Problem, "description": "Every job slot is taken: retry later"}})
async def create_simulation(
        request: Request, advisor: AdvisorDep,
        file: Annotated[UploadFile, File(description="registry: .csv, .jsonl or .xlsx, one enterprise a row")],
        reform: Annotated[UploadFile, File(description="the reform: YAML, as in examples/reforms/")],
        lang: Annotated[str | None, Form(description="zh or en: language of the files and the report")] = None,
        as_of: Annotated[date | None, Form(description="the day to compare on (default: the reform's "
                                                       "in_force_from; not earlier)")] = None,
        webhook_url: Annotated[str | None, Form(description="http(s) URL to POST to when the job ends, "
                                                            "signed with X-Advisor-Signature")] = None,
        idempotency_key: Annotated[str | None, Header(description="repeat a POST safely: the same key and "
                                                                  "files answer with the same job")] = None,
) -> Response:
    """The registry is read as for a batch (same columns, values, encodings and limits) and screened under the
    rule base and under the reform in one pass: per provision the enterprises that gain, lose, or change to
    or from undetermined, by size, sector and function zone, and a report with charts. Answers 202 with the
    job's status URL."""
    answer_lang = request_lang(request, lang)
    owner = await _owner(request)
    try:
        job, replayed = await submit(request.app, advisor.rulebase, owner, file, reform, answer_lang, as_of,
                                     lambda ident: str(request.url_for("get_simulation", simulation_id=ident)),
                                     idempotency_key, webhook_url)
    except Refusal as refusal:
        return refusal.response(answer_lang)
    body = SimulationAccepted(id=job.id, state=job.state, status_url=job.status_url,  # type: ignore[arg-type]
                              webhook_secret=job.webhook_secret)
    headers = {"Location": job.status_url} | ({"Idempotent-Replayed": "true"} if replayed else {})
    return JSONResponse(body.model_dump(mode="json"), status_code=202, headers=headers)


def simulation_status(app: FastAPI, job: BatchJob, url: Callable[[str], str]) -> SimulationStatus:
    """A job's status; `url(name)` gives a result file's download URL."""
    settings: Settings = app.state.settings
    result = files = None
    if job.state == "done" and job.result_dir:
        path = job_folder(settings, job.id) / job.result_dir / FILES["result"]
        if path.is_file():
            result = json.loads(path.read_text(encoding="utf-8"))
        files = {name: url(name) for name in SIMULATION_FILES}
    expires = job.finished_at + timedelta(days=settings.batch_retention_days) if job.finished_at else None
    return SimulationStatus(id=job.id, state=job.state, filename=job.filename,  # type: ignore[arg-type]
                            created_at=job.created_at, started_at=job.started_at, finished_at=job.finished_at,
                            expires_at=expires, attempts=job.attempts, rows=job.rows, failed=job.failed,
                            fraction=job.fraction, error=job.error, result=result, files=files)


def load_simulation(app: FastAPI, simulation_id: str, owner: str) -> BatchJob | None:
    """The owner's simulation, or None (no such job, not theirs, or a batch)."""
    return _load(app, simulation_id, owner, "simulation")


def result_file(app: FastAPI, job: BatchJob, name: str) -> tuple[Path, str] | None:
    """(path, media type) of a finished simulation's file, or None."""
    if job.state != "done" or not job.result_dir or name not in SIMULATION_FILES:
        return None
    file, media = SIMULATION_FILES[name]
    path = job_folder(app.state.settings, job.id) / job.result_dir / file
    return (path, media) if path.is_file() else None


_PROBLEMS: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "No such simulation (or not "
                                                                                      "yours)"}}


def _not_found(request: Request) -> Response:
    lang = request_lang(request)
    return problem(404, lang, "没有这个测算任务" if lang == "zh" else "no such simulation", kind="not-found")


@router.get("/simulations/{simulation_id}", response_model=SimulationStatus, responses=_PROBLEMS,
            summary="Progress of a simulation and, when done, its counts and files")
async def get_simulation(request: Request, simulation_id: str) -> Any:
    """state: queued, running (rows, fraction), done (`result`: the counts; `files`: download URLs) or failed
    (error)."""
    job = await run_in_threadpool(load_simulation, request.app, simulation_id, await _owner(request))
    if job is None:
        return _not_found(request)
    return simulation_status(request.app, job, lambda name: str(request.url_for(
        "get_simulation_file", simulation_id=job.id, name=name)))


@router.get("/simulations/{simulation_id}/files/{name}", summary="Download a file of a finished simulation",
            response_class=FileResponse, responses={200: {"content": {"text/csv": {}, "text/html": {}}},
                                                    **_PROBLEMS})
async def get_simulation_file(request: Request, simulation_id: str, name: FileName) -> Any:
    """report_html / report_md (the report), changes (one row per enterprise and changed provision), summary
    (per provision), breakdown (by size, sector and zone), base (the base's results, as a batch's), errors
    (bad rows), chart_provisions / chart_size (SVG), result (the counts as JSON)."""
    job = await run_in_threadpool(load_simulation, request.app, simulation_id, await _owner(request))
    found = result_file(request.app, job, name) if job is not None else None
    if found is None:
        return _not_found(request)
    path, media = found
    return FileResponse(path, media_type=media, filename=f"simulation-{simulation_id}-{path.name}")
