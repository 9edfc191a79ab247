"""Discoverers through boto3's ``schemas`` client, and discovery end to end on a real server."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.api.conftest import client
from tests.registry.helpers import error_of
from tests.support.server import ServerProcess

T = TypeVar("T")
DISCOVERED = "discovered-schemas"


@pytest.fixture
def events(server: ServerProcess) -> Any:
    return client("events", server.url)


@pytest.fixture
def bus(events: Any) -> str:
    name = f"b{uuid.uuid4().hex[:12]}"
    events.create_event_bus(Name=name)
    return name


@pytest.fixture
def source() -> str:
    """A source no other test uses, so each test has its own discovered schemas."""
    return f"shop.{uuid.uuid4().hex[:8]}"


def wait_for(probe: Callable[[], T | None], timeout: float = 15.0) -> T:
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing after {timeout}s")
        time.sleep(0.05)


def put(events: Any, bus: str, source: str, detail_type: str, *details: dict[str, Any]) -> None:
    entries = [
        {
            "EventBusName": bus,
            "Source": source,
            "DetailType": detail_type,
            "Detail": json.dumps(detail),
        }
        for detail in details
    ]
    assert events.put_events(Entries=entries)["FailedEntryCount"] == 0


def versions(schemas: Any, name: str) -> list[str] | None:
    try:
        found = schemas.list_schema_versions(RegistryName=DISCOVERED, SchemaName=name)
    except schemas.exceptions.NotFoundException:
        return None
    return [v["SchemaVersion"] for v in found["SchemaVersions"]]


def content(schemas: Any, name: str, version: str | None = None) -> dict[str, Any]:
    extra = {"SchemaVersion": version} if version else {}
    found = schemas.describe_schema(RegistryName=DISCOVERED, SchemaName=name, **extra)
    document: dict[str, Any] = json.loads(found["Content"])
    return document


def settle(schemas: Any, events: Any, bus: str, source: str) -> None:
    """Wait until discovery has read everything put on ``bus`` so far.

    A bus log is read in order: once a marker event put now has its schema, every event
    put before it has been taken into account.
    """
    marker = f"Marker {uuid.uuid4().hex[:8].upper()}"
    put(events, bus, source, marker, {"m": 1})
    name = f"{source}@{marker.replace(' ', '')}"
    wait_for(lambda: versions(schemas, name))


# -- the discoverer API ----------------------------------------------------------------------


def test_discoverer_lifecycle(schemas: Any, events: Any, bus: str) -> None:
    arn = events.describe_event_bus(Name=bus)["Arn"]
    created = schemas.create_discoverer(SourceArn=arn, Description="orders", Tags={"team": "a"})
    assert created["DiscovererId"] == f"events-event-bus-{bus}"
    assert created["DiscovererArn"] == (
        f"arn:aws:schemas:us-east-1:000000000000:discoverer/events-event-bus-{bus}"
    )
    assert (created["State"], created["CrossAccount"], created["Tags"]) == (
        "STARTED",
        True,
        {"team": "a"},
    )
    identifier = created["DiscovererId"]

    described = schemas.describe_discoverer(DiscovererId=identifier)
    assert (described["SourceArn"], described["Description"]) == (arn, "orders")
    listed = schemas.list_discoverers(DiscovererIdPrefix=identifier)["Discoverers"]
    assert [d["DiscovererId"] for d in listed] == [identifier]
    assert schemas.list_discoverers(SourceArnPrefix=arn)["Discoverers"][0]["SourceArn"] == arn

    updated = schemas.update_discoverer(
        DiscovererId=identifier, Description="all orders", CrossAccount=False
    )
    assert (updated["Description"], updated["CrossAccount"]) == ("all orders", False)
    assert schemas.stop_discoverer(DiscovererId=identifier)["State"] == "STOPPED"
    assert schemas.describe_discoverer(DiscovererId=identifier)["State"] == "STOPPED"
    assert schemas.start_discoverer(DiscovererId=identifier)["State"] == "STARTED"

    schemas.tag_resource(ResourceArn=created["DiscovererArn"], Tags={"env": "test"})
    schemas.untag_resource(ResourceArn=created["DiscovererArn"], TagKeys=["team"])
    tags = schemas.list_tags_for_resource(ResourceArn=created["DiscovererArn"])["Tags"]
    assert tags == {"env": "test"}

    schemas.delete_discoverer(DiscovererId=identifier)
    with pytest.raises(schemas.exceptions.NotFoundException):
        schemas.describe_discoverer(DiscovererId=identifier)


def test_one_discoverer_per_bus(schemas: Any, events: Any, bus: str) -> None:
    arn = events.describe_event_bus(Name=bus)["Arn"]
    schemas.create_discoverer(SourceArn=arn)
    with pytest.raises(schemas.exceptions.ConflictException) as info:
        schemas.create_discoverer(SourceArn=arn)
    assert error_of(info)[0] == 409


@pytest.mark.parametrize(
    "source_arn",
    [
        "arn:aws:events:us-east-1:000000000000:event-bus/no-such-bus",
        "arn:aws:events:us-east-1:000000000000:rule/not-a-bus",
    ],
)
def test_a_discoverer_needs_an_existing_bus(schemas: Any, source_arn: str) -> None:
    with pytest.raises(schemas.exceptions.BadRequestException):
        schemas.create_discoverer(SourceArn=source_arn)


def test_listing_pages(schemas: Any, events: Any) -> None:
    prefix = f"p{uuid.uuid4().hex[:8]}"
    for index in range(3):
        events.create_event_bus(Name=f"{prefix}-{index}")
        schemas.create_discoverer(
            SourceArn=events.describe_event_bus(Name=f"{prefix}-{index}")["Arn"]
        )
    seen: list[str] = []
    token: dict[str, str] = {}
    while True:
        page = schemas.list_discoverers(
            DiscovererIdPrefix=f"events-event-bus-{prefix}", Limit=2, **token
        )
        seen += [d["DiscovererId"] for d in page["Discoverers"]]
        if "NextToken" not in page:
            break
        token = {"NextToken": page["NextToken"]}
    assert seen == [f"events-event-bus-{prefix}-{index}" for index in range(3)]


# -- discovery end to end ------------------------------------------------------------------------


def test_discovery_writes_versions_only_when_the_shape_changes(
    schemas: Any, events: Any, bus: str, source: str
) -> None:
    schemas.create_discoverer(SourceArn=events.describe_event_bus(Name=bus)["Arn"])
    name = f"{source}@OrderPlaced"
    orders = [{"order_id": f"o-{n}", "total": n, "at": "2024-05-01T10:00:00Z"} for n in range(5)]
    put(events, bus, source, "Order Placed", *orders)
    assert wait_for(lambda: versions(schemas, name)) == ["1"]
    first = content(schemas, name)
    envelope = first["components"]["schemas"]["AWSEvent"]
    assert envelope["x-amazon-events-source"] == source
    assert envelope["x-amazon-events-detail-type"] == "Order Placed"
    detail = first["components"]["schemas"]["OrderPlaced"]
    assert detail["properties"]["at"] == {"type": "string", "format": "date-time"}
    assert detail["required"] == ["at", "order_id", "total"]

    # The same events again, and a known shape: no new version.
    put(events, bus, source, "Order Placed", *orders)
    settle(schemas, events, bus, source)
    assert versions(schemas, name) == ["1"]

    # A new field: a new version, where the field is optional.
    put(events, bus, source, "Order Placed", {**orders[0], "coupon": "SPRING"})
    assert wait_for(lambda: versions(schemas, name) if versions(schemas, name) != ["1"] else None)
    assert versions(schemas, name) == ["1", "2"]
    detail = content(schemas, name, "2")["components"]["schemas"]["OrderPlaced"]
    assert "coupon" in detail["properties"]
    assert "coupon" not in detail["required"]


def test_a_stopped_discoverer_discovers_nothing(
    schemas: Any, events: Any, bus: str, source: str
) -> None:
    created = schemas.create_discoverer(SourceArn=events.describe_event_bus(Name=bus)["Arn"])
    schemas.stop_discoverer(DiscovererId=created["DiscovererId"])
    put(events, bus, source, "While Stopped", {"a": 1})
    schemas.start_discoverer(DiscovererId=created["DiscovererId"])
    settle(schemas, events, bus, source)
    # Started again at the log's end: the event put while stopped is not discovered.
    assert versions(schemas, f"{source}@WhileStopped") is None


def test_buses_without_a_discoverer_are_not_read(
    schemas: Any, events: Any, bus: str, source: str
) -> None:
    other = f"b{uuid.uuid4().hex[:12]}"
    events.create_event_bus(Name=other)
    schemas.create_discoverer(SourceArn=events.describe_event_bus(Name=bus)["Arn"])
    put(events, other, source, "Elsewhere", {"a": 1})
    settle(schemas, events, bus, source)
    assert versions(schemas, f"{source}@Elsewhere") is None


# -- restarts (SQLite file: a second server process on the same store) -------------------


@pytest.fixture
def restartable(tmp_path: Path) -> Iterator[Callable[[], ServerProcess]]:
    store = f"sqlite:///{tmp_path / 'restart.db'}"
    started: list[ServerProcess] = []

    def start() -> ServerProcess:
        if started:
            started[-1].stop()
        started.append(ServerProcess(store, log_path=tmp_path / "server.log").start())
        return started[-1]

    yield start
    for process in started:
        process.stop()


def test_after_a_restart_the_same_events_add_no_version(
    restartable: Callable[[], ServerProcess],
) -> None:
    server = restartable()
    events, schemas = client("events", server.url), client("schemas", server.url)
    events.create_event_bus(Name="orders")
    schemas.create_discoverer(SourceArn=events.describe_event_bus(Name="orders")["Arn"])
    detail = {"id": "o-1", "lines": [{"sku": "a", "qty": 1}], "note": None, "price": 2.5}
    put(events, "orders", "shop", "Order Placed", detail)
    assert wait_for(lambda: versions(schemas, "shop@OrderPlaced")) == ["1"]

    server = restartable()
    events, schemas = client("events", server.url), client("schemas", server.url)
    put(events, "orders", "shop", "Order Placed", detail)
    settle(schemas, events, "orders", "shop")
    assert versions(schemas, "shop@OrderPlaced") == ["1"]
    put(events, "orders", "shop", "Order Placed", {**detail, "gift": True})
    assert wait_for(
        lambda: (
            versions(schemas, "shop@OrderPlaced")
            if versions(schemas, "shop@OrderPlaced") == ["1", "2"]
            else None
        )
    )
