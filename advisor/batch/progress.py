"""A small progress bar on stderr (rows, rate, time left).

An observer of a batch run: `update` at most a few times a second, `finish` once. (Jobs over HTTP
keep their progress in the database: advisor/batch/worker.py.)
"""

import sys
import time
from typing import Any, TextIO

_WIDTH = 28


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class ProgressBar:
    """Draws `[#####-----]  42% 120,000 rows  7,950/s  left 00:14  failed 3` on a terminal.

    On a terminal it redraws one line; otherwise (a log file) it writes a line every 10 seconds.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.every = 0.2 if self.tty else 10.0
        self.start = time.monotonic()
        self.last = 0.0

    def line(self, done: int, failed: int, fraction: float | None, now: float) -> str:
        """The bar's text for the given counts (time left estimated from the fraction read)."""
        elapsed = max(now - self.start, 1e-9)
        rate = done / elapsed
        if fraction:
            filled = int(_WIDTH * fraction)
            left = elapsed * (1 - fraction) / fraction
            head = f"[{'#' * filled}{'-' * (_WIDTH - filled)}] {fraction:4.0%} "
            tail = f"  left {_duration(left)}"
        else:
            head, tail = "", f"  elapsed {_duration(elapsed)}"
        return f"{head}{done:,} rows  {rate:,.0f}/s{tail}  failed {failed:,}"

    def update(self, done: int, failed: int, fraction: float | None) -> None:
        now = time.monotonic()
        if now - self.last < self.every:
            return
        self.last = now
        text = self.line(done, failed, fraction, now)
        self.stream.write(f"\r{text}\033[K" if self.tty else text + "\n")
        self.stream.flush()

    def finish(self, summary: Any) -> None:
        text = (f"[{'#' * _WIDTH}] 100% {summary.rows:,} rows  {summary.rate:,.0f}/s  "
                f"took {_duration(summary.seconds)}  failed {summary.failed:,}")
        self.stream.write(f"\r{text}\033[K\n" if self.tty else text + "\n")
        self.stream.flush()
