"""(c) batch throughput on all cores, with the peak RSS of the whole process tree; the batch
path's share of the plain-Python reference; XLSX readers compared.

The registry is generated once (BENCH_BATCH_N rows, default 1,000,000) under /tmp and reused;
`advisor batch` runs as a child process while this one samples VmRSS of it and its workers.

The share (goal >= 60 %) compares CPU time (time.process_time, so other load on the machine
does not skew it) over the same first BENCH_SHARE_N rows of that registry (default 20,000; the
best of three alternating rounds), in this process: the batch path (read blocks, map columns,
convert values, validate, engine and closures, render the CSV result rows) against the reference
(the same reader and column mapping, validate, plain-Python closures: bench/reference.py).
"""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from advisor.batch.columns import ColumnMap
from advisor.batch.formats import open_reader
from advisor.batch.screen import BlockScreener, ScreenOptions
from advisor.batch.synth import write_synthetic
from advisor.profile import answers, parse_profile
from advisor.rulebase import load_rulebase

from .reference import Reference

WORK_DIR = Path(os.environ.get("BENCH_WORK_DIR", "/tmp/qingyang-bench"))
SHARE_ROWS = int(os.environ.get("BENCH_SHARE_N", "20000"))
XLSX_ROWS = 20_000


@dataclass(frozen=True)
class BatchRun:
    """What one batch run measured."""

    rows: int
    workers: int
    seconds: float
    exit_code: int
    peak_rss_mb: float
    rss_mb_at: dict[str, float]  # tree RSS at 25/50/75 % of the run: flat memory shows as equal figures
    reference_rate: float  # plain-Python rows/s per CPU second times the workers (an estimate)
    batch_cpu_rate: float  # the batch path's rows per CPU second over the same rows
    xlsx_rows_per_s: dict[str, float]  # reading XLSX: this project's reader, openpyxl, python-calamine

    @property
    def share(self) -> float:
        """Batch throughput as a share of the reference's, per CPU second over the same rows."""
        return self.batch_cpu_rate / (self.reference_rate / self.workers)

    @property
    def rate(self) -> float:
        return self.rows / self.seconds


def registry(rows: int, seed: int = 11) -> Path:
    """The synthetic registry of `rows` rows, generated on first use."""
    path = WORK_DIR / f"registry-{rows}-seed{seed}.csv"
    if not path.exists():
        WORK_DIR.mkdir(parents=True, exist_ok=True)
        print(f"generating {rows:,} synthetic profiles -> {path}", file=sys.stderr)
        partial = path.with_suffix(".part.csv")
        write_synthetic(partial, rows, seed)
        partial.rename(path)
    return path


def _direct_children(pid: int) -> list[int] | None:
    """Children from /proc/PID/task/*/children (cheap), or None where the kernel does not offer it."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    found: list[int] = []
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="utf-8") as stream:
                found.extend(int(child) for child in stream.read().split())
        except FileNotFoundError:
            return None
        except OSError:
            continue
    return found


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as stream:
                parent = int(stream.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(parent, []).append(int(entry))
    return tree


def tree_rss_kb(root: int) -> int:
    """VmRSS of a process and all its descendants, in kB."""
    tree: dict[int, list[int]] | None = None
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        children = _direct_children(pid)
        if children is None:  # no children files: one scan of /proc for the whole tree
            tree = tree or _children()
            children = tree.get(pid, [])
        todo.extend(children)
        try:
            with open(f"/proc/{pid}/status", encoding="utf-8") as stream:
                for line in stream:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


def _batch_cpu_rate(path: Path, rows: int) -> float:
    reader = open_reader(path)
    screener = BlockScreener(ScreenOptions(tuple(reader.columns), out_kind="csv", long=False))
    start, done = time.process_time(), 0
    for block, _ in reader.blocks(200):
        done += screener(block).rows
        if done >= rows:
            break
    reader.close()
    return done / (time.process_time() - start)


def _reference_cpu_rate(path: Path, rows: int) -> float:
    rulebase = load_rulebase()
    columns, reference = ColumnMap(rulebase.questions), Reference(rulebase)
    reader = open_reader(path)
    layout = columns.layout(reader.columns)
    start, done = time.process_time(), 0
    for row in reader:
        if done == rows:
            break
        parsed = columns.parse(row.cells or (), layout)
        reference.evaluate(answers(parse_profile(parsed.nested)))
        done += 1
    reader.close()
    return done / (time.process_time() - start)


def cpu_rates(path: Path, rows: int, rounds: int = 3) -> tuple[float, float]:
    """(batch path, reference) rows per CPU second over the first `rows` rows of `path`: the best of
    `rounds` alternating rounds each (caches and a busy machine otherwise favour whichever runs second)."""
    batch = reference = 0.0
    for _ in range(rounds):
        batch = max(batch, _batch_cpu_rate(path, rows))
        reference = max(reference, _reference_cpu_rate(path, rows))
    return batch, reference


def xlsx_read_rates(rows: int) -> dict[str, float]:
    """Rows/s reading an XLSX registry of `rows` rows: advisor.batch.xlsx, openpyxl read-only, calamine."""
    import openpyxl

    path = WORK_DIR / f"registry-{rows}.xlsx"
    if not path.exists():
        WORK_DIR.mkdir(parents=True, exist_ok=True)
        write_synthetic(path, rows, 11)
    from advisor.batch.xlsx import XlsxReader

    rates: dict[str, float] = {}
    start = time.perf_counter()
    counted = sum(1 for _ in open_reader(path))
    rates["advisor batch reader (calamine when safe)"] = counted / (time.perf_counter() - start)
    start = time.perf_counter()
    counted = sum(1 for _ in XlsxReader(path, calamine=False))
    rates["streaming parser"] = counted / (time.perf_counter() - start)
    start = time.perf_counter()
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    counted = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True)) - 1
    book.close()
    rates["openpyxl"] = counted / (time.perf_counter() - start)
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        return rates
    start = time.perf_counter()
    with CalamineWorkbook.from_path(str(path)) as workbook:
        counted = sum(1 for _ in workbook.get_sheet_by_index(0).iter_rows()) - 1
    rates["python-calamine"] = counted / (time.perf_counter() - start)
    return rates


def run(rows: int, workers: int) -> BatchRun:
    """Screen the registry with `advisor batch` on `workers` processes, sampling the tree's RSS."""
    source = registry(rows)
    out = WORK_DIR / f"results-{rows}.csv"
    command = [sys.executable, "-m", "advisor", "batch", str(source), "--out", str(out), "--workers", str(workers)]
    samples: list[tuple[float, int]] = []
    start = time.monotonic()
    child = subprocess.Popen(command)
    while child.poll() is None:
        samples.append((time.monotonic() - start, tree_rss_kb(child.pid)))
        time.sleep(0.5)
    seconds = time.monotonic() - start
    peak = max((kb for _, kb in samples), default=0)

    def at(share: float) -> float:
        moment = seconds * share
        return min(samples, key=lambda s: abs(s[0] - moment))[1] / 1024 if samples else 0.0

    batch_cpu, reference_cpu = cpu_rates(source, min(rows, SHARE_ROWS))  # after the run: it has the cores
    return BatchRun(rows, workers, seconds, child.returncode, peak / 1024,
                    {f"{int(s * 100)}%": round(at(s), 1) for s in (0.25, 0.5, 0.75)},
                    reference_cpu * workers, batch_cpu, xlsx_read_rates(min(rows, XLSX_ROWS)))
