"""Running a batch: read rows, screen them in worker processes, write results in input order.

Memory stays flat whatever the input size: the file is read lazily in blocks, at most a few
blocks per worker are in flight (multiprocessing's own imap would read the whole input ahead
into its task queue), and results are written as soon as their turn comes. The writing process
only splits CSV / JSON Lines text into blocks and writes what the workers rendered: parsing,
screening and formatting happen in the workers, so it does not compete with them for the cores.
"""

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from ..assess import check_as_of
from ..rulebase import load_rulebase
from .columns import ColumnMap
from .formats import Block, TableWriter, file_format, open_reader
from .screen import ERROR_COLUMNS, RESULT_COLUMNS, BlockScreener, ChunkOutcome, init_worker, screen_block

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


Results = Iterator[tuple[ChunkOutcome, float | None]]
# Screens blocks elsewhere (a Dask cluster: engines.py), given the blocks and BlockScreener's arguments.
BlockEngine = Callable[[Iterator[tuple[Block, float | None]], tuple[Any, ...]], Results]


def _in_process(blocks: Iterator[tuple[Block, float | None]], screen: BlockScreener) -> Results:
    for block, fraction in blocks:
        yield screen(block), fraction


def _pooled(blocks: Iterator[tuple[Block, float | None]], workers: int, initargs: tuple[Any, ...]) -> Results:
    """Like Pool.imap (ordered), but never more than IN_FLIGHT_PER_WORKER blocks per worker queued."""
    # fork: workers start in milliseconds; each builds its own Advisor (and engine) in init_worker.
    with multiprocessing.get_context("fork").Pool(workers, initializer=init_worker, initargs=initargs) as pool:
        pending: deque[tuple[Any, float | None]] = deque()
        for block, fraction in blocks:
            pending.append((pool.apply_async(screen_block, (block,)), fraction))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                task, done = pending.popleft()
                yield task.get(), done
        while pending:
            task, done = pending.popleft()
            yield task.get(), done


def run_batch(source: Path, output: Path, errors: Path | None = None, summary: Path | None = None,
              workers: int | None = None, as_of: date | None = None, lang: str = "zh",
              observers: tuple[Observer, ...] = (), engine: BlockEngine | None = None) -> BatchSummary:
    """Screen every row of `source` into `output`; bad rows go to `errors`. workers=0: in this process;
    `engine`: screen the blocks with it instead of local worker processes (the output is the same).

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
        blocks = reader.blocks(CHUNK_ROWS)
        initargs = (as_of, tuple(reader.columns), file_format(output), lang)
        if engine is not None:
            results = engine(blocks, initargs)
        elif workers > 0:
            results = _pooled(blocks, workers, initargs)
        else:
            results = _in_process(blocks, BlockScreener(*initargs))
        with TableWriter(output, RESULT_COLUMNS) as out, TableWriter(result.errors, ERROR_COLUMNS) as bad:
            for outcome, fraction in results:
                out.write_rendered(outcome.rendered)
                for record in outcome.errors:
                    bad.write(record)
                result.rows += outcome.rows
                result.failed += outcome.failed
                for rule_id, count in outcome.eligible.items():
                    result.eligible[rule_id] = result.eligible.get(rule_id, 0) + count
                for rule_id, count in outcome.undetermined.items():
                    result.undetermined[rule_id] = result.undetermined.get(rule_id, 0) + count
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
