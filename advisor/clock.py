"""The one clock: every "now" and "today" of the product comes from here.

Times are stored in UTC. The day a person sees, and every date the product chooses by default (an
assessment's date, a consultation's 评估日期, the statistics' "today", a download's name), is the
district's day: Asia/Shanghai, whatever time zone the server runs in. Nothing else reads the machine's
clock for a date; tests set this one with `frozen()`.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DISTRICT = ZoneInfo("Asia/Shanghai")
# Shown after a time wherever it could be read as another zone's (records, slips, job times).
ZONE_LABEL = "UTC+8"


def _machine() -> datetime:
    return datetime.now(UTC)


_source: Callable[[], datetime] = _machine


def now() -> datetime:
    """The current moment, timezone-aware, in UTC (as stored)."""
    return _source()


def today() -> date:
    """The district's current day (Asia/Shanghai)."""
    return local(now()).date()


def local(moment: datetime) -> datetime:
    """A stored moment in the district's time (naive values are taken as UTC, as the database keeps them)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(DISTRICT)


def shown(moment: datetime | None, seconds: bool = False) -> str:
    """A moment as a person reads it: district time, one format, with the zone ("2026-12-03 01:48 UTC+8")."""
    if moment is None:
        return ""
    return local(moment).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M") + " " + ZONE_LABEL


def day_start(day: date) -> datetime:
    """The moment (in UTC) at which the district's `day` begins: the bound of a filter by day."""
    return datetime.combine(day, time.min, tzinfo=DISTRICT).astimezone(UTC)


def week_of(moment: datetime) -> date:
    """The Monday of the district's ISO week containing `moment`."""
    day = local(moment).date()
    return day - timedelta(days=day.weekday())


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Within the block, the clock reads `at` (timezone-aware) — for tests and reproducible runs."""
    if at.tzinfo is None:
        raise ValueError("a frozen clock needs a timezone-aware moment")
    global _source
    previous = _source
    _source = lambda: at.astimezone(UTC)  # noqa: E731
    try:
        yield
    finally:
        _source = previous
