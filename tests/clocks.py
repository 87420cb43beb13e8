"""Moments at which the district's day and the machine's UTC date differ or turn, and process time zones.

The tests that use them set the product's one clock (advisor.clock.frozen) — nobody sleeps — and run the
process under TZ=UTC and under a zone west of UTC, where even the machine's local date differs."""

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from advisor.clock import DISTRICT

# name: (the moment, the district's day at that moment)
MOMENTS = {
    "17:30 UTC": (datetime(2026, 12, 2, 17, 30, tzinfo=UTC), date(2026, 12, 3)),
    "23:59 Beijing": (datetime(2026, 12, 3, 23, 59, tzinfo=DISTRICT), date(2026, 12, 3)),
    "00:01 Beijing": (datetime(2026, 12, 4, 0, 1, tzinfo=DISTRICT), date(2026, 12, 4)),
}
ZONES = ("UTC", "America/Los_Angeles")


@pytest.fixture(params=ZONES)
def process_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """The process runs with TZ set to one zone after another (time.tzset), then as before."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    try:
        yield request.param
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.fixture(params=list(MOMENTS))
def moment(request: pytest.FixtureRequest) -> tuple[datetime, date]:
    """One of MOMENTS: (when, the district's day then)."""
    return MOMENTS[request.param]
