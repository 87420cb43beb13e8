"""Fixed rate-limit windows counted in this process, for the default memory:// storage.

The same counting as the `limits` library's fixed window over its memory storage (a window starts at
its first hit and lasts the limit's period; a hit counts, then is allowed while the count is within the
limit), without its per-key locks, expiry task and awaits: one dictionary lookup a request. A shared
storage (redis://) is still counted by `limits`.
"""

import time

from limits import RateLimitItem

# Windows that ended are dropped at most this often (each client address leaves one behind).
SWEEP_SECONDS = 60.0


class LocalWindows:
    """The fixed windows of one process: {key: [end (epoch seconds), hits]}."""

    def __init__(self) -> None:
        self._windows: dict[str, list[float]] = {}
        self._next_sweep = time.time() + SWEEP_SECONDS

    def hit(self, item: RateLimitItem, identity: str) -> tuple[bool, int, float]:
        """Count one hit: whether it is within the limit, what is left and when the window ends."""
        now = time.time()
        key = item.key_for(identity)
        window = self._windows.get(key)
        if window is None or window[0] <= now:
            window = self._windows[key] = [now + item.get_expiry(), 0]
        window[1] += 1
        if now >= self._next_sweep:
            self._sweep(now)
        return window[1] <= item.amount, max(0, item.amount - int(window[1])), window[0]

    def _sweep(self, now: float) -> None:
        self._windows = {key: window for key, window in self._windows.items() if window[0] > now}
        self._next_sweep = now + SWEEP_SECONDS
