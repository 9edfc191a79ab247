"""The replay worker: runs replays, re-sending archived events onto their bus's log.

A worker claims an active replay by writing its name and a lease into the replay
document with a compare-and-set; only one claim can win, so each replay runs in one
process at a time. The owner then moves through the archive in key order (event time,
then id) one batch at a time: it appends the batch to the bus log, then, in one
compare-and-set, records the last key sent, the progress (EventLastReplayedTime) and a
renewed lease. A worker that dies leaves the lease to run out; the next claim starts
after the last recorded key, so a batch may be sent twice, never skipped.

A replayed event is the archived event with a ``replay-name`` member, as EventBridge
sends it; its record names the replay and, when the replay has FilterArns, the rules
that may receive it, which the router honours.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from eventbus.archives import EVENTS_KIND, decode_archived, key_time_ms, range_start
from eventbus.buses import log_name
from eventbus.context import Context
from eventbus.delivery.router import consumer_name
from eventbus.records import EventRecord
from eventbus.replays import Active, Replay, ReplayService

log = logging.getLogger(__name__)

#: A claimed replay whose owner renewed nothing for this long may be claimed again.
LEASE_S = 30.0
_BATCH = 100
_POLL_S = 0.5
#: How often the active list is checked against every replay, in case a start crashed
#: between writing the replay and listing it as active.
_SWEEP_S = 300.0


class _Refused(Exception):
    """A claim or a progress write found the replay taken or finished."""


class Replayer:
    name = "replayer"

    def __init__(
        self, ctx: Context, replays: ReplayService, *, consumer: str | None = None
    ) -> None:
        self._ctx = ctx
        self._store = ctx.store
        self._replays = replays
        self.consumer = consumer or consumer_name("replayer")
        rate = ctx.settings.replay_max_events_per_second
        self._rate = rate
        self._batch = max(1, min(_BATCH, int(rate))) if rate > 0 else _BATCH

    async def run(self, stop: asyncio.Event) -> None:
        running: dict[str, asyncio.Task[None]] = {}
        last_sweep = 0.0
        try:
            while not stop.is_set():
                if self._ctx.clock() - last_sweep > _SWEEP_S:
                    await self.sweep()
                    last_sweep = self._ctx.clock()
                for name, task in list(running.items()):
                    if task.done():
                        running.pop(name)
                        if not task.cancelled() and task.exception() is not None:
                            log.error("replay %s failed: %r", name, task.exception())
                for active in await self._replays.active.all():
                    if active.name not in running and await self.claim(active.name):
                        running[active.name] = asyncio.create_task(self._drive(active.name, stop))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), _POLL_S)
        finally:
            for task in running.values():
                task.cancel()
            await asyncio.gather(*running.values(), return_exceptions=True)

    async def sweep(self) -> None:
        """List as active every replay with work left (see ``_SWEEP_S``)."""
        listed = {active.name for active in await self._replays.active.all()}
        for replay in await self._replays.replays.all():
            if replay.active and replay.name not in listed:
                await self._replays.active.put(replay.name, Active(name=replay.name))

    async def claim(self, name: str) -> bool:
        """Take the lease of an active replay; False when another worker holds it."""
        now = self._ctx.clock()

        def take(replay: Replay) -> Replay:
            if not replay.active:
                raise _Refused
            if replay.lease_owner not in (None, self.consumer) and replay.lease_until > now:
                raise _Refused
            state = "RUNNING" if replay.state == "STARTING" else replay.state
            return replay.model_copy(
                update={"lease_owner": self.consumer, "lease_until": now + LEASE_S, "state": state}
            )

        try:
            replay = await self._replays.replays.update(name, take)
        except _Refused:
            replay = await self._replays.replays.get(name)
            if replay is None or not replay.active:
                await self._replays.active.delete(name)
            return False
        if replay is None:
            await self._replays.active.delete(name)
            return False
        return True

    async def advance(self, name: str) -> bool:
        """Send the next batch of a replay this worker holds; False once it is over here."""
        replay = await self._replays.replays.get(name)
        if replay is None or replay.lease_owner != self.consumer or not replay.active:
            return False
        sent: list[tuple[str, bytes]] = []
        done = replay.state == "CANCELLING"
        if not done:
            after = replay.cursor or range_start(replay.archive_uid, int(replay.event_start * 1000))
            rows = await self._store.scan(
                EVENTS_KIND, prefix=f"{replay.archive_uid}|", after=after, limit=self._batch
            )
            end_ms = int(replay.event_end * 1000)
            # Events before EventEndTime are replayed, as the API reference says.
            sent = [(key, raw) for key, raw in rows if key_time_ms(key) < end_ms]
            done = len(sent) < len(rows) or len(rows) < self._batch
            if sent:
                records = [self._record(replay, raw) for _, raw in sent]
                await self._store.append(log_name(replay.bus), records)
        return await self._record_progress(name, sent, done)

    def _record(self, replay: Replay, raw: bytes) -> bytes:
        event = {**decode_archived(raw), "replay-name": replay.name}
        allowed = tuple(replay.allowed_rules) if replay.allowed_rules is not None else None
        return EventRecord(
            event=event,
            ingested=self._ctx.clock(),
            replay_name=replay.name,
            allowed_rules=allowed,
        ).encode()

    async def _record_progress(self, name: str, sent: list[tuple[str, bytes]], done: bool) -> bool:
        now = self._ctx.clock()

        def progress(replay: Replay) -> Replay:
            if replay.lease_owner != self.consumer:
                raise _Refused
            updates: dict[str, object] = {"lease_until": now + LEASE_S}
            if sent:
                updates["cursor"] = sent[-1][0]
                updates["event_last_replayed"] = key_time_ms(sent[-1][0]) / 1000
            if done:
                updates["state"] = "CANCELLED" if replay.state == "CANCELLING" else "COMPLETED"
                updates["replay_end"] = now
                updates["lease_owner"] = None
            return replay.model_copy(update=updates)

        try:
            replay = await self._replays.replays.update(name, progress)
        except _Refused:
            return False
        if replay is None:
            return False
        if not replay.active:
            await self._replays.active.delete(name)
            return False
        return True

    async def release(self, name: str) -> None:
        """Give up the lease (shutting down), so another worker goes on without waiting."""

        def drop(replay: Replay) -> Replay:
            if replay.lease_owner != self.consumer:
                raise _Refused
            return replay.model_copy(update={"lease_owner": None, "lease_until": 0.0})

        with contextlib.suppress(_Refused):
            await self._replays.replays.update(name, drop)

    async def _drive(self, name: str, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                if not await self.advance(name):
                    return
                if self._rate > 0:
                    # Paced per batch: a batch holds at most `rate` events.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), self._batch / self._rate)
                else:
                    await asyncio.sleep(0)
            await self.release(name)
        except asyncio.CancelledError:
            await asyncio.shield(self.release(name))
            raise
