"""The statistics page: outcomes per provision, the most common gaps, consultations per week; each
provision over the consultations that ticked its topic, all of them for one topic (?topic=)."""

from datetime import timedelta

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from advisor import clock
from advisor.storage import stats

from ..pages.render import page_lang
from .charts import single_bars, stacked_bars
from .consultations import _advisor, staff_page
from .deps import DbDep, StaffDep

router = APIRouter()


@router.get("/staff/stats", include_in_schema=False)
def stats_page(request: Request, db: DbDep, user: StaffDep) -> Response:
    """Outcomes per provision, the most common gaps and consultations per week, as bars and tables."""
    advisor, _ = _advisor(request)
    lang = page_lang(request)
    rulebase = advisor.rulebase
    try:
        weeks_back = max(1, min(520, int(request.query_params.get("weeks", "26"))))
    except ValueError:
        weeks_back = 26
    today = clock.today()
    since = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks_back - 1)
    topics = rulebase.questions.topics
    topic = request.query_params.get("topic", "")
    topic = topic if topic in {t.id for t in topics} else None
    provisions = stats.provision_counts(db, since, topic)

    def title(rule_id: str) -> str:
        rule = rulebase.rules.get(rule_id)
        return f"{rule.spec.article} {rule.spec.title.get(lang)}" if rule else rule_id

    def gap_label(key: str) -> str:
        if key in rulebase.questions.by_path:
            return rulebase.questions.by_path[key].label.get(lang)
        concept = rulebase.concepts.get(key)
        return concept.spec.title.get(lang) if concept else key

    failing = [(key, gap_label(key), n, c) for key, n, c in stats.top_gaps(db, "failing", 10, since, topic)]
    missing = [(key, gap_label(key), n, c) for key, n, c in stats.top_gaps(db, "missing", 10, since, topic)]
    weeks = stats.weekly(db, since, topic)
    return staff_page(request, "staff_stats.html", user,
                      provisions=[(row, title(row.rule_id)) for row in provisions],
                      provision_chart=stacked_bars([(title(row.rule_id), row.counts) for row in provisions[:20]]),
                      week_chart=single_bars([(week.week.isoformat(), week.consultations) for week in weeks]),
                      weeks=weeks, failing=failing, missing=missing, since=since, weeks_back=weeks_back,
                      topics=topics, topic=topic)
