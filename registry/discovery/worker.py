"""The discovery worker: reads the logs of buses with a started discoverer.

Each started discoverer has its own consumer group on its bus log (see ``discoverers``).
The worker reads a batch from each, feeds the events to the ``DiscoveryEngine``, publishes
the versions the batch caused, and only then acknowledges the batch: a crash in between
hands the batch to another consumer after the visibility timeout, and merging it again is
harmless. Which buses to read is refreshed when the discoverers' change counter moves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from dataclasses import dataclass

import orjson

from eventbus.buses import log_name
from eventbus.records import EventRecord
from eventbus.store import LogEntry, Store
from registry.discovery.discoverers import Discoverer, DiscovererService
from registry.discovery.engine import DiscoveryEngine

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Source:
    log: str
    group: str
    #: None when events of every account are discovered (CrossAccount), else ours only.
    account: str | None


class DiscoveryWorker:
    name = "schema-discovery"

    def __init__(
        self,
        store: Store,
        discoverers: DiscovererService,
        engine: DiscoveryEngine,
        *,
        account_id: str,
        batch: int = 1000,
        idle_seconds: float = 0.1,
        poll_seconds: float = 1.0,
        claim_after_ms: int = 60_000,
    ) -> None:
        self._store = store
        self._discoverers = discoverers
        self._engine = engine
        self._account_id = account_id
        self._batch = batch
        self._idle = idle_seconds
        self._poll = poll_seconds
        self._claim_after_ms = claim_after_ms
        self._consumer = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._sources: list[_Source] = []
        self._seen_version: int | None = None
        #: Reads started ahead, per source, while the previous batch is processed.
        self._prefetched: dict[_Source, asyncio.Task[list[LogEntry]]] = {}
        #: Log entries acknowledged so far by this worker (for tests and benchmarks).
        self.consumed = 0

    async def run(self, stop: asyncio.Event) -> None:
        next_poll = next_claim = 0.0
        try:
            while not stop.is_set():
                now = time.monotonic()
                if now >= next_poll:
                    await self._refresh()
                    next_poll = now + self._poll
                claim = now >= next_claim
                if claim:
                    next_claim = now + self._claim_after_ms / 1000
                busy = False
                for source in self._sources:
                    if stop.is_set():
                        return
                    busy |= await self._consume(source, claim=claim)
                if not busy:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), self._idle)
        finally:
            # Entries of a read still in flight stay pending: claimed again after a timeout.
            await self._drop_prefetched(set(self._prefetched))

    async def _refresh(self) -> None:
        version = await self._discoverers.version()
        if version == self._seen_version:
            return
        started = await self._discoverers.started()
        for discoverer in started:
            # Normally created with the discoverer; again here in case the log was reset.
            await self._store.create_group(log_name(discoverer.bus), discoverer.group, "end")
        sources = [self._source(discoverer) for discoverer in started]
        await self._drop_prefetched(set(self._prefetched) - set(sources))
        self._sources = sources
        self._seen_version = version
        log.debug("discovery reads %d bus(es)", len(self._sources))

    def _source(self, discoverer: Discoverer) -> _Source:
        account = None if discoverer.cross_account else self._account_id
        return _Source(log_name(discoverer.bus), discoverer.group, account)

    async def _drop_prefetched(self, sources: set[_Source]) -> None:
        for source in sources:
            task = self._prefetched.pop(source)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _read(self, source: _Source, *, claim: bool) -> list[LogEntry]:
        entries: list[LogEntry] = []
        if claim:
            # Entries a crashed consumer read and never acknowledged.
            entries = await self._store.claim_stale(
                source.log,
                source.group,
                self._consumer,
                min_idle_ms=self._claim_after_ms,
                count=self._batch,
            )
        entries += await self._store.read_group(
            source.log, source.group, self._consumer, count=self._batch
        )
        return entries

    async def _consume(self, source: _Source, *, claim: bool) -> bool:
        prefetched = self._prefetched.pop(source, None)
        entries = await prefetched if prefetched else []
        if claim or not entries:
            entries += await self._read(source, claim=claim)
        if not entries:
            return False
        # Read the next batch while this one is processed: the store works in its own
        # thread (SQLite) or server (Redis), so reading and processing overlap.
        self._prefetched[source] = asyncio.create_task(self._read(source, claim=False))
        observe = self._engine.observe
        for entry in entries:
            try:
                event = EventRecord.decode(entry.data).event
            except (orjson.JSONDecodeError, KeyError, TypeError):
                log.warning("skipping malformed entry %s of %s", entry.id, source.log)
                continue
            if source.account is None or event.get("account") == source.account:
                observe(event)
        # Versions first, then the acknowledgement: a crash between the two re-reads the
        # batch, and merging events twice changes nothing.
        await self._engine.flush()
        await self._store.ack(source.log, source.group, [entry.id for entry in entries])
        self.consumed += len(entries)
        return True
