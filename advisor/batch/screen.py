"""Screening one registry row: what a worker process does, with its own Advisor.

The output per enterprise is lean on purpose (no presentation): the eligible and undetermined
provision ids and the questions (field paths) that would settle the rest, most useful first,
computed by lean.py (the engine plus tri-valued closures) rather than the full explanation.
The as-of date is checked once by run_batch; no rule depends on it.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel

from ..assess import Advisor
from ..profile import ProfileError, parse_profile
from .columns import ColumnMap
from .formats import Block, Row, parse_block, render
from .lean import LeanScreen

RESULT_COLUMNS = ["line", "id", "eligible", "undetermined", "questions"]
ERROR_COLUMNS = ["line", "id", "field", "message"]


@dataclass(frozen=True, slots=True)
class Screened:
    """One enterprise's result."""

    line: int
    id: str | None
    eligible: tuple[str, ...]
    undetermined: tuple[str, ...]
    questions: tuple[str, ...]

    def record(self) -> dict[str, Any]:
        """The result as written to the output file."""
        return {"line": self.line, "id": self.id, "eligible": list(self.eligible),
                "undetermined": list(self.undetermined), "questions": list(self.questions)}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "Screened":
        """A result read back from an output file of any format (lists may be space-separated text)."""
        def ids(value: Any) -> tuple[str, ...]:
            if value is None:
                return ()
            return tuple(value) if isinstance(value, list) else tuple(str(value).split())

        ident = record.get("id")
        return cls(int(record["line"]), None if ident in (None, "") else str(ident), ids(record.get("eligible")),
                   ids(record.get("undetermined")), ids(record.get("questions")))


@dataclass(frozen=True, slots=True)
class Failed:
    """A row that could not be screened: each problem as (field or '(row)', zh message, en message)."""

    line: int
    id: str | None
    problems: tuple[tuple[str, str, str], ...]

    def records(self, lang: str) -> list[dict[str, Any]]:
        """One errors-file record per problem, in the user's language."""
        return [{"line": self.line, "id": self.id, "field": path, "message": zh if lang == "zh" else en}
                for path, zh, en in self.problems]


def _failed(line: int, ident: str | None, error: Exception) -> Failed:
    """A row the engine failed on (or disagreed about): reported, never a wrong answer."""
    reason = f"{type(error).__name__}: {error}"
    return Failed(line, ident, (("(row)", f"评估失败：{reason}", f"assessment failed: {reason}"),))


class Screener:
    """An Advisor and a column map: turns rows into Screened or Failed."""

    def __init__(self, as_of: date | None = None, header: list[str] | tuple[str, ...] = (),
                 advisor: Advisor | None = None) -> None:
        self.advisor = advisor or Advisor()
        self.lean = LeanScreen(self.advisor.rulebase, self.advisor.engine)
        self.columns = ColumnMap(self.advisor.rulebase.questions)
        self.header = tuple(header)  # the file's columns, which tuple rows are aligned with
        self.as_of = as_of

    def screen_many(self, rows: list[Row]) -> list[Screened | Failed]:
        """Screen a chunk of rows, in order, the valid ones through the engine as one block."""
        out: list[Screened | Failed | None] = []
        valid: list[tuple[int, int, str | None, BaseModel]] = []  # (position, line, id, profile)
        for row in rows:
            parsed = self._parse(row)
            if isinstance(parsed, Failed):
                out.append(parsed)
            else:
                valid.append((len(out), row.line, *parsed))
                out.append(None)
        verdicts = self.lean.screen_many([profile for *_, profile in valid])
        for (position, line, ident, _), verdict in zip(valid, verdicts, strict=True):
            out[position] = _failed(line, ident, verdict) if isinstance(verdict, Exception) \
                else Screened(line, ident, *verdict)
        return [item for item in out if item is not None]

    def _parse(self, row: Row) -> tuple[str | None, BaseModel] | Failed:
        if row.cells is None:
            reason = row.error or "unreadable row"
            return Failed(row.line, None, (("(row)", f"无法读取该行：{reason}", reason),))
        ident, raw = self.columns.profile(row.cells, self.header)
        try:
            return ident, parse_profile(raw)
        except ProfileError as error:
            return Failed(row.line, ident, tuple((i.path, i.message.zh, i.message.en) for i in error.issues))


@dataclass(slots=True)
class ChunkOutcome:
    """A screened block, ready for the writing process: the results already rendered in the output
    format, the errors-file records, and per-provision counts (so little crosses the process boundary)."""

    rendered: str | list[dict[str, Any]]
    errors: list[dict[str, Any]]
    rows: int
    failed: int
    eligible: dict[str, int]
    undetermined: dict[str, int]


class BlockScreener:
    """Parses, screens and renders whole blocks: the work of one worker process."""

    def __init__(self, as_of: date | None, header: tuple[str, ...], out_kind: str, lang: str) -> None:
        self.screener = Screener(as_of, header)
        self.width = len(header)
        self.out_kind = out_kind
        self.lang = lang

    def __call__(self, block: Block) -> ChunkOutcome:
        records: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        eligible: dict[str, int] = {}
        undetermined: dict[str, int] = {}
        rows = parse_block(block, self.width)
        for item in self.screener.screen_many(rows):
            if isinstance(item, Failed):
                errors.extend(item.records(self.lang))
                continue
            records.append(item.record())
            for rule_id in item.eligible:
                eligible[rule_id] = eligible.get(rule_id, 0) + 1
            for rule_id in item.undetermined:
                undetermined[rule_id] = undetermined.get(rule_id, 0) + 1
        return ChunkOutcome(render(self.out_kind, RESULT_COLUMNS, records), errors, len(rows),
                            len(rows) - len(records), eligible, undetermined)


# --- worker processes: one BlockScreener each, built once in the pool's initializer ---------
_worker: BlockScreener | None = None


def init_worker(as_of: date | None, header: tuple[str, ...], out_kind: str, lang: str) -> None:
    """Pool initializer: build this process's Advisor once."""
    global _worker
    _worker = BlockScreener(as_of, header, out_kind, lang)


def screen_block(block: Block) -> ChunkOutcome:
    """Pool task: screen a block with this process's BlockScreener."""
    assert _worker is not None, "init_worker was not run"
    return _worker(block)
