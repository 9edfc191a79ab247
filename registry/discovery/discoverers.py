"""Discoverers: which buses have schema discovery, and in which state.

A discoverer belongs to one bus (its ``SourceArn``); AWS names it after the bus
(``events-event-bus-<bus>``), so a bus has at most one. Each time a discoverer starts it
gets a fresh consumer group on the bus log, created at the log's end: discovery sees the
events put after it was started, never the backlog of a time it was stopped. Every change
bumps a store counter that the discovery workers of all processes poll.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from pydantic import BaseModel, Field

from eventbus.arns import parse_bus_arn
from eventbus.buses import BusService, log_name
from eventbus.context import Context
from eventbus.documents import Collection, page_list
from registry.errors import BadRequestError, ConflictError, NotFoundError
from registry.tags import TagChange

KIND = "schemas.discoverer"
#: Bumped on every change to any discoverer; discovery workers poll it.
COUNTER = "schemas.discoverers"
#: Numbers the consumer groups of successive starts.
_GROUP_COUNTER = "schemas.discovery-groups"
_ID_PREFIX = "events-event-bus-"


class State(StrEnum):
    STARTED = "STARTED"
    STOPPED = "STOPPED"


class Discoverer(BaseModel):
    id: str
    arn: str
    source_arn: str
    bus: str
    description: str | None = None
    cross_account: bool = True
    state: State = State.STARTED
    tags: dict[str, str] = Field(default_factory=dict)
    #: The consumer group on the bus log that discovery reads while started.
    group: str
    created: float


def discoverer_id(bus: str) -> str:
    return f"{_ID_PREFIX}{bus}"


class DiscovererService:
    def __init__(self, ctx: Context, buses: BusService) -> None:
        self._ctx = ctx
        self._buses = buses
        self._items = Collection(ctx.store, KIND, Discoverer)

    def _arn(self, discoverer: str) -> str:
        settings = self._ctx.settings
        return f"arn:aws:schemas:{settings.region}:{settings.account_id}:discoverer/{discoverer}"

    async def _new_group(self, bus: str) -> str:
        group = f"discovery.{await self._ctx.store.incr(_GROUP_COUNTER)}"
        await self._ctx.store.create_group(log_name(bus), group, start="end")
        return group

    async def _changed(self) -> None:
        await self._ctx.store.incr(COUNTER)

    async def create(
        self,
        source_arn: str,
        *,
        description: str | None = None,
        cross_account: bool | None = None,
        tags: dict[str, str] | None = None,
    ) -> Discoverer:
        bus = parse_bus_arn(source_arn)
        if bus is None:
            raise BadRequestError(
                f"SourceArn {source_arn!r} is not an event bus ARN "
                "(arn:aws:events:REGION:ACCOUNT:event-bus/NAME)."
            )
        if source_arn != self._ctx.arns.bus(bus) or not await self._buses.exists(bus):
            raise BadRequestError(f"Event bus {source_arn} does not exist.")
        identifier = discoverer_id(bus)
        if await self._items.get(identifier) is not None:
            raise ConflictError(f"Discoverer {identifier} already exists for {source_arn}.")
        discoverer = Discoverer(
            id=identifier,
            arn=self._arn(identifier),
            source_arn=source_arn,
            bus=bus,
            description=description,
            cross_account=True if cross_account is None else cross_account,
            tags=tags or {},
            # Created before the document, so no worker ever sees a discoverer without it.
            group=await self._new_group(bus),
            created=self._ctx.clock(),
        )
        if not await self._items.create(identifier, discoverer):
            raise ConflictError(f"Discoverer {identifier} already exists for {source_arn}.")
        await self._changed()
        return discoverer

    async def get(self, identifier: str) -> Discoverer:
        discoverer = await self._items.get(identifier)
        if discoverer is None:
            raise NotFoundError(f"Discoverer {identifier} does not exist.")
        return discoverer

    async def find_by_arn(self, arn: str) -> Discoverer | None:
        prefix = self._arn("")
        if not arn.startswith(prefix):
            return None
        return await self._items.get(arn[len(prefix) :])

    async def page(
        self,
        *,
        id_prefix: str | None,
        source_arn_prefix: str | None,
        token: str | None,
        limit: int | None,
    ) -> tuple[list[Discoverer], str | None]:
        found = [
            item
            for item in await self._items.all(prefix=id_prefix or "")
            if item.source_arn.startswith(source_arn_prefix or "")
        ]
        return page_list(found, token, limit)

    async def update(
        self, identifier: str, *, description: str | None, cross_account: bool | None
    ) -> Discoverer:
        def change(item: Discoverer) -> Discoverer:
            updates: dict[str, object] = {}
            if description is not None:
                updates["description"] = description
            if cross_account is not None:
                updates["cross_account"] = cross_account
            return item.model_copy(update=updates)

        updated = await self._items.update(identifier, change)
        if updated is None:
            raise NotFoundError(f"Discoverer {identifier} does not exist.")
        await self._changed()
        return updated

    async def update_tags(self, identifier: str, change: TagChange) -> dict[str, str]:
        """Change the tags (for the Schemas tagging operations); returns them."""
        updated = await self._items.update(
            identifier, lambda item: item.model_copy(update={"tags": change(item.tags)})
        )
        if updated is None:
            raise NotFoundError(f"Discoverer {identifier} does not exist.")
        return updated.tags

    async def delete(self, identifier: str) -> None:
        if not await self._items.delete(identifier):
            raise NotFoundError(f"Discoverer {identifier} does not exist.")
        await self._changed()

    async def start(self, identifier: str) -> Discoverer:
        current = await self.get(identifier)
        if current.state is State.STARTED:
            return current
        group = await self._new_group(current.bus)

        def change(item: Discoverer) -> Discoverer:
            if item.state is State.STARTED:
                return item  # another request started it meanwhile; keep its group
            return item.model_copy(update={"state": State.STARTED, "group": group})

        return await self._set(identifier, change)

    async def stop(self, identifier: str) -> Discoverer:
        return await self._set(
            identifier, lambda item: item.model_copy(update={"state": State.STOPPED})
        )

    async def _set(self, identifier: str, change: Callable[[Discoverer], Discoverer]) -> Discoverer:
        updated = await self._items.update(identifier, change)
        if updated is None:
            raise NotFoundError(f"Discoverer {identifier} does not exist.")
        await self._changed()
        return updated

    async def started(self) -> list[Discoverer]:
        return [item for item in await self._items.all() if item.state is State.STARTED]

    async def version(self) -> int:
        """The change counter: equal values mean the set of discoverers did not change."""
        return await self._ctx.store.counter(COUNTER)
