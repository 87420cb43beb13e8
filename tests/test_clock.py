"""The one clock: the district's day whatever the machine's zone, and nothing else reads the machine's date."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from advisor import clock
from advisor.assess import Advisor

ROOT = Path(__file__).resolve().parents[1]


def test_today_is_the_district_day(moment: tuple[datetime, date], process_zone: str) -> None:
    when, district_day = moment
    with clock.frozen(when):
        assert clock.today() == district_day
        assert clock.now() == when and clock.now().tzinfo == UTC
        assert clock.shown(clock.now()) == when.astimezone(clock.DISTRICT).strftime("%Y-%m-%d %H:%M") + " UTC+8"


def test_an_assessment_defaults_to_the_district_day(advisor: Advisor, moment: tuple[datetime, date],
                                                    process_zone: str) -> None:
    when, district_day = moment
    with clock.frozen(when):
        assert advisor.assess_data({}).as_of == district_day


def test_day_bounds_and_weeks_follow_the_district() -> None:
    # 2026-12-03 begins in Chengdu at 16:00 UTC the day before.
    assert clock.day_start(date(2026, 12, 3)) == datetime(2026, 12, 2, 16, 0, tzinfo=UTC)
    # Monday 2026-11-30 00:30 in Chengdu is still Sunday in UTC: it counts in the week of Monday 11-30.
    assert clock.week_of(datetime(2026, 11, 29, 16, 30, tzinfo=UTC)) == date(2026, 11, 30)
    assert clock.shown(None) == "" and clock.shown(datetime(2026, 12, 2, 17, 48)) == "2026-12-03 01:48 UTC+8"


def test_a_frozen_clock_needs_a_zone() -> None:
    with pytest.raises(ValueError), clock.frozen(datetime(2026, 12, 3, 12, 0)):
        pass


# What reads the machine's calendar instead of the one clock (durations via time.time() are fine).
MACHINE_DATE = re.compile(r"\bdate\.today\(|\bdatetime\.(now|utcnow|today)\(|\btime\.localtime\(|\.astimezone\(\)")


def test_nothing_else_reads_the_machine_date() -> None:
    readers = [f"{path.relative_to(ROOT)}:{number}"
               for folder in ("advisor", "web", "bench", "tests", "scripts")
               for path in sorted((ROOT / folder).rglob("*.py")) if path.resolve() != Path(clock.__file__).resolve()
               and path.resolve() != Path(__file__).resolve()
               for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
               if MACHINE_DATE.search(line)]
    assert readers == []
