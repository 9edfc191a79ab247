"""What a router needs to know about one bus's rules, rebuilt when they change.

A snapshot holds the compiled pattern index of the bus's enabled rules and, for each
rule (scheduled ones too), its targets with their parsed input definitions. Snapshots
are immutable: a rebuild makes a new one and swaps a reference, so routing never waits
on a lock and an event is always matched against one consistent set of rules.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from eventbus.context import LocalChanges
from eventbus.delivery.transform import TargetInput, parse_target_input
from eventbus.errors import EventsError
from eventbus.patterns import Pattern, PatternIndex, compile_pattern
from eventbus.rules import Rule, RuleService, Target, rules_counter
from eventbus.store import Store

log = logging.getLogger(__name__)

#: Above this many rules, the index is built in a thread so routing of other buses goes on.
_BUILD_IN_THREAD_ABOVE = 200
#: How often the store's rules counter is read when this process changed nothing.
_RECHECK_S = 0.1
#: How long routing waits for a rebuilt snapshot before going on with the current one.
_FRESH_WAIT_S = 0.25


@dataclass(frozen=True, slots=True)
class RoutedRule:
    rule: Rule
    targets: tuple[tuple[Target, TargetInput], ...]
    #: The compiled EventPattern (None for a rule with only a schedule).
    pattern: Pattern | None = None


@dataclass(frozen=True, slots=True)
class BusSnapshot:
    version: int
    index: PatternIndex
    rules: dict[str, RoutedRule] = field(default_factory=dict)


def build_snapshot(
    version: int, rules: list[Rule], previous: BusSnapshot | None = None
) -> BusSnapshot:
    """The snapshot of a bus's rules; given the previous one, unchanged patterns are not
    compiled again and the index is edited rather than rebuilt."""
    routed: dict[str, RoutedRule] = {}
    patterns: dict[str, Pattern] = {}
    for rule in rules:
        if not rule.enabled or not (rule.event_pattern or rule.schedule_expression):
            continue
        before = previous.rules.get(rule.name) if previous is not None else None
        try:
            if before is not None and before.rule.event_pattern == rule.event_pattern:
                pattern = before.pattern
            else:
                pattern = compile_pattern(rule.event_pattern) if rule.event_pattern else None
            targets = tuple(
                (
                    target,
                    parse_target_input(
                        target.spec.get("Input"),
                        target.spec.get("InputPath"),
                        target.spec.get("InputTransformer"),
                        target_id=target.id,
                    ),
                )
                for target in rule.targets
            )
        except EventsError as error:
            # Stored before a stricter check existed: skip it rather than stop the bus.
            log.warning("rule %s skipped: %s", rule.arn, error.message)
            continue
        # Rules with only a schedule are routed to by name (scheduled events), never matched.
        if pattern is not None:
            patterns[rule.name] = pattern
        routed[rule.name] = RoutedRule(rule, targets, pattern)
    if previous is None:
        return BusSnapshot(version, PatternIndex.build(patterns.items()), routed)
    old = previous.index.rules
    index = previous.index.replace(
        upserts=[(name, p) for name, p in patterns.items() if old.get(name) is not p],
        removals=[name for name in old if name not in patterns],
    )
    return BusSnapshot(version, index, routed)


class Snapshots:
    """The current snapshot of each bus, refreshed when the bus's rules counter moves.

    A rule change is waited for briefly, so an event put right after PutRule/PutTargets
    sees the new rules (what users of a local bus expect); a rebuild that takes longer
    (thousands of rules) happens in the background while routing goes on with the current
    snapshot, so a rule change never stalls matching.
    """

    def __init__(
        self,
        store: Store,
        rules: RuleService,
        changes: LocalChanges,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._rules = rules
        self._changes = changes
        self._clock = clock
        self._current: dict[str, BusSnapshot] = {}
        self._building: dict[str, asyncio.Task[BusSnapshot]] = {}
        # Per bus: this process's change count and the time of the last store read.
        self._checked: dict[str, tuple[int, float]] = {}

    async def get(self, bus: str) -> BusSnapshot:
        name = rules_counter(bus)
        current = self._current.get(bus)
        local, now = self._changes.get(name), self._clock()
        last = self._checked.get(bus)
        # Changes by this process are seen at once; other processes' within a moment.
        if (
            current is not None
            and last is not None
            and last[0] == local
            and now - last[1] < _RECHECK_S
        ):
            return current
        version = await self._store.counter(name)
        self._checked[bus] = (local, now)
        if current is not None and current.version == version:
            return current
        task = self._building.get(bus)
        if task is None:
            task = asyncio.create_task(self._build(bus, version))
            self._building[bus] = task
        if current is None:
            return await asyncio.shield(task)
        done, _ = await asyncio.wait({task}, timeout=_FRESH_WAIT_S)
        if done and not task.cancelled() and task.exception() is None:
            return task.result()
        return current

    async def _build(self, bus: str, version: int) -> BusSnapshot:
        try:
            rules = await self._rules.all_on_bus(bus)
            previous = self._current.get(bus)
            if len(rules) > _BUILD_IN_THREAD_ABOVE:
                snapshot = await asyncio.to_thread(build_snapshot, version, rules, previous)
            else:
                snapshot = build_snapshot(version, rules, previous)
            self._current[bus] = snapshot
            return snapshot
        finally:
            self._building.pop(bus, None)

    def forget(self, bus: str) -> None:
        self._current.pop(bus, None)
