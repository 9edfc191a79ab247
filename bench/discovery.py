"""Schema discovery: events/s consumed, with repeated shapes and with mostly novel ones.

Two levels, each against a naive discoverer measured in the same run, one core:

* **engine**: records already read from the log (bytes), decoded and observed by
  ``DiscoveryEngine`` in batches of 1,000, with a flush (publish when the schema changed)
  after each batch into an in-memory registry. Two peers decode the same records: one runs
  genson (``registry.infer.DetailSchemaBuilder.add_object``) on every event and renders and
  compares once per batch, as the engine does; the naivest also renders the OpenAPI
  document and compares it for every event.
* **worker**: the real discovery worker on a SQLite store: events already on a bus log,
  read through a consumer group, observed, versions stored in ``discovered-schemas`` by the
  registry's schema service, batches acknowledged; timed until the log is drained.

Shapes: *repeated* cycles eight shapes of an order event; *novel* draws a random subset of
sixteen optional detail fields per event, so almost every event has a shape never seen.

    python bench/discovery.py [--events 50000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventbus.buses import log_name
from eventbus.context import Context
from eventbus.records import EventRecord
from eventbus.services import Services
from eventbus.settings import Settings
from eventbus.store import open_store
from registry.content import canonical
from registry.core import SchemaRegistry
from registry.discovery.discoverers import DiscovererService
from registry.discovery.engine import DiscoveryEngine, StoredVersion
from registry.discovery.sink import RegistrySink
from registry.discovery.worker import DiscoveryWorker
from registry.infer import DetailSchemaBuilder, openapi_from_detail

BATCH = 1000
OPTIONAL = [f"field_{n}" for n in range(16)]


@dataclass
class Rate:
    """Events per second of wall time and per second of this process's CPU time (all
    threads): on a machine shared with other work the CPU figure is the steadier one."""

    wall: float
    cpu: float
    versions: int = 0


class Timer:
    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def rate(self, events: int, versions: int = 0) -> Rate:
        wall = time.perf_counter() - self.wall
        cpu = time.process_time() - self.cpu
        return Rate(events / wall, events / cpu, versions)


def order(number: int) -> dict[str, Any]:
    return {
        "order_id": f"o-{number}",
        "customer": {"id": f"c-{number % 97}", "email": "a@example.com", "vip": number % 2 == 0},
        "items": [{"sku": "a", "qty": 1, "price": 9.5}, {"sku": "b", "qty": 2, "price": 20.0}],
        "total": 49.5 + number,
        "currency": "EUR",
        "placed_at": "2024-05-01T09:59:58Z",
    }


def repeated(count: int) -> Iterator[dict[str, Any]]:
    for number in range(count):
        detail = order(number)
        variant = number % 8
        if variant & 1:
            detail["coupon"] = "SPRING"
        if variant & 2:
            detail["customer"]["address"] = {"city": "Lyon", "zip": "69001"}
        if variant & 4:
            detail["notes"] = ["leave at the door"]
        yield envelope(detail)


def novel(count: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    for number in range(count):
        detail = order(number)
        for name in rng.sample(OPTIONAL, rng.randint(1, len(OPTIONAL))):
            detail[name] = rng.choice([1, "x", 2.5, {"k": 1}, [1], None])
        yield envelope(detail)


def envelope(detail: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": "Order Placed",
        "source": "shop",
        "account": "000000000000",
        "time": "2024-05-01T10:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": detail,
    }


def encoded(events: Iterator[dict[str, Any]]) -> list[bytes]:
    return [EventRecord(event=event, ingested=0.0).encode() for event in events]


# -- engine level ----------------------------------------------------------------------------


class MemorySink:
    def __init__(self) -> None:
        self.versions: dict[str, list[dict[str, Any]]] = {}

    async def latest(self, schema: str) -> StoredVersion | None:
        versions = self.versions.get(schema)
        return StoredVersion(str(len(versions)), versions[-1]) if versions else None

    async def publish(self, schema: str, content: dict[str, Any]) -> str:
        self.versions.setdefault(schema, []).append(json.loads(json.dumps(content)))
        return str(len(self.versions[schema]))


async def engine_rate(records: list[bytes]) -> Rate:
    sink = MemorySink()
    engine = DiscoveryEngine(sink)
    timer = Timer()
    for start in range(0, len(records), BATCH):
        for data in records[start : start + BATCH]:
            engine.observe(EventRecord.decode(data).event)
        await engine.flush()
    return timer.rate(len(records), sum(len(v) for v in sink.versions.values()))


def genson_rate(records: list[bytes]) -> Rate:
    """The naive discoverer: genson on every event, render and compare per batch."""
    builders: dict[tuple[str, str], DetailSchemaBuilder] = {}
    stored: dict[tuple[str, str], str] = {}
    versions = 0
    timer = Timer()
    for start in range(0, len(records), BATCH):
        touched = set()
        for data in records[start : start + BATCH]:
            event = EventRecord.decode(data).event
            key = (event["source"], event["detail-type"])
            builders.setdefault(key, DetailSchemaBuilder()).add_object(event["detail"])
            touched.add(key)
        for key in touched:
            text = canonical(openapi_from_detail(*key, builders[key].detail_schema()))
            if stored.get(key) != text:
                stored[key] = text
                versions += 1
    return timer.rate(len(records), versions)


def render_every_event_rate(records: list[bytes]) -> Rate:
    """The naivest discoverer: a schema built, rendered and compared for every event."""
    builders: dict[tuple[str, str], DetailSchemaBuilder] = {}
    stored: dict[tuple[str, str], str] = {}
    versions = 0
    timer = Timer()
    for data in records:
        event = EventRecord.decode(data).event
        key = (event["source"], event["detail-type"])
        builder = builders.setdefault(key, DetailSchemaBuilder())
        builder.add_object(event["detail"])
        text = canonical(openapi_from_detail(*key, builder.detail_schema()))
        if stored.get(key) != text:
            stored[key] = text
            versions += 1
    return timer.rate(len(records), versions)


# -- worker level ----------------------------------------------------------------------------


async def worker_rate(records: list[bytes], directory: Path) -> Rate:
    settings = Settings.from_env({"store_url": f"sqlite:///{directory / 'bench.db'}"})
    store = open_store(settings.resolved_store_url)
    services = Services.build(Context(settings=settings, store=store))
    await services.start()
    registry = SchemaRegistry.build(services)
    await registry.registries.ensure_builtins()
    await services.buses.create("bench")
    discoverers = DiscovererService(services.ctx, services.buses)
    # Created first: a discoverer sees the events put on its bus after it started.
    await discoverers.create(services.ctx.arns.bus("bench"))
    for start in range(0, len(records), BATCH):
        await store.append(log_name("bench"), records[start : start + BATCH])
    worker = DiscoveryWorker(
        store,
        discoverers,
        DiscoveryEngine(RegistrySink(registry.schemas)),
        account_id=settings.account_id,
    )
    stop = asyncio.Event()
    timer = Timer()
    run = asyncio.create_task(worker.run(stop))
    while worker.consumed < len(records):
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(run), 0.005)
    rate = timer.rate(len(records))
    stop.set()
    await run
    schemas = await registry.schemas.heads("discovered-schemas")
    rate.versions = sum(len(head.versions) for head in schemas)
    await store.close()
    return rate


def row(name: str, rate: Rate) -> None:
    print(f"{name:<42}{rate.wall:>14,.0f}{rate.cpu:>14,.0f}{rate.versions:>10}")


def ratio(name: str, ours: Rate, peer: Rate) -> None:
    print(f"{name}: {ours.cpu / peer.cpu:.1f}x per CPU-second ({ours.wall / peer.wall:.1f}x wall)")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=50_000, help="events per repeated run")
    args = parser.parse_args()
    rng = random.Random(7)
    same = encoded(repeated(args.events))
    few = max(args.events // 10, 2000)
    fresh = encoded(novel(few, rng))

    print(f"{'run':<42}{'events/s':>14}{'events/CPU-s':>14}{'versions':>10}")
    ours_same = await engine_rate(same)
    row("engine, repeated shapes", ours_same)
    peer_same = genson_rate(same[:few])
    row("genson every event, repeated shapes", peer_same)
    naive = render_every_event_rate(same[:2000])
    row("genson + render every event, repeated", naive)
    ours_new = await engine_rate(fresh)
    row("engine, mostly novel shapes", ours_new)
    peer_new = genson_rate(fresh)
    row("genson every event, mostly novel shapes", peer_new)
    with tempfile.TemporaryDirectory() as directory:
        worker_same = await worker_rate(same, Path(directory))
    row("worker on SQLite, repeated shapes", worker_same)
    ratio("engine / genson every event, repeated shapes", ours_same, peer_same)
    ratio("engine / genson + render every event, repeated shapes", ours_same, naive)
    ratio("engine / genson every event, mostly novel shapes", ours_new, peer_new)
    ratio("worker on SQLite / genson every event, repeated shapes", worker_same, peer_same)


if __name__ == "__main__":
    asyncio.run(main())
