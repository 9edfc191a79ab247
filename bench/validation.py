"""Validation at ingest: events/s validated with the chosen validator and with its peers.

Validates the whole event (envelope and detail) against a typical event schema (an
OpenAPI 3 document of AWS's form: envelope, a detail of ten properties, nested objects,
an array of objects, an enum, a nullable and a date-time), converted to JSON Schema Draft 4
as the ingest check does. Measured in this run, one core:

* ours: ``registry.validation.EventValidator`` (jsonschema-rs), as the ingest check calls it;
* fastjsonschema (code generation to Python), when installed;
* jsonschema (the reference implementation), Draft4Validator with format checking.

It also runs the whole ingest check as PutEvents calls it (binding lookup, cached
validator, the once-a-second refresh) on an in-memory SQLite store.

Prints events/s (wall and CPU time) for valid events and for invalid ones (a failure's
path and message cost extra), and our ratios against each peer.

    python bench/validation.py [--seconds 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import logging
import sys
import time
from collections.abc import Callable
from typing import Any

from eventbus.context import Context
from eventbus.services import Services
from eventbus.settings import Settings
from eventbus.store import open_store
from registry.core import SchemaRegistry
from registry.models import SchemaType
from registry.validation.bindings import Binding, BindingService, Mode
from registry.validation.check import ValidationCheck
from registry.validation.convert import event_schema
from registry.validation.validator import EventValidator

DETAIL: dict[str, Any] = {
    "type": "object",
    "required": ["order_id", "customer", "items", "total", "currency", "placed_at"],
    "properties": {
        "order_id": {"type": "string"},
        "customer": {"$ref": "#/components/schemas/Customer"},
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
        "total": {"type": "number", "minimum": 0},
        "currency": {"type": "string", "enum": ["EUR", "USD", "GBP"]},
        "placed_at": {"type": "string", "format": "date-time"},
        "coupon": {"type": "string", "nullable": True},
        "gift": {"type": "boolean"},
        "channel": {"type": "string"},
        "notes": {"type": "array", "items": {"type": "string"}},
    },
}
SCHEMA: dict[str, Any] = {
    "openapi": "3.0.0",
    "info": {"title": "OrderPlaced", "version": "1.0.0"},
    "paths": {},
    "components": {
        "schemas": {
            "AWSEvent": {
                "type": "object",
                "required": [
                    "detail-type", "resources", "detail", "id", "source", "time", "region",
                    "version", "account",
                ],
                "x-amazon-events-source": "shop",
                "x-amazon-events-detail-type": "Order Placed",
                "properties": {
                    "detail": {"$ref": "#/components/schemas/OrderPlaced"},
                    "account": {"type": "string"},
                    "detail-type": {"type": "string"},
                    "id": {"type": "string"},
                    "region": {"type": "string"},
                    "resources": {"type": "array", "items": {"type": "string"}},
                    "source": {"type": "string"},
                    "time": {"type": "string", "format": "date-time"},
                    "version": {"type": "string"},
                },
            },
            "OrderPlaced": DETAIL,
            "Customer": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string"},
                    "email": {"type": "string"},
                    "address": {"$ref": "#/components/schemas/Address"},
                },
            },
            "Address": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "zip": {"type": "string"}},
            },
            "Item": {
                "type": "object",
                "required": ["sku", "qty", "price"],
                "properties": {
                    "sku": {"type": "string"},
                    "qty": {"type": "integer", "minimum": 1},
                    "price": {"type": "number"},
                },
            },
        }
    },
}  # fmt: skip
EVENT: dict[str, Any] = {
    "version": "0",
    "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "Order Placed",
    "source": "shop",
    "account": "000000000000",
    "time": "2024-05-01T10:00:00Z",
    "region": "us-east-1",
    "resources": [],
    "detail": {
        "order_id": "o-1",
        "customer": {"id": "c-1", "email": "a@example.com", "address": {"city": "Lyon"}},
        "items": [
            {"sku": "a", "qty": 1, "price": 9.5},
            {"sku": "b", "qty": 2, "price": 20.0},
            {"sku": "c", "qty": 1, "price": 4.25},
        ],
        "total": 53.75,
        "currency": "EUR",
        "placed_at": "2024-05-01T09:59:58Z",
        "coupon": None,
        "gift": False,
        "channel": "web",
        "notes": ["leave at the door"],
    },
}
BAD_EVENT = copy.deepcopy(EVENT)
BAD_EVENT["detail"]["items"][2]["qty"] = "one"


def rate(
    check: Callable[[dict[str, Any]], object], event: dict[str, Any], seconds: float
) -> tuple[float, float]:
    """Events per second of wall time and per second of CPU time (the steadier figure on a
    machine shared with other work)."""
    check(event)
    done, started, cpu = 0, time.perf_counter(), time.process_time()
    while (elapsed := time.perf_counter() - started) < seconds:
        for _ in range(500):
            check(event)
        done += 500
    return done / elapsed, done / (time.process_time() - cpu)


async def hook_rate(seconds: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """The whole ingest check, as PutEvents calls it (binding lookup, cached validator,
    refresh once a second), on an in-memory SQLite store: valid and invalid (warn) events."""
    settings = Settings.from_env({"store_url": "sqlite:///:memory:"})
    store = open_store(settings.resolved_store_url)
    services = Services.build(Context(settings=settings, store=store))
    await services.start()
    registry = SchemaRegistry.build(services)
    await registry.registries.create("bench")
    await registry.schemas.create("bench", "orders", json.dumps(SCHEMA), SchemaType.OPENAPI3)
    bindings = BindingService(services.ctx, services.buses)
    check = ValidationCheck(bindings, registry.schemas)
    results = []
    for event, mode in ((EVENT, Mode.REJECT), (BAD_EVENT, Mode.WARN)):
        await bindings.put(
            Binding(
                bus="default",
                source="shop",
                detail_type="Order Placed",
                registry="bench",
                schema_name="orders",
                mode=mode,
                modified=0.0,
            )
        )
        await check("default", event)
        done, started, cpu = 0, time.perf_counter(), time.process_time()
        while (elapsed := time.perf_counter() - started) < seconds:
            for _ in range(500):
                await check("default", event)
            done += 500
        results.append((done / elapsed, done / (time.process_time() - cpu)))
    await store.close()
    return results[0], results[1]


def _raises(validate: Callable[[dict[str, Any]], object]) -> Callable[[dict[str, Any]], object]:
    def check(event: dict[str, Any]) -> object:
        try:
            return validate(event)
        except Exception as error:  # each peer raises its own error type
            return error

    return check


def peers() -> dict[str, Callable[[dict[str, Any]], object]]:
    draft4 = event_schema(SCHEMA)
    found: dict[str, Callable[[dict[str, Any]], object]] = {}
    try:
        import fastjsonschema

        found["fastjsonschema"] = _raises(fastjsonschema.compile(draft4))
    except ImportError:
        print("fastjsonschema not installed: skipped", file=sys.stderr)
    import jsonschema

    reference = jsonschema.Draft4Validator(
        draft4, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    found["jsonschema"] = _raises(reference.validate)
    return found


def main() -> None:
    # The ingest check logs failing events; not the point here.
    logging.getLogger("registry.validation").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="per measurement")
    args = parser.parse_args()
    ours = EventValidator(SCHEMA)
    assert ours.failure(EVENT) is None
    failure = ours.failure(BAD_EVENT)
    assert failure is not None and failure.path == "$.detail.items[2].qty", failure
    rows = [("ours (jsonschema-rs)", ours.failure), *peers().items()]
    results = {
        name: (rate(check, EVENT, args.seconds), rate(check, BAD_EVENT, args.seconds))
        for name, check in rows
    }
    print(
        f"{'validator':<22}{'valid/s':>11}{'valid/CPU-s':>13}{'invalid/s':>11}{'invalid/CPU-s':>15}"
    )
    for name, (valid, invalid) in results.items():
        print(
            f"{name:<22}{valid[0]:>11,.0f}{valid[1]:>13,.0f}{invalid[0]:>11,.0f}{invalid[1]:>15,.0f}"
        )
    hook_valid, hook_invalid = asyncio.run(hook_rate(args.seconds))
    print(
        f"{'ingest check (ours)':<22}{hook_valid[0]:>11,.0f}{hook_valid[1]:>13,.0f}"
        f"{hook_invalid[0]:>11,.0f}{hook_invalid[1]:>15,.0f}  (invalid: warn mode, counted)"
    )
    ours_valid, ours_invalid = results[rows[0][0]]
    for name, (valid, invalid) in list(results.items())[1:]:
        print(
            f"ours / {name} per CPU-second: {ours_valid[1] / valid[1]:.1f}x valid, "
            f"{ours_invalid[1] / invalid[1]:.1f}x invalid"
        )


if __name__ == "__main__":
    main()
