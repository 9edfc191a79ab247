"""Schemas and versions through boto3: create, update, describe, list, delete."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.registry.helpers import error_of, openapi

DRAFT4 = json.dumps(
    {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "type": "object",
        "properties": {"id": {"type": "string"}},
        "required": ["id"],
    }
)


def test_create_and_describe(schemas: Any, registry: str) -> None:
    content = openapi(title="OrderPlaced")
    created = schemas.create_schema(
        RegistryName=registry,
        SchemaName="shop@OrderPlaced",
        Type="OpenApi3",
        Content=content,
        Description="an order",
        Tags={"k": "v"},
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["SchemaVersion"] == "1"
    assert created["SchemaArn"] == (
        f"arn:aws:schemas:us-east-1:000000000000:schema/{registry}/shop@OrderPlaced"
    )
    assert created["Type"] == "OpenApi3"
    assert created["Tags"] == {"k": "v"}
    assert created["VersionCreatedDate"] == created["LastModified"]

    described = schemas.describe_schema(RegistryName=registry, SchemaName="shop@OrderPlaced")
    assert described["Content"] == content  # exactly as given
    assert described["SchemaVersion"] == "1"
    assert described["Description"] == "an order"
    assert described["Type"] == "OpenApi3"


def test_url_encoded_names_arrive_decoded(schemas: Any, server: Any, registry: str) -> None:
    import httpx

    name = "my.app-v2_x@Order.Placed"
    schemas.create_schema(
        RegistryName=registry, SchemaName=name, Type="OpenApi3", Content=openapi()
    )
    # botocore sends '@' as %40; a client sending it raw must reach the same schema.
    raw = httpx.get(f"{server.url}/v1/registries/name/{registry}/schemas/name/{name}", timeout=30)
    assert raw.status_code == 200
    assert raw.json()["SchemaName"] == name
    listed = schemas.list_schemas(RegistryName=registry)["Schemas"]
    assert [s["SchemaName"] for s in listed] == [name]


def test_duplicate_schema_is_a_conflict(schemas: Any, registry: str) -> None:
    schemas.create_schema(RegistryName=registry, SchemaName="s", Type="OpenApi3", Content=openapi())
    with pytest.raises(schemas.exceptions.ConflictException) as info:
        schemas.create_schema(
            RegistryName=registry, SchemaName="s", Type="OpenApi3", Content=openapi()
        )
    assert error_of(info)[:2] == (409, "ConflictException")


def test_update_makes_a_version_only_when_content_changes(schemas: Any, registry: str) -> None:
    first = openapi({"id": {"type": "string"}})
    schemas.create_schema(RegistryName=registry, SchemaName="s", Type="OpenApi3", Content=first)
    # Same document, other whitespace and key order: no new version.
    same = json.dumps(json.loads(first), indent=4, sort_keys=True)
    unchanged = schemas.update_schema(RegistryName=registry, SchemaName="s", Content=same)
    assert unchanged["SchemaVersion"] == "1"

    second = openapi({"id": {"type": "string"}, "total": {"type": "number"}})
    changed = schemas.update_schema(RegistryName=registry, SchemaName="s", Content=second)
    assert changed["SchemaVersion"] == "2"
    assert changed["Type"] == "OpenApi3"  # kept from the latest version
    described = schemas.describe_schema(RegistryName=registry, SchemaName="s")
    assert (described["SchemaVersion"], described["Content"]) == ("2", second)
    old = schemas.describe_schema(RegistryName=registry, SchemaName="s", SchemaVersion="1")
    assert old["Content"] == first


def test_update_description_only(schemas: Any, registry: str) -> None:
    schemas.create_schema(RegistryName=registry, SchemaName="s", Type="OpenApi3", Content=openapi())
    updated = schemas.update_schema(RegistryName=registry, SchemaName="s", Description="new")
    assert (updated["SchemaVersion"], updated["Description"]) == ("1", "new")
    assert schemas.describe_schema(RegistryName=registry, SchemaName="s")["Description"] == "new"


def test_update_can_change_the_type(schemas: Any, registry: str) -> None:
    schemas.create_schema(RegistryName=registry, SchemaName="s", Type="OpenApi3", Content=openapi())
    with pytest.raises(schemas.exceptions.BadRequestException) as info:
        schemas.update_schema(RegistryName=registry, SchemaName="s", Type="JSONSchemaDraft4")
    assert "needs Content" in error_of(info)[2]
    changed = schemas.update_schema(
        RegistryName=registry, SchemaName="s", Type="JSONSchemaDraft4", Content=DRAFT4
    )
    assert (changed["SchemaVersion"], changed["Type"]) == ("2", "JSONSchemaDraft4")


def test_update_of_missing_schema(schemas: Any, registry: str) -> None:
    with pytest.raises(schemas.exceptions.NotFoundException):
        schemas.update_schema(RegistryName=registry, SchemaName="nope", Content=openapi())


def test_json_schema_draft4(schemas: Any, registry: str) -> None:
    created = schemas.create_schema(
        RegistryName=registry, SchemaName="d4", Type="JSONSchemaDraft4", Content=DRAFT4
    )
    assert created["Type"] == "JSONSchemaDraft4"
    described = schemas.describe_schema(RegistryName=registry, SchemaName="d4")
    assert described["Content"] == DRAFT4


def test_versions_list_describe_and_delete(schemas: Any, registry: str) -> None:
    for i in range(5):
        content = openapi({f"f{i}": {"type": "string"}})
        if i == 0:
            schemas.create_schema(
                RegistryName=registry, SchemaName="v", Type="OpenApi3", Content=content
            )
        else:
            schemas.update_schema(RegistryName=registry, SchemaName="v", Content=content)
    page = schemas.list_schema_versions(RegistryName=registry, SchemaName="v", Limit=2)
    assert [v["SchemaVersion"] for v in page["SchemaVersions"]] == ["1", "2"]
    assert page["SchemaVersions"][0]["Type"] == "OpenApi3"
    assert page["SchemaVersions"][0]["SchemaName"] == "v"
    every = [
        v["SchemaVersion"]
        for p in schemas.get_paginator("list_schema_versions").paginate(
            RegistryName=registry, SchemaName="v", PaginationConfig={"PageSize": 2}
        )
        for v in p["SchemaVersions"]
    ]
    assert every == ["1", "2", "3", "4", "5"]

    schemas.delete_schema_version(RegistryName=registry, SchemaName="v", SchemaVersion="2")
    schemas.delete_schema_version(RegistryName=registry, SchemaName="v", SchemaVersion="5")
    listed = schemas.list_schema_versions(RegistryName=registry, SchemaName="v")
    assert [v["SchemaVersion"] for v in listed["SchemaVersions"]] == ["1", "3", "4"]
    latest = schemas.describe_schema(RegistryName=registry, SchemaName="v")
    assert latest["SchemaVersion"] == "4"
    with pytest.raises(schemas.exceptions.NotFoundException):
        schemas.describe_schema(RegistryName=registry, SchemaName="v", SchemaVersion="2")
    with pytest.raises(schemas.exceptions.NotFoundException):
        schemas.delete_schema_version(RegistryName=registry, SchemaName="v", SchemaVersion="2")
    # Numbers are never reused.
    new = schemas.update_schema(
        RegistryName=registry, SchemaName="v", Content=openapi({"z": {"type": "integer"}})
    )
    assert new["SchemaVersion"] == "6"
    summary = schemas.list_schemas(RegistryName=registry)["Schemas"][0]
    assert summary["VersionCount"] == 4


def test_the_last_version_cannot_be_deleted_alone(schemas: Any, registry: str) -> None:
    schemas.create_schema(RegistryName=registry, SchemaName="s", Type="OpenApi3", Content=openapi())
    with pytest.raises(schemas.exceptions.BadRequestException) as info:
        schemas.delete_schema_version(RegistryName=registry, SchemaName="s", SchemaVersion="1")
    assert "DeleteSchema" in error_of(info)[2]


@pytest.mark.parametrize("version", ["abc", "0", "-1", "1.0"])
def test_bad_version_numbers(schemas: Any, registry: str, version: str) -> None:
    schemas.create_schema(RegistryName=registry, SchemaName="s", Type="OpenApi3", Content=openapi())
    with pytest.raises(schemas.exceptions.BadRequestException) as info:
        schemas.describe_schema(RegistryName=registry, SchemaName="s", SchemaVersion=version)
    assert "SchemaVersion" in error_of(info)[2]


def test_list_schemas_prefix_and_pages(schemas: Any, registry: str) -> None:
    names = [f"app@E{i}" for i in range(5)] + ["other@X"]
    for name in names:
        schemas.create_schema(
            RegistryName=registry, SchemaName=name, Type="OpenApi3", Content=openapi()
        )
    first = schemas.list_schemas(RegistryName=registry, SchemaNamePrefix="app@", Limit=2)
    assert [s["SchemaName"] for s in first["Schemas"]] == ["app@E0", "app@E1"]
    assert first["Schemas"][0]["VersionCount"] == 1
    assert first["Schemas"][0]["SchemaArn"].endswith(f"/{registry}/app@E0")
    every = [
        s["SchemaName"]
        for p in schemas.get_paginator("list_schemas").paginate(
            RegistryName=registry, SchemaNamePrefix="app@", PaginationConfig={"PageSize": 2}
        )
        for s in p["Schemas"]
    ]
    assert every == names[:5]


def test_delete_schema(schemas: Any, registry: str) -> None:
    schemas.create_schema(RegistryName=registry, SchemaName="s", Type="OpenApi3", Content=openapi())
    assert (
        schemas.delete_schema(RegistryName=registry, SchemaName="s")["ResponseMetadata"][
            "HTTPStatusCode"
        ]
        == 204
    )
    with pytest.raises(schemas.exceptions.NotFoundException):
        schemas.describe_schema(RegistryName=registry, SchemaName="s")
    with pytest.raises(schemas.exceptions.NotFoundException):
        schemas.delete_schema(RegistryName=registry, SchemaName="s")
    # The name is free again and starts over at version 1.
    again = schemas.create_schema(
        RegistryName=registry, SchemaName="s", Type="OpenApi3", Content=openapi()
    )
    assert again["SchemaVersion"] == "1"


@pytest.mark.parametrize(
    ("schema_type", "content", "fragment"),
    [
        ("OpenApi3", "{not json", "not valid JSON"),
        ("OpenApi3", "[1, 2]", "must be a JSON object"),
        ("OpenApi3", '{"info": {"title": "t", "version": "1"}}', "$.openapi"),
        ("OpenApi3", DRAFT4, "use Type JSONSchemaDraft4"),
        ("OpenApi3", json.dumps({"openapi": "2.0"}), "3.x"),
        (
            "OpenApi3",
            json.dumps({"openapi": "3.0.0", "info": {"title": "t"}, "paths": {}}),
            "$.info.version",
        ),
        (
            "OpenApi3",
            json.dumps({"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}}),
            "$.components",
        ),
        (
            "OpenApi3",
            openapi({"total": {"type": "decimal"}}, title="Order"),
            "$.components.schemas.Order.properties.total.type",
        ),
        (
            "OpenApi3",
            openapi({"c": {"$ref": "#/components/schemas/Missing"}}, title="Order"),
            "#/components/schemas/Missing",
        ),
        ("JSONSchemaDraft4", '{"type": 5}', "$.type"),
        ("JSONSchemaDraft4", '{"required": []}', "$.required"),
        (
            "JSONSchemaDraft4",
            '{"$schema": "https://json-schema.org/draft/2020-12/schema"}',
            "$schema",
        ),
        ("JSONSchemaDraft4", openapi(), "Type OpenApi3"),
        ("JSONSchemaDraft4", '{"properties": {"a": {"pattern": "("}}}', "$.properties.a"),
    ],
)
def test_invalid_content_is_refused_with_its_path(
    schemas: Any, registry: str, schema_type: str, content: str, fragment: str
) -> None:
    with pytest.raises(schemas.exceptions.BadRequestException) as info:
        schemas.create_schema(
            RegistryName=registry, SchemaName="bad", Type=schema_type, Content=content
        )
    status, code, message = error_of(info)
    assert (status, code) == (400, "BadRequestException")
    assert fragment in message
    with pytest.raises(schemas.exceptions.NotFoundException):
        schemas.describe_schema(RegistryName=registry, SchemaName="bad")


def test_content_size_limit(schemas: Any, registry: str) -> None:
    big = openapi({f"field{i}": {"type": "string"} for i in range(5000)})
    assert len(big) > 100_000
    with pytest.raises(schemas.exceptions.BadRequestException) as info:
        schemas.create_schema(RegistryName=registry, SchemaName="big", Type="OpenApi3", Content=big)
    assert "less than or equal to 100000" in error_of(info)[2]


@pytest.mark.parametrize("bad", ["with space", "a/b", "x" * 386, "q?x"])
def test_invalid_schema_names(schemas: Any, registry: str, bad: str) -> None:
    with pytest.raises(schemas.exceptions.BadRequestException) as info:
        schemas.create_schema(
            RegistryName=registry, SchemaName=bad, Type="OpenApi3", Content=openapi()
        )
    assert "schema name" in error_of(info)[2]
