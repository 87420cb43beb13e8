"""Consultations at the window: new (form + applicant), list and search, record, slip, CSV, delete."""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, HTTPException
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from advisor import creditcode
from advisor.arrange import arranger
from advisor.assess import Advisor
from advisor.batch.outputs import safe_cell
from advisor.catalog_texts import advice
from advisor.clock import local, shown, today
from advisor.messages import message_both, translator
from advisor.present import Presenter
from advisor.profile import ProfileError, parse_profile
from advisor.rulebase import RuleBase
from advisor.storage import Consultation, StaffUser, audit, write_with_retry
from advisor.storage.consultations import (
    MAX_ID,
    STATUSES,
    Applicant,
    Search,
    advice_document,
    applicant_problems,
    consultation_topics,
    count_consultations,
    delete_consultation,
    get_consultation,
    iter_consultations,
    record_consultation,
    search_consultations,
    search_problems,
)
from advisor.text import Lang

from ..pages.advice import arrange
from ..pages.forms import FormState, contradictions, read_form, steps_for, to_profile
from ..pages.render import page_lang
from ..pages.render import render as render_page
from ..pages.selfcheck import step_page
from ..pages.steps import question_counts
from .deps import AdminDep, DbDep, FormDep, StaffDep, render
from .form import form_values, parse_day

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
    """The list's filters, and what is wrong with them in the page's language."""
    params = request.query_params
    lang = page_lang(request)
    t = translator(lang)
    errors = []

    def day(name: str) -> date | None:
        value = params.get(name, "").strip()
        if not value:
            return None
        try:
            return parse_day(value)
        except ValueError:
            errors.append(t("field_problem", field=t(name), problem=t("day_problem", d=today().isoformat())))
            return None

    texts = {name: params.get(name, "") for name in ("credit_code", "applicant", "provision")}
    labels = {"credit_code": "credit_code", "applicant": "applicant", "provision": "provision_search"}
    for name, problem in search_problems(texts).items():
        errors.append(t("field_problem", field=t(labels[name]), problem=problem[0] if lang == "zh" else problem[1]))
        texts[name] = ""
    status = params.get("status", "").strip() or None
    if status and status not in STATUSES:
        allowed = t("list_sep").join(t("status_" + s) for s in STATUSES)
        errors.append(t("field_problem", field=t("status"), problem=allowed))
        status = None
    search = Search(date_from=day("date_from"), date_to=day("date_to"),
                    credit_code=texts["credit_code"].strip() or None, applicant=texts["applicant"].strip() or None,
                    provision=texts["provision"].strip() or None, status=status)
    return search, errors


