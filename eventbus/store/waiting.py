"""Long polling for queue receives, the same for every backend.

A receive looks for visible messages; when there are none it sleeps until it is woken (a
message enqueued), until the earliest hidden message becomes visible, or for at most a
poll interval (changes it cannot be woken for), and looks again until its wait is over.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

__all__ = ["receive_waiting"]

MessageT = TypeVar("MessageT")

#: One look: the messages taken, and when the next hidden one becomes visible (epoch
#: seconds, None if none is hidden).
Take = Callable[[], Awaitable[tuple[list[MessageT], float | None]]]


async def receive_waiting(
    take: Take[MessageT],
    wakeup: Callable[[], asyncio.Event],
    *,
    wait: float,
    poll_interval: float,
) -> list[MessageT]:
    """``take`` until it finds messages or ``wait`` seconds are over.

    ``wakeup`` gives the event to sleep on; it is asked for before each look, so a wake-up
    that lands while looking is not missed.
    """
    if wait <= 0:
        # No wait: no wake-up to arrange (for Redis, no subscription to start).
        return (await take())[0]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        event = wakeup()
        messages, next_visible = await take()
        remaining = deadline - loop.time()
        if messages or remaining <= 0:
            return messages
        pause = min(remaining, poll_interval)
        if next_visible is not None:
            pause = min(pause, max(next_visible - time.time(), 0.0))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(pause):
                await event.wait()
