"""Group commit: the small writes of many concurrent callers done by a few large commits.

A backend submits each caller's item to a ``GroupCommit``; one committer task at a time
takes every item queued so far, commits them together (one transaction, one script call)
and hands each caller its own result. Items submitted while a commit runs go into the next
one, so the more callers write at once, the fewer commits each write costs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

__all__ = ["GroupCommit"]

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")


class GroupCommit(Generic[ItemT, ResultT]):
    """Commits submitted items in groups, one group at a time, in submission order.

    ``commit`` takes a group and returns one result per item, in the same order. Should it
    raise, every caller of that group gets the exception, and the next group is committed
    as usual; so anything that can be wrong with one caller's item must be checked before
    it is submitted. ``max_group`` caps the items of one commit; ``committed`` runs after
    each successful commit with its items (to wake readers of what was written, say).

    Cancelling the committer task cancels every caller still waiting. A caller cancelled
    while waiting does not withdraw its item: it may be committed all the same.
    """

    def __init__(
        self,
        commit: Callable[[list[ItemT]], Awaitable[list[ResultT]]],
        *,
        max_group: int | None = None,
        committed: Callable[[list[ItemT]], None] | None = None,
    ) -> None:
        if max_group is not None and max_group < 1:
            raise ValueError(f"max_group must be at least 1, not {max_group}")
        self._commit = commit
        self._max_group = max_group
        self._committed = committed
        self._waiting: list[tuple[ItemT, asyncio.Future[ResultT]]] = []
        self._committer: asyncio.Task[None] | None = None

    async def submit(self, item: ItemT) -> ResultT:
        """Commit ``item`` together with whatever else is submitted meanwhile; its result."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[ResultT] = loop.create_future()
        self._waiting.append((item, done))
        if self._committer is None:
            self._committer = loop.create_task(self._run())
        return await done

    async def drain(self) -> None:
        """Wait until every item submitted so far is committed (or has failed)."""
        while self._committer is not None:
            # asyncio.wait, unlike awaiting the task, does not cancel it if we are cancelled.
            await asyncio.wait({self._committer})

    async def _run(self) -> None:
        try:
            while self._waiting:
                size = len(self._waiting) if self._max_group is None else self._max_group
                group = self._waiting[:size]
                del self._waiting[:size]
                items = [item for item, _ in group]
                try:
                    results = await self._commit(items)
                    if len(results) != len(items):
                        # A broken commit function: fail its callers rather than strand them.
                        raise RuntimeError(
                            f"a commit of {len(items)} items returned {len(results)} results"
                        )
                except asyncio.CancelledError:
                    for _, done in group + self._waiting:
                        done.cancel()
                    self._waiting = []
                    raise
                except Exception as exc:
                    for _, done in group:
                        if not done.done():  # its caller may have been cancelled
                            done.set_exception(exc)
                    continue
                for (_, done), result in zip(group, results, strict=True):
                    if not done.done():
                        done.set_result(result)
                if self._committed is not None:
                    self._committed(items)
        finally:
            self._committer = None
