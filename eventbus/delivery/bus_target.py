"""Event bus targets: put the matched event on another bus, without looping."""

from __future__ import annotations

import orjson

from eventbus.arns import parse_bus_arn
from eventbus.buses import BusService, log_name
from eventbus.delivery.model import Delivery, DeliveryFailed
from eventbus.records import EventRecord
from eventbus.store import Store

#: An event may cross this many buses; beyond that it is a loop or close enough to one.
MAX_HOPS = 5
BUS_ARN_PATTERN = r"arn:aws[\w-]*:events:[a-z0-9-]+:\d{12}:event-bus/.+"


class BusTarget:
    def __init__(self, store: Store, buses: BusService) -> None:
        self._store = store
        self._buses = buses

    async def deliver(self, delivery: Delivery) -> None:
        bus = parse_bus_arn(delivery.target_arn)
        assert bus is not None  # dispatched on BUS_ARN_PATTERN
        path = (*delivery.hops, delivery.bus)
        if bus in path or len(path) >= MAX_HOPS:
            raise DeliveryFailed(
                "LOOP_DETECTED",
                f"The event already went through event bus(es) {', '.join(path)}; not sent to "
                f"{bus} again.",
                retryable=False,
            )
        if not await self._buses.exists(bus):
            raise DeliveryFailed(
                "RESOURCE_NOT_FOUND", f"Event bus {bus} does not exist.", retryable=False
            )
        # The target bus receives the event (the input members of a target do not apply to
        # bus targets on EventBridge), keeping its id so it can be traced across buses.
        record = EventRecord(
            event=orjson.loads(delivery.event),
            ingested=delivery.ingested,
            replay_name=delivery.replay_name,
            hops=path,
        )
        await self._store.append(log_name(bus), [record.encode()])