@router.get("/staff/consultations", include_in_schema=False)
def consultation_list(request: Request, db: DbDep, user: StaffDep) -> Response:
    search, errors = _search_from(request)
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        page = 1
    page = min(page, MAX_ID // PAGE)  # an offset past the integer range would be a database error
    rows = search_consultations(db, search, limit=PAGE, offset=(page - 1) * PAGE)
    total = count_consultations(db, search)
    query = request.url.query
    return staff_page(request, "staff_list.html", user, rows=rows, total=total, page=page,
                      pages=max(1, -(-total // PAGE)), search=search, errors=errors, statuses=STATUSES,
                      query=query, day_example=today().isoformat(),
                      typed={name: request.query_params.get(name, "") for name in ("date_from", "date_to")})


STAFF_FORM = {"base": "/staff/consultations/new", "start_url": "/staff/consultations/new"}


def staff_page(request: Request, name: str, user: StaffUser, status: int = 200, **context: Any) -> Response:
    """A staff page drawn with the public pages' templates and style, one language at a time."""
    return render(request, name, context, status=status, user=user)


@router.get("/staff/consultations/new", include_in_schema=False)
def new_consultation(request: Request, user: StaffDep) -> Response:
    """Topics to tick (then the same stepped form as the self-check), or a walk-in's self-check to import."""
    advisor, _ = _advisor(request)
    catalog = advisor.rulebase.questions
    state = read_form(request.query_params, catalog)
    counts = question_counts(advisor)[0]
    return staff_page(request, "staff_start.html", user, catalog=catalog, state=state, counts=counts,
                      import_error=None, **STAFF_FORM)


@router.get("/staff/consultations/new/import", include_in_schema=False)
def import_selfcheck(request: Request, user: StaffDep) -> Response:
    """A walk-in's self-check link (typed, pasted or scanned from its QR code) opens its answers for review."""
    source = request.query_params.get("source", "").strip()
    query = source.split("?", 1)[1] if "?" in source and "/results" in source.split("?", 1)[0] else None
    if query is None:
        advisor, _ = _advisor(request)
        catalog = advisor.rulebase.questions
        counts = question_counts(advisor)[0]
        return staff_page(request, "staff_start.html", user, status=422, catalog=catalog,
                          state=read_form(request.query_params, catalog), counts=counts, import_error=True,
                          **STAFF_FORM)
    lang = "&lang=en" if page_lang(request) == "en" else ""
    kept = urlencode([(k, v) for k, v in parse_qsl(query) if k not in ("lang", "view")])
    return RedirectResponse(f"/staff/consultations/new/review?{kept}{lang}", status_code=303)


@router.get("/staff/consultations/new/check", include_in_schema=False)
def consultation_step(request: Request, user: StaffDep) -> Response:
    """One step of the consultation form: the self-check's steps, in the staff pages."""
    advisor, _ = _advisor(request)
    from_id = request.query_params.get("from_id", "")  # carried to the review: the record re-assessed
    response = step_page(request, advisor, STAFF_FORM, user=user, csrf_token="",
                         from_id=from_id if from_id.isdigit() else "")
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/staff/consultations/new/review", include_in_schema=False)
def consultation_review(request: Request, db: DbDep, user: StaffDep) -> Response:
    """Check the answers and what the self-check would warn about, name the applicant, assess and save.
    Re-assessing a record (?from_id=) keeps its applicant: nothing to type twice."""
    advisor, _ = _advisor(request)
    from_id = request.query_params.get("from_id", "")
    from_id = from_id if from_id.isdigit() else ""
    state = read_form(request.query_params, advisor.rulebase.questions)
    applicant = {"as_of": today().isoformat()}
    earlier = get_consultation(db, int(from_id)) if from_id and len(from_id) < 12 else None
    if earlier is not None:
        applicant.update(applicant_name=earlier.applicant_name or "", contact=earlier.contact or "",
                         name_withheld="1" if earlier.name_withheld else "", lang=earlier.lang)
    return _review_page(request, user, advisor, state, errors={}, applicant=applicant, from_id=from_id)


def _review_page(request: Request, user: StaffUser, advisor: Advisor, state: FormState, errors: dict[str, str],
                 applicant: dict[str, str], from_id: str, status: int = 200) -> Response:
    catalog = advisor.rulebase.questions
    warnings = [(path, text) for path, text in answer_warnings(advisor, state.answers, page_lang(request))
                if path not in errors]
    return staff_page(request, "staff_review.html", user, status=status, catalog=catalog, state=state,
                      steps=steps_for(state, catalog), conflicts=contradictions(state.answers, catalog),
                      warnings=warnings, errors=errors, applicant=applicant, from_id=from_id,
                      day_example=today().isoformat(), **STAFF_FORM)


def answer_warnings(advisor: Advisor, answers: dict[str, str], lang: Lang) -> list[tuple[str, str]]:
    """What the self-check warns an enterprise about in these answers, as (field path, message): a
    malformed credit code, a check character that does not match, an answer its others contradict."""
    raw, form_warnings = to_profile(answers, advisor.rulebase.questions)
    found = [(path, text.get(lang)) for path, text in form_warnings.items()]
    try:
        assessment = advisor.assess_data(raw)
    except ProfileError:  # a bad answer is an error, shown as one when saving
        return found
    return found + [(warning.path, warning.message.get(lang)) for warning in assessment.warnings]


def asked_rules(rulebase: RuleBase, topics: Iterable[str]) -> set[str]:
    """The provisions a consultation asked about: those of its topics (advisor.arrange), and the services
    every enterprise of the district has."""
    chosen = arranger(rulebase)
    return set(chosen.playing(tuple(topics))) | {rule_id for rule_id, own in chosen.topics_of.items() if not own}


@router.post("/staff/consultations", include_in_schema=False)
def create_consultation(request: Request, form: FormDep, db: DbDep, user: StaffDep) -> Response:
    """Assess the answers and store the consultation with its advice in both languages.

    The applicant is named, or the clerk ticked that the applicant leaves no name: never neither."""
    advisor, presenter = _advisor(request)
    catalog = advisor.rulebase.questions
    page: Lang = page_lang(request)
    t = translator(page)
    answers = {path: value.strip() for path, value in form.multi_items()
               if path in catalog.by_path and isinstance(value, str) and value.strip()}
    known = {topic.id for topic in catalog.topics}
    topics = list(dict.fromkeys(topic for topic in form.getlist("topic") if isinstance(topic, str) and topic in known))
    raw, _ = to_profile(answers, catalog)
    slip_lang: Lang = "en" if form.get("lang") == "en" else "zh"
    applicant = {key: str(form.get(key) or "").strip() for key in ("applicant_name", "contact", "as_of")}
    withheld = form.get("name_withheld") == "1"
    errors: dict[str, str] = {}
    if not applicant["applicant_name"] and not withheld:
        errors["applicant_name"] = t("name_required")
    elif applicant["applicant_name"] and withheld:
        errors["applicant_name"] = t("name_both")
    code = answers.get("enterprise.credit_code")
    problem = creditcode.format_error(creditcode.normalise(code)) if code else None
    if problem:  # the record is found by its credit code: at the window a malformed one is an error
        errors["enterprise.credit_code"] = problem[0] if page == "zh" else problem[1]
    as_of = None
    if applicant["as_of"]:
        try:
            as_of = parse_day(applicant["as_of"])
        except ValueError:
            errors["as_of"] = t("day_problem", d=today().isoformat())
    for name, problem in applicant_problems(applicant).items():
        errors.setdefault(name, problem[0] if page == "zh" else problem[1])
    assessment = None
    if not errors:
        try:
            profile = parse_profile(raw)
            assessment = advisor.assess_data(raw, as_of)
        except ProfileError as error:
            errors.update({issue.path: issue.message.get(page) for issue in error.issues})
    if assessment is None:
        kept = dict(applicant, name_withheld="1" if withheld else "", lang=slip_lang)
        return _review_page(request, user, advisor, FormState(topics, answers), errors, kept,
                            str(form.get("from_id") or ""), status=422)
    stored_profile = profile.model_dump(mode="json", exclude_none=True)
    stored_profile = {section: values for section, values in stored_profile.items() if values}
    code = (stored_profile.get("enterprise") or {}).get("credit_code")
    kept = advice(presenter, assessment, topics or None)
    details = Applicant(applicant["applicant_name"], code, applicant["contact"], name_withheld=withheld)
    in_play = kept.documents["zh"]["answer"]["topics"]  # the topics the answer was arranged for
    asked = asked_rules(advisor.rulebase, in_play)
    consultation = write_with_retry(db, lambda session: record_consultation(
        session, user, stored_profile, kept, slip_lang, details, topics=in_play, asked=asked))
    return RedirectResponse(f"/staff/consultations/{consultation.id}{'?lang=en' if page == 'en' else ''}",
                            status_code=303)


def _get(db: DbDep, consultation_id: int) -> Consultation:
    consultation = get_consultation(db, consultation_id)
    if consultation is None:
        raise HTTPException(404, message_both("staff_no_record"))
    return consultation


@router.get("/staff/consultations/{consultation_id}", include_in_schema=False)
def consultation_record(request: Request, consultation_id: int, db: DbDep, user: StaffDep) -> Response:
    """The record: the slip as advised (printable as it stands), what to check with the applicant,
    the answers as people read them, earlier consultations of the same enterprise, and a way to add
    answers and re-assess."""
    consultation = _get(db, consultation_id)
    advisor, _ = _advisor(request)
    lang = page_lang(request)
    doc = advice_document(db, consultation, lang)
    answers = form_values(consultation.profile)
    topics = consultation_topics(db, consultation_id)
    history = []
    if consultation.credit_code or consultation.applicant_name:
        search = Search(credit_code=consultation.credit_code) if consultation.credit_code else \
            Search(applicant=consultation.applicant_name)
        history = [c for c in search_consultations(db, search, limit=20) if c.id != consultation.id]
    catalog = advisor.rulebase.questions
    state = FormState(topics, answers)
    reassess = state.query([("from_id", str(consultation.id))])
    warnings = [(w["path"], w["message"]) for w in doc.get("warnings", ())]
    return staff_page(request, "staff_record.html", user, c=consultation, doc=doc, catalog=catalog,
                      state=state, steps=steps_for(state, catalog), history=history,
                      reassess_query=reassess, staff=_slip_staff(consultation, lang), warnings=warnings,
                      conflicts=contradictions(answers, catalog),
                      topic_labels=[topic.label.get(lang) for topic in catalog.topics if topic.id in topics],
                      advice=arrange(doc, advisor.rulebase, topics, answers),
                      titles={f["id"]: f["title"] for f in doc["findings"]})


def _slip_staff(consultation: Consultation, lang: Lang) -> dict[str, Any]:
    """What the slip shows of the record: reference, time, applicant (or 不留姓名), who advised."""
    withheld = translator(lang)("name_withheld") if consultation.name_withheld else None
    applicant = consultation.applicant_name or withheld
    return {"id": consultation.id, "created": shown(consultation.created_at),
            "applicant": applicant, "credit_code": consultation.credit_code,
            "staff_name": consultation.staff_name}


@router.get("/staff/consultations/{consultation_id}/slip", include_in_schema=False)
def consultation_slip(request: Request, consultation_id: int, db: DbDep, user: StaffDep) -> Response:
    """The advice slip, drawn only from the stored snapshot: it prints the advice as it was given."""
    consultation = _get(db, consultation_id)
    lang: Lang = "en" if (request.query_params.get("lang") or consultation.lang) == "en" else "zh"
    doc = advice_document(db, consultation, lang)
    advisor, _ = _advisor(request)
    answers = form_values(consultation.profile)
    topics = consultation_topics(db, consultation_id)
    response = render_page(request, "slip.html", lang=lang, doc=doc, staff=_slip_staff(consultation, lang),
                           advice=arrange(doc, advisor.rulebase, topics, answers),
                           titles={f["id"]: f["title"] for f in doc["findings"]})
    response.headers["Cache-Control"] = "no-store"  # records must not linger in shared caches
    return response


@router.post("/staff/consultations/{consultation_id}/delete", include_in_schema=False)
def consultation_delete(consultation_id: int, form: FormDep, db: DbDep, admin: AdminDep) -> Response:
    if not delete_consultation(db, consultation_id):
        raise HTTPException(404, message_both("staff_no_record"))
    audit.record(db, "delete", admin, f"consultation {consultation_id}")
    db.commit()
    return RedirectResponse("/staff/consultations", status_code=303)


_CSV_COLUMNS = ("id", "created_at", "staff", "applicant_name", "name_withheld", "credit_code", "contact", "as_of",
                "rulebase_version", "eligible", "undetermined", "not_eligible", "eligible_provisions")


@router.get("/staff/export.csv", include_in_schema=False)
def consultation_export(request: Request, db: DbDep, admin: AdminDep) -> Response:
    search, errors = _search_from(request)
    if errors:
        raise HTTPException(400, "; ".join(errors))
    # Which filters were used, never their values: the log holds no applicant or profile data.
    used = ",".join(sorted(key for key, value in request.query_params.items() if value)) or "none"
    audit.record(db, "export", admin, f"{count_consultations(db, search)} consultations; filters: {used}")
    db.commit()
    lines = _csv_lines(search, request.app.state.engine)
    return StreamingResponse(lines, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="consultations.csv"', "Cache-Control": "no-store"})


def _csv_lines(search: Search, engine: Engine) -> Iterator[str]:
    """The export, a few hundred rows at a time: only the list columns are read, memory stays flat.
    Its own session: the request's may be closed before the last row is sent."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # a BOM, so spreadsheet programs read the Chinese text as UTF-8
    writer.writerow(_CSV_COLUMNS)
    with Session(engine) as session:
        for number, c in enumerate(iter_consultations(session, search), 1):
            writer.writerow([safe_cell(v) for v in (
                c.id, local(c.created_at).isoformat(timespec="seconds"), c.staff_name, c.applicant_name,
                "yes" if c.name_withheld else "", c.credit_code, c.contact, c.as_of.isoformat(), c.rulebase_version,
                c.eligible, c.undetermined, c.not_eligible, c.eligible_rules)])
            if number % 500 == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue()
