"""The ingest check: validate each event against the schema bound to its kind.

Registered in ``IngestService.checks`` by ``registry.integration``, it runs for every entry
of PutEvents, so its fast path is a dict lookup: bindings and their compiled validators are
held in memory, and the store is asked again only once per refresh interval (is the
bindings counter still the same? which is the latest version of each schema bound to its
latest?) or at once after a change made in this process.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eventbus.ingest import EntryRejected
from registry.errors import SchemasError
from registry.schemas import SchemaService
from registry.validation.bindings import Binding, BindingService, Mode
from registry.validation.validator import (
    EventValidator,
    InvalidSchemaError,
    ValidatorCache,
    compile_content,
)

log = logging.getLogger(__name__)

ERROR_CODE = "SchemaValidationFailed"
#: How often the bindings counter and the latest versions are looked up, in seconds.
REFRESH_SECONDS = 1.0
#: At most one log line per binding in this many seconds; the counters count them all.
LOG_EVERY_SECONDS = 10.0


@dataclass(slots=True)
class _Active:
    binding: Binding
    #: The version in force, its validator, or why there is none.
    version: str | None
    validator: EventValidator | None
    problem: str | None
    logged_at: float = -LOG_EVERY_SECONDS

    @property
    def schema(self) -> str:
        return f"{self.binding.registry}/{self.binding.schema_name}"


class ValidationCheck:
    def __init__(
        self,
        bindings: BindingService,
        schemas: SchemaService,
        *,
        refresh_seconds: float = REFRESH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._bindings = bindings
        self._schemas = schemas
        self._refresh_seconds = refresh_seconds
        self._clock = clock
        self._cache = ValidatorCache()
        self._active: dict[tuple[str, str, str], _Active] = {}
        self._loaded: list[Binding] = []
        self._seen_version: int | None = None
        self._next_refresh = 0.0
        self._lock = asyncio.Lock()
        bindings.listeners.append(self.invalidate)

    def invalidate(self) -> None:
        """Look at the store again before the next event (a binding changed here)."""
        self._next_refresh = 0.0
        self._seen_version = None

    async def __call__(self, bus: str, event: dict[str, Any]) -> None:
        if self._clock() >= self._next_refresh:
            await self._refresh()
        if not self._active:
            return
        active = self._active.get((bus, event["source"], event["detail-type"]))
        if active is None:
            return
        if active.validator is None:
            await self._fail(
                active, f"cannot validate with schema {active.schema}: {active.problem}"
            )
            return
        failure = active.validator.failure(event)
        if failure is not None:
            await self._fail(
                active,
                f"Event does not match schema {active.schema} version {active.version} at "
                f"{failure.path}: {failure.reason}",
            )

    async def _fail(self, active: _Active, message: str) -> None:
        mode = active.binding.mode
        self._bindings.record(active.binding.key, mode)
        now = self._clock()
        if now - active.logged_at >= LOG_EVERY_SECONDS:
            active.logged_at = now
            log.warning("schema validation (%s) on bus %s: %s", mode, active.binding.bus, message)
        if mode is Mode.REJECT:
            raise EntryRejected(ERROR_CODE, message)

    async def _refresh(self) -> None:
        async with self._lock:
            if self._clock() < self._next_refresh:
                return  # another call refreshed while this one waited
            version = await self._bindings.version()
            if version != self._seen_version:
                every = await self._bindings.list()
                self._loaded = [b for b in every if b.mode is not Mode.OFF]
                self._bindings.keep_counts({b.key for b in every})
                self._seen_version = version
            await self._bindings.save_counts()
            previous = self._active
            active: dict[tuple[str, str, str], _Active] = {}
            for binding in self._loaded:
                key = (binding.bus, binding.source, binding.detail_type)
                resolved = await self._resolve(binding)
                old = previous.get(key)
                if old is not None and old.binding == binding:
                    resolved.logged_at = old.logged_at
                active[key] = resolved
            self._active = active
            self._next_refresh = self._clock() + self._refresh_seconds

    async def _resolve(self, binding: Binding) -> _Active:
        try:
            found = await self._schemas.get_version(
                binding.registry, binding.schema_name, binding.version
            )
        except SchemasError as error:
            return _Active(binding, binding.version, None, error.message)
        key = (binding.registry, binding.schema_name, found.version)
        validator = self._cache.get(key)
        if validator is None:
            try:
                validator = compile_content(found.content)
            except InvalidSchemaError as error:
                return _Active(binding, found.version, None, str(error))
            self._cache.put(key, validator)
        return _Active(binding, found.version, validator, None)
