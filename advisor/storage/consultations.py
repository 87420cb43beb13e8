"""Consultation records: write one with its advice, find them, export them, delete one.

The advice is the Presenter's full JSON document in Chinese and English with the texts it refers to
(advisor.document.Advice), stored compressed against its rule-base version's base (advice.py) and read
back expanded, exactly as advised: the record keeps the answers, the
answer's counts (what its slip says: advisor.arrange), every eligible rule id and the packed
documents. The findings and their gaps are copied into small rows (provision numbers) for the
search and the statistics.
"""

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, func, insert
from sqlmodel import Session, col, select

from ..clock import day_start, now, week_of
from ..document import Advice
from .advice import pack, unpack
from .db import insert_ignoring_duplicates
from .fields import text_problem
from .models import Consultation, ConsultationFinding, ConsultationGap, ConsultationTopic, Provision, StaffUser

STATUSES = ("eligible", "undetermined", "not_eligible")
# The largest id a record can have on both databases (PostgreSQL INTEGER); beyond it nothing exists.
MAX_ID = 2**31 - 1
APPLICANT_LIMITS = {"applicant_name": 200, "credit_code": 18, "contact": 200}
SEARCH_LIMIT = 200  # longer than anything stored: a longer filter is a mistake, not a search


@dataclass(frozen=True, slots=True)
class Applicant:
    """The applicant at the window: a name, or the choice not to leave one (name_withheld)."""

    name: str | None = None
    credit_code: str | None = None
    contact: str | None = None
    name_withheld: bool = False


def record_consultation(session: Session, staff: StaffUser, profile: dict[str, Any],
                        advice: Advice, lang: str,
                        applicant: Applicant | None = None, topics: Collection[str] = (),
                        asked: Collection[str] | None = None) -> Consultation:
    """Store a consultation with its advice in both languages. Caller commits.

    `topics` are the topics the consultation ticked; `asked` the rule ids of those topics (and of the
    services every enterprise has): only their findings count in the statistics and only their gaps
    are kept. None counts every finding."""
    applicant = applicant or Applicant()
    created = now()
    week = week_of(created)
    main = advice.expanded("zh")
    # What the slip and the record say: "可以享受 (N)" counts the answer's cards for the topics asked about.
    counts = main.get("answer") or main["counts"]
    consultation = Consultation(
        created_at=created, week=week, staff_id=staff.id, staff_name=staff.name,  # type: ignore[arg-type]
        applicant_name=_clean(applicant.name), name_withheld=applicant.name_withheld and not _clean(applicant.name),
        credit_code=_clean(applicant.credit_code),
        contact=_clean(applicant.contact), lang=lang, as_of=date.fromisoformat(main["as_of"]),
        rulebase_version=main["rulebase_version"], eligible=counts["eligible"],
        undetermined=counts["undetermined"], not_eligible=counts["not_eligible"],
        eligible_rules=" ".join(f["id"] for f in main["findings"] if f["status"] == "eligible"),
        profile=profile, advice_base="", advice=b"")
    consultation.advice_base, consultation.advice = pack(session, advice)
    session.add(consultation)
    session.flush()
    assert consultation.id is not None
    numbers = provision_numbers(session, [(finding["id"], finding["article"]) for finding in main["findings"]])
    findings = []
    gaps: dict[tuple[str, str], int] = {}
    for finding in main["findings"]:
        counted = asked is None or finding["id"] in asked
        findings.append({"consultation_id": consultation.id, "provision_id": numbers[finding["id"]],
                         "status": finding["status"], "in_topics": counted})
        if not counted:  # a gap of a topic nobody asked about is not a gap of this consultation
            continue
        for missing in finding["missing"]:
            gaps[("missing", missing["field"])] = gaps.get(("missing", missing["field"]), 0) + 1
        for failing in finding["failing"]:
            key = failing.get("field") or failing.get("concept") or "?"
            gaps[("failing", key)] = gaps.get(("failing", key), 0) + 1
    # One multi-row INSERT per table rather than one ORM object per row.
    session.execute(insert(ConsultationFinding), findings)
    if topics:
        session.execute(insert(ConsultationTopic), [{"consultation_id": consultation.id, "topic": topic}
                                                    for topic in dict.fromkeys(topics)])
    if gaps:
        session.execute(insert(ConsultationGap), [
            {"consultation_id": consultation.id, "kind": kind, "key": key, "findings": count}
            for (kind, key), count in gaps.items()])
    return consultation


def provision_numbers(session: Session, rules: list[tuple[str, str]]) -> dict[str, int]:
    """The provision number of each (rule id, article), numbering the new ones."""
    wanted = dict(rules)
    known = dict(session.exec(select(Provision.rule_id, Provision.id).where(col(Provision.rule_id).in_(wanted))).all())
    new = [{"rule_id": rule_id, "article": article} for rule_id, article in wanted.items() if rule_id not in known]
    if new:  # a concurrent first use numbers the same rule: the duplicate is skipped
        insert_ignoring_duplicates(session, Provision, new)
        known = dict(session.exec(select(Provision.rule_id, Provision.id)
                                  .where(col(Provision.rule_id).in_(wanted))).all())
    return {rule_id: int(number) for rule_id, number in known.items() if number is not None}


