"""All services of one process, wired together, plus the operations that span several."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eventbus.api_destinations import ApiDestination, ApiDestinationService
from eventbus.archives import ArchiveService
from eventbus.arns import parse_bus_arn, parse_rule_arn
from eventbus.buses import BusService, EventBus
from eventbus.connections import ConnectionService, StateChange
from eventbus.context import Context
from eventbus.errors import EventsError
from eventbus.ingest import IngestService
from eventbus.partners import PartnerService
from eventbus.replays import ReplayService
from eventbus.rules import Rule, RuleService
from eventbus.sqs import SqsService
from eventbus.tags import TagService


@dataclass(frozen=True, slots=True)
class TaggableResources:
    """Tells whether an ARN names an existing taggable resource (for the tag service)."""

    buses: BusService
    rules: RuleService
    connections: ConnectionService
    api_destinations: ApiDestinationService

    async def exists(self, arn: str) -> bool:
        bus = parse_bus_arn(arn)
        if bus is not None:
            return await self.buses.exists(bus)
        rule = parse_rule_arn(arn)
        if rule is not None:
            return await self.rules.find(*rule) is not None
        return await self.connections.arn_exists(arn) or await self.api_destinations.arn_exists(arn)


@dataclass(slots=True)
class Services:
    ctx: Context
    buses: BusService
    rules: RuleService
    partners: PartnerService
    tags: TagService
    ingest: IngestService
    connections: ConnectionService
    api_destinations: ApiDestinationService
    archives: ArchiveService
    replays: ReplayService
    sqs: SqsService

    @classmethod
    def build(cls, ctx: Context) -> Services:
        buses = BusService(ctx)
        rules = RuleService(ctx, buses)
        partners = PartnerService(ctx)
        connections = ConnectionService(ctx)
        api_destinations = ApiDestinationService(ctx, connections)
        archives = ArchiveService(ctx, buses)
        taggable = TaggableResources(buses, rules, connections, api_destinations)
        return cls(
            ctx=ctx,
            buses=buses,
            rules=rules,
            partners=partners,
            tags=TagService(ctx, taggable.exists),
            ingest=IngestService(ctx, buses, partners),
            connections=connections,
            api_destinations=api_destinations,
            archives=archives,
            replays=ReplayService(ctx, buses, rules, archives),
            sqs=SqsService(ctx),
        )

    async def start(self) -> None:
        await self.ctx.store.open()
        await self.buses.ensure_default()

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

    async def delete_connection(self, name: str) -> StateChange:
        change = await self.connections.delete(name)
        await self.tags.forget(change.connection.arn)
        return change

    async def delete_api_destination(self, name: str) -> ApiDestination:
        destination = await self.api_destinations.delete(name)
        await self.tags.forget(destination.arn)
        return destination
