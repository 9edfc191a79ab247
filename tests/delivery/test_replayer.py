"""The replay worker with a clock of the test's own, on a real store of each backend."""

from __future__ import annotations

from dataclasses import replace

import pytest

from eventbus.archives import GROUP, ArchiveService
from eventbus.buses import BusService, log_name
from eventbus.context import Context
from eventbus.delivery.archiver import Archiver
from eventbus.delivery.replayer import LEASE_S, Replayer
from eventbus.delivery.router import deliveries_for
from eventbus.delivery.snapshot import build_snapshot
from eventbus.records import EventRecord
from eventbus.replays import ReplayService
from eventbus.rules import Rule, RuleService, Target
from eventbus.settings import Settings
from eventbus.store import Store

T0 = 1_714_561_200.0  # 2024-05-01T11:00:00Z
BUS_ARN = "arn:aws:events:us-east-1:000000000000:event-bus/shop"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class World:
    """Services on one store and clock; the replay worker paced at two events a batch."""

    def __init__(self, store: Store) -> None:
        self.clock = Clock(T0)
        self.ctx = Context(
            settings=Settings(replay_max_events_per_second=2), store=store, clock=self.clock
        )
        self.store = store
        self.buses = BusService(self.ctx)
        self.archives = ArchiveService(self.ctx, self.buses)
        self.replays = ReplayService(
            self.ctx, self.buses, RuleService(self.ctx, self.buses), self.archives
        )

    def worker(self, consumer: str) -> Replayer:
        return Replayer(self.ctx, self.replays, consumer=consumer)

    async def archive_events(self, count: int) -> list[str]:
        """Put ``count`` events, one a second, through the archive worker."""
        records = [
            EventRecord(
                event={"id": f"e{i}", "source": "shop", "time": f"2024-05-01T11:00:{i:02d}Z"},
                ingested=T0 + 1,
            )
            for i in range(count)
        ]
        await self.store.append(log_name("shop"), [record.encode() for record in records])
        entries = await self.store.read_group(log_name("shop"), GROUP, "test", count=100)
        await Archiver(self.ctx, self.archives).archive("shop", entries)
        return [str(record.event["id"]) for record in records]

    async def start(self, name: str = "r") -> None:
        self.clock.now = T0 + 120
        await self.replays.start(
            name,
            "arn:aws:events:us-east-1:000000000000:archive/a",
            T0,
            T0 + 60,
            {"Arn": BUS_ARN},
            None,
        )

    async def replayed(self) -> list[EventRecord]:
        entries = await self.store.read_range(log_name("shop"), count=1000)
        return [r for r in map(EventRecord.decode, (e.data for e in entries)) if r.replay_name]


@pytest.fixture
async def world(store: Store) -> World:
    world = World(store)
    await world.buses.ensure_default()
    await world.buses.create("shop")
    await world.archives.create(
        "a",
        BUS_ARN,
        description=None,
        event_pattern=None,
        retention_days=None,
        kms_key_identifier=None,
    )
    return world


async def test_one_worker_runs_a_replay_and_another_takes_over_after_its_lease(
    world: World,
) -> None:
    ids = await world.archive_events(5)
    await world.start()
    first, second = world.worker("first"), world.worker("second")
    assert await first.claim("r")
    assert not await second.claim("r")
    assert (await world.replays.get("r")).state == "RUNNING"

    assert await first.advance("r")  # two events out, then "first" dies
    assert not await second.claim("r")
    world.clock.now += LEASE_S + 1
    assert await second.claim("r")
    assert not await first.advance("r")  # no longer its replay
    while await second.advance("r"):
        pass

    replayed = await world.replayed()
    assert [r.event["id"] for r in replayed] == ids
    assert all(r.event["replay-name"] == "r" and r.replay_name == "r" for r in replayed)
    assert all(r.allowed_rules is None for r in replayed)
    done = await world.replays.get("r")
    assert done.state == "COMPLETED"
    assert done.event_last_replayed == T0 + 4
    assert done.replay_end == world.clock.now
    assert done.lease_owner is None
    assert await world.replays.active.all() == []


async def test_the_time_range_bounds_the_replay(world: World) -> None:
    await world.archive_events(5)
    world.clock.now = T0 + 120
    archive = "arn:aws:events:us-east-1:000000000000:archive/a"
    await world.replays.start("r", archive, T0 + 1, T0 + 3, {"Arn": BUS_ARN}, None)
    worker = world.worker("w")
    assert await worker.claim("r")
    while await worker.advance("r"):
        pass
    assert [r.event["id"] for r in await world.replayed()] == ["e1", "e2"]


async def test_cancel_stops_after_the_current_batch(world: World) -> None:
    await world.archive_events(5)
    await world.start()
    worker = world.worker("w")
    assert await worker.claim("r")
    assert await worker.advance("r")
    cancelling = await world.replays.cancel("r")
    assert cancelling.state == "CANCELLING"
    assert not await worker.advance("r")
    assert len(await world.replayed()) == 2
    cancelled = await world.replays.get("r")
    assert cancelled.state == "CANCELLED"
    assert cancelled.replay_end is not None
    assert await world.replays.active.all() == []


async def test_a_replay_cancelled_before_any_worker_took_it(world: World) -> None:
    await world.archive_events(2)
    await world.start()
    await world.replays.cancel("r")
    worker = world.worker("w")
    assert await worker.claim("r")
    assert not await worker.advance("r")
    assert (await world.replays.get("r")).state == "CANCELLED"
    assert await world.replayed() == []


async def test_sweep_lists_active_replays_lost_from_the_active_list(world: World) -> None:
    await world.start()
    await world.replays.active.delete("r")
    worker = world.worker("w")
    await worker.sweep()
    assert [a.name for a in await world.replays.active.all()] == ["r"]


def test_filter_arns_limit_the_rules_a_replayed_event_reaches() -> None:
    target = {"Id": "t", "Arn": "arn:aws:sqs:us-east-1:000000000000:q"}

    def rule(name: str) -> Rule:
        return Rule(
            name=name,
            bus="shop",
            arn=f"arn:aws:events:us-east-1:000000000000:rule/shop/{name}",
            event_pattern='{"source": ["shop"]}',
            targets=[Target(id="t", arn=target["Arn"], spec=target)],
        )

    snapshot = build_snapshot(1, [rule("a"), rule("b"), rule("c")])
    record = EventRecord(event={"id": "e", "source": "shop"}, ingested=T0, replay_name="r")
    assert [d.rule_name for d in deliveries_for("shop", snapshot, record)] == ["a", "b", "c"]
    only = replace(record, allowed_rules=("b", "c", "z"))
    assert [d.rule_name for d in deliveries_for("shop", snapshot, only)] == ["b", "c"]
    assert all(d.replay_name == "r" for d in deliveries_for("shop", snapshot, only))
    # The pattern still has to match.
    other = replace(only, event={"id": "e", "source": "other"})
    assert deliveries_for("shop", snapshot, other) == []
