"""The router: reads each bus log as the ``router`` consumer group, matches events against
the bus's rules, and turns every (event, target) pair into a durable delivery.

A log entry is acknowledged only after its deliveries are enqueued, so a crash between
the two re-routes the entry (at-least-once; deliveries carry an idempotency key so a
receiver can drop the duplicate). Several router processes on one Redis share a bus's
log through the consumer group, and an entry one of them read but never acknowledged is
claimed by another after ``claim_after`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from datetime import UTC, datetime

import orjson

from eventbus.buses import DIRECTORY_COUNTER, log_name
from eventbus.buses import KIND as BUS_KIND
from eventbus.context import LocalChanges
from eventbus.delivery.model import Delivery
from eventbus.delivery.snapshot import BusSnapshot, Snapshots
from eventbus.delivery.transform import render
from eventbus.metrics import MATCHED_EVENTS, TRIGGERED_RULES
from eventbus.records import EventRecord
from eventbus.rules import RuleService
from eventbus.store import LogEntry, Store

log = logging.getLogger(__name__)

GROUP = "router"
DELIVERIES_QUEUE = "deliveries"
#: Log entries routed together (and re-routed together after a crash).
BATCH = 100
_BLOCK_MS = 1_000
_DIRECTORY_POLL_S = 1.0


def consumer_name(role: str) -> str:
    """A name unique to this process, for consumer groups."""
    return f"{role}-{socket.gethostname()}-{os.getpid()}"


def _iso_ms(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def deliveries_for(bus: str, snapshot: BusSnapshot, record: EventRecord) -> list[Delivery]:
    """The deliveries one event causes on one bus."""
    if record.scheduled_rule is not None:
        # A scheduled rule's event is for that rule alone, which has no pattern to match.
        matched = [record.scheduled_rule] if record.scheduled_rule in snapshot.rules else []
    else:
        matched = snapshot.index.match(record.event)
        if record.allowed_rules is not None:
            matched = [name for name in matched if name in record.allowed_rules]
    if not matched:
        return []
    MATCHED_EVENTS.labels(bus).inc()
    event_json = orjson.dumps(record.event)
    event_text = event_json.decode()
    ingestion_time = _iso_ms(record.ingested)
    deliveries = []
    for name in matched:
        routed = snapshot.rules[name]
        TRIGGERED_RULES.labels(bus, name).inc()
        for target, target_input in routed.targets:
            body = render(
                target_input,
                record.event,
                rule_arn=routed.rule.arn,
                rule_name=name,
                ingestion_time=ingestion_time,
                event_json=event_json,
            )
            deliveries.append(
                Delivery(
                    idempotency_key=f"{record.event['id']}:{routed.rule.arn}:{target.id}",
                    event_id=record.event["id"],
                    bus=bus,
                    rule_arn=routed.rule.arn,
                    rule_name=name,
                    target=target.spec,
                    body=body.decode(),
                    event=event_text,
                    ingested=record.ingested,
                    hops=record.hops,
                    replay_name=record.replay_name,
                )
            )
    return deliveries


class Router:
    name = "router"

    def __init__(
        self,
        store: Store,
        rules: RuleService,
        changes: LocalChanges,
        *,
        claim_after: float = 30.0,
    ) -> None:
        self._store = store
        self._claim_after_ms = int(claim_after * 1000)
        self._snapshots = Snapshots(store, rules, changes)
        self._consumer = consumer_name("router")

    async def run(self, stop: asyncio.Event) -> None:
        tasks: dict[str, asyncio.Task[None]] = {}
        seen_version = -1
        try:
            while not stop.is_set():
                version = await self._store.counter(DIRECTORY_COUNTER)
                if version != seen_version:
                    seen_version = version
                    buses = {key for key, _ in await self._store.scan(BUS_KIND)}
                    for bus in buses - tasks.keys():
                        tasks[bus] = asyncio.create_task(self._route_bus(bus, stop))
                    for bus in tasks.keys() - buses:
                        tasks.pop(bus).cancel()
                        self._snapshots.forget(bus)
                for bus, task in list(tasks.items()):
                    if task.done() and not task.cancelled() and task.exception() is not None:
                        log.error(
                            "router for bus %s crashed: %r; restarting", bus, task.exception()
                        )
                        tasks[bus] = asyncio.create_task(self._route_bus(bus, stop))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), _DIRECTORY_POLL_S)
        finally:
            for task in tasks.values():
                task.cancel()
            await asyncio.gather(*tasks.values(), return_exceptions=True)

    async def _route_bus(self, bus: str, stop: asyncio.Event) -> None:
        stream = log_name(bus)
        await self._store.create_group(stream, GROUP, "begin")
        # Entries abandoned by a dead consumer can only be claimed once they are
        # claim_after old, so looking more often than a few times per period is waste.
        claim_every = max(0.05, self._claim_after_ms / 4000)
        next_claim = 0.0
        while not stop.is_set():
            entries = []
            if time.monotonic() >= next_claim:
                entries = await self._store.claim_stale(
                    stream, GROUP, self._consumer, min_idle_ms=self._claim_after_ms, count=BATCH
                )
                if not entries:
                    next_claim = time.monotonic() + claim_every
            if not entries:
                entries = await self._store.read_group(
                    stream, GROUP, self._consumer, count=BATCH, block_ms=_BLOCK_MS
                )
            if entries:
                await self.route(bus, entries)

    async def route(self, bus: str, entries: list[LogEntry]) -> None:
        snapshot = await self._snapshots.get(bus)
        deliveries: list[Delivery] = []
        for entry in entries:
            try:
                record = EventRecord.decode(entry.data)
            except (orjson.JSONDecodeError, KeyError, TypeError):
                log.error("bus %s: unreadable log entry %s dropped", bus, entry.id)
                continue
            deliveries += deliveries_for(bus, snapshot, record)
        if deliveries:
            await self._store.enqueue(DELIVERIES_QUEUE, [(d.encode(), 0.0) for d in deliveries])
        await self._store.ack(log_name(bus), GROUP, [entry.id for entry in entries])
