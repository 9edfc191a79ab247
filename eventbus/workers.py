"""Background workers: long-running loops that consume the store's logs.

``eventbus serve`` runs them inside the API process; ``eventbus worker`` runs them alone,
so API and worker processes can be scaled separately on a shared Redis store. Each worker
is an object with an async ``run(stop)`` that returns once ``stop`` is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Protocol

log = logging.getLogger(__name__)


class Worker(Protocol):
    name: str

    async def run(self, stop: asyncio.Event) -> None: ...


class Supervisor:
    """Runs workers as tasks, restarts one that crashes, and stops them all together."""

    def __init__(self, workers: Sequence[Worker], *, restart_delay: float = 1.0) -> None:
        self._workers = list(workers)
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._restart_delay = restart_delay

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._keep_running(worker), name=f"worker:{worker.name}")
            for worker in self._workers
        ]

    async def _keep_running(self, worker: Worker) -> None:
        while not self._stop.is_set():
            try:
                await worker.run(self._stop)
            except Exception:
                log.exception("worker %s crashed; restarting", worker.name)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self._restart_delay)

    async def stop(self) -> None:
        self._stop.set()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def wait(self) -> None:
        """Run until stopped (for the ``worker`` command)."""
        await self._stop.wait()
        await self.stop()

    def request_stop(self) -> None:
        self._stop.set()
