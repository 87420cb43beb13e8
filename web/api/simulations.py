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
import re
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Form, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as Upload
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from advisor.batch import webhook
from advisor.batch.columns import BatchInputError
from advisor.batch.formats import SUFFIXES, input_format
from advisor.batch.worker import job_folder
from advisor.catalog import PLAN_IN_FORCE
from advisor.messages import message
from advisor.reform import MAX_REFORM_BYTES, check_reform
from advisor.rulebase import RuleBase
from advisor.settings import Settings
from advisor.simulate import FILES
from advisor.simulate.job import REFORM_FILE, write_options
from advisor.storage import jobs
from advisor.storage.models import BatchJob

from ..deps import AdvisorDep
from ..i18n import request_lang
from ..problems import problem
from ..response_headers import declared
from .batches import (
    _MEDIA_TYPES,
    IDEMPOTENCY_KEY,
    WEBHOOK_URL,
    WEBHOOK_URL_MAX,
    BatchReading,
    BatchState,
    IdempotencyKey,
    _check_file,
    _load,
    _owner,
    workers,
)
from .models import Lang, Problem

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
SimulationFileName = StrEnum("SimulationFileName", {name: name for name in SIMULATION_FILES})  # type: ignore[misc]


# --- requests -----------------------------------------------------------------------------------

class SimulationUpload(BaseModel):
    """A registry and a reform to simulate over it (multipart/form-data)."""

    file: UploadFile = Field(description=f"The registry, one enterprise a row, read as a batch's: a file whose "
                                         f"name ends in {', '.join(SUFFIXES)} (anything else is refused with 415)",
                             json_schema_extra={"format": "binary"})
    reform: UploadFile = Field(description=f"The reform: YAML as in examples/reforms/, at most "
                                           f"{MAX_REFORM_BYTES // 1024} KB; checked as `advisor rules check "
                                           f"--reform` checks it (422 naming `reform` when it has problems)",
                               json_schema_extra={"format": "binary"})
    lang: Lang | None = Field(None, description="Language of the files, the report and the messages")
    as_of: date | None = Field(None, description="The day to compare on (default: the reform's in_force_from; "
                                                 "not earlier)")
    webhook_url: str | None = Field(None, description="http(s) URL to POST to when the job ends, signed with "
                                                      "X-Advisor-Signature; its host must be allowed by "
                                                      "ADVISOR_WEBHOOK_HOSTS",
                                    json_schema_extra={"pattern": WEBHOOK_URL, "maxLength": WEBHOOK_URL_MAX})


# --- answers ------------------------------------------------------------------------------------

class SimulationAccepted(BaseModel):
    """202: the simulation is queued; poll status_url (also the Location header)."""

    id: str
    state: BatchState
    status_url: str
    webhook_secret: str | None = Field(None, description="HMAC-SHA256 key of the completion webhook (when asked "
                                                          "for): verify X-Advisor-Signature with it")


class TransitionCounts(BaseModel):
    """(enterprise, provision) pairs whose status the reform changes, by kind of change."""

    gain: int = Field(description="not eligible or undetermined under the base, eligible under the reform")
    loss: int = Field(description="eligible under the base, not eligible or undetermined under the reform")
    to_undetermined: int = Field(description="not eligible under the base, undetermined under the reform")
    from_undetermined: int = Field(description="undetermined under the base, not eligible under the reform")


class ChangedEnterprises(BaseModel):
    """Enterprises (rows) with any change, with at least one gain, with at least one loss."""

    changed: int
    gain: int
    loss: int


class ProvisionChanges(TransitionCounts):
    """One provision the reform can change: how many are eligible under each, and the changes."""

    id: str = Field(description="the provision (rule) id")
    base_eligible: int
    reform_eligible: int


class SimulationResult(BaseModel):
    """The counts of a finished simulation (also its result.json)."""

    reform: str = Field(description="the reform's name (its `reform:` line)")
    as_of: date = Field(description="the day compared on")
    rows: int
    screened: int
    failed: int = Field(description="rows that could not be screened (see the errors file)")
    reform_failed: int = Field(description="rows screened under the base that failed under the reform")
    reading: BatchReading = Field(description="how the registry was read, as for a batch")
    seconds: float
    changes: TransitionCounts
    enterprises: ChangedEnterprises
    provisions: list[ProvisionChanges] = Field(description="the provisions the reform can change")


