"""The aws.schemas events the registry puts on the default bus."""

from __future__ import annotations

import contextlib
from typing import Any

from tests.registry.helpers import openapi
from tests.support.logs import read_bus_log
from tests.support.server import ServerProcess


def _events_of(server: ServerProcess, registry: str) -> list[dict[str, Any]]:
    return [
        event
        for event in read_bus_log(server.store_url, "default")
        if event["source"] == "aws.schemas" and event["detail"]["RegistryName"] == registry
    ]


def test_created_schemas_and_versions_are_announced(
    schemas: Any, server: ServerProcess, registry: str
) -> None:
    arn = schemas.create_schema(
        RegistryName=registry, SchemaName="shop@OrderPlaced", Type="OpenApi3", Content=openapi()
    )["SchemaArn"]
    # No change, no event; a description alone is no new version either.
    schemas.update_schema(RegistryName=registry, SchemaName="shop@OrderPlaced", Content=openapi())
    schemas.update_schema(RegistryName=registry, SchemaName="shop@OrderPlaced", Description="d")
    schemas.update_schema(
        RegistryName=registry,
        SchemaName="shop@OrderPlaced",
        Content=openapi({"n": {"type": "integer"}}),
    )

    events = _events_of(server, registry)
    assert [(e["detail-type"], e["detail"]["Version"]) for e in events] == [
        ("Schema Created", "1"),
        ("Schema Version Created", "1"),
        ("Schema Version Created", "2"),
    ]
    first = events[0]
    assert first["resources"] == [arn]
    assert first["account"] == "000000000000"
    assert first["region"] == "us-east-1"
    assert first["detail"]["SchemaName"] == "shop@OrderPlaced"
    assert first["detail"]["SchemaType"] == "OpenApi3"
    assert first["detail"]["CreationDate"].endswith("Z")


def test_refused_and_deleted_schemas_are_not_announced(
    schemas: Any, server: ServerProcess, registry: str
) -> None:
    with contextlib.suppress(schemas.exceptions.BadRequestException):
        schemas.create_schema(RegistryName=registry, SchemaName="x", Type="OpenApi3", Content="{")
    schemas.create_schema(RegistryName=registry, SchemaName="y", Type="OpenApi3", Content=openapi())
    schemas.delete_schema(RegistryName=registry, SchemaName="y")
    kinds = [(e["detail-type"], e["detail"]["SchemaName"]) for e in _events_of(server, registry)]
    assert kinds == [("Schema Created", "y"), ("Schema Version Created", "y")]
