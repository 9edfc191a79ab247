"""Rules of a bus and their targets."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from eventbus.buses import DEFAULT_BUS, BusService
from eventbus.context import Context
from eventbus.delivery.transform import parse_target_input
from eventbus.documents import Collection, Page, page_list
from eventbus.errors import (
    LimitExceededError,
    ResourceNotFoundError,
    ValidationError,
)
from eventbus.patterns import compile_pattern
from eventbus.schedule import parse_schedule

KIND = "rule"
#: AWS's fixed limit on targets per rule.
MAX_TARGETS_PER_RULE = 5

_ARN = re.compile(r"arn:aws[\w-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+")
_SQS_ARN = re.compile(r"arn:aws[\w-]*:sqs:[a-z0-9-]+:\d{12}:[\w-]+(\.fifo)?")


def rules_counter(bus: str) -> str:
    """Counter bumped on every change to a bus's rules; workers rebuild their index on it."""
    return f"rules:{bus}"


def rule_key(bus: str, name: str) -> str:
    # '|' appears in neither bus nor rule names, so a bus's rules share one key prefix.
    return f"{bus}|{name}"


class Target(BaseModel):
    id: str
    arn: str
    #: Every member AWS defines for a target, stored and returned as the client sent it.
    spec: dict[str, Any]


class Rule(BaseModel):
    name: str
    bus: str
    arn: str
    event_pattern: str | None = None
    schedule_expression: str | None = None
    state: str = "ENABLED"
    description: str | None = None
    role_arn: str | None = None
    managed_by: str | None = None
    created_by: str | None = None
    targets: list[Target] = Field(default_factory=list)

    @property
    def enabled(self) -> bool:
        return self.state != "DISABLED"


@dataclass(frozen=True, slots=True)
class FailedTarget:
    target_id: str
    code: str
    message: str


