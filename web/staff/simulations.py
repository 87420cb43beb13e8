"""The reform simulations page for admins: upload a registry and a reform, follow the job, read the report.

A simulation submitted here is the same durable job as one submitted to POST /api/v1/simulations
(web/api/simulations.py `submit`), owned by the admin who made it (staff:ID): only they see it here and at
the API. The report is shown in the page, the files are downloaded from here (a staff session, no API key).
"""

from datetime import date

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from advisor.batch.formats import SUFFIXES
from advisor.messages import message_both
from advisor.storage import jobs

from ..api.simulations import SIMULATION_FILES, Refusal, load_simulation, result_file, simulation_status, submit
from ..pages.render import page_lang
from .deps import AdminDep, FormDep, render

router = APIRouter()
_PAGE = "/staff/admin/simulations"


def _owner(admin_id: int | None) -> str:
    return f"staff:{admin_id}"


def _page(request: Request, admin: AdminDep, error: str | None = None, status: int = 200) -> Response:
    recent = jobs.list_jobs(request.app.state.engine, _owner(admin.id), "simulation")
    return render(request, "admin_simulations.html", {"recent": recent, "error": error, "accept": ",".join(SUFFIXES)},
                  status=status, user=admin)


@router.get(_PAGE, include_in_schema=False)
def simulations_page(request: Request, admin: AdminDep) -> Response:
    return _page(request, admin)


@router.post(_PAGE, include_in_schema=False)
async def simulations_submit(request: Request, form: FormDep, admin: AdminDep) -> Response:
    lang = page_lang(request)
    registry, reform = form.get("file"), form.get("reform")
    report_lang = "en" if form.get("report_lang") == "en" else "zh"
    as_of_text = str(form.get("as_of") or "").strip()
    try:
        if not isinstance(registry, UploadFile) or not registry.filename:
            raise Refusal.of(422, "file", "sim_choose_registry")
        if not isinstance(reform, UploadFile) or not reform.filename:
            raise Refusal.of(422, "reform", "sim_choose_reform")
        try:
            as_of = date.fromisoformat(as_of_text) if as_of_text else None
        except ValueError:
            raise Refusal.of(422, "as_of", "date_format") from None
        job, _ = await submit(request.app, request.app.state.advisor.rulebase, _owner(admin.id), registry, reform,
                              report_lang, as_of, lambda ident: str(request.url_for("get_simulation",
                                                                                    simulation_id=ident)))
    except Refusal as refusal:
        return await run_in_threadpool(_page, request, admin, refusal.zh if lang == "zh" else refusal.en,
                                       refusal.status)
    finally:  # the form was parsed by the CSRF check: its uploads are closed here
        for upload in (registry, reform):
            if isinstance(upload, UploadFile):
                await upload.close()
    suffix = "?lang=en" if lang == "en" else ""
    return RedirectResponse(f"{_PAGE}/{job.id}{suffix}", status_code=303)


def _report(text: str) -> str:
    """The report's body, as the page shows it (report.py writes it without inline style or script)."""
    start, end = text.find("<body>"), text.rfind("</body>")
    return text[start + len("<body>"):end] if start >= 0 and end > start else ""


@router.get(_PAGE + "/{simulation_id}", include_in_schema=False)
def simulation_page(request: Request, simulation_id: str, admin: AdminDep) -> Response:
    job = load_simulation(request.app, simulation_id, _owner(admin.id))
    if job is None:
        raise HTTPException(404, message_both("sim_not_found"))
    suffix = "?lang=en" if page_lang(request) == "en" else ""
    status = simulation_status(request.app, job, lambda name: f"{_PAGE}/{job.id}/files/{name}{suffix}")
    found = result_file(request.app, job, "report_html")
    report = _report(found[0].read_text(encoding="utf-8")) if found else ""
    return render(request, "admin_simulation.html", {"job": status, "report": report,
                                                     "file_names": list(SIMULATION_FILES)}, user=admin)


@router.get(_PAGE + "/{simulation_id}/files/{name}", include_in_schema=False)
def simulation_file(request: Request, simulation_id: str, name: str, admin: AdminDep) -> Response:
    job = load_simulation(request.app, simulation_id, _owner(admin.id))
    found = result_file(request.app, job, name) if job is not None else None
    if found is None:
        raise HTTPException(404, message_both("sim_no_file"))
    path, media = found
    response = FileResponse(path, media_type=media, filename=f"simulation-{simulation_id}-{path.name}")
    response.headers["Cache-Control"] = "no-store"
    return response
