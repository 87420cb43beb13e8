"""Running a batch: read rows, screen them in worker processes, write results in input order.

Memory stays flat whatever the input size: the file is read lazily in blocks, at most a few
blocks per worker are in flight (multiprocessing's own imap would read the whole input ahead
into its task queue), and results are written as soon as their turn comes. The writing process
only splits CSV / JSON Lines text into blocks and writes what the workers rendered: parsing,
screening and formatting happen in the workers, so it does not compete with them for the cores.

Outputs (outputs.py) are written to temporary files and renamed when the run completes; Ctrl-C
or a crash removes them and the summary says how far the run got (`interrupted`).
"""

import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from .. import clock
from ..assess import check_as_of
from ..questions import QuestionCatalog
from ..rulebase import load_rulebase
from .columns import ColumnMap, Layout
from .errors import ECHO_CHARS, ECHO_ITEMS, BatchInputError
from .formats import file_format, open_reader
from .outputs import OutputSet
from .rows import Block, RowReader
from .screen import BlockScreener, ChunkOutcome, ScreenOptions, init_worker, screen_block, table_headers

logger = logging.getLogger(__name__)

CHUNK_ROWS = 200
IN_FLIGHT_PER_WORKER = 4
STOP_POOL_SECONDS = 10.0
_SUMMARY = {"zh": ["政策编号", "条款", "政策名称", "英文名称", "可享受企业数", "待确认企业数"],
            "en": ["provision", "article", "title_zh", "title_en", "eligible", "undetermined"]}
_SHEETS = {"zh": {"results": "结果", "long": "逐项结果", "errors": "错误", "summary": "汇总"},
           "en": {"results": "results", "long": "long", "errors": "errors", "summary": "summary"}}


class Observer(Protocol):
    def update(self, done: int, failed: int, fraction: float | None) -> None: ...

    def finish(self, summary: "BatchSummary") -> None: ...


@dataclass
class BatchSummary:
    """What a run did: rows screened, failed and blank, per-provision counts, where the files are.

    `rows` counts enterprises (screened + failed); blank lines and totals rows (`skipped`: line,
    label) are not among them. `header_line` is the row the header was found on (None for JSON
    Lines), `title_lines` the rows with content above it (a title: not screened)."""

    output: Path
    errors: Path
    summary: Path
    workers: int
    long: Path | None = None
    rows: int = 0
    failed: int = 0
    blank: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    error: str | None = None  # why a run broke off (a crash): nothing was written
    unknown_columns: tuple[str, ...] = ()
    encoding: str | None = None
    header_line: int | None = None
    title_lines: tuple[int, ...] = ()
    skipped: list[tuple[int, str]] = field(default_factory=list)
    eligible: dict[str, int] = field(default_factory=dict)
    undetermined: dict[str, int] = field(default_factory=dict)

    @property
    def screened(self) -> int:
        return self.rows - self.failed

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def reading(self) -> dict[str, Any]:
        """How the file was read, as JSON (a web job's status): see reading_of."""
        return reading_of(self)

    def as_dict(self) -> dict[str, Any]:
        """The summary as JSON: the counts, how the file was read (`reading`), speed and files."""
        return {"rows": self.rows, "screened": self.screened, "failed": self.failed, **self.reading(),
                "seconds": round(self.seconds, 2), "rate_per_s": round(self.rate, 1), "workers": self.workers,
                "output": str(self.output), "errors": str(self.errors), "summary": str(self.summary)}


def reading_of(summary: Any) -> dict[str, Any]:
    """How a run read its file, as JSON (a web job's status; a simulation's summary has the same fields): header
    row, title rows above it, totals rows skipped, blank lines, encoding, unknown columns; lists capped as
    errors.py echoes."""
    unknown = [name[:ECHO_CHARS] for name in summary.unknown_columns[:ECHO_ITEMS]]
    return {"header_line": summary.header_line, "title_lines": list(summary.title_lines[:ECHO_ITEMS]),
            "skipped": [{"line": line, "label": label} for line, label in summary.skipped[:ECHO_ITEMS]],
            "skipped_total": len(summary.skipped), "blank": summary.blank, "encoding": summary.encoding,
            "unknown_columns": unknown, "unknown_columns_total": len(summary.unknown_columns)}


