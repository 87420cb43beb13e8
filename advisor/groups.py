"""Concurrent requests decided together by durable-rules: group commit, per event loop.

An event loop (a uvicorn worker) serves many requests at once and runs one step at a time. A request
that reaches the engine puts its answers in the loop's queue and waits; the first to find the queue
empty asks the loop to decide the queue on its next turn. Every profile queued until that turn, by
the requests whose steps ran meanwhile, is decided in the same engine sessions, one per ruleset, as
batch screening does (Engine.evaluate_each; a profile the engine refuses gets its own error, the
others their results). No timer and no wait when idle: alone, a request is decided on the loop's
very next turn (some 20 µs later than a direct call: a future and a turn of the loop, more than
paid for by a session shared with even one other request); the next group is whatever queued while
this one was formed and decided.

durable-rules still decides every profile, and each request's explanation is checked against what
the engine decided for it (assess.py).
"""

import asyncio
import threading
import weakref
from dataclasses import dataclass
from typing import Any

from .engine import Engine, EngineResult

_Waiting = list[tuple[dict[str, Any], "asyncio.Future[EngineResult]"]]


@dataclass(slots=True)
class GroupCounts:
    """How the engine's work was grouped (since start): groups decided, profiles in them, the largest."""

    groups: int = 0
    profiles: int = 0
    largest: int = 0


class EngineGroups:
    """evaluate() for tasks of any event loop; each loop has its own queue."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.counts = GroupCounts()
        self._queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Waiting] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()  # loops in other threads (a test client's) add their queues too

    async def evaluate(self, answers: dict[str, Any]) -> EngineResult:
        """What the engine derives and fires for flat answers, decided with whatever else is queued."""
        loop = asyncio.get_running_loop()
        queue = self._queues.get(loop)
        if queue is None:
            with self._lock:
                queue = self._queues.setdefault(loop, [])
        future: asyncio.Future[EngineResult] = loop.create_future()
        if not queue:
            loop.call_soon(self._decide, queue)
        queue.append((answers, future))
        return await future

    def _decide(self, queue: _Waiting) -> None:
        group = queue[:]
        queue.clear()
        counts = self.counts
        counts.groups += 1
        counts.profiles += len(group)
        counts.largest = max(counts.largest, len(group))
        try:
            results = self.engine.evaluate_each([answers for answers, _ in group])
        except Exception as error:  # a bug here must not leave a request waiting for ever
            results = [error] * len(group)
        for (_, future), result in zip(group, results, strict=True):
            if future.done():  # cancelled: its client went away
                continue
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)
