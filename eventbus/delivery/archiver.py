"""The archive worker: copies the events of buses into their archives, and deletes the
archived events that retention, or a deleted archive, no longer keeps.

Each bus with archives is read as the ``archive`` consumer group of its log. An entry is
acknowledged only after its event is stored in every archive it matches, so a crash
reads it again; an archived event is written only if its key is absent, so an entry
read twice is neither stored nor counted twice. Several workers on one Redis share a
bus through the group, as routers do.

An archive takes the events its pattern matches (every event without a pattern) that
the bus accepted after the archive was created. Events re-sent by a replay are never
archived, nor are the events of scheduled rules, which EventBridge sends to the rule's
targets, not through the bus.

Retention counts from the event's ``time``, the same time archived events are keyed and
replayed by, so expired events are always the first keys of an archive.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from dataclasses import dataclass

import orjson

from eventbus.archives import (
    ARCHIVES_COUNTER,
    EVENTS_KIND,
    GROUP,
    Archive,
    ArchiveService,
    decode_archived,
    encode_archived,
    event_key,
    event_size,
    event_time_ms,
    key_time_ms,
)
from eventbus.buses import log_name
from eventbus.context import Context
from eventbus.delivery.router import consumer_name
from eventbus.patterns import PatternIndex, compile_pattern
from eventbus.records import EventRecord
from eventbus.store import LogEntry

log = logging.getLogger(__name__)

_BATCH = 100
_BLOCK_MS = 1_000
_DIRECTORY_POLL_S = 1.0
_DAY_S = 86_400
#: A deleted archive's events are purged only once batches that were being archived
#: when it was deleted are surely written, so none is left behind.
_TRASH_GRACE_S = 60.0


@dataclass(frozen=True, slots=True)
class BusArchives:
    """The archives of one bus, as one matcher."""

    archives: dict[str, Archive]
    index: PatternIndex
    #: Archives without a pattern: they take every event.
    catch_all: tuple[str, ...]

    @classmethod
    def build(cls, archives: list[Archive]) -> BusArchives:
        patterns = []
        catch_all = []
        for archive in archives:
            if archive.event_pattern:
                patterns.append((archive.name, compile_pattern(archive.event_pattern)))
            else:
                catch_all.append(archive.name)
        return cls(
            {archive.name: archive for archive in archives},
            PatternIndex.build(patterns),
            tuple(catch_all),
        )

    def match(self, record: EventRecord) -> list[Archive]:
        if record.replay_name is not None or record.scheduled_rule is not None:
            return []
        if "replay-name" in record.event:
            return []
        names = [*self.catch_all, *self.index.match(record.event)]
        # An archive keeps only what its bus accepted after the archive existed.
        return [self.archives[n] for n in names if self.archives[n].created <= record.ingested]


class Archiver:
    name = "archiver"

    def __init__(self, ctx: Context, archives: ArchiveService) -> None:
        self._ctx = ctx
        self._store = ctx.store
        self._archives = archives
        self._consumer = consumer_name("archiver")
        self._version = -1
        self._by_bus: dict[str, BusArchives] = {}

    async def refresh(self) -> None:
        """Reload the archives when the archives counter moved."""
        version = await self._store.counter(ARCHIVES_COUNTER)
        if version == self._version:
            return
        grouped: dict[str, list[Archive]] = defaultdict(list)
        for archive in await self._archives.all():
            grouped[archive.bus].append(archive)
        self._by_bus = {bus: BusArchives.build(archives) for bus, archives in grouped.items()}
        self._version = version

    async def run(self, stop: asyncio.Event) -> None:
        tasks: dict[str, asyncio.Task[None]] = {}
        purger = asyncio.create_task(self._purge_periodically(stop))
        try:
            while not stop.is_set():
                await self.refresh()
                for bus in self._by_bus.keys() - tasks.keys():
                    tasks[bus] = asyncio.create_task(self._consume(bus, stop))
                for bus in tasks.keys() - self._by_bus.keys():
                    tasks.pop(bus).cancel()
                for bus, task in list(tasks.items()):
                    if task.done() and not task.cancelled() and task.exception() is not None:
                        log.error("archiver of %s crashed: %r; restarting", bus, task.exception())
                        tasks[bus] = asyncio.create_task(self._consume(bus, stop))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), _DIRECTORY_POLL_S)
        finally:
            for task in (*tasks.values(), purger):
                task.cancel()
            await asyncio.gather(*tasks.values(), purger, return_exceptions=True)

    async def _consume(self, bus: str, stop: asyncio.Event) -> None:
        stream = log_name(bus)
        await self._store.create_group(stream, GROUP, "end")
        claim_after_ms = int(self._ctx.settings.claim_after_seconds * 1000)
        while not stop.is_set():
            entries = await self._store.claim_stale(
                stream, GROUP, self._consumer, min_idle_ms=claim_after_ms, count=_BATCH
            )
            if not entries:
                entries = await self._store.read_group(
                    stream, GROUP, self._consumer, count=_BATCH, block_ms=_BLOCK_MS
                )
            if entries:
                await self.archive(bus, entries)

    async def archive(self, bus: str, entries: list[LogEntry]) -> None:
        """Store the events of some entries of a bus log in their archives, then ack them."""
        # Read after the entries: an archive created before an event was accepted is seen.
        await self.refresh()
        archives = self._by_bus.get(bus)
        added: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for entry in entries:
            try:
                record = EventRecord.decode(entry.data)
            except (orjson.JSONDecodeError, KeyError, TypeError):
                log.error("bus %s: unreadable log entry %s not archived", bus, entry.id)
                continue
            matched = archives.match(record) if archives is not None else []
            if not matched:
                continue
            time_ms = event_time_ms(record.event, record.ingested)
            value = encode_archived(record.event, record.ingested)
            size = event_size(record.event)
            for archive in matched:
                key = event_key(archive.uid, time_ms, str(record.event["id"]))
                if await self._store.create(EVENTS_KIND, key, value):
                    added[archive.uid][0] += 1
                    added[archive.uid][1] += size
        for uid, (count, size) in added.items():
            await self._archives.add_stats(uid, count, size)
        await self._store.ack(log_name(bus), GROUP, [entry.id for entry in entries])

    # -- purging -------------------------------------------------------------------------

    async def _purge_periodically(self, stop: asyncio.Event) -> None:
        interval = self._ctx.settings.archive_purge_interval_seconds
        while not stop.is_set():
            try:
                await self.purge()
            except Exception:
                log.exception("archive purge failed; trying again later")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)

    async def purge(self) -> None:
        """Delete archived events past retention, and the events of deleted archives."""
        now = self._ctx.clock()
        live = await self._archives.all()
        for archive in live:
            if archive.retention_days > 0:
                cutoff_ms = int((now - archive.retention_days * _DAY_S) * 1000)
                await self._delete_events(archive.uid, before_ms=cutoff_ms)
        live_uids = {archive.uid for archive in live}
        for trash in await self._archives.trash():
            if trash.uid in live_uids or now - trash.deleted < _TRASH_GRACE_S:
                continue
            await self._delete_events(trash.uid, before_ms=None)
            await self._archives.empty_trash(trash.uid)

    async def _delete_events(self, uid: str, *, before_ms: int | None) -> None:
        """Delete the archived events of ``uid`` older than ``before_ms`` (None: all)."""
        while True:
            rows = await self._store.scan(EVENTS_KIND, prefix=f"{uid}|", limit=500)
            expired = [
                (key, raw) for key, raw in rows if before_ms is None or key_time_ms(key) < before_ms
            ]
            count = size = 0
            for key, raw in expired:
                # Only the worker whose delete took the event counts it out.
                if await self._store.delete(EVENTS_KIND, key):
                    count += 1
                    size += event_size(decode_archived(raw))
            if count and before_ms is not None:
                await self._archives.add_stats(uid, -count, -size)
            if len(expired) < len(rows) or len(rows) < 500:
                return
