"""Event buses: the ``default`` bus, custom buses and partner buses."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from eventbus.arns import bus_name
from eventbus.context import Context
from eventbus.documents import Collection, Page
from eventbus.errors import (
    LimitExceededError,
    ResourceAlreadyExistsError,
    ResourceNotFoundError,
    ValidationError,
)

DEFAULT_BUS = "default"
KIND = "bus"
#: Bumped whenever a bus is created or deleted, so other processes refresh their caches.
DIRECTORY_COUNTER = "buses"

_EXISTENCE_TTL = 1.0
_CUSTOM_NAME = re.compile(r"[\.\-_A-Za-z0-9]+")


def log_name(bus: str) -> str:
    """The name of a bus's event log in the store."""
    return f"bus:{bus}"


class EventBus(BaseModel):
    name: str
    arn: str
    description: str | None = None
    kms_key_identifier: str | None = None
    #: Stored as the wire gave it: AWS-defined shapes we return unchanged.
    dead_letter_config: dict[str, Any] | None = None
    log_config: dict[str, Any] | None = None
    policy: str | None = None
    event_source_name: str | None = None
    created: float
    modified: float


class BusService:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._buses = Collection(ctx.store, KIND, EventBus)
        # name -> until when its existence is trusted without asking the store; short,
        # because another process may delete the bus.
        self._known: dict[str, float] = {}

    async def ensure_default(self) -> None:
        now = self._ctx.clock()
        await self._buses.create(
            DEFAULT_BUS,
            EventBus(
                name=DEFAULT_BUS, arn=self._ctx.arns.bus(DEFAULT_BUS), created=now, modified=now
            ),
        )

    async def create(
        self,
        name: str,
        *,
        event_source_name: str | None = None,
        description: str | None = None,
        kms_key_identifier: str | None = None,
        dead_letter_config: dict[str, Any] | None = None,
        log_config: dict[str, Any] | None = None,
    ) -> EventBus:
        if event_source_name is None and not _CUSTOM_NAME.fullmatch(name):
            raise ValidationError(
                f"Event bus name {name} is not valid: the name of a custom event bus can "
                "contain only letters, digits, '.', '-' and '_'; names with '/' are "
                "reserved for partner event buses created with EventSourceName."
            )
        if event_source_name is not None and name != event_source_name:
            raise ValidationError(
                "The name of a partner event bus must be the name of its event source "
                f"({event_source_name})."
            )
        if name == DEFAULT_BUS:
            raise ResourceAlreadyExistsError(f"Event bus {name} already exists.")
        limit = self._ctx.settings.max_event_buses
        if len(await self._ctx.store.scan(KIND, limit=limit + 1)) > limit:
            raise LimitExceededError(
                f"The requested resource exceeds the maximum number allowed ({limit} event buses)."
            )
        now = self._ctx.clock()
        bus = EventBus(
            name=name,
            arn=self._ctx.arns.bus(name),
            description=description,
            kms_key_identifier=kms_key_identifier,
            dead_letter_config=dead_letter_config,
            log_config=log_config,
            event_source_name=event_source_name,
            created=now,
            modified=now,
        )
        if not await self._buses.create(name, bus):
            raise ResourceAlreadyExistsError(f"Event bus {name} already exists.")
        await self._ctx.store.incr(DIRECTORY_COUNTER)
        return bus

    async def get(self, name_or_arn: str | None) -> EventBus:
        name = bus_name(name_or_arn)
        bus = await self._buses.get(name)
        if bus is None:
            raise ResourceNotFoundError(f"Event bus {name} does not exist.")
        return bus

    async def exists(self, name: str) -> bool:
        """Whether a bus exists; hot path of PutEvents, so known names are cached."""
        if name == DEFAULT_BUS:
            return True
        now = self._ctx.clock()
        if self._known.get(name, 0.0) > now:
            return True
        if await self._buses.get(name) is not None:
            self._known[name] = now + _EXISTENCE_TTL
            return True
        return False

    def forget(self, name: str) -> None:
        self._known.pop(name, None)

    async def page(
        self, prefix: str | None, token: str | None, limit: int | None
    ) -> Page[EventBus]:
        return await self._buses.page(prefix=prefix or "", token=token, limit=limit)

    async def update(
        self,
        name_or_arn: str | None,
        *,
        description: str | None = None,
        kms_key_identifier: str | None = None,
        dead_letter_config: dict[str, Any] | None = None,
        log_config: dict[str, Any] | None = None,
    ) -> EventBus:
        name = bus_name(name_or_arn)
        now = self._ctx.clock()

        def change(bus: EventBus) -> EventBus:
            updates: dict[str, Any] = {"modified": now}
            if description is not None:
                updates["description"] = description
            if kms_key_identifier is not None:
                updates["kms_key_identifier"] = kms_key_identifier or None
            if dead_letter_config is not None:
                updates["dead_letter_config"] = dead_letter_config or None
            if log_config is not None:
                updates["log_config"] = log_config or None
            return bus.model_copy(update=updates)

        bus = await self._buses.update(name, change)
        if bus is None:
            raise ResourceNotFoundError(f"Event bus {name} does not exist.")
        return bus

    async def set_policy(self, name: str, policy: str | None) -> EventBus:
        bus = await self._buses.update(name, lambda b: b.model_copy(update={"policy": policy}))
        if bus is None:
            raise ResourceNotFoundError(f"Event bus {name} does not exist.")
        return bus

    async def delete(self, name: str) -> EventBus | None:
        """Delete a bus; deleting one that does not exist succeeds, as on AWS."""
        if name == DEFAULT_BUS:
            raise ValidationError("Cannot delete event bus default.")
        bus = await self._buses.get(name)
        if bus is None:
            return None
        await self._buses.delete(name)
        self.forget(name)
        await self._ctx.store.incr(DIRECTORY_COUNTER)
        return bus
