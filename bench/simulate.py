"""(e) what a reform simulation costs beside one batch of the same rows (goal: at most 1.5×).

Two figures per example reform (examples/reforms/):
- CPU: the simulation path (read blocks, validate, screen under the base as a batch and render its rows,
  screen again what the reform can change, compare) against the batch path over the same first
  BENCH_SIM_N rows (default 20,000), in this process, in CPU time (time.process_time, so other load on the
  machine does not skew it), the best of three alternating rounds each;
- wall clock and memory: `advisor simulate` and `advisor batch` as child processes on every core over the
  same registry (BENCH_SIM_RUN_N rows, default 200,000), alternating, the best of two each, with the peak
  RSS of the simulation's process tree sampled as for the batch (flat memory: the same at 25/50/75 %).
"""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from advisor.batch.formats import open_reader
from advisor.batch.screen import BlockScreener, ScreenOptions
from advisor.datafile import read_yaml
from advisor.simulate.screen import SimOptions, SimScreener

from .batch import WORK_DIR, registry, tree_rss_kb

REFORMS = Path(__file__).resolve().parents[1] / "examples" / "reforms"
DAY = date(2027, 1, 1)


@dataclass(frozen=True)
class SimulationCost:
    """One reform's cost beside a batch of the same rows."""

    reform: str
    rows: int
    affected: int  # provisions the reform can change (screened again)
    batch_cpu_rate: float  # rows per CPU second
    simulation_cpu_rate: float
    run_rows: int = 0
    workers: int = 0
    batch_seconds: float = 0.0
    simulation_seconds: float = 0.0
    peak_rss_mb: float = 0.0
    rss_mb_at: tuple[float, ...] = ()

    @property
    def cpu_ratio(self) -> float:
        """CPU time of the simulation over CPU time of the batch, same rows (goal <= 1.5)."""
        return self.batch_cpu_rate / self.simulation_cpu_rate

    @property
    def wall_ratio(self) -> float | None:
        return self.simulation_seconds / self.batch_seconds if self.batch_seconds else None


def _rate(path: Path, rows: int, screen: object) -> float:
    reader = open_reader(path)
    start, done = time.process_time(), 0
    for block, _ in reader.blocks(200):
        done += screen(block).rows  # type: ignore[operator]
        if done >= rows:
            break
    reader.close()
    return done / (time.process_time() - start)


def cpu_cost(reform: Path, rows: int, rounds: int = 3) -> SimulationCost:
    """The simulation's and the batch's rows per CPU second over the same first `rows` rows."""
    source = registry(max(rows, 1))
    reader = open_reader(source)
    header = tuple(reader.columns)
    reader.close()
    options = ScreenOptions(header, out_kind="csv", long=False, as_of=DAY)
    batch_screener = BlockScreener(options)
    simulation = SimScreener(SimOptions(options, read_yaml(reform), reform.name))
    batch = simulated = 0.0
    for _ in range(rounds):
        batch = max(batch, _rate(source, rows, batch_screener))
        simulated = max(simulated, _rate(source, rows, simulation))
    return SimulationCost(reform.stem, rows, len(simulation.affected), batch, simulated)


def _timed(command: list[str]) -> tuple[float, list[tuple[float, int]], int]:
    samples: list[tuple[float, int]] = []
    start = time.monotonic()
    child = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    while child.poll() is None:
        samples.append((time.monotonic() - start, tree_rss_kb(child.pid)))
        time.sleep(0.5)
    return time.monotonic() - start, samples, child.returncode


def wall_cost(cost: SimulationCost, reform: Path, rows: int, workers: int, rounds: int = 2) -> SimulationCost:
    """`advisor simulate` beside `advisor batch` on every core, same registry, alternating: the best of each."""
    source = registry(rows)
    batch_command = [sys.executable, "-m", "advisor", "batch", str(source), "--out",
                     str(WORK_DIR / f"sim-batch-{rows}.csv"), "--workers", str(workers), "--quiet",
                     "--as-of", DAY.isoformat()]
    sim_command = [sys.executable, "-m", "advisor", "simulate", str(source), "--reform", str(reform), "--out",
                   str(WORK_DIR / f"sim-{reform.stem}-{rows}"), "--workers", str(workers), "--quiet"]
    batch_best = sim_best = float("inf")
    peak, at = 0, (0.0, 0.0, 0.0)
    for _ in range(rounds):
        seconds, _, code = _timed(batch_command)
        batch_best = min(batch_best, seconds) if code in (0, 1) else batch_best
        seconds, samples, code = _timed(sim_command)
        if code in (0, 1) and seconds < sim_best:
            sim_best = seconds
            peak = max((kb for _, kb in samples), default=0)
            at = tuple(min(samples, key=lambda s: abs(s[0] - seconds * share))[1] / 1024 if samples else 0.0
                       for share in (0.25, 0.5, 0.75))  # type: ignore[assignment]
    return SimulationCost(cost.reform, cost.rows, cost.affected, cost.batch_cpu_rate, cost.simulation_cpu_rate,
                          rows, workers, batch_best, sim_best, peak / 1024, at)


def run(workers: int) -> list[SimulationCost]:
    """Every example reform's CPU cost; the wall-clock run for the first (joint acceptance at 2,000 m²)."""
    rows = int(os.environ.get("BENCH_SIM_N", "20000"))
    run_rows = int(os.environ.get("BENCH_SIM_RUN_N", "200000"))
    reforms = sorted(REFORMS.glob("*.yaml"))
    costs = []
    for reform in reforms:
        print(f"(e) simulation cost: {reform.stem} over {rows:,} rows ...", file=sys.stderr)
        costs.append(cpu_cost(reform, rows))
    first = next(index for index, reform in enumerate(reforms) if reform.stem == "joint-acceptance-2000")
    if run_rows:
        print(f"(e) advisor simulate beside advisor batch over {run_rows:,} rows ...", file=sys.stderr)
        costs[first] = wall_cost(costs[first], reforms[first], run_rows, workers)
    return costs
