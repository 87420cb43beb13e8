"""Work a server process does beside its requests: a task that lives as long as the app's lifespan."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

log = logging.getLogger("web.background")


@contextlib.asynccontextmanager
async def running(work: Coroutine[Any, Any, None]) -> AsyncIterator[None]:
    """Run `work` as a task while the block runs; cancel it when the block ends."""
    task = asyncio.create_task(work)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def every(seconds: float, action: Callable[[], Awaitable[None]]) -> None:
    """Await `action` every `seconds`, for ever; a failed turn is logged by kind and the next one comes."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await action()
        except Exception as error:
            log.warning("%s failed (%s); trying again in %.0f s", getattr(action, "__name__", "a background task"),
                        type(error).__name__, seconds)
