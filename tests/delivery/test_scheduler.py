"""The scheduler with a clock of the test's own, on a real store of each backend."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from eventbus.buses import DEFAULT_BUS, BusService, log_name
from eventbus.context import Context
from eventbus.delivery.router import deliveries_for
from eventbus.delivery.scheduler import Scheduler
from eventbus.delivery.snapshot import build_snapshot
from eventbus.records import EventRecord
from eventbus.rules import Rule, RuleService, Target
from eventbus.settings import Settings
from eventbus.store import Store, open_store

T0 = datetime(2024, 5, 1, 11, 0, 0, tzinfo=UTC).timestamp()
RULE_ARN = "arn:aws:events:us-east-1:000000000000:rule/tick"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


def scheduler_on(store: Store, clock: Clock) -> tuple[Scheduler, RuleService, BusService]:
    ctx = Context(settings=Settings(), store=store, clock=clock)
    buses = BusService(ctx)
    rules = RuleService(ctx, buses)
    return Scheduler(ctx, rules), rules, buses


@pytest.fixture
async def setup(store: Store, clock: Clock) -> tuple[Scheduler, RuleService]:
    scheduler, rules, buses = scheduler_on(store, clock)
    await buses.ensure_default()
    return scheduler, rules


async def put_rule(rules: RuleService, expression: str, name: str = "tick") -> None:
    await rules.put(
        name,
        None,
        event_pattern=None,
        schedule_expression=expression,
        state=None,
        description=None,
        role_arn=None,
    )


async def fired(store: Store) -> list[EventRecord]:
    entries = await store.read_range(log_name(DEFAULT_BUS), count=1000)
    return [EventRecord.decode(entry.data) for entry in entries]


def times(records: list[EventRecord]) -> list[str]:
    return [record.event["time"] for record in records]


async def test_rate_ticks_a_period_after_the_rule_appears_then_every_period(
    store: Store, clock: Clock, setup: tuple[Scheduler, RuleService]
) -> None:
    scheduler, rules = setup
    await put_rule(rules, "rate(1 minute)")
    assert await scheduler.step() == T0 + 60
    clock.now = T0 + 59.9
    await scheduler.step()
    assert await fired(store) == []

    clock.now = T0 + 60.2
    assert await scheduler.step() == T0 + 120
    clock.now = T0 + 61
    await scheduler.step()
    clock.now = T0 + 120
    await scheduler.step()

    records = await fired(store)
    assert times(records) == ["2024-05-01T11:01:00Z", "2024-05-01T11:02:00Z"]
    event = records[0].event
    assert {k: v for k, v in event.items() if k != "id"} == {
        "version": "0",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "000000000000",
        "time": "2024-05-01T11:01:00Z",
        "region": "us-east-1",
        "resources": [RULE_ARN],
        "detail": {},
    }
    assert len({record.event["id"] for record in records}) == 2
    assert all(record.scheduled_rule == "tick" for record in records)


async def test_two_schedulers_on_one_store_fire_each_tick_once(
    store_url: str, store: Store, clock: Clock, setup: tuple[Scheduler, RuleService]
) -> None:
    _, rules = setup
    await put_rule(rules, "rate(1 minute)")
    await put_rule(rules, "rate(2 minutes)", name="slow")
    others: list[Store] = []
    schedulers = []
    for _ in range(3):
        other = open_store(store_url)
        await other.open()
        others.append(other)
        schedulers.append(scheduler_on(other, clock)[0])
    try:
        for minute in range(0, 21):
            clock.now = T0 + 60 * minute
            # Each process steps several times per tick, all at once.
            await asyncio.gather(*(s.step() for s in schedulers for _ in range(3)))
    finally:
        for other in others:
            await other.close()

    records = await fired(store)
    by_rule = {
        rule: [r.event["time"] for r in records if r.scheduled_rule == rule]
        for rule in ("tick", "slow")
    }
    assert len(by_rule["tick"]) == 20
    assert len(set(by_rule["tick"])) == 20
    assert len(by_rule["slow"]) == 10
    assert len(set(by_rule["slow"])) == 10
    assert len({record.event["id"] for record in records}) == 30


async def test_missed_ticks_fire_once_as_the_latest(
    store: Store, clock: Clock, setup: tuple[Scheduler, RuleService]
) -> None:
    scheduler, rules = setup
    await put_rule(rules, "rate(5 minutes)")
    await scheduler.step()
    clock.now = T0 + 3600 + 30  # twelve ticks missed
    assert await scheduler.step() == T0 + 3600 + 300
    await scheduler.step()
    assert times(await fired(store)) == ["2024-05-01T12:00:00Z"]
    clock.now = T0 + 3600 + 300
    await scheduler.step()
    assert times(await fired(store))[1:] == ["2024-05-01T12:05:00Z"]


async def test_cron_fires_on_its_minutes_and_catches_up_once(
    store: Store, clock: Clock, setup: tuple[Scheduler, RuleService]
) -> None:
    scheduler, rules = setup
    await put_rule(rules, "cron(0 12 * * ? *)")
    noon = datetime(2024, 5, 1, 12, 0, tzinfo=UTC).timestamp()
    assert await scheduler.step() == noon
    clock.now = noon + 5
    await scheduler.step()
    assert times(await fired(store)) == ["2024-05-01T12:00:00Z"]

    clock.now = noon + 3 * 86_400 + 60  # three noons missed
    await scheduler.step()
    assert times(await fired(store))[1:] == ["2024-05-04T12:00:00Z"]


async def test_disabled_rules_do_not_fire_and_reenabling_starts_a_new_grid(
    store: Store, clock: Clock, setup: tuple[Scheduler, RuleService]
) -> None:
    scheduler, rules = setup
    await put_rule(rules, "rate(1 minute)")
    await scheduler.step()
    await rules.set_state("tick", None, "DISABLED")
    clock.now = T0 + 600
    assert await scheduler.step() is None
    assert await fired(store) == []

    clock.now = T0 + 630
    await rules.set_state("tick", None, "ENABLED")
    assert await scheduler.step() == T0 + 690
    clock.now = T0 + 690
    await scheduler.step()
    assert times(await fired(store)) == ["2024-05-01T11:11:30Z"]


async def test_changed_and_deleted_rules(
    store: Store, clock: Clock, setup: tuple[Scheduler, RuleService]
) -> None:
    scheduler, rules = setup
    await put_rule(rules, "rate(1 minute)")
    await scheduler.step()
    clock.now = T0 + 30
    await put_rule(rules, "rate(10 minutes)")
    assert await scheduler.step() == T0 + 630

    # A pattern instead of a schedule: the rule stays, its schedule goes.
    await rules.put(
        "tick",
        None,
        event_pattern='{"source": ["shop"]}',
        schedule_expression=None,
        state=None,
        description=None,
        role_arn=None,
    )
    assert await scheduler.step() is None
    assert await store.scan("schedule") == []
    await put_rule(rules, "rate(1 minute)")
    assert await scheduler.step() == T0 + 90

    await rules.delete("tick", None)
    assert await scheduler.step() is None
    clock.now = T0 + 3600
    await scheduler.step()
    assert await fired(store) == []
    assert await store.scan("schedule") == []


def test_a_scheduled_event_reaches_its_rule_only() -> None:
    target = {"Id": "t", "Arn": "arn:aws:sqs:us-east-1:000000000000:q"}
    snapshot = build_snapshot(
        1,
        [
            Rule(
                name="tick",
                bus="default",
                arn=RULE_ARN,
                schedule_expression="rate(1 minute)",
                targets=[Target(id="t", arn=target["Arn"], spec=target)],
            ),
            Rule(
                name="watch",
                bus="default",
                arn=RULE_ARN + "-watch",
                event_pattern='{"source": ["aws.events"]}',
                targets=[Target(id="t", arn=target["Arn"], spec=target)],
            ),
        ],
    )
    event = {"id": "e", "source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}
    scheduled = EventRecord(event=event, ingested=T0, scheduled_rule="tick")
    assert [d.rule_name for d in deliveries_for("default", snapshot, scheduled)] == ["tick"]
    # The same event put on the bus by other means is matched as usual.
    plain = EventRecord(event=event, ingested=T0)
    assert [d.rule_name for d in deliveries_for("default", snapshot, plain)] == ["watch"]
    unknown = EventRecord(event=event, ingested=T0, scheduled_rule="gone")
    assert deliveries_for("default", snapshot, unknown) == []
