"""Registries through boto3: CRUD, listing with prefix, scope and pages, built-ins."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.registry.helpers import error_of, openapi

ACCOUNT = "000000000000"


def test_create_describe_update_delete(schemas: Any) -> None:
    name = f"shop.orders-{uuid.uuid4().hex[:8]}"
    created = schemas.create_registry(RegistryName=name, Description="orders", Tags={"team": "a"})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["RegistryArn"] == f"arn:aws:schemas:us-east-1:{ACCOUNT}:registry/{name}"
    assert created["Description"] == "orders"
    assert created["Tags"] == {"team": "a"}

    described = schemas.describe_registry(RegistryName=name)
    assert (described["RegistryName"], described["Description"]) == (name, "orders")
    assert described["Tags"] == {"team": "a"}

    updated = schemas.update_registry(RegistryName=name, Description="all orders")
    assert updated["Description"] == "all orders"
    assert schemas.describe_registry(RegistryName=name)["Description"] == "all orders"

    deleted = schemas.delete_registry(RegistryName=name)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(schemas.exceptions.NotFoundException):
        schemas.describe_registry(RegistryName=name)


def test_duplicate_registry_is_a_conflict(schemas: Any, registry: str) -> None:
    with pytest.raises(schemas.exceptions.ConflictException) as info:
        schemas.create_registry(RegistryName=registry)
    assert error_of(info)[:2] == (409, "ConflictException")


@pytest.mark.parametrize("bad", ["has space", "a" * 65, "slash%2Fname", "caf\u00e9"])
def test_invalid_registry_names(schemas: Any, bad: str) -> None:
    with pytest.raises(schemas.exceptions.BadRequestException) as info:
        schemas.create_registry(RegistryName=bad.replace("%2F", "/"))
    status, code, message = error_of(info)
    assert (status, code) == (400, "BadRequestException")
    assert "registry name" in message


def test_missing_registry_is_not_found_everywhere(schemas: Any) -> None:
    missing = f"gone{uuid.uuid4().hex[:8]}"
    for call in (
        lambda: schemas.describe_registry(RegistryName=missing),
        lambda: schemas.update_registry(RegistryName=missing, Description="x"),
        lambda: schemas.delete_registry(RegistryName=missing),
        lambda: schemas.list_schemas(RegistryName=missing),
        lambda: schemas.search_schemas(RegistryName=missing, Keywords="x"),
        lambda: schemas.create_schema(
            RegistryName=missing, SchemaName="s", Type="OpenApi3", Content=openapi()
        ),
    ):
        with pytest.raises(schemas.exceptions.NotFoundException) as info:
            call()
        assert error_of(info)[0] == 404
        assert missing in error_of(info)[2]


def test_builtin_registries_exist(schemas: Any) -> None:
    names = {r["RegistryName"] for r in schemas.list_registries()["Registries"]}
    assert {"aws.events", "discovered-schemas"} <= names
    described = schemas.describe_registry(RegistryName="aws.events")
    assert described["RegistryArn"].endswith(":registry/aws.events")


def test_scope(schemas: Any, registry: str) -> None:
    aws = [r["RegistryName"] for r in schemas.list_registries(Scope="AWS")["Registries"]]
    assert aws == ["aws.events"]
    local = [r["RegistryName"] for r in _all(schemas, Scope="LOCAL")]
    assert registry in local
    assert "discovered-schemas" in local
    assert "aws.events" not in local
    with pytest.raises(schemas.exceptions.BadRequestException) as info:
        schemas.list_registries(Scope="EVERYWHERE")
    assert "Scope" in error_of(info)[2]


def _all(schemas: Any, **params: Any) -> list[dict[str, Any]]:
    return [
        r
        for page in schemas.get_paginator("list_registries").paginate(**params)
        for r in page["Registries"]
    ]


def test_prefix_and_pagination(schemas: Any) -> None:
    prefix = f"p{uuid.uuid4().hex[:8]}-"
    names = [f"{prefix}{i:02d}" for i in range(7)]
    for name in names:
        schemas.create_registry(RegistryName=name)
    first = schemas.list_registries(RegistryNamePrefix=prefix, Limit=3)
    assert [r["RegistryName"] for r in first["Registries"]] == names[:3]
    assert first["NextToken"]
    second = schemas.list_registries(
        RegistryNamePrefix=prefix, Limit=3, NextToken=first["NextToken"]
    )
    assert [r["RegistryName"] for r in second["Registries"]] == names[3:6]
    paged = _all(schemas, RegistryNamePrefix=prefix, PaginationConfig={"PageSize": 2})
    assert [r["RegistryName"] for r in paged] == names


def test_builtin_registries_are_protected(schemas: Any) -> None:
    for name in ("aws.events", "discovered-schemas"):
        with pytest.raises(schemas.exceptions.ForbiddenException) as info:
            schemas.delete_registry(RegistryName=name)
        assert error_of(info)[:2] == (403, "ForbiddenException")
    with pytest.raises(schemas.exceptions.ForbiddenException):
        schemas.update_registry(RegistryName="aws.events", Description="mine now")
    with pytest.raises(schemas.exceptions.ConflictException):
        schemas.create_registry(RegistryName="discovered-schemas")


def test_deleting_a_registry_deletes_its_schemas(schemas: Any, registry: str) -> None:
    schemas.create_schema(RegistryName=registry, SchemaName="s", Type="OpenApi3", Content=openapi())
    schemas.put_resource_policy(RegistryName=registry, Policy='{"Statement": []}')
    schemas.delete_registry(RegistryName=registry)
    schemas.create_registry(RegistryName=registry)
    assert schemas.list_schemas(RegistryName=registry)["Schemas"] == []
    with pytest.raises(schemas.exceptions.NotFoundException):
        schemas.describe_schema(RegistryName=registry, SchemaName="s")
    with pytest.raises(schemas.exceptions.NotFoundException):
        schemas.get_resource_policy(RegistryName=registry)


def test_bad_next_token(schemas: Any) -> None:
    with pytest.raises(ClientError) as info:
        schemas.list_registries(NextToken="not-a-token%%")
    assert error_of(info)[:2] == (400, "BadRequestException")
