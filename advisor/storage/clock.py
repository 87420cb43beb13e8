"""Times: stored in UTC, shown and grouped by week in China Standard Time (the window's clock)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def local(moment: datetime) -> datetime:
    """A stored time in China Standard Time (naive values are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL)


def week_of(moment: datetime) -> date:
    """The Monday of the local ISO week containing `moment`."""
    day = local(moment).date()
    return day - timedelta(days=day.weekday())
