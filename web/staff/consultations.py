"""Consultations at the window: new (form + applicant), list and search, record, slip, CSV, delete."""

import csv
import io
from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from advisor import creditcode
from advisor.assess import Advisor
from advisor.present import Presenter
from advisor.profile import ProfileError, parse_profile
from advisor.storage import Consultation, audit
from advisor.storage.clock import local
from advisor.storage.consultations import (
    STATUSES,
    Applicant,
    Search,
    count_consultations,
    delete_consultation,
    record_consultation,
    search_consultations,
)
from advisor.text import Lang

from ..pages.advice import arrange
from ..pages.render import render as render_page
from .deps import AdminDep, DbDep, FormDep, StaffDep, render
from .form import form_sections, form_values, profile_from_form

router = APIRouter()
PAGE = 50
_fallback: dict[str, Any] = {}


def _advisor(request: Request) -> tuple[Advisor, Presenter]:
    """The app's Advisor and Presenter (create_app builds them), or one of our own."""
    state = request.app.state
    advisor = getattr(state, "advisor", None)
    if advisor is None:
        advisor = _fallback.setdefault("advisor", Advisor())
    presenter = getattr(state, "presenter", None) or _fallback.setdefault("presenter", Presenter(advisor.rulebase))
    return advisor, presenter


def _search_from(request: Request) -> tuple[Search, list[str]]:
    params = request.query_params
    errors = []

    def day(name: str) -> date | None:
        value = params.get(name, "").strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            errors.append(f"{name}: 应为日期 YYYY-MM-DD / must be a date YYYY-MM-DD")
            return None

    status = params.get("status", "").strip() or None
    if status and status not in STATUSES:
        errors.append(f"status: 应为 {', '.join(STATUSES)} / must be one of {', '.join(STATUSES)}")
        status = None
    search = Search(date_from=day("date_from"), date_to=day("date_to"),
                    credit_code=params.get("credit_code", "").strip() or None,
                    applicant=params.get("applicant", "").strip() or None,
                    provision=params.get("provision", "").strip() or None, status=status)
    return search, errors