class SimulationFiles(BaseModel):
    """Download URLs of a finished simulation's files."""

    report_html: str = Field(description="the report as a page, with its charts inline")
    report_md: str = Field(description="the report as markdown (the charts beside it)")
    changes: str = Field(description="CSV: one row per enterprise and changed provision")
    summary: str = Field(description="CSV: per provision the reform can change")
    breakdown: str = Field(description="CSV: the changes by size, sector and function zone")
    base: str = Field(description="CSV: the results under the rules in force, as a batch's")
    errors: str = Field(description="CSV: rows that could not be screened")
    chart_provisions: str = Field(description="SVG: enterprises that gain, by provision")
    chart_size: str = Field(description="SVG: enterprises that gain, by size")
    result: str = Field(description="JSON: the counts (as `result`)")


class SimulationStatus(BaseModel):
    """Where a simulation stands; `result` and `files` once it is done, `error` once it failed."""

    id: str
    state: BatchState
    filename: str
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    expires_at: datetime | None = Field(None, description="when the job and its files are removed")
    attempts: int = Field(description="runs started (a run whose worker died is started again)")
    rows: int = Field(description="rows read so far (all rows once done)")
    failed: int
    fraction: float | None = Field(None, description="share of the file read, 0 to 1")
    error: str | None = Field(None, description="why the job failed")
    result: SimulationResult | None = Field(None, description="once done: the counts")
    files: SimulationFiles | None = Field(None, description="once done: download URLs")


@dataclass
class Refusal(Exception):
    """An upload refused with an HTTP status, naming the field, in both languages."""

    status: int
    field: str
    zh: str
    en: str
    kind: str = "invalid-input"

    @classmethod
    def of(cls, status: int, field: str, key: str, kind: str = "invalid-input", **values: object) -> "Refusal":
        """A refusal in the words of catalog/messages.yaml's `key`."""
        return cls(status, field, message(key, "zh", **values), message(key, "en", **values), kind)

    def response(self, lang: str) -> Response:
        text = self.zh if lang == "zh" else self.en
        errors = [{"path": self.field, "message": text}] if self.status == 422 else None
        headers = {"Retry-After": "60"} if self.status == 503 else None
        return problem(self.status, lang, text, errors, kind=self.kind, headers=headers)  # type: ignore[arg-type]


