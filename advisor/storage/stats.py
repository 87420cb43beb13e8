"""Statistics for the district: per provision outcomes, the most common gaps, per week.

Computed with GROUP BY on the finding and gap rows (joined to their consultation for its week and
to the provision for its rule id); nothing here reads the profiles or the advice. A provision is
counted only over the consultations that ticked its topic (its finding rows' in_topics), and only
those findings left gaps; `topic` narrows every figure to the consultations that ticked that topic.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from .models import Consultation, ConsultationFinding, ConsultationGap, ConsultationTopic, Provision


@dataclass(slots=True)
class ProvisionCounts:
    """How many consultations found one provision eligible, undetermined or not eligible."""

    rule_id: str
    article: str
    counts: dict[str, int] = field(default_factory=lambda: {"eligible": 0, "undetermined": 0, "not_eligible": 0})

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _since(query, since: date | None, topic: str | None = None):  # type: ignore[no-untyped-def]
    """The query over the consultations of the weeks from `since` that ticked `topic` (when given)."""
    if since:
        query = query.where(Consultation.week >= since)
    if topic:
        ticked = select(ConsultationTopic.consultation_id).where(ConsultationTopic.topic == topic)
        query = query.where(col(Consultation.id).in_(ticked))
    return query


def provision_counts(session: Session, since: date | None = None, topic: str | None = None) -> list[ProvisionCounts]:
    """Per provision (rule), the consultations that ticked its topic, by status; most eligible first."""
    query = (select(Provision.rule_id, Provision.article, ConsultationFinding.status, func.count())
             .join(Provision, col(Provision.id) == ConsultationFinding.provision_id)
             .join(Consultation, col(Consultation.id) == ConsultationFinding.consultation_id)
             .where(col(ConsultationFinding.in_topics))
             .group_by(col(Provision.rule_id), col(Provision.article), col(ConsultationFinding.status)))
    rows = session.exec(_since(query, since, topic)).all()
    table: dict[str, ProvisionCounts] = {}
    for rule_id, article, status, count in rows:
        table.setdefault(rule_id, ProvisionCounts(rule_id, article)).counts[status] = int(count)
    return sorted(table.values(), key=lambda row: (-row.counts["eligible"], -row.total, row.rule_id))


def top_gaps(session: Session, kind: str, limit: int = 10, since: date | None = None,
             topic: str | None = None) -> list[tuple[str, int, int]]:
    """The most common failing conditions (kind failing) or unanswered questions (kind missing) of the
    provisions the consultations asked about: (field or concept, findings it affected, consultations)."""
    query = (select(ConsultationGap.key, func.sum(ConsultationGap.findings), func.count())
             .join(Consultation, col(Consultation.id) == ConsultationGap.consultation_id)
             .where(ConsultationGap.kind == kind).group_by(col(ConsultationGap.key)))
    rows = session.exec(_since(query, since, topic)).all()
    ranked = sorted(((key, int(n), int(c)) for key, n, c in rows), key=lambda row: (-row[2], -row[1], row[0]))
    return ranked[:limit]


@dataclass(slots=True)
class Week:
    """One ISO week (its Monday): consultations and finding statuses."""

    week: date
    consultations: int = 0
    statuses: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def weekly(session: Session, since: date | None = None, topic: str | None = None) -> list[Week]:
    """Per week, oldest first: how many consultations and how many findings of each status."""
    weeks: dict[date, Week] = {}
    query = select(Consultation.week, func.count()).group_by(col(Consultation.week))
    for week, count in session.exec(_since(query, since, topic)).all():
        weeks.setdefault(week, Week(week)).consultations = int(count)
    query = (select(Consultation.week, ConsultationFinding.status, func.count())
             .join(Consultation, col(Consultation.id) == ConsultationFinding.consultation_id)
             .where(col(ConsultationFinding.in_topics))
             .group_by(col(Consultation.week), col(ConsultationFinding.status)))
    for week, status, count in session.exec(_since(query, since, topic)).all():
        weeks.setdefault(week, Week(week)).statuses[status] = int(count)
    return [weeks[key] for key in sorted(weeks)]