@router.get("/staff/consultations", include_in_schema=False)
def consultation_list(request: Request, db: DbDep, user: StaffDep) -> Response:
    search, errors = _search_from(request)
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        page = 1
    rows = search_consultations(db, search, limit=PAGE, offset=(page - 1) * PAGE)
    total = count_consultations(db, search)
    advisor, _ = _advisor(request)
    query = request.url.query
    return render(request, "list.html", {
        "rows": rows, "total": total, "page": page, "pages": max(1, -(-total // PAGE)), "search": search,
        "errors": errors, "statuses": STATUSES, "query": query, "rules": advisor.rulebase.rules,
    }, user=user)


@router.get("/staff/consultations/new", include_in_schema=False)
def new_consultation(request: Request, user: StaffDep) -> Response:
    return render(request, "new.html", {"sections": form_sections(), "values": {}, "errors": {},
                                        "applicant": {}, "as_of": date.today().isoformat(), "lang": "zh"}, user=user)


@router.post("/staff/consultations", include_in_schema=False)
def create_consultation(request: Request, form: FormDep, db: DbDep, user: StaffDep) -> Response:
    advisor, presenter = _advisor(request)
    raw = profile_from_form(form)
    lang = "en" if form.get("lang") == "en" else "zh"
    applicant = {key: str(form.get(key) or "").strip() for key in ("applicant_name", "credit_code", "contact")}
    errors: dict[str, str] = {}
    as_of_text = str(form.get("as_of") or "").strip()
    as_of = None
    if as_of_text:
        try:
            as_of = date.fromisoformat(as_of_text)
        except ValueError:
            errors["as_of"] = "应为日期 YYYY-MM-DD" if lang == "zh" else "must be a date YYYY-MM-DD"
    if applicant["credit_code"]:
        applicant["credit_code"] = creditcode.normalise(applicant["credit_code"])
        problem = creditcode.format_error(applicant["credit_code"])
        if problem:
            errors["credit_code"] = problem[0] if lang == "zh" else problem[1]
    assessment = None
    if not errors:
        try:
            profile = parse_profile(raw)
            assessment = advisor.assess_data(raw, as_of)
        except ProfileError as error:
            errors.update({issue.path: issue.message.get(lang) for issue in error.issues})
    if assessment is None:
        return render(request, "new.html", {"sections": form_sections(), "values": form_values(raw), "errors": errors,
                                            "applicant": applicant, "as_of": as_of_text, "lang": lang},
                      status=422, user=user)
    stored_profile = profile.model_dump(mode="json", exclude_none=True)
    stored_profile = {section: values for section, values in stored_profile.items() if values}
    code = applicant["credit_code"] or (stored_profile.get("enterprise") or {}).get("credit_code")
    snapshots = {lang_: presenter.assessment_dict(assessment, lang_) for lang_ in ("zh", "en")}
    consultation = record_consultation(db, user, stored_profile, snapshots, lang, Applicant(
        applicant["applicant_name"], code, applicant["contact"]))
    db.commit()
    return RedirectResponse(f"/staff/consultations/{consultation.id}", status_code=303)


def _get(db: DbDep, consultation_id: int) -> Consultation:
    consultation = db.get(Consultation, consultation_id)
    if consultation is None:
        raise HTTPException(404, "没有这条咨询记录 / no such consultation")
    return consultation


@router.get("/staff/consultations/{consultation_id}", include_in_schema=False)
def consultation_record(request: Request, consultation_id: int, db: DbDep, user: StaffDep) -> Response:
    consultation = _get(db, consultation_id)
    advisor, _ = _advisor(request)
    questions = advisor.rulebase.questions.by_path
    answers = [(questions[f"{section}.{field}"].label.zh if f"{section}.{field}" in questions else f"{section}.{field}",
                value) for section, fields in consultation.profile.items() for field, value in fields.items()]
    return render(request, "record.html", {"c": consultation, "doc": consultation.snapshot_zh,
                                           "answers": answers}, user=user)


@router.get("/staff/consultations/{consultation_id}/slip", include_in_schema=False)
def consultation_slip(request: Request, consultation_id: int, db: DbDep, user: StaffDep) -> Response:
    """The advice slip, drawn only from the stored snapshot: it prints the advice as it was given."""
    consultation = _get(db, consultation_id)
    lang: Lang = "en" if (request.query_params.get("lang") or consultation.lang) == "en" else "zh"
    doc = consultation.snapshot_en if lang == "en" else consultation.snapshot_zh
    advisor, _ = _advisor(request)
    answers = {f"{section}.{name}": value for section, values in consultation.profile.items()
               for name, value in values.items()}
    staff = {"id": consultation.id, "created": local(consultation.created_at).strftime("%Y-%m-%d %H:%M"),
             "applicant": consultation.applicant_name, "credit_code": consultation.credit_code,
             "staff_name": consultation.staff_name}
    response = render_page(request, "slip.html", lang=lang, doc=doc, staff=staff,
                           advice=arrange(doc, advisor.rulebase, [], answers),
                           titles={f["id"]: f["title"] for f in doc["findings"]})
    response.headers["Cache-Control"] = "no-store"  # records must not linger in shared caches
    return response


@router.post("/staff/consultations/{consultation_id}/delete", include_in_schema=False)
def consultation_delete(consultation_id: int, form: FormDep, db: DbDep, admin: AdminDep) -> Response:
    if not delete_consultation(db, consultation_id):
        raise HTTPException(404, "没有这条咨询记录 / no such consultation")
    audit.record(db, "delete", admin, f"consultation {consultation_id}")
    db.commit()
    return RedirectResponse("/staff/consultations", status_code=303)


_CSV_COLUMNS = ("id", "created_at", "staff", "applicant_name", "credit_code", "contact", "as_of",
                "rulebase_version", "eligible", "undetermined", "not_eligible", "eligible_provisions")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ is a formula to a spreadsheet: quote it (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@router.get("/staff/export.csv", include_in_schema=False)
def consultation_export(request: Request, db: DbDep, admin: AdminDep) -> Response:
    search, errors = _search_from(request)
    if errors:
        raise HTTPException(400, "; ".join(errors))
    rows = search_consultations(db, search, limit=100_000)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a BOM, so spreadsheet programs read the Chinese text as UTF-8
    writer = csv.writer(buffer)
    writer.writerow(_CSV_COLUMNS)
    for c in rows:
        eligible = " ".join(f["id"] for f in c.snapshot_zh["findings"] if f["status"] == "eligible")
        writer.writerow([_cell(v) for v in (
            c.id, local(c.created_at).isoformat(timespec="seconds"), c.staff_name, c.applicant_name, c.credit_code,
            c.contact, c.as_of.isoformat(), c.rulebase_version, c.eligible, c.undetermined, c.not_eligible,
            eligible)])
    # Which filters were used, never their values: the log holds no applicant or profile data.
    used = ",".join(sorted(key for key, value in request.query_params.items() if value)) or "none"
    audit.record(db, "export", admin, f"{len(rows)} consultations; filters: {used}")
    db.commit()
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="consultations.csv"', "Cache-Control": "no-store"})
