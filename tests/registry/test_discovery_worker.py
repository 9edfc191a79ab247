"""The discovery worker in process, on both stores: acks after publishing, stops, retries."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from eventbus.buses import log_name
from eventbus.context import Context
from eventbus.records import EventRecord
from eventbus.services import Services
from eventbus.settings import Settings
from eventbus.store import Store
from registry.discovery.discoverers import DiscovererService
from registry.discovery.engine import DiscoveryEngine, StoredVersion
from registry.discovery.worker import DiscoveryWorker
from tests.registry.test_discovery_engine import MemorySink


class BrokenSink(MemorySink):
    """A registry that fails to store anything (an outage)."""

    async def publish(self, schema: str, content: dict[str, Any]) -> str:
        raise RuntimeError("the registry is down")

    async def latest(self, schema: str) -> StoredVersion | None:
        return None


@pytest.fixture
async def setup(store: Store) -> tuple[Services, DiscovererService]:
    settings = Settings.from_env({"store_url": store.url})
    services = Services.build(Context(settings=settings, store=store))
    await services.start()
    await services.buses.create("orders")
    discoverers = DiscovererService(services.ctx, services.buses)
    await discoverers.create(services.ctx.arns.bus("orders"))
    return services, discoverers


async def append(store: Store, *details: dict[str, Any], account: str = "000000000000") -> None:
    records = [
        EventRecord(
            event={
                "source": "shop",
                "detail-type": "Order Placed",
                "account": account,
                "detail": d,
            },
            ingested=0.0,
        ).encode()
        for d in details
    ]
    await store.append(log_name("orders"), records)


def worker(
    services: Services, discoverers: DiscovererService, sink: MemorySink, **options: Any
) -> DiscoveryWorker:
    return DiscoveryWorker(
        services.ctx.store,
        discoverers,
        DiscoveryEngine(sink),
        account_id=services.ctx.settings.account_id,
        idle_seconds=0.01,
        **options,
    )


async def run_until(target: DiscoveryWorker, consumed: int) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(target.run(stop))
    while target.consumed < consumed:
        done, _ = await asyncio.wait({task}, timeout=0.01)
        if done:
            break
    stop.set()
    # A bound so that a worker that ignores `stop` fails the test instead of hanging it.
    await asyncio.wait_for(task, 10)


async def test_versions_are_stored_then_the_batch_acknowledged(
    setup: tuple[Services, DiscovererService],
) -> None:
    services, discoverers = setup
    store = services.ctx.store
    await append(store, {"id": "o-1"}, {"id": "o-2", "note": "x"})

    broken = worker(services, discoverers, BrokenSink())
    with pytest.raises(RuntimeError):
        await asyncio.wait_for(broken.run(asyncio.Event()), 10)
    [discoverer] = await discoverers.started()
    # Nothing stored, nothing acknowledged: the batch is still pending.
    assert await store.pending_count(log_name("orders"), discoverer.group) == 2

    sink = MemorySink()
    # A later worker claims what the failed one left (here at once: no idle time needed).
    await run_until(worker(services, discoverers, sink, claim_after_ms=0), 2)
    assert len(sink.versions["shop@OrderPlaced"]) == 1
    assert await store.pending_count(log_name("orders"), discoverer.group) == 0


async def test_an_idle_worker_stops_when_asked(setup: tuple[Services, DiscovererService]) -> None:
    services, discoverers = setup
    idle = worker(services, discoverers, MemorySink(), poll_seconds=60.0)
    stop = asyncio.Event()
    task = asyncio.create_task(idle.run(stop))
    await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 10)


async def test_only_own_account_without_cross_account(
    setup: tuple[Services, DiscovererService],
) -> None:
    services, discoverers = setup
    [discoverer] = await discoverers.started()
    await discoverers.update(discoverer.id, description=None, cross_account=False)
    await append(services.ctx.store, {"theirs": 1}, account="111111111111")
    await append(services.ctx.store, {"ours": 1})
    sink = MemorySink()
    await run_until(worker(services, discoverers, sink), 2)
    [document] = sink.versions["shop@OrderPlaced"]
    assert set(document["components"]["schemas"]["OrderPlaced"]["properties"]) == {"ours"}


async def test_a_new_discoverer_is_picked_up(setup: tuple[Services, DiscovererService]) -> None:
    services, discoverers = setup
    sink = MemorySink()
    target = worker(services, discoverers, sink, poll_seconds=0.01)
    stop = asyncio.Event()
    task = asyncio.create_task(target.run(stop))
    await services.buses.create("later")
    await discoverers.create(services.ctx.arns.bus("later"))
    while "shop@Later" not in sink.versions:
        await services.ctx.store.append(
            log_name("later"),
            [
                EventRecord(
                    event={"source": "shop", "detail-type": "Later", "detail": {"a": 1}},
                    ingested=0.0,
                ).encode()
            ],
        )
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 10)
