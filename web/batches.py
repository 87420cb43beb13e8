"""Batch screening over HTTP: upload a registry (CSV or JSON Lines), poll, download the results.

POST /api/v1/batches stores the upload under the data folder (ADVISOR_DATA_DIR, default ./data)
and starts `advisor batch` as a background process using every core; it keeps a status file
current, so GET /api/v1/batches/{id} answers from any server worker process, and a job survives
a server restart. The files use the column mapping of advisor/batch/columns.py.
"""

import json
import os
import re
import secrets
import subprocess
import sys
import threading
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import FileResponse
from starlette.requests import Request
from starlette.responses import JSONResponse

from advisor.batch.columns import BatchInputError, ColumnMap
from advisor.batch.formats import open_reader

from .deps import AdvisorDep
from .i18n import request_lang
from .problems import problem
from .staff.apikeys import require_api_key

# Partner keys as for the rest of /api/v1 (enforced when API_KEYS_REQUIRED=true): 蓉易享 submits its registry.
router = APIRouter(prefix="/api/v1", tags=["batches"], dependencies=[Depends(require_api_key)])

_ID = re.compile(r"^[0-9a-f]{16}$")
_SUFFIXES = {".csv": ".csv", ".jsonl": ".jsonl", ".ndjson": ".jsonl"}
FILES = {"results": "results.csv", "errors": "errors.csv", "summary": "summary.csv"}
_CHUNK = 1 << 20


def _data_dir(request: Request) -> Path:
    return Path(request.app.state.settings.data_dir) / "batches"


def _max_jobs(request: Request) -> int:
    return int(request.app.state.settings.batch_max_jobs)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _running_jobs(root: Path) -> int:
    if not root.is_dir():
        return 0
    count = 0
    for job in root.iterdir():
        status, meta = _read_json(job / "status.json"), _read_json(job / "job.json")
        if status and meta and status.get("state") in ("queued", "running") and _alive(int(meta["pid"])):
            count += 1
    return count


def _start(job: Path, source: Path, lang: str, workers: int | None) -> int:
    """Start `advisor batch` on the upload; a thread reaps it and records a crash as a failure."""
    command = [sys.executable, "-m", "advisor", "batch", str(source), "--out", str(job / FILES["results"]),
               "--errors", str(job / FILES["errors"]), "--summary", str(job / FILES["summary"]),
               "--status", str(job / "status.json"), "--lang", lang, "--quiet",
               "--include", "undetermined", "--no-bom"]  # the API's files are read by programs
    if workers is not None:
        command += ["--workers", str(workers)]
    log = (job / "batch.log").open("wb")
    child = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()

    def reap() -> None:
        code = child.wait()
        status = _read_json(job / "status.json") or {}
        if code not in (0, 1) and status.get("state") != "failed":
            (job / "status.json").write_text(json.dumps({"state": "failed", "error": f"exit code {code}"}),
                                             encoding="utf-8")

    threading.Thread(target=reap, daemon=True).start()
    return child.pid


@router.post("/batches", status_code=202, summary="Screen an uploaded registry in the background",
             responses={202: {"description": "Accepted: poll the status URL"}})
async def create_batch(request: Request, advisor: AdvisorDep,
                       file: Annotated[UploadFile, File(description="registry: .csv or .jsonl, one enterprise a row")],
                       lang: Annotated[str | None, Form(description="zh or en: language of the errors file")] = None,
                       ) -> JSONResponse:
    """Columns: `id` (optional) and one per profile field by dotted path (e.g. project.floor_area_m2);
    values as text (true/false/是/否, numbers, enum values); blank = unknown. Answers 202 with the
    job's status URL; GET it for progress and, when done, the result files."""
    answer_lang = request_lang(request, lang)
    zh = answer_lang == "zh"
    suffix = _SUFFIXES.get(Path(file.filename or "").suffix.lower())
    if suffix is None:
        return problem(415, answer_lang, "请上传 .csv 或 .jsonl 文件" if zh else "upload a .csv or .jsonl file",
                       kind="unsupported-file")
    root = _data_dir(request)
    if _running_jobs(root) >= _max_jobs(request):
        busy = "批量任务已满，请稍后再试" if zh else "too many batch jobs running; retry later"
        return problem(503, answer_lang, busy, kind="busy", headers={"Retry-After": "60"})
    ident = secrets.token_hex(8)
    job = root / ident
    job.mkdir(parents=True)
    source = job / f"input{suffix}"
    with source.open("wb") as out:
        while chunk := await file.read(_CHUNK):
            out.write(chunk)
    try:  # check the columns now, so a wrong file is answered at once rather than by a failed job
        reader = open_reader(source)
        try:
            ColumnMap(advisor.rulebase.questions).check_columns(reader.columns)
            if next(iter(reader), None) is None:
                raise BatchInputError("the file has no rows", "文件中没有数据行")
        finally:
            reader.close()
    except BatchInputError as error:
        for path in job.iterdir():
            path.unlink()
        job.rmdir()
        reason = error.message(answer_lang)
        return problem(422, answer_lang, reason, [{"path": "file", "message": reason}], kind="invalid-file")
    (job / "status.json").write_text(json.dumps({"state": "queued"}), encoding="utf-8")
    pid = _start(job, source, answer_lang, request.app.state.settings.batch_workers)
    (job / "job.json").write_text(json.dumps({"pid": pid, "filename": file.filename}, ensure_ascii=False),
                                  encoding="utf-8")
    url = str(request.url_for("get_batch", batch_id=ident))
    return JSONResponse({"id": ident, "state": "queued", "status_url": url}, status_code=202,
                        headers={"Location": url})


def _job(request: Request, batch_id: str) -> Path | None:
    if not _ID.match(batch_id):
        return None
    job = _data_dir(request) / batch_id
    return job if (job / "status.json").exists() else None


def _not_found(request: Request) -> JSONResponse:
    lang = request_lang(request)
    return problem(404, lang, "没有这个批量任务" if lang == "zh" else "no such batch job", kind="not-found")


@router.get("/batches/{batch_id}", summary="Progress of a batch job and, when done, its result files")
async def get_batch(request: Request, batch_id: str) -> JSONResponse:
    """state: queued, running (rows, failed, fraction, rate_per_s, seconds_left), done (counts and
    `files`: results, errors, summary as download URLs) or failed (error)."""
    job = _job(request, batch_id)
    if job is None:
        return _not_found(request)
    status = _read_json(job / "status.json") or {"state": "queued"}
    body: dict[str, Any] = {"id": batch_id, **{k: v for k, v in status.items() if k not in FILES and k != "output"}}
    if status.get("state") == "done":
        body["files"] = {name: str(request.url_for("get_batch_file", batch_id=batch_id, name=name))
                         for name in FILES}
    return JSONResponse(body)


@router.get("/batches/{batch_id}/files/{name}", summary="Download a result file of a finished batch job",
            response_class=FileResponse)
async def get_batch_file(request: Request, batch_id: str, name: str) -> Any:
    """name: results (per enterprise: eligible, undetermined, questions), errors (bad rows with line
    numbers) or summary (per provision: eligible and undetermined counts); all CSV."""
    job = _job(request, batch_id)
    status = _read_json(job / "status.json") if job else None
    if job is None or name not in FILES or not status or status.get("state") != "done":
        return _not_found(request)
    return FileResponse(job / FILES[name], media_type="text/csv; charset=utf-8",
                        filename=f"batch-{batch_id}-{FILES[name]}")
