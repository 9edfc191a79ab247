"""Validation bindings: which schema the events of (bus, source, detail-type) must match.

A binding names a schema (registry, name, and a fixed version or the latest) and a mode:

* ``off``: kept but not applied;
* ``warn``: a failing event is accepted, counted and logged;
* ``reject``: a failing entry of PutEvents fails with ErrorCode ``SchemaValidationFailed``
  and a message naming the failing JSON path; the other entries are still accepted.

Bindings are documents in the store; every change bumps a counter that the ingest check of
every process polls, so a change applies everywhere within about a second (at once in the
process that made it).

Warned and rejected events are counted in memory on the hot path and saved once a second,
each process in a document of its own (no contention between processes); the counts of a
binding are the sum of those documents. A process that dies loses its last second of counts.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from enum import StrEnum

import orjson
from pydantic import BaseModel

from eventbus.arns import bus_name
from eventbus.buses import BusService
from eventbus.context import Context
from eventbus.documents import Collection
from eventbus.errors import ValidationError as EventsValidationError
from registry.errors import BadRequestError, NotFoundError

KIND = "schemas.validation-binding"
#: Per binding and process: how many events it warned about and rejected.
COUNT_KIND = "schemas.validation-count"
#: Bumped on every change to any binding.
COUNTER = "schemas.validation-bindings"


class Mode(StrEnum):
    OFF = "off"
    WARN = "warn"
    REJECT = "reject"


class Binding(BaseModel):
    bus: str
    source: str
    detail_type: str
    registry: str
    schema_name: str
    #: None: always the latest version.
    version: str | None = None
    mode: Mode
    modified: float

    @property
    def key(self) -> str:
        return binding_key(self.bus, self.source, self.detail_type)


def binding_key(bus: str, source: str, detail_type: str) -> str:
    # A JSON array: unambiguous whatever the names hold, and a bus's keys share a prefix.
    return orjson.dumps([bus, source, detail_type]).decode()


def _bus_prefix(bus: str) -> str:
    return orjson.dumps([bus]).decode()[:-1] + ","


class Counts(BaseModel):
    warned: int = 0
    rejected: int = 0


def _counts_prefix(key: str) -> str:
    # Binding keys end with "]", so no other binding's counts share this prefix.
    return f"{key}#"


class BindingService:
    def __init__(self, ctx: Context, buses: BusService) -> None:
        self._ctx = ctx
        self._buses = buses
        self._items = Collection(ctx.store, KIND, Binding)
        self._counts = Collection(ctx.store, COUNT_KIND, Counts)
        #: This process's counts since it started, by binding key; saved by save_counts.
        self._process = uuid.uuid4().hex
        self._totals: dict[str, Counts] = {}
        self._unsaved = False
        #: Called after every change made through this process (to refresh caches at once).
        self.listeners: list[Callable[[], None]] = []

    @staticmethod
    def bus(name_or_arn: str | None) -> str:
        try:
            return bus_name(name_or_arn)
        except EventsValidationError as error:
            raise BadRequestError(error.message) from None

    async def put(self, binding: Binding) -> Binding:
        if not await self._buses.exists(binding.bus):
            raise NotFoundError(f"Event bus {binding.bus} does not exist.")
        await self._items.put(binding.key, binding)
        await self._changed()
        return binding

    async def get(self, bus: str, source: str, detail_type: str) -> Binding:
        binding = await self._items.get(binding_key(bus, source, detail_type))
        if binding is None:
            raise NotFoundError(
                f"No validation binding for bus {bus}, source {source!r} and detail-type "
                f"{detail_type!r}."
            )
        return binding

    async def list(
        self, bus: str | None = None, source: str | None = None, detail_type: str | None = None
    ) -> list[Binding]:
        found = await self._items.all(prefix=_bus_prefix(bus) if bus else "")
        return [
            binding
            for binding in found
            if (source is None or binding.source == source)
            and (detail_type is None or binding.detail_type == detail_type)
        ]

    async def delete(self, bus: str, source: str, detail_type: str) -> None:
        key = binding_key(bus, source, detail_type)
        if not await self._items.delete(key):
            raise NotFoundError(
                f"No validation binding for bus {bus}, source {source!r} and detail-type "
                f"{detail_type!r}."
            )
        self._totals.pop(key, None)
        for stored, _ in await self._ctx.store.scan(COUNT_KIND, prefix=_counts_prefix(key)):
            await self._ctx.store.delete(COUNT_KIND, stored)
        await self._changed()

    def record(self, key: str, mode: Mode) -> None:
        """Count one event warned about or rejected (in memory: this is the hot path)."""
        counts = self._totals.setdefault(key, Counts())
        if mode is Mode.REJECT:
            counts.rejected += 1
        else:
            counts.warned += 1
        self._unsaved = True

    def keep_counts(self, keys: set[str]) -> None:
        """Forget this process's counts of bindings deleted meanwhile (by any process)."""
        for key in self._totals.keys() - keys:
            del self._totals[key]

    async def save_counts(self) -> None:
        if not self._unsaved:
            return
        self._unsaved = False
        for key, counts in list(self._totals.items()):
            await self._counts.put(_counts_prefix(key) + self._process, counts)

    async def counts(self, binding: Binding) -> tuple[int, int]:
        """(events warned about, entries rejected) under this binding, by every process."""
        prefix = _counts_prefix(binding.key)
        own = prefix + self._process
        warned = rejected = 0
        for stored, raw in await self._ctx.store.scan(COUNT_KIND, prefix=prefix):
            if stored != own:  # this process's own counts are fresher in memory
                counts = Counts.model_validate_json(raw)
                warned, rejected = warned + counts.warned, rejected + counts.rejected
        mine = self._totals.get(binding.key, Counts())
        return warned + mine.warned, rejected + mine.rejected

    async def version(self) -> int:
        return await self._ctx.store.counter(COUNTER)

    async def _changed(self) -> None:
        await self._ctx.store.incr(COUNTER)
        for listener in self.listeners:
            listener()
