"""The ingest check in process, on both stores: caching, refresh across processes, modes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from eventbus.context import Context
from eventbus.ingest import EntryRejected
from eventbus.services import Services
from eventbus.settings import Settings
from eventbus.store import Store
from registry.core import SchemaRegistry
from registry.models import SchemaType
from registry.validation.bindings import Binding, BindingService, Mode
from registry.validation.check import ValidationCheck

SCHEMA = json.dumps(
    {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "type": "object",
        "properties": {
            "detail": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "string"}},
            }
        },
    }
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Process:
    """What one server process holds: its own services and its own check."""

    def __init__(self, store: Store, clock: Clock) -> None:
        settings = Settings.from_env({"store_url": store.url})
        self.services = Services.build(Context(settings=settings, store=store))
        self.registry = SchemaRegistry.build(self.services)
        self.bindings = BindingService(self.services.ctx, self.services.buses)
        self.check = ValidationCheck(
            self.bindings, self.registry.schemas, refresh_seconds=1.0, clock=clock
        )


def event(detail: dict[str, Any]) -> dict[str, Any]:
    return {"source": "shop", "detail-type": "Order Placed", "detail": detail}


def binding(mode: Mode, version: str | None = None) -> Binding:
    return Binding(
        bus="default",
        source="shop",
        detail_type="Order Placed",
        registry="custom",
        schema_name="orders",
        version=version,
        mode=mode,
        modified=0.0,
    )


@pytest.fixture
async def processes(store: Store) -> tuple[Process, Process, Clock]:
    clock = Clock()
    first, second = Process(store, clock), Process(store, clock)
    await first.services.start()
    await first.registry.registries.create("custom")
    await first.registry.schemas.create("custom", "orders", SCHEMA, SchemaType.JSONSCHEMA_DRAFT4)
    return first, second, clock


async def test_changes_apply_at_once_here_and_after_a_refresh_elsewhere(
    processes: tuple[Process, Process, Clock],
) -> None:
    here, elsewhere, clock = processes
    bad = event({"id": 1})
    await here.check("default", bad)
    await elsewhere.check("default", bad)  # both have looked at the store: no bindings

    await here.bindings.put(binding(Mode.REJECT))
    with pytest.raises(EntryRejected) as rejected:
        await here.check("default", bad)
    assert rejected.value.code == "SchemaValidationFailed"
    assert "$.detail.id" in rejected.value.message
    await elsewhere.check("default", bad)  # still cached in the other process
    clock.now += 1.5
    with pytest.raises(EntryRejected):
        await elsewhere.check("default", bad)
    await here.check("default", event({"id": "o-1"}))
    await here.check("other-bus", bad)


async def test_warn_counts_and_off_ignores(processes: tuple[Process, Process, Clock]) -> None:
    here, _, _ = processes
    await here.bindings.put(binding(Mode.WARN))
    await here.check("default", event({}))
    await here.check("default", event({"id": 2}))
    assert await here.bindings.counts(binding(Mode.WARN)) == (2, 0)
    await here.bindings.put(binding(Mode.OFF))
    await here.check("default", event({}))
    assert await here.bindings.counts(binding(Mode.OFF)) == (2, 0)


async def test_a_missing_version_rejects_with_a_reason(
    processes: tuple[Process, Process, Clock],
) -> None:
    here, _, _ = processes
    await here.bindings.put(binding(Mode.REJECT, version="7"))
    with pytest.raises(EntryRejected) as rejected:
        await here.check("default", event({"id": "o-1"}))
    assert "cannot validate with schema custom/orders" in rejected.value.message
    assert "Version 7" in rejected.value.message


async def test_the_latest_version_is_followed(processes: tuple[Process, Process, Clock]) -> None:
    here, _, clock = processes
    await here.bindings.put(binding(Mode.REJECT))
    await here.check("default", event({"id": "o-1", "extra": 1}))
    stricter = json.loads(SCHEMA)
    stricter["properties"]["detail"]["additionalProperties"] = False
    await here.registry.schemas.update("custom", "orders", content=json.dumps(stricter))
    clock.now += 1.5
    with pytest.raises(EntryRejected) as rejected:
        await here.check("default", event({"id": "o-1", "extra": 1}))
    assert "version 2" in rejected.value.message


async def test_counts_are_shared_between_processes(
    processes: tuple[Process, Process, Clock],
) -> None:
    here, elsewhere, clock = processes
    await here.bindings.put(binding(Mode.WARN))
    await here.check("default", event({}))
    await elsewhere.check("default", event({}))
    assert await here.bindings.counts(binding(Mode.WARN)) == (1, 0)  # its own, in memory
    clock.now += 1.5
    # The next event in each process saves what it counted.
    await here.check("default", event({"id": "o-1"}))
    await elsewhere.check("default", event({"id": "o-1"}))
    assert await here.bindings.counts(binding(Mode.WARN)) == (2, 0)
    assert await elsewhere.bindings.counts(binding(Mode.WARN)) == (2, 0)
    await here.bindings.delete("default", "shop", "Order Placed")
    clock.now += 1.5
    await elsewhere.check("default", event({}))  # sees the deletion, drops its own counts
    assert await elsewhere.bindings.counts(binding(Mode.WARN)) == (0, 0)
