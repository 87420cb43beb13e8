"""Screening on a Dask distributed cluster: the same blocks, the same screener, other machines' cores.

The reading process splits the registry into blocks as for the local engine and submits them to
the cluster, at most a few per worker at a time, and writes the outcomes in input order, so the
output is byte for byte the local engine's. Each Dask worker process builds one BlockScreener (its
own Advisor and engine) on its first block and keeps it (a lazy module-level singleton). Workers
need this package installed (`pip install 'qingyang-advisor[dask]'`) and one thread each: the
durable-rules engine of an Advisor is not shared between threads.

Without a scheduler address a LocalCluster on this machine's cores is started (and stopped).
"""

import logging
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .rows import Block
from .run import BlockEngine, Results
from .screen import BlockScreener, ChunkOutcome, ScreenOptions

IN_FLIGHT_PER_WORKER = 4

# One screener per worker process, for the arguments of the job it is screening now.
_screener: tuple[tuple[Any, ...], BlockScreener] | None = None


def screen_on_worker(initargs: tuple[Any, ...], block: Block) -> ChunkOutcome:
    """Dask task: screen one block with this worker process's screener, built on first use."""
    global _screener
    if _screener is None or _screener[0] != initargs:
        _screener = (initargs, BlockScreener(*initargs))
    return _screener[1](block)


def warm_worker() -> None:
    """Build the rule base and the engine on a worker before the first block arrives."""
    BlockScreener(ScreenOptions())


class DaskEngine:
    """A BlockEngine (run.run_batch's `engine`) on a dask.distributed Client."""

    def __init__(self, client: Any) -> None:
        self.client = client
        client.run(warm_worker)  # every worker at once, rather than one by one on their first blocks

    def workers(self) -> int:
        """Worker threads in the cluster now (at least one, so blocks are always submitted)."""
        return max(sum(self.client.nthreads().values()), 1)

    def __call__(self, blocks: Iterator[tuple[Block, float | None]], initargs: tuple[Any, ...],
                 work: Callable[[tuple[Any, ...], Block], Any] = screen_on_worker) -> Results:
        """Outcomes of `work(initargs, block)` per block, in order (a batch's screening by default)."""
        in_flight = self.workers() * IN_FLIGHT_PER_WORKER
        pending: deque[tuple[Any, float | None]] = deque()
        try:
            for block, fraction in blocks:
                # pure=False: two equal blocks (two identical files) are still two tasks
                pending.append((self.client.submit(work, initargs, block, pure=False), fraction))
                if len(pending) >= in_flight:
                    task, done = pending.popleft()
                    yield task.result(), done
            while pending:
                task, done = pending.popleft()
                yield task.result(), done
        finally:
            for task, _ in pending:  # a failed or abandoned run leaves no work behind on the cluster
                task.cancel()


@contextmanager
def dask_engine(scheduler: str | None = None, workers: int | None = None) -> Iterator[BlockEngine]:
    """A DaskEngine on the cluster at `scheduler` (tcp://HOST:PORT), or on a LocalCluster of `workers`
    processes (default every core) started here and stopped on exit."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as error:  # an optional extra
        raise RuntimeError("the Dask engine needs dask[distributed]: pip install 'qingyang-advisor[dask]'") from error
    if scheduler:
        with Client(scheduler) as client:
            yield DaskEngine(client)
        return
    import os

    count = workers or os.cpu_count() or 1
    with LocalCluster(n_workers=count, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.WARNING) as cluster, Client(cluster) as client:
        yield DaskEngine(client)
