"""Running a batch: read rows, screen them in worker processes, write results in input order.

Memory stays flat whatever the input size: rows are read lazily in chunks, at most a few chunks
per worker are in flight (multiprocessing's own imap would read the whole input ahead into its
task queue), and results are written as soon as their turn comes.
"""

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from ..assess import check_as_of
from ..rulebase import load_rulebase
from .columns import ColumnMap
from .formats import Row, RowReader, TableWriter, open_reader
from .screen import ERROR_COLUMNS, RESULT_COLUMNS, Failed, Screened, Screener, init_worker, screen_chunk

CHUNK_ROWS = 200
IN_FLIGHT_PER_WORKER = 4
SUMMARY_COLUMNS = ["provision", "article", "title_zh", "title_en", "eligible", "undetermined"]


class Observer(Protocol):
    def update(self, done: int, failed: int, fraction: float | None) -> None: ...

    def finish(self, summary: "BatchSummary") -> None: ...


@dataclass
class BatchSummary:
    """What a run did: rows screened and failed, per-provision counts, where the files are."""

    output: Path
    errors: Path
    summary: Path
    workers: int
    rows: int = 0
    failed: int = 0
    seconds: float = 0.0
    eligible: dict[str, int] = field(default_factory=dict)
    undetermined: dict[str, int] = field(default_factory=dict)

    @property
    def screened(self) -> int:
        return self.rows - self.failed

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        """The summary as JSON (the status file, the API)."""
        return {"rows": self.rows, "screened": self.screened, "failed": self.failed,
                "seconds": round(self.seconds, 2), "rate_per_s": round(self.rate, 1), "workers": self.workers,
                "output": str(self.output), "errors": str(self.errors), "summary": str(self.summary)}


def default_paths(output: Path) -> tuple[Path, Path]:
    """(errors file, summary file) beside the output: OUT.errors.csv and OUT.summary.csv."""
    stem = output.with_suffix("")
    return stem.with_name(stem.name + ".errors.csv"), stem.with_name(stem.name + ".summary.csv")


Chunk = tuple[list[Row], float | None]  # rows, and the share of the file read once they were read
Results = Iterator[tuple[list[Screened | Failed], float | None]]


def _chunks(reader: RowReader, size: int) -> Iterator[Chunk]:
    iterator = iter(reader)
    while chunk := list(islice(iterator, size)):
        yield chunk, reader.fraction()


def _in_process(chunks: Iterator[Chunk], as_of: date | None, header: tuple[str, ...]) -> Results:
    screener = Screener(as_of, header)
    for chunk, fraction in chunks:
        yield screener.screen_all(chunk), fraction


def _pooled(chunks: Iterator[Chunk], workers: int, as_of: date | None, header: tuple[str, ...]) -> Results:
    """Like Pool.imap (ordered), but never more than IN_FLIGHT_PER_WORKER chunks per worker queued."""
    # fork: workers start in milliseconds; each builds its own Advisor (and engine) in init_worker.
    with multiprocessing.get_context("fork").Pool(workers, initializer=init_worker,
                                                  initargs=(as_of, header)) as pool:
        pending: deque[tuple[Any, float | None]] = deque()
        for chunk, fraction in chunks:
            pending.append((pool.apply_async(screen_chunk, (chunk,)), fraction))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                task, done = pending.popleft()
                yield task.get(), done
        while pending:
            task, done = pending.popleft()
            yield task.get(), done


def run_batch(source: Path, output: Path, errors: Path | None = None, summary: Path | None = None,
              workers: int | None = None, as_of: date | None = None, lang: str = "zh",
              observers: tuple[Observer, ...] = ()) -> BatchSummary:
    """Screen every row of `source` into `output`; bad rows go to `errors`. workers=0: in this process.

    Raises BatchInputError (before writing anything) if the file cannot be read or names an
    unknown column, ProfileError for an as-of date before the plan applies; a bad row never stops the run.
    """
    if as_of is not None:
        check_as_of(as_of)  # a date before the plan applies would fail every row: refuse it once
    default_errors, default_summary = default_paths(output)
    workers = os.cpu_count() or 1 if workers is None else workers
    result = BatchSummary(output, errors or default_errors, summary or default_summary, workers)
    rulebase = load_rulebase()
    reader = open_reader(source)
    started = time.monotonic()
    try:
        ColumnMap(rulebase.questions).check_columns(reader.columns)
        chunks = _chunks(reader, CHUNK_ROWS)
        header = tuple(reader.columns)
        results = _pooled(chunks, workers, as_of, header) if workers > 0 else _in_process(chunks, as_of, header)
        with TableWriter(output, RESULT_COLUMNS) as out, TableWriter(result.errors, ERROR_COLUMNS) as bad:
            for chunk_results, fraction in results:
                for item in chunk_results:
                    result.rows += 1
                    if isinstance(item, Failed):
                        result.failed += 1
                        for record in item.records(lang):
                            bad.write(record)
                        continue
                    out.write(item.record())
                    for rule_id in item.eligible:
                        result.eligible[rule_id] = result.eligible.get(rule_id, 0) + 1
                    for rule_id in item.undetermined:
                        result.undetermined[rule_id] = result.undetermined.get(rule_id, 0) + 1
                for observer in observers:
                    observer.update(result.rows, result.failed, fraction)
    finally:
        reader.close()
    result.seconds = time.monotonic() - started
    with TableWriter(result.summary, SUMMARY_COLUMNS) as table:
        for rule in rulebase.rules.values():
            table.write({"provision": rule.id, "article": rule.spec.article, "title_zh": rule.spec.title.zh,
                         "title_en": rule.spec.title.en, "eligible": result.eligible.get(rule.id, 0),
                         "undetermined": result.undetermined.get(rule.id, 0)})
    for observer in observers:
        observer.finish(result)
    return result
