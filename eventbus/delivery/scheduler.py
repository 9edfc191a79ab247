"""The scheduler: emits the events of scheduled rules (``ScheduleExpression``) on time.

Each scheduled rule has a state document (kind ``schedule``, key ``<bus>|<rule>``): the
expression and enabled flag it was computed for, the anchor of a rate's grid, and the
next tick. A tick fires by advancing ``next_tick`` with a compare-and-set on that
document, and only the process whose write won appends the event, so any number of
scheduler processes on one store emit each tick once. A crash between the winning write
and the append loses that tick: ticks are at most once, never duplicated.

The event is EventBridge's scheduled event (source ``aws.events``, detail-type
``Scheduled Event``, the rule's ARN as its one resource, an empty detail, the tick as its
time). It goes on the default bus's log naming its rule, and the router hands it to that
rule's targets only: EventBridge sends a scheduled event to the rule's targets, not
through the bus, so other rules never see it. Its id is derived from the rule and the
tick, so the same tick always has the same id.

Choices where AWS says nothing precise:

* A rate grid starts where the scheduler first sees the rule enabled with its expression
  (created, re-enabled, or given a new expression); the first tick is one period later.
* Ticks missed while no scheduler ran fire once, as the latest missed tick; later ticks
  follow the grid as usual.
* ``schedule_minute_seconds`` shortens the minute of rate expressions (for tests); cron
  expressions always run on the wall clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import uuid
from datetime import UTC, datetime

from pydantic import BaseModel

from eventbus.buses import DEFAULT_BUS, log_name
from eventbus.context import Context
from eventbus.errors import ValidationError
from eventbus.records import EventRecord
from eventbus.rules import Rule, RuleService, rule_key, rules_counter
from eventbus.schedule import RateSchedule, Schedule, parse_schedule

log = logging.getLogger(__name__)

KIND = "schedule"
#: How often rule changes are looked for while no tick is due sooner.
POLL_S = 1.0
#: Windows (seconds before now) searched for the latest missed cron tick, smallest first,
#: so a catch-up steps through at most one window's worth of ticks.
_CATCH_UP_WINDOWS = (3_600.0, 86_400.0, 31 * 86_400.0, 366 * 86_400.0)


class ScheduleState(BaseModel):
    expression: str
    enabled: bool
    #: Where a rate's grid starts (epoch seconds).
    anchor: float
    #: The next tick to fire (epoch seconds); None when disabled or no tick is left.
    next_tick: float | None
    last_tick: float | None = None


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


class Ticks:
    """Tick arithmetic of one schedule, in epoch seconds, with rate minutes scaled."""

    def __init__(self, schedule: Schedule, anchor: float, minute_seconds: float) -> None:
        self.schedule = schedule
        self.anchor = anchor
        self.period = (
            schedule.period.total_seconds() * minute_seconds / 60
            if isinstance(schedule, RateSchedule)
            else None
        )

    def after(self, t: float) -> float | None:
        """The first tick strictly after ``t``."""
        if self.period is None:
            found = self.schedule.next_after(_utc(t))
            return None if found is None else found.timestamp()
        if t < self.anchor:
            return self.anchor
        k = math.floor((t - self.anchor) / self.period) + 1
        tick = self.anchor + k * self.period
        # Float rounding may land on or before t; the grid is what counts.
        while tick <= t:
            k += 1
            tick = self.anchor + k * self.period
        return tick

    def latest(self, first_due: float, now: float) -> float:
        """The last tick at or before ``now``, given the tick ``first_due <= now``."""
        if self.period is not None:
            k = math.floor((now - self.anchor) / self.period)
            return max(first_due, self.anchor + k * self.period)
        for window in (*_CATCH_UP_WINDOWS, math.inf):
            start = now - window
            tick = first_due if start <= first_due else self.after(start)
            if tick is None or tick > now:
                continue
            while (following := self.after(tick)) is not None and following <= now:
                tick = following
            return tick
        return first_due


def scheduled_event(rule_arn: str, tick: float, account: str, region: str) -> dict[str, object]:
    return {
        "version": "0",
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{rule_arn}#{tick!r}")),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account,
        "time": _utc(tick).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }


class Scheduler:
    name = "scheduler"

    def __init__(self, ctx: Context, rules: RuleService) -> None:
        self._ctx = ctx
        self._store = ctx.store
        self._rules = rules
        self._version = -1
        #: key -> (stored bytes, state): the bytes are what compare-and-set expects.
        self._states: dict[str, tuple[bytes, ScheduleState]] = {}

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            due = await self.step()
            delay = POLL_S if due is None else min(POLL_S, max(0.0, due - self._ctx.clock()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)

    async def step(self) -> float | None:
        """Fire every due tick once; the time of the next tick (None: none is known)."""
        await self._sync()
        now = self._ctx.clock()
        for key, (raw, state) in list(self._states.items()):
            if state.enabled and state.next_tick is not None and state.next_tick <= now:
                await self._fire(key, raw, state, now)
        upcoming = [
            state.next_tick
            for _, state in self._states.values()
            if state.enabled and state.next_tick is not None
        ]
        return min(upcoming, default=None)

    def _ticks(self, state: ScheduleState) -> Ticks:
        return Ticks(
            parse_schedule(state.expression),
            state.anchor,
            self._ctx.settings.schedule_minute_seconds,
        )

    async def _fire(self, key: str, raw: bytes, state: ScheduleState, now: float) -> None:
        assert state.next_tick is not None
        ticks = self._ticks(state)
        tick = ticks.latest(state.next_tick, now)
        fired = state.model_copy(update={"next_tick": ticks.after(now), "last_tick": tick})
        encoded = fired.model_dump_json().encode()
        if not await self._store.replace(KIND, key, raw, encoded):
            # Another scheduler fired it, or the rule changed: take the stored state.
            await self._reload(key)
            return
        self._states[key] = (encoded, fired)
        bus, _, name = key.partition("|")
        settings = self._ctx.settings
        event = scheduled_event(
            self._ctx.arns.rule(bus, name), tick, settings.account_id, settings.region
        )
        record = EventRecord(event=event, ingested=self._ctx.clock(), scheduled_rule=name)
        await self._store.append(log_name(bus), [record.encode()])

    async def _reload(self, key: str) -> None:
        raw = await self._store.get(KIND, key)
        if raw is None:
            self._states.pop(key, None)
        else:
            self._states[key] = (raw, ScheduleState.model_validate_json(raw))

    # -- following the rules -------------------------------------------------------------

    async def _sync(self) -> None:
        """Bring the schedule states in line with the rules when the rules changed."""
        version = await self._store.counter(rules_counter(DEFAULT_BUS))
        if version == self._version:
            return
        rules = {
            rule_key(DEFAULT_BUS, rule.name): rule
            for rule in await self._rules.all_on_bus(DEFAULT_BUS)
            if rule.schedule_expression
        }
        stored = {
            key: (raw, ScheduleState.model_validate_json(raw))
            for key, raw in await self._store.scan(KIND, prefix=f"{DEFAULT_BUS}|")
        }
        for key, rule in rules.items():
            current = stored.get(key)
            if current is None or not _follows(current[1], rule):
                current = await self._adopt(key, rule, current)
            if current is not None:
                stored[key] = current
        for key in stored.keys() - rules.keys():
            # Ask the store, not this snapshot: the rule may be newer than what we read.
            found = await self._rules.find(DEFAULT_BUS, key.partition("|")[2])
            if found is None or not found.schedule_expression:
                await self._store.delete(KIND, key)
                stored.pop(key)
        self._states = stored
        self._version = version

    async def _adopt(
        self, key: str, rule: Rule, current: tuple[bytes, ScheduleState] | None
    ) -> tuple[bytes, ScheduleState] | None:
        """Store a fresh state for a rule that is new, re-enabled, disabled or changed."""
        assert rule.schedule_expression is not None
        now = self._ctx.clock()
        try:
            schedule = parse_schedule(rule.schedule_expression)
        except ValidationError:
            log.warning("rule %s has an invalid schedule; it never fires", rule.arn)
            return current
        ticks = Ticks(schedule, now, self._ctx.settings.schedule_minute_seconds)
        state = ScheduleState(
            expression=rule.schedule_expression,
            enabled=rule.enabled,
            anchor=now,
            next_tick=ticks.after(now) if rule.enabled else None,
            last_tick=current[1].last_tick if current is not None else None,
        )
        encoded = state.model_dump_json().encode()
        if current is None:
            written = await self._store.create(KIND, key, encoded)
        else:
            written = await self._store.replace(KIND, key, current[0], encoded)
        if written:
            return encoded, state
        # Another scheduler adopted the change first; its anchor is the one everyone uses.
        raw = await self._store.get(KIND, key)
        return None if raw is None else (raw, ScheduleState.model_validate_json(raw))


def _follows(state: ScheduleState, rule: Rule) -> bool:
    return state.expression == rule.schedule_expression and state.enabled == rule.enabled