def default_paths(output: Path) -> tuple[Path, Path]:
    """(errors file, summary file) beside the output: OUT.errors.csv and OUT.summary.csv; for an
    .xlsx output both are sheets of the output workbook."""
    if output.suffix.lower() == ".xlsx":
        return output, output
    stem = output.with_suffix("")
    return stem.with_name(stem.name + ".errors.csv"), stem.with_name(stem.name + ".summary.csv")


Results = Iterator[tuple[ChunkOutcome, float | None]]
# Screens blocks elsewhere (a Dask cluster: engines.py), given the blocks and BlockScreener's arguments.
BlockEngine = Callable[[Iterator[tuple[Block, float | None]], tuple[Any, ...]], Results]


def _in_process(blocks: Iterator[tuple[Block, float | None]], screen: BlockScreener) -> Results:
    for block, fraction in blocks:
        yield screen(block), fraction


def pooled(blocks: Iterator[tuple[Block, float | None]], workers: int, options: Any,
           initializer: Callable[[Any], None] = init_worker, work: Callable[[Block], Any] = screen_block) -> Results:
    """Like Pool.imap (ordered), but never more than IN_FLIGHT_PER_WORKER blocks per worker queued. Each worker
    runs `initializer(options)` once, then `work(block)` per block (a batch's screening by default; a
    simulation, advisor/simulate, passes its own)."""
    # fork: workers start in milliseconds; each builds its own Advisor (and engine) in init_worker.
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=initializer, initargs=(options,))
    try:
        pending: deque[tuple[Any, float | None]] = deque()
        for block, fraction in blocks:
            pending.append((pool.apply_async(work, (block,)), fraction))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                task, done = pending.popleft()
                yield task.get(), done
        while pending:
            task, done = pending.popleft()
            yield task.get(), done
    finally:
        stop_pool(pool)


def stop_pool(pool: Any, wait: float = STOP_POOL_SECONDS) -> None:
    """Pool.terminate, waiting at most `wait` seconds. Stopped in the middle of a run (Ctrl-C), CPython's
    Pool can hang for good: it stops the workers, then joins its task thread, which may be blocked writing
    a block into the pipe of a worker that is gone (seen in a full test run: `advisor batch` never exited).
    The workers are stopped by then, and that thread is a daemon that ends with the process."""
    stopper = threading.Thread(target=pool.terminate, name="batch-pool-stop", daemon=True)
    stopper.start()
    stopper.join(wait)
    if stopper.is_alive():
        logger.warning("batch worker pool did not stop within %.0f s; its threads are left to end with the process",
                       wait)


