"""Consultation records: write one with its snapshot, find them, delete one.

The snapshot is the Presenter's JSON document in Chinese and English, exactly as advised; the
findings and their gaps are copied into rows for the search and the statistics.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from .clock import LOCAL, now, week_of
from .models import Consultation, ConsultationFinding, ConsultationGap, StaffUser

STATUSES = ("eligible", "undetermined", "not_eligible")


@dataclass(frozen=True, slots=True)
class Applicant:
    """Optional details of the applicant at the window."""

    name: str | None = None
    credit_code: str | None = None
    contact: str | None = None


def record_consultation(session: Session, staff: StaffUser, profile: dict[str, Any],
                        snapshots: dict[str, dict[str, Any]], lang: str,
                        applicant: Applicant | None = None) -> Consultation:
    """Store a consultation; `snapshots` maps "zh" and "en" to the assessment document. Caller commits."""
    applicant = applicant or Applicant()
    created = now()
    week = week_of(created)
    main = snapshots["zh"]
    counts = main["counts"]
    consultation = Consultation(
        created_at=created, week=week, staff_id=staff.id, staff_name=staff.name,  # type: ignore[arg-type]
        applicant_name=_clean(applicant.name), credit_code=_clean(applicant.credit_code),
        contact=_clean(applicant.contact), lang=lang, as_of=date.fromisoformat(main["as_of"]),
        rulebase_version=main["rulebase_version"], eligible=counts["eligible"],
        undetermined=counts["undetermined"], not_eligible=counts["not_eligible"],
        profile=profile, snapshot_zh=snapshots["zh"], snapshot_en=snapshots["en"])
    session.add(consultation)
    session.flush()
    assert consultation.id is not None
    for finding in main["findings"]:
        session.add(ConsultationFinding(consultation_id=consultation.id, rule_id=finding["id"],
                                        article=finding["article"], status=finding["status"], week=week))
        for missing in finding["missing"]:
            session.add(ConsultationGap(consultation_id=consultation.id, rule_id=finding["id"], kind="missing",
                                        key=missing["field"], week=week))
        for failing in finding["failing"]:
            key = failing.get("field") or failing.get("concept") or "?"
            session.add(ConsultationGap(consultation_id=consultation.id, rule_id=finding["id"], kind="failing",
                                        key=key, week=week))
    return consultation


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


@dataclass(frozen=True, slots=True)
class Search:
    """Filters of the consultation list; empty fields do not filter."""

    date_from: date | None = None
    date_to: date | None = None
    credit_code: str | None = None
    applicant: str | None = None
    provision: str | None = None  # a rule id or an article number such as （十四）
    status: str | None = None


def _local_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL)


def _filtered(query: Any, search: Search) -> Any:
    if search.date_from:
        query = query.where(Consultation.created_at >= _local_start(search.date_from))
    if search.date_to:
        query = query.where(Consultation.created_at < _local_start(search.date_to + timedelta(days=1)))
    if search.credit_code:
        query = query.where(col(Consultation.credit_code).startswith(search.credit_code.strip().upper()))
    if search.applicant:
        query = query.where(func.lower(col(Consultation.applicant_name)).contains(search.applicant.strip().lower()))
    if search.provision or search.status:
        findings = select(ConsultationFinding.consultation_id)
        if search.provision:
            wanted = search.provision.strip()
            findings = findings.where((ConsultationFinding.rule_id == wanted) | (ConsultationFinding.article == wanted))
        if search.status:
            findings = findings.where(ConsultationFinding.status == search.status)
        query = query.where(col(Consultation.id).in_(findings))
    return query


def search_consultations(session: Session, search: Search, limit: int = 100, offset: int = 0) -> list[Consultation]:
    """Consultations matching `search`, newest first."""
    query = _filtered(select(Consultation), search).order_by(col(Consultation.id).desc())
    return list(session.exec(query.offset(offset).limit(limit)))


def count_consultations(session: Session, search: Search) -> int:
    """How many consultations match `search`."""
    query = _filtered(select(func.count()).select_from(Consultation), search)
    return int(session.exec(query).one())


def delete_consultation(session: Session, consultation_id: int) -> bool:
    """Delete a consultation with its findings and gaps; False when it does not exist. Caller commits."""
    consultation = session.get(Consultation, consultation_id)
    if consultation is None:
        return False
    # Explicit deletes: SQLite enforces ON DELETE CASCADE only with foreign_keys on, and we do not rely on it.
    session.exec(delete(ConsultationGap).where(col(ConsultationGap.consultation_id) == consultation_id))
    session.exec(delete(ConsultationFinding).where(col(ConsultationFinding.consultation_id) == consultation_id))
    session.delete(consultation)
    return True
