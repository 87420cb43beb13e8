"""The statistics page: outcomes per provision, the most common gaps, consultations per week."""

from datetime import date, timedelta

from fastapi import APIRouter
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from advisor.storage import stats

from .charts import columns, stacked_bars
from .consultations import _advisor
from .deps import DbDep, StaffDep, render

router = APIRouter()


@router.get("/staff/stats", include_in_schema=False)
def stats_page(request: Request, db: DbDep, user: StaffDep) -> Response:
    advisor, _ = _advisor(request)
    rulebase = advisor.rulebase
    try:
        weeks_back = max(1, min(520, int(request.query_params.get("weeks", "26"))))
    except ValueError:
        weeks_back = 26
    today = date.today()
    since = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks_back - 1)
    provisions = stats.provision_counts(db, since)

    def title(rule_id: str) -> str:
        rule = rulebase.rules.get(rule_id)
        return f"{rule.spec.article} {rule.spec.title.zh}" if rule else rule_id

    def gap_label(key: str) -> str:
        if key in rulebase.questions.by_path:
            return rulebase.questions.by_path[key].label.zh
        concept = rulebase.concepts.get(key)
        return concept.spec.title.zh if concept else key

    failing = [(key, gap_label(key), n, c) for key, n, c in stats.top_gaps(db, "failing", 10, since)]
    missing = [(key, gap_label(key), n, c) for key, n, c in stats.top_gaps(db, "missing", 10, since)]
    weeks = stats.weekly(db, since)
    return render(request, "stats.html", {
        "provisions": [(row, title(row.rule_id)) for row in provisions],
        "provision_chart": Markup(stacked_bars([(title(row.rule_id), row.counts) for row in provisions[:20]])),
        "week_chart": Markup(columns([(week.week.strftime("%m-%d"), week.consultations) for week in weeks])),
        "weeks": weeks, "failing": failing, "missing": missing, "since": since, "weeks_back": weeks_back,
    }, user=user)
