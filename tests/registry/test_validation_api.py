"""Validation at ingest end to end: bindings over REST and the CLI, PutEvents through boto3."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from registry.cli import validation_app
from tests.api.conftest import client
from tests.support.server import ServerProcess

SOURCE = "shop"
DETAIL_TYPE = "Order Placed"


def order_schema(*, required: list[str]) -> str:
    return json.dumps(
        {
            "openapi": "3.0.0",
            "info": {"title": "OrderPlaced", "version": "1.0.0"},
            "paths": {},
            "components": {
                "schemas": {
                    "AWSEvent": {
                        "type": "object",
                        "required": ["detail", "source"],
                        "x-amazon-events-source": SOURCE,
                        "x-amazon-events-detail-type": DETAIL_TYPE,
                        "properties": {
                            "source": {"type": "string"},
                            "detail": {"$ref": "#/components/schemas/OrderPlaced"},
                        },
                    },
                    "OrderPlaced": {
                        "type": "object",
                        "required": required,
                        "properties": {
                            "order_id": {"type": "string"},
                            "total": {"type": "number", "minimum": 0},
                            "lines": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {"qty": {"type": "integer"}},
                                },
                            },
                        },
                    },
                }
            },
        }
    )


@pytest.fixture
def events(server: ServerProcess) -> Any:
    return client("events", server.url)


@pytest.fixture
def http(server: ServerProcess) -> Any:
    with httpx.Client(base_url=server.url, timeout=10) as session:
        yield session


@pytest.fixture
def bus(events: Any) -> str:
    name = f"b{uuid.uuid4().hex[:12]}"
    events.create_event_bus(Name=name)
    return name


@pytest.fixture
def schema(schemas: Any, registry: str) -> str:
    schemas.create_schema(
        RegistryName=registry,
        SchemaName="orders",
        Type="OpenApi3",
        Content=order_schema(required=["order_id"]),
    )
    return "orders"


def bind(http: Any, bus: str, registry: str, schema: str, mode: str, **extra: Any) -> Any:
    body = {
        "EventBusName": bus,
        "Source": SOURCE,
        "DetailType": DETAIL_TYPE,
        "RegistryName": registry,
        "SchemaName": schema,
        "Mode": mode,
        **extra,
    }
    return http.put("/v1/validation/bindings", json=body)


def put(events: Any, bus: str, *details: dict[str, Any], detail_type: str = DETAIL_TYPE) -> Any:
    entries = [
        {
            "EventBusName": bus,
            "Source": SOURCE,
            "DetailType": detail_type,
            "Detail": json.dumps(detail),
        }
        for detail in details
    ]
    return events.put_events(Entries=entries)


GOOD = {"order_id": "o-1", "total": 10, "lines": [{"qty": 1}]}
BAD = {"order_id": "o-2", "total": 10, "lines": [{"qty": 1}, {"qty": "two"}]}


def test_reject_fails_only_the_bad_entries(
    http: Any, events: Any, bus: str, registry: str, schema: str
) -> None:
    answer = bind(http, bus, registry, schema, "reject")
    assert answer.status_code == 200, answer.text
    assert answer.json()["Mode"] == "reject"
    assert answer.json()["SchemaVersion"] is None  # the latest

    result = put(events, bus, GOOD, BAD, {"total": -1})
    assert result["FailedEntryCount"] == 2
    good, bad, missing = result["Entries"]
    assert "EventId" in good
    assert bad["ErrorCode"] == "SchemaValidationFailed"
    assert "$.detail.lines[1].qty" in bad["ErrorMessage"]
    assert f"{registry}/{schema} version 1" in bad["ErrorMessage"]
    assert missing["ErrorCode"] == "SchemaValidationFailed"
    assert "$.detail" in missing["ErrorMessage"] and "order_id" in missing["ErrorMessage"]

    # Other kinds of events on the bus are not bound.
    assert put(events, bus, BAD, detail_type="Order Shipped")["FailedEntryCount"] == 0
    [listed] = http.get("/v1/validation/bindings", params={"eventBusName": bus}).json()["Bindings"]
    assert (listed["RejectedCount"], listed["WarnedCount"]) == (2, 0)


def test_warn_accepts_and_counts(
    http: Any, events: Any, bus: str, registry: str, schema: str
) -> None:
    assert bind(http, bus, registry, schema, "WARN").status_code == 200
    assert put(events, bus, GOOD, BAD, BAD)["FailedEntryCount"] == 0
    [listed] = http.get("/v1/validation/bindings", params={"eventBusName": bus}).json()["Bindings"]
    assert (listed["Mode"], listed["WarnedCount"], listed["RejectedCount"]) == ("warn", 2, 0)


def test_off_and_unbound_accept_everything(
    http: Any, events: Any, bus: str, registry: str, schema: str
) -> None:
    assert bind(http, bus, registry, schema, "off").status_code == 200
    assert put(events, bus, BAD)["FailedEntryCount"] == 0
    assert bind(http, bus, registry, schema, "reject").status_code == 200
    assert put(events, bus, BAD)["FailedEntryCount"] == 1
    query = {"eventBusName": bus, "source": SOURCE, "detailType": DETAIL_TYPE}
    assert http.delete("/v1/validation/bindings", params=query).status_code == 204
    assert put(events, bus, BAD)["FailedEntryCount"] == 0
    assert http.get("/v1/validation/bindings", params={"eventBusName": bus}).json() == {
        "Bindings": []
    }
    gone = http.delete("/v1/validation/bindings", params=query)
    assert (gone.status_code, gone.json()["Code"]) == (404, "NotFoundException")


def test_a_fixed_version_or_the_latest(
    http: Any, schemas: Any, events: Any, bus: str, registry: str, schema: str
) -> None:
    schemas.update_schema(
        RegistryName=registry,
        SchemaName=schema,
        Type="OpenApi3",
        Content=order_schema(required=["order_id", "total"]),
    )
    no_total = {"order_id": "o-3"}
    assert bind(http, bus, registry, schema, "reject", SchemaVersion="1").status_code == 200
    assert put(events, bus, no_total)["FailedEntryCount"] == 0
    assert bind(http, bus, registry, schema, "reject").status_code == 200
    [entry] = put(events, bus, no_total)["Entries"]
    assert entry["ErrorCode"] == "SchemaValidationFailed"
    assert "version 2" in entry["ErrorMessage"]


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"Mode": "sometimes"}, 400, "BadRequestException"),
        ({"SchemaName": "no-such-schema"}, 404, "NotFoundException"),
        ({"SchemaVersion": "9"}, 404, "NotFoundException"),
        ({"EventBusName": "no-such-bus"}, 404, "NotFoundException"),
        ({"Unknown": 1}, 400, "BadRequestException"),
    ],
)
def test_bad_bindings_are_refused(
    http: Any,
    bus: str,
    registry: str,
    schema: str,
    change: dict[str, Any],
    status: int,
    code: str,
) -> None:
    body = {
        "EventBusName": bus,
        "Source": SOURCE,
        "DetailType": DETAIL_TYPE,
        "RegistryName": registry,
        "SchemaName": schema,
        "Mode": "reject",
        **change,
    }
    answer = http.put("/v1/validation/bindings", json=body)
    assert (answer.status_code, answer.json()["Code"]) == (status, code)
    assert answer.headers["x-amzn-ErrorType"] == code


def test_the_cli_binds_lists_and_unbinds(
    server: ServerProcess, events: Any, bus: str, registry: str, schema: str
) -> None:
    runner = CliRunner()
    target = ["--endpoint", server.url]
    kind = ["--bus", bus, "--source", SOURCE, "--detail-type", DETAIL_TYPE]
    bound = runner.invoke(
        validation_app,
        ["bind", *kind, "--registry", registry, "--schema", schema, "--mode", "reject", *target],
    )
    assert bound.exit_code == 0, bound.output
    assert json.loads(bound.output)["Mode"] == "reject"
    assert put(events, bus, BAD)["FailedEntryCount"] == 1

    listed = runner.invoke(validation_app, ["list", "--bus", bus, *target])
    assert json.loads(listed.output)["Bindings"][0]["RejectedCount"] == 1
    assert runner.invoke(validation_app, ["unbind", *kind, *target]).exit_code == 0
    again = runner.invoke(validation_app, ["unbind", *kind, *target])
    assert again.exit_code == 1
    assert "404" in again.output