async def _save(upload: Upload, target: Path, digest: Any, limit: int | None = None) -> None:
    size = 0
    with target.open("wb") as out:
        while chunk := await upload.read(_CHUNK):
            size += len(chunk)
            if limit is not None and size > limit:
                raise Refusal.of(422, "reform", "sim_reform_too_large", kb=limit // 1024)
            digest.update(chunk)
            out.write(chunk)


def _check_reform(path: Path, rulebase: RuleBase, as_of: date | None) -> None:
    checked = check_reform(path, rulebase)
    if checked.reform is None:
        text = "; ".join(f"{p.rule}: {p.reason}" for p in checked.problems[:20])[:2000]
        raise Refusal.of(422, "reform", "sim_reform_problems", "invalid-reform", problems=text)
    start = checked.reform.spec.in_force_from
    if as_of is not None and as_of < start:
        raise Refusal.of(422, "as_of", "sim_as_of_before_reform", start=start.isoformat())


def _webhook_target(url: str, hosts: tuple[str, ...] | list[str]) -> str:
    """The webhook URL as it is stored, read by the parser the sender uses (advisor/batch/webhook.py)."""
    try:
        target = webhook.parse_target(url)
    except webhook.WebhookUrlError as error:
        raise Refusal(422, "webhook_url", error.zh, error.en) from None
    if not webhook.allowed(target, hosts):
        raise Refusal.of(422, "webhook_url", "sim_webhook_host")
    return target.url


async def submit(app: FastAPI, rulebase: RuleBase, owner: str, registry: Upload, reform: Upload, lang: str,
                 as_of: date | None, status_url: Callable[[str], str], idempotency_key: str | None = None,
                 webhook_url: str | None = None) -> tuple[BatchJob, bool]:
    """Check and store the uploads, and queue a simulation job: (the job, whether it was made before with this
    Idempotency-Key). Raises Refusal naming the field."""
    settings: Settings = app.state.settings
    try:  # the one list of accepted types: advisor.batch.formats.SUFFIXES
        input_format(Path(registry.filename or ""))
    except BatchInputError:
        zh, en = (message("sim_upload_types", which, types=message("list_sep", which).join(SUFFIXES))
                  for which in ("zh", "en"))
        raise Refusal(415, "file", zh, en, "unsupported-file") from None
    suffix = Path(registry.filename or "").suffix.lower()
    if idempotency_key is not None and not re.fullmatch(IDEMPOTENCY_KEY, idempotency_key):
        raise Refusal.of(422, "Idempotency-Key", "sim_idempotency_key")
    if webhook_url is not None:
        webhook_url = _webhook_target(webhook_url, settings.webhook_hosts)
    if as_of is not None and as_of < PLAN_IN_FORCE:
        raise Refusal.of(422, "as_of", "as_of_before_plan", since=PLAN_IN_FORCE.isoformat())
    engine = app.state.engine
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
            raise Refusal(422, "file", error.message("zh")[:2000], error.message("en")[:2000],
                          "invalid-file") from None
        write_options(folder, as_of)
        try:
            job = await run_in_threadpool(jobs.create_job, engine, ident, new, settings.batch_max_jobs)
        except jobs.SlotsFull:
            raise Refusal.of(503, "file", "sim_busy", "busy") from None
        except jobs.IdempotentReplay as replay:
            return _replayed(replay.job, new), True
    finally:
        if job is None:  # refused, busy or a replay: the uploads are not kept
            await run_in_threadpool(shutil.rmtree, folder, True)
    workers(app).start()
    return job, False


def _replayed(earlier: BatchJob, new: jobs.NewJob) -> BatchJob:
    if earlier.kind != "simulation" or earlier.request_hash != new.request_hash:
        raise Refusal.of(422, "Idempotency-Key", "sim_idempotency_reused")
    return earlier


@router.post("/simulations", status_code=202, response_model=SimulationAccepted,
             summary="Simulate a reform over an uploaded registry in the background",
             responses={202: {"description": "Accepted: poll the status URL",
                              "headers": declared("Location", "Idempotent-Replayed")},
                        415: {"model": Problem, "description": f"Not a {', '.join(SUFFIXES)} registry"},
                        422: {"model": Problem, "description": "The registry or the reform cannot be used"},
                        503: {"model": Problem, "description": "Every job slot is taken: retry later"}},
             openapi_extra={"requestBody": {"content": {"multipart/form-data": {"encoding": {
                 "file": {"contentType": ", ".join(_MEDIA_TYPES.get(suffix, "application/octet-stream")
                                                   for suffix in SUFFIXES)},
                 "reform": {"contentType": "application/yaml"}}}}}})
async def create_simulation(request: Request, advisor: AdvisorDep,
                            upload: Annotated[SimulationUpload, Form(media_type="multipart/form-data")],
                            idempotency_key: IdempotencyKey = None) -> Response:
    """The registry is read as for a batch (same columns, values, encodings and limits) and screened under the
    rule base and under the reform in one pass: per provision the enterprises that gain, lose, or change to
    or from undetermined, by size, sector and function zone, and a report with charts. Answers 202 with the
    job's status URL."""
    answer_lang = request_lang(request, upload.lang)
    owner = await _owner(request)
    try:
        job, replayed = await submit(request.app, advisor.rulebase, owner, upload.file, upload.reform, answer_lang,
                                     upload.as_of,
                                     lambda ident: str(request.url_for("get_simulation", simulation_id=ident)),
                                     idempotency_key, upload.webhook_url)
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
            result = SimulationResult.model_validate(json.loads(path.read_text(encoding="utf-8")))
        files = SimulationFiles(**{name: url(name) for name in SIMULATION_FILES})
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
    return problem(404, lang, message("sim_not_found", lang), kind="not-found")


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
            response_class=FileResponse, responses={
                200: {"content": {media.split(";")[0]: {"schema": {"type": "string"}}
                                  for _, media in SIMULATION_FILES.values()},
                      "headers": declared("Content-Disposition")}, **_PROBLEMS})
async def get_simulation_file(request: Request, simulation_id: str, name: SimulationFileName) -> Any:
    """report_html / report_md (the report), changes (one row per enterprise and changed provision), summary
    (per provision), breakdown (by size, sector and zone), base (the base's results, as a batch's), errors
    (bad rows), chart_provisions / chart_size (SVG), result (the counts as JSON)."""
    job = await run_in_threadpool(load_simulation, request.app, simulation_id, await _owner(request))
    found = result_file(request.app, job, name) if job is not None else None
    if found is None:
        return _not_found(request)
    path, media = found
    return FileResponse(path, media_type=media, filename=f"simulation-{simulation_id}-{path.name}")
