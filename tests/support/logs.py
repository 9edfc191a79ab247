"""Read a bus log straight from a store, to check what the service appended."""

from __future__ import annotations

import asyncio
from typing import Any

from eventbus.buses import log_name
from eventbus.records import EventRecord
from eventbus.store import open_store


def read_bus_log(store_url: str, bus: str) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        store = open_store(store_url)
        await store.open()
        try:
            events: list[dict[str, Any]] = []
            after: str | None = None
            while True:
                entries = await store.read_range(log_name(bus), after=after, count=500)
                if not entries:
                    return events
                events += [EventRecord.decode(entry.data).event for entry in entries]
                after = entries[-1].id
        finally:
            await store.close()

    return asyncio.run(read())
