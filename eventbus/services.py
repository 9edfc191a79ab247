"""All services of one process, wired together, plus the operations that span several."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eventbus.arns import parse_bus_arn, parse_rule_arn
from eventbus.buses import BusService, EventBus
from eventbus.context import Context
from eventbus.errors import EventsError
from eventbus.ingest import IngestService
from eventbus.partners import PartnerService
from eventbus.rules import Rule, RuleService
from eventbus.tags import TagService


@dataclass(slots=True)
class Services:
    ctx: Context
    buses: BusService
    rules: RuleService
    partners: PartnerService
    tags: TagService
    ingest: IngestService

    @classmethod
    def build(cls, ctx: Context) -> Services:
        buses = BusService(ctx)
        rules = RuleService(ctx, buses)
        partners = PartnerService(ctx)
        services = cls(
            ctx=ctx,
            buses=buses,
            rules=rules,
            partners=partners,
            tags=None,  # type: ignore[arg-type]  # set just below: it needs `services`
            ingest=IngestService(ctx, buses, partners),
        )
        services.tags = TagService(ctx, services.resource_exists)
        return services

    async def start(self) -> None:
        await self.ctx.store.open()
        await self.buses.ensure_default()

    async def resource_exists(self, arn: str) -> bool:
        bus = parse_bus_arn(arn)
        if bus is not None:
            return await self.buses.exists(bus)
        rule = parse_rule_arn(arn)
        if rule is not None:
            return await self.rules.find(*rule) is not None
        return False

    async def create_bus(
        self, name: str, *, event_source_name: str | None, tags: dict[str, str], **fields: Any
    ) -> EventBus:
        if event_source_name is not None:
            # Fails with ResourceNotFound before anything is created when the source is unknown.
            await self.partners.get(event_source_name)
        bus = await self.buses.create(name, event_source_name=event_source_name, **fields)
        try:
            if event_source_name is not None:
                await self.partners.attach_bus(event_source_name)
            if tags:
                await self.tags.tag(bus.arn, tags)
        except EventsError:
            await self.buses.delete(name)
            raise
        return bus

    async def delete_bus(self, name: str) -> None:
        bus = await self.buses.delete(name)
        if bus is None:
            return
        # Deleting a bus deletes its rules, as the EventBridge user guide says.
        for rule in await self.rules.delete_all_on_bus(name):
            await self.tags.forget(rule.arn)
        await self.tags.forget(bus.arn)
        if bus.event_source_name:
            await self.partners.detach_bus(bus.event_source_name)

    async def put_rule(
        self, name: str, bus: str | None, tags: dict[str, str], **fields: Any
    ) -> Rule:
        rule = await self.rules.put(name, bus, **fields)
        if tags:
            await self.tags.tag(rule.arn, tags)
        return rule

    async def delete_rule(self, name: str, bus: str | None) -> None:
        rule = await self.rules.delete(name, bus)
        if rule is not None:
            await self.tags.forget(rule.arn)
