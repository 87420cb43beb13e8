"""The in-process windows of the memory storage (web/middleware/localwindows.py) count as the `limits`
library's fixed window over its memory storage does: the same hits allowed, the same remaining, the same
window end; and a window that ended starts again."""

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from limits import parse
from limits.aio.strategies import FixedWindowRateLimiter
from limits.storage import storage_from_string

from web.middleware import localwindows
from web.middleware.localwindows import LocalWindows


async def _by_limits(limit: str, identities: list[str]) -> list[tuple[bool, int]]:
    item = parse(limit)
    limiter = FixedWindowRateLimiter(storage_from_string("async+memory://"))
    answers = []
    for identity in identities:
        allowed = await limiter.hit(item, identity)
        answers.append((allowed, (await limiter.get_window_stats(item, identity)).remaining))
    return answers


@settings(max_examples=40, deadline=None)
@given(limit=st.sampled_from(["1/minute", "3/hour", "5/day", "2/minute"]),
       identities=st.lists(st.sampled_from(["key:1", "key:2", "ip:10.0.0.1"]), max_size=12))
def test_the_same_hits_are_allowed_with_the_same_remaining(limit: str, identities: list[str]) -> None:
    windows = LocalWindows()
    item = parse(limit)
    local = [windows.hit(item, identity)[:2] for identity in identities]
    assert local == asyncio.run(_by_limits(limit, identities))


def test_a_window_ends_after_its_period_and_ended_windows_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1_000_000.0]
    monkeypatch.setattr(localwindows.time, "time", lambda: now[0])
    windows = LocalWindows()
    item = parse("2/minute")
    assert windows.hit(item, "ip:a") == (True, 1, 1_000_060.0)
    assert windows.hit(item, "ip:a")[:2] == (True, 0)
    now[0] += 59
    assert windows.hit(item, "ip:a") == (False, 0, 1_000_060.0)  # refused: the window has a second left
    now[0] += 1
    assert windows.hit(item, "ip:a") == (True, 1, 1_000_120.0)  # a new window from this hit
    now[0] += localwindows.SWEEP_SECONDS * 2
    windows.hit(item, "ip:b")
    assert set(windows._windows) == {item.key_for("ip:b")}