class RuleService:
    def __init__(self, ctx: Context, buses: BusService) -> None:
        self._ctx = ctx
        self._buses = buses
        self._rules = Collection(ctx.store, KIND, Rule)

    async def _changed(self, bus: str) -> None:
        await self._ctx.store.incr(rules_counter(bus))
        self._ctx.changes.bump(rules_counter(bus))

    async def put(
        self,
        name: str,
        bus_name_or_arn: str | None,
        *,
        event_pattern: str | None,
        schedule_expression: str | None,
        state: str | None,
        description: str | None,
        role_arn: str | None,
    ) -> Rule:
        bus = (await self._buses.get(bus_name_or_arn)).name
        if not event_pattern and not schedule_expression:
            raise ValidationError(
                "Parameter(s) EventPattern or ScheduleExpression must be specified."
            )
        if event_pattern:
            compile_pattern(event_pattern)
        if schedule_expression:
            if bus != DEFAULT_BUS:
                raise ValidationError(
                    "ScheduleExpression is supported only on the default event bus."
                )
            parse_schedule(schedule_expression)
        key = rule_key(bus, name)
        fields: dict[str, Any] = {
            "event_pattern": event_pattern or None,
            "schedule_expression": schedule_expression or None,
            "description": description,
            "role_arn": role_arn,
        }
        if state is not None:
            fields["state"] = state

        existing = await self._rules.update(key, lambda rule: rule.model_copy(update=fields))
        if existing is not None:
            await self._changed(bus)
            return existing
        limit = self._ctx.settings.max_rules_per_bus
        if len(await self._ctx.store.scan(KIND, prefix=f"{bus}|", limit=limit + 1)) >= limit:
            raise LimitExceededError(
                f"The requested resource exceeds the maximum number allowed ({limit} rules "
                f"on event bus {bus})."
            )
        rule = Rule(name=name, bus=bus, arn=self._ctx.arns.rule(bus, name), **fields)
        if not await self._rules.create(key, rule):
            # Created by someone else meanwhile: apply this request as an update.
            return await self.put(
                name,
                bus,
                event_pattern=event_pattern,
                schedule_expression=schedule_expression,
                state=state,
                description=description,
                role_arn=role_arn,
            )
        await self._changed(bus)
        return rule

    async def get(self, name: str, bus_name_or_arn: str | None) -> Rule:
        bus = (await self._buses.get(bus_name_or_arn)).name
        rule = await self._rules.get(rule_key(bus, name))
        if rule is None:
            raise ResourceNotFoundError(f"Rule {name} does not exist on EventBus {bus}.")
        return rule

    async def find(self, bus: str, name: str) -> Rule | None:
        return await self._rules.get(rule_key(bus, name))

    async def page(
        self, bus_name_or_arn: str | None, prefix: str | None, token: str | None, limit: int | None
    ) -> Page[Rule]:
        bus = (await self._buses.get(bus_name_or_arn)).name
        return await self._rules.page(prefix=rule_key(bus, prefix or ""), token=token, limit=limit)

    async def all_on_bus(self, bus: str) -> list[Rule]:
        return await self._rules.all(prefix=f"{bus}|")

    async def set_state(self, name: str, bus_name_or_arn: str | None, state: str) -> Rule:
        rule = await self.get(name, bus_name_or_arn)
        updated = await self._rules.update(
            rule_key(rule.bus, name), lambda r: r.model_copy(update={"state": state})
        )
        if updated is None:
            raise ResourceNotFoundError(f"Rule {name} does not exist on EventBus {rule.bus}.")
        await self._changed(rule.bus)
        return updated

    async def delete(self, name: str, bus_name_or_arn: str | None) -> Rule | None:
        bus = (await self._buses.get(bus_name_or_arn)).name
        rule = await self._rules.get(rule_key(bus, name))
        if rule is None:
            return None
        if rule.targets:
            raise ValidationError("Rule can't be deleted since it has targets.")
        await self._rules.delete(rule_key(bus, name))
        await self._changed(bus)
        return rule

    async def delete_all_on_bus(self, bus: str) -> list[Rule]:
        rules = await self.all_on_bus(bus)
        for rule in rules:
            await self._rules.delete(rule_key(bus, rule.name))
        if rules:
            await self._changed(bus)
        return rules

    async def names_by_target(
        self, target_arn: str, bus_name_or_arn: str | None, token: str | None, limit: int | None
    ) -> tuple[list[str], str | None]:
        bus = (await self._buses.get(bus_name_or_arn)).name
        names = [
            rule.name
            for rule in await self.all_on_bus(bus)
            if any(target.arn == target_arn for target in rule.targets)
        ]
        return page_list(names, token, limit)

    # -- targets -------------------------------------------------------------------------

    async def put_targets(
        self, rule_name: str, bus_name_or_arn: str | None, targets: Sequence[dict[str, Any]]
    ) -> list[FailedTarget]:
        rule = await self.get(rule_name, bus_name_or_arn)
        ids = [spec["Id"] for spec in targets]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValidationError(f"Target ids must be unique within a request: {duplicates}.")
        # An invalid input definition fails the whole request, as on AWS.
        for position, spec in enumerate(targets, start=1):
            parse_target_input(
                spec.get("Input"),
                spec.get("InputPath"),
                spec.get("InputTransformer"),
                target_id=spec["Id"],
                target_index=position,
            )
        failed: list[FailedTarget] = []
        accepted: list[Target] = []
        for spec in targets:
            problem = _target_problem(spec)
            if problem is not None:
                failed.append(FailedTarget(spec["Id"], "ValidationException", problem))
            else:
                accepted.append(Target(id=spec["Id"], arn=spec["Arn"], spec=dict(spec)))

        def change(current: Rule) -> Rule:
            by_id = {target.id: target for target in current.targets}
            by_id.update({target.id: target for target in accepted})
            if len(by_id) > MAX_TARGETS_PER_RULE:
                raise LimitExceededError(
                    "The requested resource exceeds the maximum number allowed: a rule can "
                    f"have at most {MAX_TARGETS_PER_RULE} targets."
                )
            return current.model_copy(update={"targets": list(by_id.values())})

        if accepted:
            if await self._rules.update(rule_key(rule.bus, rule_name), change) is None:
                raise ResourceNotFoundError(
                    f"Rule {rule_name} does not exist on EventBus {rule.bus}."
                )
            await self._changed(rule.bus)
        return failed

    async def remove_targets(
        self, rule_name: str, bus_name_or_arn: str | None, ids: Sequence[str]
    ) -> list[FailedTarget]:
        rule = await self.get(rule_name, bus_name_or_arn)
        present = {target.id for target in rule.targets}
        failed = [
            FailedTarget(
                i, "ResourceNotFoundException", f"Target {i} does not exist on rule {rule_name}."
            )
            for i in ids
            if i not in present
        ]
        remove = set(ids)
        updated = await self._rules.update(
            rule_key(rule.bus, rule_name),
            lambda r: r.model_copy(
                update={"targets": [t for t in r.targets if t.id not in remove]}
            ),
        )
        if updated is None:
            raise ResourceNotFoundError(f"Rule {rule_name} does not exist on EventBus {rule.bus}.")
        await self._changed(rule.bus)
        return failed

    async def list_targets(
        self, rule_name: str, bus_name_or_arn: str | None, token: str | None, limit: int | None
    ) -> tuple[list[Target], str | None]:
        rule = await self.get(rule_name, bus_name_or_arn)
        return page_list(rule.targets, token, limit)


def _target_problem(spec: dict[str, Any]) -> str | None:
    """Why one target cannot be accepted; other targets of the request still can."""
    if not _ARN.fullmatch(spec["Arn"]):
        return f"Target {spec['Id']}: Arn {spec['Arn']} is not a valid ARN."
    dead_letter = (spec.get("DeadLetterConfig") or {}).get("Arn")
    if dead_letter is not None and not _SQS_ARN.fullmatch(dead_letter):
        return (
            f"Target {spec['Id']}: DeadLetterConfig Arn {dead_letter} is not the ARN of an "
            "SQS queue."
        )
    return None
