"""Charts as plain HTML bars: full labels, readable at 390 px, no script, print as they look.

The template draws each bar as a row: its label in full on one line, then segments whose widths are
percentages of the largest total, each with its count as text (not colour alone).
"""

from dataclasses import dataclass

STATUSES = ("eligible", "undetermined", "not_eligible")


@dataclass(frozen=True, slots=True)
class Segment:
    status: str
    count: int
    percent: float  # of the widest bar


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    total: int
    segments: tuple[Segment, ...]


def stacked_bars(rows: list[tuple[str, dict[str, int]]]) -> list[Bar]:
    """One bar per label, segments by status, scaled to the largest total."""
    top = max((sum(counts.values()) for _, counts in rows), default=0) or 1
    return [Bar(label, sum(counts.values()),
                tuple(Segment(status, counts[status], 100 * counts[status] / top)
                      for status in STATUSES if counts.get(status)))
            for label, counts in rows]


def single_bars(points: list[tuple[str, int]]) -> list[Bar]:
    """One bar per label (e.g. consultations per week), scaled to the largest value."""
    top = max((value for _, value in points), default=0) or 1
    return [Bar(label, value, (Segment("total", value, 100 * value / top),) if value else ())
            for label, value in points]