def run_batch(source: Path, output: Path, errors: Path | None = None, summary: Path | None = None,
              workers: int | None = None, as_of: date | None = None, lang: str = "zh",
              observers: tuple[Observer, ...] = (), *, long: Path | None = None, encoding: str | None = None,
              mapping: dict[str, str] | None = None, include_undetermined: bool = False,
              bom: bool = True, engine: BlockEngine | None = None) -> BatchSummary:
    """Screen every row of `source` into `output`; bad rows go to `errors`. workers=0: in this process;
    `engine`: screen the blocks with it instead of local worker processes (the output is the same).

    long: also write one row per enterprise x provision (a sheet of an .xlsx output by default).
    Raises BatchInputError (before writing anything) if the file cannot be read or its columns
    clash, ProfileError for an as-of date before the plan applies; a bad row never stops the run.
    KeyboardInterrupt or a crash leaves no output file and returns a summary with interrupted=True
    (and the crash in `error`).
    """
    as_of = as_of or clock.today()
    check_as_of(as_of)  # a date before the plan applies would fail every row: refuse it once
    default_errors, default_summary = default_paths(output)
    if long is None and output.suffix.lower() == ".xlsx":
        long = output
    workers = os.cpu_count() or 1 if workers is None else workers
    result = BatchSummary(output, errors or default_errors, summary or default_summary, workers, long)
    rulebase = load_rulebase()
    reader, layout = open_registry(source, rulebase.questions, result, encoding, mapping)
    outputs = OutputSet(bom)
    with guarded(result, reader, outputs, observers):
        out_kind = file_format(output)  # workers render text when every rendered table has this kind
        same = out_kind != "xlsx" and (long is None or file_format(long) == out_kind)
        options = ScreenOptions(tuple(reader.columns), tuple((mapping or {}).items()), lang, include_undetermined,
                                out_kind if same else "rows", long is not None, as_of)
        headers = table_headers(options, layout)
        sheets = _SHEETS["zh" if lang == "zh" else "en"]
        outputs.add("results", output, headers["results"], sheets["results"])
        if long is not None:
            outputs.add("long", long, headers["long"], sheets["long"])
        outputs.add("errors", result.errors, headers["errors"], sheets["errors"])
        blocks = reader.blocks(CHUNK_ROWS)
        if engine is not None:
            results = engine(blocks, (options,))
        elif workers > 0:
            results = pooled(blocks, workers, options)
        else:
            results = _in_process(blocks, BlockScreener(options))
        for outcome, fraction in results:
            _write(outputs, outcome, long is not None)
            result.rows += outcome.rows
            result.failed += outcome.failed
            result.blank += outcome.blank
            result.skipped.extend(outcome.skipped)
            for rule_id, count in outcome.eligible.items():
                result.eligible[rule_id] = result.eligible.get(rule_id, 0) + count
            for rule_id, count in outcome.undetermined.items():
                result.undetermined[rule_id] = result.undetermined.get(rule_id, 0) + count
            for observer in observers:
                observer.update(result.rows, result.failed, fraction)
        outputs.add("summary", result.summary, _SUMMARY["zh" if lang == "zh" else "en"], sheets["summary"])
        outputs.write("summary", [[rule.id, rule.spec.article, rule.spec.title.zh, rule.spec.title.en,
                                   result.eligible.get(rule.id, 0), result.undetermined.get(rule.id, 0)]
                                  for rule in rulebase.rules.values()])
        outputs.commit()
    return result


def open_registry(source: Path, questions: QuestionCatalog, summary: Any, encoding: str | None = None,
                  mapping: dict[str, str] | None = None) -> tuple[RowReader, Layout]:
    """A registry opened as every run reads it (a batch's, a simulation's): its encoding found, its header
    searched for below a title, its columns mapped to profile fields (totals rows are skipped as its blocks
    are read). `summary` (a BatchSummary or a SimulationSummary) notes how: encoding, header row, title
    rows, columns that are not profile fields. Raises BatchInputError for a file that cannot be read."""
    columns = ColumnMap(questions, mapping)
    reader = open_reader(source, encoding, columns.names_a_field)
    summary.encoding, summary.header_line, summary.title_lines = reader.encoding, reader.header_line, reader.title_lines
    try:
        layout = columns.layout(reader.columns)
    except BaseException:
        reader.close()
        raise
    summary.unknown_columns = layout.carried
    return reader, layout


@contextmanager
def guarded(summary: Any, reader: RowReader, outputs: OutputSet,
            observers: tuple[Observer, ...]) -> Iterator[Callable[[], float]]:
    """A run's body (a batch's, a simulation's), yielding its seconds-so-far clock. Ctrl-C or a crash discards
    every output (no half file) and marks the summary interrupted, with the crash in `error`; a file refused
    while reading (BatchInputError, e.g. a limit met) is raised; the reader is closed, the time kept in
    `seconds`, and the observers told when the run completed."""
    started = time.monotonic()
    try:
        yield lambda: time.monotonic() - started
    except KeyboardInterrupt:
        outputs.discard()
        summary.interrupted = True
    except BatchInputError:
        outputs.discard()  # a limit met while reading (e.g. XLSX rows): the file is refused
        raise
    except Exception as error:  # a crash: no half file; say how far the run got
        outputs.discard()
        summary.interrupted = True
        summary.error = f"{type(error).__name__}: {str(error)[:300]}"
    finally:
        reader.close()
        summary.seconds = time.monotonic() - started
    if not summary.interrupted:
        for observer in observers:
            observer.finish(summary)


def _write(outputs: OutputSet, outcome: ChunkOutcome, long: bool) -> None:
    counts = outcome.tables.get("counts", {})
    outputs.write("results", outcome.tables["results"], counts.get("results"))
    if long:
        outputs.write("long", outcome.tables["long"], counts.get("long"))
    outputs.write("errors", outcome.tables["errors"])