def advice_document(session: Session, consultation: Consultation, lang: str) -> dict[str, Any]:
    """The advice document of a consultation in `lang` ("en", else Chinese), exactly as advised."""
    return unpack(session, consultation.advice_base, consultation.advice, "en" if lang == "en" else "zh")


def consultation_topics(session: Session, consultation_id: int) -> list[str]:
    """The topics a consultation ticked (none for records made before topics were kept)."""
    query = select(ConsultationTopic.topic).where(ConsultationTopic.consultation_id == consultation_id)
    return list(session.exec(query).all())


def get_consultation(session: Session, consultation_id: int) -> Consultation | None:
    """One consultation, or None (also for an id no record can have)."""
    if not 0 < consultation_id <= MAX_ID:
        return None
    return session.get(Consultation, consultation_id)


def applicant_problems(values: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Per applicant field (applicant_name, credit_code, contact), why its value cannot be stored."""
    problems = {}
    for name, limit in APPLICANT_LIMITS.items():
        problem = text_problem(values.get(name) or "", limit)
        if problem:
            problems[name] = problem
    return problems


def search_problems(values: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Per search filter, why its value cannot be searched for (too long, control characters)."""
    return {name: problem for name, value in values.items() if (problem := text_problem(value, SEARCH_LIMIT))}


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


def _like_literal(text: str) -> str:
    # The search is for the text as typed: % and _ are characters, not wildcards.
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(query: Any, search: Search) -> Any:
    if search.date_from:
        query = query.where(Consultation.created_at >= day_start(search.date_from))
    if search.date_to:
        query = query.where(Consultation.created_at < day_start(search.date_to + timedelta(days=1)))
    if search.credit_code:
        code = _like_literal(search.credit_code.strip().upper())
        query = query.where(col(Consultation.credit_code).like(code + "%", escape="\\"))
    if search.applicant:
        name = _like_literal(search.applicant.strip().lower())
        query = query.where(func.lower(col(Consultation.applicant_name)).like(f"%{name}%", escape="\\"))
    if search.provision or search.status:
        findings = select(ConsultationFinding.consultation_id)
        if search.provision:
            wanted = search.provision.strip()
            numbers = select(Provision.id).where((Provision.rule_id == wanted) | (Provision.article == wanted))
            findings = findings.where(col(ConsultationFinding.provision_id).in_(numbers))
        if search.status:
            findings = findings.where(ConsultationFinding.status == search.status)
        query = query.where(col(Consultation.id).in_(findings))
    return query


# What the list page and the export show: never the answers or the advice documents.
LIST_COLUMNS = (Consultation.id, Consultation.created_at, Consultation.staff_name, Consultation.applicant_name,
                Consultation.name_withheld, Consultation.credit_code, Consultation.contact, Consultation.as_of,
                Consultation.rulebase_version,
                Consultation.eligible, Consultation.undetermined, Consultation.not_eligible,
                Consultation.eligible_rules)


def search_consultations(session: Session, search: Search, limit: int = 100, offset: int = 0) -> list[Any]:
    """Consultations matching `search`, newest first: rows with the list columns (id, created_at,
    staff_name, applicant_name, name_withheld, credit_code, contact, as_of, rulebase_version, the three counts,
    eligible_rules), not whole records."""
    query = _filtered(select(*LIST_COLUMNS), search).order_by(col(Consultation.id).desc())
    return list(session.exec(query.offset(offset).limit(limit)))


def iter_consultations(session: Session, search: Search, batch: int = 500) -> Iterator[Any]:
    """Every consultation matching `search`, newest first, as list rows, streamed from the database
    in batches (a server-side cursor on PostgreSQL), so an export's memory stays flat."""
    query = _filtered(select(*LIST_COLUMNS), search).order_by(col(Consultation.id).desc())
    result = session.exec(query.execution_options(stream_results=True, yield_per=batch))
    yield from result


def count_consultations(session: Session, search: Search) -> int:
    """How many consultations match `search`."""
    query = _filtered(select(func.count()).select_from(Consultation), search)
    return int(session.exec(query).one())


def delete_consultation(session: Session, consultation_id: int) -> bool:
    """Delete a consultation with its findings and gaps; False when it does not exist. Caller commits."""
    consultation = get_consultation(session, consultation_id)
    if consultation is None:
        return False
    # Explicit deletes: SQLite enforces ON DELETE CASCADE only with foreign_keys on, and we do not rely on it.
    session.exec(delete(ConsultationGap).where(col(ConsultationGap.consultation_id) == consultation_id))
    session.exec(delete(ConsultationTopic).where(col(ConsultationTopic.consultation_id) == consultation_id))
    session.exec(delete(ConsultationFinding).where(col(ConsultationFinding.consultation_id) == consultation_id))
    session.delete(consultation)
    return True
